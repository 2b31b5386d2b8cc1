"""Adding downloads: aria2.addUri, aria2.addMetalink, and aria2.addTorrent (refused plainly)."""

from __future__ import annotations

import base64
import binascii
import secrets
from pathlib import Path
from typing import Any

from wherry.core.categories import folder_for
from wherry.core.jobs import AddRequest, Job, JobState, Pieces
from wherry.engine import unique_name
from wherry.remote.context import RemoteContext, gid_of
from wherry.remote.options import AddOptions, read_add_options
from wherry.remote.protocol import Handler, InvalidParams, RpcFault, arg
from wherry.verify.metalink import ordered_urls, parse_metalink

__all__ = ["methods"]

NO_TORRENTS = (
    "Wherry does not download torrents; give it the file's web addresses (aria2.addUri) or a "
    "metalink (aria2.addMetalink) instead."
)


def methods(ctx: RemoteContext) -> dict[str, Handler]:
    async def add_uri(params: list[Any]) -> str:
        uris = arg(params, 0, list)
        if not uris or not all(isinstance(u, str) for u in uris):
            raise InvalidParams("addUri takes a non-empty list of URIs.")
        options = read_add_options(arg(params, 1, dict, {}), ctx.default_dir())
        job = await _add(ctx, uris[0], tuple(uris[1:]), options, options.filename)
        await _place(ctx, job, arg(params, 2, int, None))
        return gid_of(job.id)

    async def add_metalink(params: list[Any]) -> list[str]:
        encoded = arg(params, 0, str)
        options = read_add_options(arg(params, 1, dict, {}), ctx.default_dir())
        try:
            data = base64.b64decode(encoded, validate=False)
        except (binascii.Error, ValueError):
            raise RpcFault(1, "The metalink is not base64-encoded.") from None
        metalink = parse_metalink(data)
        if not metalink.files:
            raise RpcFault(1, "The metalink describes no file.")
        gids = []
        for entry in metalink.files:
            urls = ordered_urls(entry)
            if not urls:
                raise RpcFault(1, f"The metalink gives no web address for {entry.name}.")
            pieces = entry.pieces
            job = await _add(
                ctx,
                urls[0],
                tuple(urls[1:]),
                options,
                entry.name,
                checksum=entry.checksum,
                pieces=Pieces(pieces.algorithm, pieces.length, pieces.hashes) if pieces else None,
            )
            gids.append(gid_of(job.id))
        return gids

    async def add_torrent(params: list[Any]) -> str:
        raise RpcFault(1, NO_TORRENTS)

    return {
        "aria2.addUri": add_uri,
        "aria2.addMetalink": add_metalink,
        "aria2.addTorrent": add_torrent,
    }


async def _add(
    ctx: RemoteContext,
    url: str,
    mirrors: tuple[str, ...],
    options: AddOptions,
    filename: str | None,
    **extra: Any,
) -> Job:
    job_id = None
    if options.gid is not None:
        if ctx.gid_in_use(options.gid):
            raise RpcFault(1, f"GID {options.gid} is not unique.")
        job_id = options.gid + secrets.token_hex(8)
    directory = options.directory
    if not options.folder_given:  # the global dir, sorted by category when the user chose so
        directory = folder_for(ctx.settings(), url, directory, filename).directory
    if filename is not None and not options.overwrite:
        filename = _free_name(ctx, directory, filename)
    request = AddRequest(
        url=url,
        directory=directory,
        filename=filename,
        overwrite=options.overwrite,
        checksum=extra.pop("checksum", None) or options.checksum,
        mirrors=mirrors,
        connections=options.connections,
        start_paused=options.start_paused,
        headers=options.headers,
        job_id=job_id,
        **extra,
    )
    job = await ctx.engine.add(request)
    if options.speed_limit:
        await ctx.engine.set_speed_limit(job.id, options.speed_limit)
    return job


def _free_name(ctx: RemoteContext, directory: str, name: str) -> str:
    """aria2 renames rather than refuse (its auto-file-renaming): ``name (1).ext`` as Wherry names."""
    folder = Path(directory).expanduser().resolve()
    taken = {
        j.filename
        for j in ctx.engine.jobs()
        if j.filename and Path(j.directory) == folder and j.state is not JobState.CANCELLED
    }
    return unique_name(folder, name, taken)


async def _place(ctx: RemoteContext, job: Job, position: int | None) -> None:
    if position is not None and ctx.status(job) in ("waiting", "paused"):
        await ctx.move_in_waiting(job, max(position, 0))
