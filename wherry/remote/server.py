"""The transport: aiohttp.web on the engine's event loop, answering at ``/jsonrpc``.

POST carries a request or a batch; GET carries one in the query (``method``, ``id``, base64
``params``, optional ``jsoncallback`` for JSONP); a WebSocket on the same path carries requests
and receives notifications. Guards, in order: the Host header (against DNS rebinding, unless
listening on every interface), the 2 MiB body limit, then the secret inside each call.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import errno
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from aiohttp import WSMsgType, web

from wherry.core.errors import ErrorKind, InputError
from wherry.core.events import Event
from wherry.core.settings import Settings
from wherry.engine import Engine
from wherry.remote.context import RemoteContext, gid_of
from wherry.remote.methods_system import methods_for
from wherry.remote.notifications import message, notification_for
from wherry.remote.protocol import Outcome, Rpc, error_response, http_status
from wherry.remote.removals import Removals

__all__ = ["MAX_BODY", "RemoteConfig", "RemoteServer"]

log = logging.getLogger(__name__)

MAX_BODY = 2 * 1024 * 1024
# aria2 answers a wrong token after a second, so guessing the secret is slow.
UNAUTHORIZED_DELAY = 1.0
CONTENT_TYPE = "application/json-rpc"
CLOSE_TIMEOUT = 0.5
_LOOPBACK_NAMES = {"localhost", "localhost.", "127.0.0.1", "::1", "[::1]"}
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,127}$")


@dataclass(frozen=True)
class RemoteConfig:
    port: int = 6800
    secret: str = ""
    listen_all: bool = False
    allow_origin_all: bool = False


def _is_loopback_host(host: str) -> bool:
    name = host.strip().lower()
    if name.startswith("["):
        name = name.split("]", 1)[0] + "]"
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    return name in _LOOPBACK_NAMES or re.fullmatch(r"127(\.\d{1,3}){3}", name) is not None


class RemoteServer:
    """aria2-compatible remote control of one engine; ``start()`` binds, ``stop()`` lets go."""

    def __init__(
        self,
        engine: Engine,
        config: RemoteConfig,
        *,
        default_dir: Callable[[], str],
        apply_settings: Callable[[Settings], None],
        shutdown: Callable[[], None] = lambda: None,
        removals_file: Path | None = None,
    ) -> None:
        """``removals_file`` keeps what clients removed across restarts (None: in memory only)."""
        self.config = config
        self.engine = engine
        self.ctx = RemoteContext(
            engine,
            default_dir,
            apply_settings,
            shutdown,
            notify=self.notify,
            removals=Removals(removals_file),
        )
        self.rpc = Rpc(methods_for(self.ctx, lambda: self.port), config.secret)
        self.port: int | None = None
        self._runner: web.AppRunner | None = None
        self._sockets: dict[web.WebSocketResponse, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._unsubscribe: Callable[[], None] | None = None

    # -- lifetime ----------------------------------------------------------------------------

    async def start(self) -> int:
        """Listen; InputError with one sentence when that is refused or the port is taken."""
        config = self.config
        if config.listen_all and not config.secret:
            raise InputError(
                ErrorKind.BAD_INPUT,
                "Listening on every network interface needs a secret (--secret or --secret-file).",
            )
        if not 0 <= config.port <= 65535:
            raise InputError(ErrorKind.BAD_INPUT, f"{config.port} is not a port number (1–65535).")
        app = web.Application(client_max_size=MAX_BODY, middlewares=[self._guard])
        app.router.add_route("*", "/jsonrpc", self._jsonrpc)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        try:
            await web.TCPSite(runner, None if config.listen_all else "127.0.0.1", config.port).start()
        except OSError as exc:
            await runner.cleanup()
            if exc.errno == errno.EADDRINUSE:
                raise InputError(
                    ErrorKind.BAD_INPUT,
                    f"Port {config.port} is already in use by another program; choose another port.",
                ) from exc
            raise InputError(
                ErrorKind.BAD_INPUT, f"Wherry could not listen on port {config.port}: {exc.strerror}."
            ) from exc
        self._runner = runner
        self.ctx.removals.keep_only({j.id for j in self.engine.jobs()})
        addresses = runner.addresses
        self.port = addresses[0][1] if addresses else config.port
        if not config.listen_all:
            # "localhost" may resolve to ::1 first; where IPv6 is missing, 127.0.0.1 is enough.
            with contextlib.suppress(OSError):
                await web.TCPSite(runner, "::1", self.port).start()
        self._unsubscribe = self.engine.subscribe(self._on_event)
        log.info("remote control listening on port %s (all interfaces: %s)", self.port, config.listen_all)
        return self.port

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._sockets:
            # Together, and bounded: quitting must not wait on a client that stopped reading.
            closing = [asyncio.wait_for(ws.close(), CLOSE_TIMEOUT) for ws in list(self._sockets)]
            await asyncio.gather(*closing, return_exceptions=True)
        for task in list(self._tasks):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- notifications -----------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        self.ctx.forget_removal(event)
        if self.ctx.removed_by_client(event):
            return  # remove() sends onDownloadStop itself
        method = notification_for(event)
        if method is not None:
            self.notify(method, gid_of(event.job_id))

    def notify(self, method: str, gid: str) -> None:
        text = message(method, gid)
        for ws in list(self._sockets):
            self._spawn(self._send(ws, text))

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, ws: web.WebSocketResponse, text: str) -> None:
        lock = self._sockets.get(ws)
        if lock is None:
            return
        async with lock:
            with contextlib.suppress(Exception):
                await ws.send_str(text)

    # -- HTTP --------------------------------------------------------------------------------

    @web.middleware
    async def _guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if not self.config.listen_all and not _is_loopback_host(request.headers.get("Host", "")):
            # A web page whose name was rebound to 127.0.0.1 still sends its own name as Host.
            return web.Response(
                status=403, text="Wherry answers only requests addressed to this computer (localhost)."
            )
        if self._foreign_page_without_secret(request.headers.get("Origin")):
            # A browser lets any page send (not read) a POST and open a WebSocket to localhost;
            # without a secret that would let every web site add downloads.
            return web.Response(
                status=403,
                text="Web pages may control Wherry only when a secret is set or web pages are allowed.",
            )
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if self.config.allow_origin_all:
                exc.headers["Access-Control-Allow-Origin"] = "*"
            raise
        if self.config.allow_origin_all and not response.prepared:
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    def _foreign_page_without_secret(self, origin: str | None) -> bool:
        """An Origin of a web site (not an extension, not this computer) with no secret to check."""
        if not origin or self.config.secret or self.config.allow_origin_all:
            return False
        scheme, _, rest = origin.partition("://")
        return scheme.lower() in ("http", "https") and not _is_loopback_host(rest.split("/", 1)[0])

    async def _jsonrpc(self, request: web.Request) -> web.StreamResponse:
        if request.method == "OPTIONS":
            return self._preflight(request)
        if request.method == "GET":
            ws = web.WebSocketResponse(max_msg_size=MAX_BODY)
            if ws.can_prepare(request).ok:
                return await self._websocket(request, ws)
            outcome, callback = await self._from_query(request)
            return await self._answer(outcome, callback)
        if request.method == "POST":
            if (request.content_length or 0) > MAX_BODY:
                raise web.HTTPRequestEntityTooLarge(MAX_BODY, request.content_length or 0)
            body = await request.read()  # a chunked body over client_max_size: 413 too
            return await self._answer(await self.rpc.handle_text(body), None)
        raise web.HTTPMethodNotAllowed(request.method, ["GET", "POST", "OPTIONS"])

    def _preflight(self, request: web.Request) -> web.Response:
        """As aria2: methods, max age and the requested headers, only when origins are allowed."""
        response = web.Response(status=200)
        headers = request.headers
        asked = "Origin" in headers and "Access-Control-Request-Method" in headers
        if self.config.allow_origin_all and asked:
            response.headers["Access-Control-Allow-Methods"] = "POST, GET, OPTIONS"
            response.headers["Access-Control-Max-Age"] = "1728000"
            if "Access-Control-Request-Headers" in headers:
                response.headers["Access-Control-Allow-Headers"] = headers["Access-Control-Request-Headers"]
        return response

    async def _from_query(self, request: web.Request) -> tuple[Outcome, str | None]:
        """aria2's GET form: method, id and base64 params; without method and id, params is a batch."""
        fields: dict[str, str] = {}
        for part in request.rel_url.raw_query_string.split("&"):
            key, _, value = part.partition("=")
            if key in ("method", "id", "params", "jsoncallback") and key not in fields:
                fields[key] = unquote(value)
        callback = fields.get("jsoncallback")
        if callback is not None and not _CALLBACK.match(callback):
            return Outcome(error_response(-32600, "Invalid Request.", None), -32600), None
        params: Any = None
        if "params" in fields:
            try:
                params = json.loads(base64.b64decode(fields["params"], validate=False))
            except (binascii.Error, ValueError, RecursionError):
                return Outcome(error_response(-32700, "Parse error.", None), -32700), callback
        method, request_id = fields.get("method"), fields.get("id")
        if not method and not request_id:
            if params is None:
                return Outcome(error_response(-32700, "Parse error.", None), -32700), callback
            return await self.rpc.handle(params), callback
        data: dict[str, Any] = {}
        if method:
            data["method"] = method
        if request_id:
            data["id"] = request_id
        if "params" in fields:
            data["params"] = params
        return await self.rpc.handle(data), callback

    async def _answer(self, outcome: Outcome, callback: str | None) -> web.Response:
        if outcome.unauthorized:
            await asyncio.sleep(UNAUTHORIZED_DELAY)
        text = json.dumps(outcome.value)
        status = 200 if isinstance(outcome.value, list) else http_status(outcome.code)
        if callback:
            return web.Response(status=status, text=f"{callback}({text})", content_type="text/javascript")
        return web.Response(status=status, text=text, content_type=CONTENT_TYPE)

    # -- WebSocket ---------------------------------------------------------------------------

    async def _websocket(self, request: web.Request, ws: web.WebSocketResponse) -> web.WebSocketResponse:
        await ws.prepare(request)
        self._sockets[ws] = asyncio.Lock()
        try:
            async for msg in ws:
                if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    outcome = await self.rpc.handle_text(msg.data)
                    if outcome.unauthorized:
                        await asyncio.sleep(UNAUTHORIZED_DELAY)
                    await self._send(ws, json.dumps(outcome.value))
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            self._sockets.pop(ws, None)
        return ws
