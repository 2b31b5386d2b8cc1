"""Options, the session, and the system.* methods; ``methods_for`` gathers every group."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from wherry.remote import methods_add, methods_control, methods_query
from wherry.remote.context import RemoteContext
from wherry.remote.options import global_options, job_options, parse_size, settings_with
from wherry.remote.protocol import Handler, InvalidParams, arg

__all__ = ["NOTIFICATIONS", "PROTOCOL_VERSION", "methods_for"]

# The aria2 release whose RPC interface this implements. Clients gate features on the version
# they read, so they get the protocol's version, not Wherry's.
PROTOCOL_VERSION = "1.37.0"
# What Wherry really has, in aria2's feature names: no BitTorrent, no XML-RPC, no GZip.
FEATURES = ["HTTPS", "Message Digest", "Metalink"]
NOTIFICATIONS = [
    "aria2.onDownloadStart",
    "aria2.onDownloadPause",
    "aria2.onDownloadStop",
    "aria2.onDownloadComplete",
    "aria2.onDownloadError",
]


def methods_for(ctx: RemoteContext, port: Callable[[], int | None] = lambda: None) -> dict[str, Handler]:
    """Every method by its full name, as system.listMethods reports them."""
    table: dict[str, Handler] = {}
    for group in (methods_add, methods_control, methods_query):
        table.update(group.methods(ctx))
    table.update(_methods(ctx, port))

    async def list_methods(params: list[Any]) -> list[str]:
        return [*table, "system.multicall"]

    async def list_notifications(params: list[Any]) -> list[str]:
        return list(NOTIFICATIONS)

    table["system.listMethods"] = list_methods
    table["system.listNotifications"] = list_notifications
    return table


def _methods(ctx: RemoteContext, port: Callable[[], int | None]) -> dict[str, Handler]:
    engine = ctx.engine

    async def get_option(params: list[Any]) -> dict[str, str]:
        return job_options(ctx.find(arg(params, 0, str)), ctx.settings())

    async def change_option(params: list[Any]) -> str:
        job = ctx.find(arg(params, 0, str))
        options = arg(params, 1, dict)
        limit = options.get("max-download-limit")
        if limit is not None:
            if not isinstance(limit, str | int) or isinstance(limit, bool):
                raise InvalidParams("max-download-limit takes a string.")
            await engine.set_speed_limit(job.id, parse_size(str(limit), "max-download-limit"))
        return "OK"

    async def get_global_option(params: list[Any]) -> dict[str, str]:
        return global_options(ctx.settings(), ctx.default_dir(), port())

    async def change_global_option(params: list[Any]) -> str:
        ctx.apply_settings(settings_with(ctx.settings(), arg(params, 0, dict), ctx.default_dir()))
        return "OK"

    async def get_version(params: list[Any]) -> dict[str, Any]:
        return {"version": PROTOCOL_VERSION, "enabledFeatures": list(FEATURES)}

    async def session_info(params: list[Any]) -> dict[str, str]:
        return {"sessionId": ctx.session_id}

    async def save_session(params: list[Any]) -> str:
        return "OK"  # every change is already in the store, committed when it was made

    async def shutdown(params: list[Any]) -> str:
        # After this answer is on its way: the transport finishes the request it is serving.
        asyncio.get_running_loop().call_soon(ctx.shutdown)
        return "OK"

    return {
        "aria2.getOption": get_option,
        "aria2.changeOption": change_option,
        "aria2.getGlobalOption": get_global_option,
        "aria2.changeGlobalOption": change_global_option,
        "aria2.getVersion": get_version,
        "aria2.getSessionInfo": session_info,
        "aria2.saveSession": save_session,
        "aria2.shutdown": shutdown,
        "aria2.forceShutdown": shutdown,
    }
