"""Reading downloads: tellStatus and the three lists, URIs, files, servers, peers, global stats.

Progress is pulled, as in aria2: each call reads the engine's snapshot of the moment.
"""

from __future__ import annotations

from typing import Any

from wherry.core.jobs import Job
from wherry.remote.context import RemoteContext, gid_of
from wherry.remote.protocol import Handler, InvalidParams, RpcFault, arg
from wherry.remote.status import files_of, status_struct, uris_of

__all__ = ["methods", "page"]


def page(items: list[Any], offset: int, num: int) -> list[Any]:
    """aria2's pagination: a negative offset counts from the end and the page comes reversed."""
    if num <= 0:
        return []
    size = len(items)
    if offset < 0:
        last = size + offset  # index of the first item returned
        if last < 0:
            return []
        first = max(last - (num - 1), 0)
        return items[first : last + 1][::-1]
    return items[offset : offset + num]


def _keys(params: list[Any], index: int) -> list[str] | None:
    keys: list[Any] | None = arg(params, index, list, None)
    if keys is None:
        return None
    if not all(isinstance(k, str) for k in keys):
        raise InvalidParams("keys is a list of strings.")
    return [str(k) for k in keys]


def methods(ctx: RemoteContext) -> dict[str, Handler]:
    engine = ctx.engine

    def struct(job: Job, keys: list[str] | None, progress: Any = None) -> dict[str, Any]:
        if progress is None:
            progress = engine.snapshot().get(job.id)
        return status_struct(job, gid_of(job.id), ctx.status(job), progress, keys)

    def listing(jobs: list[Job], keys: list[str] | None) -> list[dict[str, Any]]:
        snapshot = engine.snapshot()
        return [struct(j, keys, snapshot.get(j.id)) for j in jobs]

    async def tell_status(params: list[Any]) -> dict[str, Any]:
        return struct(ctx.find(arg(params, 0, str)), _keys(params, 1))

    async def tell_active(params: list[Any]) -> list[dict[str, Any]]:
        jobs = [j for j in ctx.visible() if ctx.status(j) == "active"]
        return listing(jobs, _keys(params, 0))

    async def tell_waiting(params: list[Any]) -> list[dict[str, Any]]:
        offset, num = arg(params, 0, int), arg(params, 1, int)
        return listing(page(ctx.waiting(), offset, num), _keys(params, 2))

    async def tell_stopped(params: list[Any]) -> list[dict[str, Any]]:
        offset, num = arg(params, 0, int), arg(params, 1, int)
        stopped = [j for j in ctx.visible() if ctx.status(j) in ("complete", "error", "removed")]
        return listing(page(stopped, offset, num), _keys(params, 2))

    async def get_uris(params: list[Any]) -> list[dict[str, str]]:
        return uris_of(ctx.find(arg(params, 0, str)))

    async def get_files(params: list[Any]) -> list[dict[str, Any]]:
        job = ctx.find(arg(params, 0, str))
        return files_of(job, engine.snapshot().get(job.id))

    async def get_servers(params: list[Any]) -> list[dict[str, Any]]:
        job = ctx.find(arg(params, 0, str))
        if ctx.status(job) != "active":
            raise RpcFault(1, f"No active download for GID#{gid_of(job.id)}")
        progress = engine.snapshot().get(job.id)
        speed = int(progress.speed) if progress is not None else 0
        server = {"uri": job.url, "currentUri": job.url, "downloadSpeed": str(speed)}
        return [{"index": "1", "servers": [server]}]

    async def get_peers(params: list[Any]) -> list[Any]:
        ctx.find(arg(params, 0, str))
        return []  # no BitTorrent, so never a peer

    async def global_stat(params: list[Any]) -> dict[str, str]:
        snapshot = engine.snapshot()
        statuses = [ctx.status(j) for j in ctx.visible()]
        speed = sum(int(p.speed) for p in snapshot.values() if p.state.is_active)
        stopped = sum(s in ("complete", "error", "removed") for s in statuses)
        return {
            "downloadSpeed": str(speed),
            "uploadSpeed": "0",
            "numActive": str(statuses.count("active")),
            "numWaiting": str(statuses.count("waiting") + statuses.count("paused")),
            "numStopped": str(stopped),
            "numStoppedTotal": str(stopped),
        }

    return {
        "aria2.tellStatus": tell_status,
        "aria2.tellActive": tell_active,
        "aria2.tellWaiting": tell_waiting,
        "aria2.tellStopped": tell_stopped,
        "aria2.getUris": get_uris,
        "aria2.getFiles": get_files,
        "aria2.getServers": get_servers,
        "aria2.getPeers": get_peers,
        "aria2.getGlobalStat": global_stat,
    }
