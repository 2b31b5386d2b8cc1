"""Changing downloads: pause, unpause, remove, reorder, new addresses, forgetting results.

Removing never deletes bytes: the job is paused (its .part and checkpoint kept) and shown to
clients as removed; see ``wherry.remote.context``.
"""

from __future__ import annotations

from typing import Any

from wherry.core.jobs import Job, JobState
from wherry.remote.context import RemoteContext, gid_of
from wherry.remote.protocol import Handler, InvalidParams, RpcFault, arg

__all__ = ["methods"]


def methods(ctx: RemoteContext) -> dict[str, Handler]:
    engine = ctx.engine

    async def remove(params: list[Any]) -> str:
        job = ctx.find(arg(params, 0, str))
        gid = gid_of(job.id)
        if ctx.status(job) not in ("active", "waiting", "paused"):
            raise RpcFault(1, f"GID#{gid} cannot be removed now")
        ctx.removals.remove(job.id)
        if job.state is not JobState.PAUSED:
            await engine.pause(job.id)
        ctx.notify("aria2.onDownloadStop", gid)
        return gid

    async def pause(params: list[Any]) -> str:
        job = ctx.find(arg(params, 0, str))
        if ctx.status(job) not in ("active", "waiting"):
            raise RpcFault(1, f"GID#{gid_of(job.id)} cannot be paused now")
        await engine.pause(job.id)
        return gid_of(job.id)

    async def pause_all(params: list[Any]) -> str:
        await engine.pause_all()
        return "OK"

    async def unpause(params: list[Any]) -> str:
        job = ctx.find(arg(params, 0, str))
        if ctx.status(job) != "paused":
            raise RpcFault(1, f"GID#{gid_of(job.id)} cannot be unpaused now")
        await engine.resume(job.id)
        return gid_of(job.id)

    async def unpause_all(params: list[Any]) -> str:
        for job in ctx.waiting():
            if ctx.status(job) == "paused":
                await engine.resume(job.id)
        return "OK"

    async def change_position(params: list[Any]) -> int:
        job = ctx.find(arg(params, 0, str))
        pos, how = arg(params, 1, int), arg(params, 2, str)
        waiting = ctx.waiting()
        if job not in waiting:
            raise RpcFault(1, f"GID#{gid_of(job.id)} not found in the waiting queue.")
        current = waiting.index(job)
        if how == "POS_SET":
            target = pos
        elif how == "POS_CUR":
            target = current + pos
        elif how == "POS_END":
            target = len(waiting) - 1 + pos
        else:
            raise InvalidParams("How to move is POS_SET, POS_CUR or POS_END.")
        return await ctx.move_in_waiting(job, target)

    async def change_uri(params: list[Any]) -> list[int]:
        job = ctx.find(arg(params, 0, str))
        index = arg(params, 1, int)
        deleted, added = arg(params, 2, list), arg(params, 3, list)
        if not all(isinstance(u, str) for u in [*deleted, *added]):
            raise InvalidParams("changeUri takes lists of URIs.")
        if index != 1:
            raise RpcFault(1, f"The download has one file; there is no file index {index}.")
        if ctx.status(job) in ("complete", "removed"):
            raise RpcFault(1, f"GID#{gid_of(job.id)} is not active or waiting.")
        gone = sum(1 for u in deleted if u in job.urls)
        if not added and not gone:
            return [0, 0]
        if job.url not in deleted or not added:
            raise RpcFault(
                1,
                "Wherry changes a download's address as a whole: delete its current URI and add "
                "the new one in the same call.",
            )
        await _replace(ctx, job, added[0])
        return [gone, 1]

    async def remove_result(params: list[Any]) -> str:
        job = ctx.find(arg(params, 0, str))
        if ctx.status(job) not in ("complete", "error", "removed"):
            raise RpcFault(1, f"Could not remove download result of GID#{gid_of(job.id)}")
        await _forget(ctx, job)
        return "OK"

    async def purge(params: list[Any]) -> str:
        for job in ctx.visible():
            if ctx.status(job) in ("complete", "error", "removed"):
                await _forget(ctx, job)
        return "OK"

    return {
        "aria2.remove": remove,
        "aria2.forceRemove": remove,
        "aria2.pause": pause,
        "aria2.forcePause": pause,
        "aria2.pauseAll": pause_all,
        "aria2.forcePauseAll": pause_all,
        "aria2.unpause": unpause,
        "aria2.unpauseAll": unpause_all,
        "aria2.changePosition": change_position,
        "aria2.changeUri": change_uri,
        "aria2.removeDownloadResult": remove_result,
        "aria2.purgeDownloadResult": purge,
    }


async def _replace(ctx: RemoteContext, job: Job, url: str) -> None:
    """Wherry's replace-URL keeps the bytes only when the new address serves the same file."""
    was_running = job.state.is_active or job.state is JobState.QUEUED
    if was_running:
        await ctx.engine.pause(job.id)
    try:
        await ctx.engine.replace_url(job.id, url)
    finally:
        if was_running:
            await ctx.engine.resume(job.id)


async def _forget(ctx: RemoteContext, job: Job) -> None:
    """A finished or cancelled job leaves the list (its file stays); others only leave the view."""
    if job.state in (JobState.FINISHED, JobState.CANCELLED):
        await ctx.engine.remove(job.id)
    else:
        ctx.removals.hide(job.id)
