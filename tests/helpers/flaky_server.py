"""A misbehaving HTTP server for tests.

`FlakyServer` serves in-memory files over HTTP/1.1 on 127.0.0.1 from its own event loop in a daemon
thread, so asyncio tests, Qt tests and tests that start a real `wherry` process can all download from
it. Served correctly, it follows RFC 9110: HEAD and GET, `Accept-Ranges: bytes`, one range per
request (206 with `Content-Range`, 416 with `bytes */len`), If-Range with a strong ETag or an exact
Last-Modified date. A `FaultPlan` per path makes it misbehave the way real servers do.

    srv = FlakyServer().start()            # or the `flaky_server` fixture
    url = srv.add("/a.bin", data, plan=FaultPlan(drop_after=1000, drop_times=1))
    ...download url...
    assert srv.requests[1].headers["Range"] == "bytes=1000-"
    srv.stop()

Counting rules: `statuses`, `change_after` and the body faults count GET requests only. A body fault
(`drop_after`, `stall_after`, `gate_after`, `wrong_content_range`, `wrong_range_end`,
`wrong_content_length`, `corrupt_at`) is counted each time it actually fires, so `drop_times=1`
drops the first response long enough to be cut and no other.
`redirect_to` and `always_status` answer HEAD as well as GET (unless `head_status` says otherwise),
because a moved or missing file is missing for both.

Broken transfers: a drop, an expired stall or an over-long Content-Length ends the connection with a
FIN after the bytes sent, so an HTTP client reports an incomplete payload (ClientPayloadError in
aiohttp, IncompleteRead in http.client); `drop_with_reset` sends an RST instead. Nothing announces it:
the response carries no "Connection: close".

The request log is written ahead of the wire: once a client has seen a status or a byte, `requests`,
`bytes_sent` and the waits already account for it. Each record carries its arrival time (`at`, on
the `time.monotonic()` clock), so a test can check how long a client waited between requests.

Header values: aiohttp refuses control characters (other than tab) and DEL in header names and values.
Such values in `extra_headers` are still sent: the response head is then written byte for byte by this
server (UTF-8 for text; a CR LF inside a value starts a new header line), without flow control, and
the connection is closed after that response.
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import hashlib
import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Literal

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

__all__ = ["DEFAULT_LAST_MODIFIED", "FaultPlan", "FlakyServer", "Recorded", "if_range_matches", "parse_range"]

DEFAULT_LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"

# How long shutdown waits for a handler; stalls and gates are woken on stop, so this is a backstop.
_SHUTDOWN_TIMEOUT = 5.0
# Drip pacing: a slow server still sends something every 50 ms.
_DRIP_INTERVAL = 0.05
# Bound on waiting for written bytes to leave before a reset.
_FLUSH_TIMEOUT = 5.0
_UNSATISFIABLE: Literal["unsatisfiable"] = "unsatisfiable"


class _Unset:
    """Marks an argument that was not given, where None has a meaning of its own."""


_UNSET = _Unset()


@dataclass
class FaultPlan:
    """How one path misbehaves. Every field left at its default means "behave correctly"."""

    statuses: Sequence[int] = ()
    """Served one per GET, before normal service: `[503, 503]` fails twice, then serves."""
    retry_after: str | None = None
    """Retry-After value sent with `statuses` and `always_status` answers."""
    always_status: int | None = None
    """Every request (GET and HEAD) gets this status: a permanent 404, 410, 403, 500, 429."""

    drop_after: int | None = None
    """Close the connection after this many body bytes of a response."""
    drop_times: int | None = None
    """How many responses are dropped; None drops every one."""
    drop_with_reset: bool = False
    """End a dropped (or stalled) connection with a TCP reset instead of a FIN: the client gets the
    bytes already sent, then a "connection reset" error rather than an incomplete payload."""

    stall_after: int | None = None
    """Send this many body bytes, then nothing until the client leaves or `stall_timeout` passes;
    then the connection is closed mid-body."""
    stall_times: int | None = None
    stall_timeout: float = 60.0

    gate_after: int | None = None
    """Send this many body bytes, then wait for `FlakyServer.release(path)`."""
    gate_times: int | None = 1
    hold_at: int | None = None
    """No byte at or past this offset of the file is sent while the plan says so: every answer
    that reaches it waits there until `set_plan` lifts the hold (or the client leaves). Unlike a
    gate, a client cannot get around it with another connection."""

    drip_rate: float | None = None
    """Bytes per second, sent in small pieces every 50 ms."""
    answer_delay: float | None = None
    """Seconds to wait before answering each GET: a long round trip to a distant server."""
    total_rate: float | None = None
    """Bytes per second for all responses of this path together: a shared bottleneck behind the
    per-connection `drip_rate`, so more connections help only until it is full."""

    ignore_range: bool = False
    """Answer a ranged GET with 200 and the whole body."""
    if_range_fails: bool = False
    """Treat every If-Range as not matching (send the whole file with 200) while plain ranges are
    served: a CDN whose nodes give one file different ETags does this."""
    wrong_content_range: int | None = None
    """Shift a 206's start by this many bytes (clamped to the body) and send the shifted bytes."""
    wrong_range_times: int | None = None
    """How many 206 answers get a wrong range (shifted start or wrong end); None: every one."""
    wrong_range_end: int | None = None
    """Move a 206's last byte by this many bytes (clamped to the body): the Content-Range and the
    Content-Length agree with each other and with the bytes sent, but not with what was asked."""
    wrong_content_length: int | None = None
    """Advertise a 206's Content-Length this many bytes off; the Content-Range stays right. Shorter:
    exactly that many bytes are sent. Longer: the part is sent, then the connection is closed."""
    wrong_length_times: int | None = None
    content_range: str | None = None
    """Send this Content-Range on every 206 instead of the true one (the body is still the part
    asked for): for feeding a client's parser whatever text a test likes."""

    end_at: int | None = None
    """Every GET answer stops at this offset of the file (the Content-Length still promises the rest)
    and the connection is closed: a server that always ends early at the same byte."""

    change_after: int | None = None
    """After this many GET requests the file changes to `new_body` with the new validators."""
    new_body: bytes | None = None
    new_etag: str | None = '"changed"'
    new_last_modified: str | None = "Thu, 22 Oct 2015 07:28:00 GMT"
    change_every_request: bool = False
    """Every GET finds a new version of the file: same size, different first byte, new ETag and
    Last-Modified, so no If-Range can ever match."""

    corrupt_at: int | None = None
    """Flip every bit of the byte at this offset of the file whenever it is served."""
    corrupt_times: int | None = None

    content_length: int | None = None
    """Advertise this Content-Length on 200 and HEAD answers. Shorter than the body: exactly that
    many bytes are sent and the connection stays usable. Longer: the whole body is sent and the
    connection is then closed, so the client sees a payload cut short."""

    no_length: bool = False
    """Chunked transfer: no Content-Length, no Accept-Ranges, Range ignored."""

    head_status: int | None = None
    """Answer HEAD with this status, e.g. 405 or 403."""
    head_length: int | None = None
    """Content-Length that HEAD reports instead of the real size."""

    redirect_to: str | None = None
    """A path on this server (or an absolute URL) to redirect to."""
    redirect_status: int = 302
    redirect_times: int | None = None

    announce_digest: Literal["Repr-Digest", "Digest"] | None = None
    """Send the SHA-256 of the body being served in this header (RFC 9530 Repr-Digest, or the older
    RFC 3230 Digest) on HEAD, 200 and 206 answers."""

    extra_headers: Mapping[str, str] | Sequence[tuple[str, str]] = field(default_factory=dict)
    """Added to every response for this path; pairs allow a header twice."""

    require_headers: Mapping[str, str] = field(default_factory=dict)
    """Request headers that must be present with exactly these values, or the answer is 401 (a
    login the server wants: `{"Authorization": "Bearer t"}`). Checked before redirects."""
    reject_headers: Sequence[str] = ()
    """A request carrying any of these headers (by name) is answered 400 and recorded: a host
    that must never see them, such as a CDN a token must not leak to."""


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it, and what it did with it."""

    method: str
    path: str
    query: str
    headers: CIMultiDictProxy[str]
    status: int | None
    """The status line sent; None while still undecided or if the client left first."""
    bytes_sent: int
    """Body bytes of the file handed to the connection."""
    outcome: str
    """"pending", "complete", "dropped", "stalled", "cut_short", "client_gone" or "stopped"."""
    at: float = 0.0
    """When the request arrived, on the `time.monotonic()` clock (shared with the test process)."""
    peer_port: int | None = None
    """The client's port: requests with the same one came over the same (kept-alive) connection."""

    @property
    def range(self) -> str | None:
        return self.headers.get("Range")

    @property
    def if_range(self) -> str | None:
        return self.headers.get("If-Range")

    @property
    def user_agent(self) -> str | None:
        return self.headers.get("User-Agent")


@dataclass
class _Entry:
    method: str
    path: str
    query: str
    headers: CIMultiDictProxy[str]
    status: int | None = None
    bytes_sent: int = 0
    outcome: str = "pending"
    at: float = field(default_factory=time.monotonic)
    peer_port: int | None = None

    def freeze(self) -> Recorded:
        return Recorded(
            self.method,
            self.path,
            self.query,
            self.headers,
            self.status,
            self.bytes_sent,
            self.outcome,
            self.at,
            self.peer_port,
        )


@dataclass
class _Resource:
    body: bytes
    etag: str | None
    last_modified: str | None
    content_disposition: str | None
    content_type: str
    plan: FaultPlan
    generation: int = 1
    gets: int = 0
    changed: bool = False
    statuses_served: int = 0
    sent: int = 0
    fired: dict[str, int] = field(default_factory=dict)
    gates_reached: int = 0
    gates_released: int = 0
    gate_waiters: list[tuple[int, asyncio.Future[None]]] = field(default_factory=list)
    hold_waiters: list[asyncio.Future[None]] = field(default_factory=list)
    link_due: float = 0.0  # loop time the shared `total_rate` link is next free
    in_flight: int = 0  # GET bodies being sent right now
    peak_in_flight: int = 0


def parse_range(value: str, length: int) -> tuple[int, int] | Literal["unsatisfiable"] | None:
    """One `bytes=` range against a body of `length` bytes: (first, last) inclusive, None when the
    header is to be ignored, or "unsatisfiable" for a 416."""
    unit, eq, spec = value.partition("=")
    if not eq or unit.strip().lower() != "bytes":
        return None
    spec = spec.strip()
    # RFC 9110 §14.2: a server MAY ignore Range; this one serves a single range only.
    if "," in spec:
        return None
    first, dash, last = (part.strip() for part in spec.partition("-"))
    if not dash:
        return None
    if not first:
        if not _is_digits(last):
            return None
        suffix = int(last)
        # RFC 9110 §14.1.1: a zero suffix-length cannot be satisfied.
        if suffix == 0:
            return _UNSATISFIABLE
        # ...but a non-zero one is satisfiable even for an empty body, and no Content-Range can
        # describe an empty part: ignore the Range and send the (empty) whole with 200.
        if length == 0:
            return None
        return max(0, length - suffix), length - 1
    if not _is_digits(first) or (last and not _is_digits(last)):
        return None
    start = int(first)
    end = int(last) if last else length - 1
    if last and end < start:
        # RFC 9110 §14.1.1: an invalid range-spec makes the whole field invalid, hence ignored.
        return None
    if start >= length:
        return _UNSATISFIABLE
    return start, min(end, length - 1)


def if_range_matches(value: str, etag: str | None, last_modified: str | None) -> bool:
    """RFC 9110 §13.1.5: a strong entity tag compared exactly, or an exactly equal date."""
    value = value.strip()
    if value.startswith(("W/", '"')):
        # A weak tag never validates a range, on either side.
        return value.startswith('"') and etag is not None and not etag.startswith("W/") and value == etag
    if last_modified is None:
        return False
    try:
        return email.utils.parsedate_to_datetime(value) == email.utils.parsedate_to_datetime(last_modified)
    except (TypeError, ValueError):
        return False


def _is_digits(text: str) -> bool:
    return bool(text) and all("0" <= ch <= "9" for ch in text)


def _header_is_legal(text: str) -> bool:
    return not any((ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F for ch in text)


class FlakyServer:
    """An HTTP server on 127.0.0.1 with per-path faults; thread-safe to drive from any thread."""

    def __init__(self, *, chunk_size: int = 16 * 1024, host: str = "127.0.0.1") -> None:
        self._chunk_size = chunk_size
        self.host = host  # another loopback address (127.0.0.2) stands for another host
        self._cond = threading.Condition()
        self._resources: dict[str, _Resource] = {}
        self._log: list[_Entry] = []
        self._closing = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._stop_event: asyncio.Event | None = None
        self.port = 0

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FlakyServer:
        if self._loop is not None:
            raise RuntimeError("The server is already running.")
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._closing = False
        self._thread = threading.Thread(target=self._run_loop, args=(loop,), name="flaky-server", daemon=True)
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._serve(), loop).result(timeout=10)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Wake every stalled or gated response, shut the server down and close its loop."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._loop = None
        try:
            if self._runner is not None:
                asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=_SHUTDOWN_TIMEOUT * 3)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            if thread.is_alive():
                raise RuntimeError("The test server thread did not stop.")
            loop.close()

    def __enter__(self) -> FlakyServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            # Anything still pending would be reported as destroyed when the loop closes.
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())

    async def _serve(self) -> None:
        self._stop_event = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # handler_cancellation: a client that goes away ends a stalled or gated handler at once.
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=_SHUTDOWN_TIMEOUT
        )
        await runner.setup()
        self._runner = runner
        site = web.TCPSite(runner, self.host, 0)
        await site.start()
        self.port = runner.addresses[0][1]

    async def _shutdown(self) -> None:
        with self._cond:
            self._closing = True
        assert self._stop_event is not None
        self._stop_event.set()
        self._wake_gates()
        assert self._runner is not None
        await self._runner.cleanup()

    # -- configuration -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url + urllib.parse.quote(path, safe="/!$&'()*+,;=:@~")

    def add(
        self,
        path: str,
        body: bytes,
        *,
        etag: str | None = '"v1"',
        last_modified: str | None = DEFAULT_LAST_MODIFIED,
        content_disposition: str | None = None,
        content_type: str = "application/octet-stream",
        plan: FaultPlan | None = None,
    ) -> str:
        """Serve `body` at `path` (replacing anything there, counters included); returns its URL."""
        if not path.startswith("/"):
            raise ValueError(f"A path starts with '/': {path!r}")
        with self._cond:
            self._resources[path] = _Resource(
                bytes(body), etag, last_modified, content_disposition, content_type, plan or FaultPlan()
            )
        return self.url(path)

    def replace(
        self,
        path: str,
        body: bytes,
        *,
        etag: str | _Unset | None = _UNSET,
        last_modified: str | _Unset | None = _UNSET,
    ) -> None:
        """The file changed on the server. Unless given, new validators are made up for it."""
        with self._cond:
            res = self._resources[path]
            res.generation += 1
            res.body = bytes(body)
            res.etag = f'"v{res.generation}"' if isinstance(etag, _Unset) else etag
            if isinstance(last_modified, _Unset):
                last_modified = f"Wed, 21 Oct 2015 {7 + res.generation:02d}:28:00 GMT"
            res.last_modified = last_modified

    def set_plan(self, path: str, plan: FaultPlan) -> None:
        with self._cond:
            self._resources[path].plan = plan
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._wake_gates)

    def remove(self, path: str) -> None:
        with self._cond:
            del self._resources[path]

    # -- observation ---------------------------------------------------------------------------

    @property
    def requests(self) -> list[Recorded]:
        with self._cond:
            return [entry.freeze() for entry in self._log]

    def requests_for(self, path: str, method: str | None = None) -> list[Recorded]:
        return [r for r in self.requests if r.path == path and (method is None or r.method == method)]

    def bytes_sent(self, path: str) -> int:
        with self._cond:
            res = self._resources.get(path)
            return res.sent if res is not None else 0

    def wait_bytes_sent(self, path: str, n: int, timeout: float) -> bool:
        """Block until at least `n` body bytes of `path` were handed to connections."""
        with self._cond:
            return self._cond.wait_for(lambda: self._sent_locked(path) >= n, timeout)

    def wait_requests(self, count: int, timeout: float, path: str | None = None) -> bool:
        """Block until `count` requests (for `path`, if given) have arrived."""

        def arrived() -> bool:
            return sum(1 for e in self._log if path is None or e.path == path) >= count

        with self._cond:
            return self._cond.wait_for(arrived, timeout)

    def wait_until(self, predicate: Callable[[FlakyServer], bool], timeout: float) -> bool:
        """Block until `predicate(server)` holds; it is re-checked whenever the server records
        progress (a request, body bytes, a gate, an outcome)."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self), timeout)

    def wait_gate(self, path: str, timeout: float, count: int | None = None) -> bool:
        """Block until a response reached the gate of `path`: the next one after those already
        released, or the `count`-th one in all."""
        with self._cond:
            res = self._resources[path]
            need = count if count is not None else res.gates_released + 1
            return self._cond.wait_for(lambda: res.gates_reached >= need, timeout)

    def release(self, path: str, count: int = 1) -> None:
        """Let `count` more gated responses of `path` go on (in the order they reached the gate)."""
        with self._cond:
            self._resources[path].gates_released += count
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._wake_gates)

    def in_flight(self, path: str) -> int:
        """GET responses of `path` whose body is being sent right now (connections in use)."""
        with self._cond:
            res = self._resources.get(path)
            return res.in_flight if res is not None else 0

    def peak_in_flight(self, path: str) -> int:
        """The most GET bodies of `path` that were being sent at the same moment."""
        with self._cond:
            res = self._resources.get(path)
            return res.peak_in_flight if res is not None else 0

    def _sent_locked(self, path: str) -> int:
        res = self._resources.get(path)
        return res.sent if res is not None else 0

    # -- serving -------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        headers = CIMultiDictProxy(CIMultiDict(request.headers))
        entry = _Entry(request.method, request.path, request.query_string, headers)
        peer = request.transport.get_extra_info("peername") if request.transport is not None else None
        entry.peer_port = peer[1] if peer else None
        with self._cond:
            self._log.append(entry)
            self._cond.notify_all()
        out: _Out | None = None
        try:
            out = await self._respond(request, entry)
        except asyncio.CancelledError:
            self._note(entry, outcome="stopped" if self._closing else "client_gone")
            raise
        except ConnectionError:
            self._note(entry, outcome="client_gone")
        if out is None:
            dead = web.StreamResponse()
            dead.force_close()
            return dead
        return out.response

    async def _respond(self, request: web.Request, entry: _Entry) -> _Out:
        is_get = request.method == "GET"
        early: tuple[int, list[tuple[str, str]]] | None = None
        extra: list[tuple[str, str]] = []
        with self._cond:
            res = self._resources.get(request.path)
            if res is None:
                early = (404, [])
            else:
                plan = res.plan
                extra = list(
                    plan.extra_headers.items()
                    if isinstance(plan.extra_headers, Mapping)
                    else plan.extra_headers
                )
                if request.method not in ("GET", "HEAD"):
                    early = (405, [("Allow", "GET, HEAD")])
                elif any(name in request.headers for name in plan.reject_headers):
                    early = (400, [])
                elif any(request.headers.get(k) != v for k, v in plan.require_headers.items()):
                    early = (401, [("WWW-Authenticate", 'Bearer realm="test"')])
                else:
                    early = self._early_answer(res, is_get)
                body, etag, last_modified = res.body, res.etag, res.last_modified
                disposition, content_type = res.content_disposition, res.content_type
        raw = not all(_header_is_legal(name) and _header_is_legal(value) for name, value in extra)
        out = _Out(request, raw)
        if early is not None:
            await self._plain(out, entry, early[0], [*early[1], *extra])
            return out
        assert res is not None
        headers = CIMultiDict[str]()
        if not plan.no_length:
            headers["Accept-Ranges"] = "bytes"
        if etag is not None:
            headers["ETag"] = etag
        if last_modified is not None:
            headers["Last-Modified"] = last_modified
        if disposition is not None:
            headers["Content-Disposition"] = disposition
        headers["Content-Type"] = content_type
        if plan.announce_digest is not None:
            headers[plan.announce_digest] = _digest_field(plan.announce_digest, body)
        if is_get:
            await self._get(out, entry, res, plan, headers, extra, body, etag, last_modified)
        else:
            await self._head(out, entry, plan, headers, extra, len(body))
        return out

    def _early_answer(self, res: _Resource, is_get: bool) -> tuple[int, list[tuple[str, str]]] | None:
        """A redirect or a status instead of the file, and the counters that go with it (locked)."""
        plan = res.plan
        self._maybe_change(res, is_get)
        if is_get:
            res.gets += 1
        if plan.redirect_to is not None and self._fire(res, "redirect", plan.redirect_times):
            return plan.redirect_status, [("Location", self.url(plan.redirect_to))]
        status: int | None = None
        if not is_get and plan.head_status is not None:
            return plan.head_status, []
        if plan.always_status is not None:
            status = plan.always_status
        elif is_get and res.statuses_served < len(plan.statuses):
            status = plan.statuses[res.statuses_served]
            res.statuses_served += 1
        if status is None:
            return None
        return status, [] if plan.retry_after is None else [("Retry-After", plan.retry_after)]

    async def _plain(self, out: _Out, entry: _Entry, status: int, headers: Sequence[tuple[str, str]]) -> None:
        reason = _reason(status)
        has_body = status >= 200 and status not in (204, 304)
        text = f"{status} {reason}\n".encode() if has_body else b""
        head = CIMultiDict[str](headers)
        if has_body:
            head.setdefault("Content-Type", "text/plain; charset=utf-8")
        # Noted first: the client may act on the answer before this thread runs again.
        self._note(entry, status=status, outcome="complete")
        await out.start(status, head, length=len(text) if has_body else None, chunked=False, close=False)
        if text and out.sends_body:
            await out.write(text)
        await out.end()

    async def _head(
        self,
        out: _Out,
        entry: _Entry,
        plan: FaultPlan,
        headers: CIMultiDict[str],
        extra: list[tuple[str, str]],
        length: int,
    ) -> None:
        advertised: int | None = None
        if not plan.no_length:
            advertised = length
            if plan.head_length is not None:
                advertised = plan.head_length
            elif plan.content_length is not None:
                advertised = plan.content_length
        for name, value in extra:
            headers.add(name, value)
        self._note(entry, status=200, outcome="complete")
        await out.start(200, headers, length=advertised, chunked=plan.no_length, close=False)
        await out.end()

    async def _get(
        self,
        out: _Out,
        entry: _Entry,
        res: _Resource,
        plan: FaultPlan,
        headers: CIMultiDict[str],
        extra: list[tuple[str, str]],
        body: bytes,
        etag: str | None,
        last_modified: str | None,
    ) -> None:
        request = out.request
        if plan.answer_delay:
            await asyncio.sleep(plan.answer_delay)
        length = len(body)
        status, first, last = 200, 0, length - 1
        range_header = request.headers.get("Range")
        if range_header is not None and not plan.no_length and not plan.ignore_range:
            if_range = request.headers.get("If-Range")
            # RFC 9110 §13.1.5: a failed If-Range means "send me the whole, current representation".
            if if_range is None or (
                not plan.if_range_fails and if_range_matches(if_range, etag, last_modified)
            ):
                parsed = parse_range(range_header, length)
                if parsed == _UNSATISFIABLE:
                    await self._plain(out, entry, 416, [("Content-Range", f"bytes */{length}"), *extra])
                    return
                if isinstance(parsed, tuple):
                    status, (first, last) = 206, parsed
        with self._cond:
            if (
                status == 206
                and plan.wrong_content_range
                and self._fire(res, "wrong_range", plan.wrong_range_times)
            ):
                span = last - first
                first = min(max(first + plan.wrong_content_range, 0), length - 1)
                last = min(first + span, length - 1)
            if (
                status == 206
                and plan.wrong_range_end
                and self._fire(res, "wrong_range", plan.wrong_range_times)
            ):
                last = min(max(last + plan.wrong_range_end, first), length - 1)
            payload = body[first : last + 1]
            if (
                plan.corrupt_at is not None
                and first <= plan.corrupt_at <= last
                and self._fire(res, "corrupt", plan.corrupt_times)
            ):
                flipped = bytearray(payload)
                flipped[plan.corrupt_at - first] ^= 0xFF
                payload = bytes(flipped)
            advertised = len(payload)
            if status == 200 and plan.content_length is not None:
                advertised = plan.content_length
                payload = payload[:advertised]
            if (
                status == 206
                and plan.wrong_content_length
                and self._fire(res, "wrong_length", plan.wrong_length_times)
            ):
                advertised = max(0, advertised + plan.wrong_content_length)
                payload = payload[:advertised]
            # Where the body ends: the first fault that cuts it, else its end.
            end, ending = len(payload), "complete"
            if advertised > len(payload):
                ending = "cut_short"
            if (
                plan.stall_after is not None
                and plan.stall_after < end
                and self._fire(res, "stall", plan.stall_times)
            ):
                end, ending = plan.stall_after, "stalled"
            if plan.end_at is not None and first + end > plan.end_at:
                end, ending = max(0, plan.end_at - first), "dropped"
            if (
                plan.drop_after is not None
                and plan.drop_after < end
                and self._fire(res, "drop", plan.drop_times)
            ):
                end, ending = plan.drop_after, "dropped"
            gate_index = None
            if (
                plan.gate_after is not None
                and plan.gate_after < end
                and self._fire(res, "gate", plan.gate_times)
            ):
                gate_index = res.fired["gate"]
        if status == 206:
            true_range = f"bytes {first}-{last}/{length}"
            headers["Content-Range"] = true_range if plan.content_range is None else plan.content_range
        for name, value in extra:
            headers.add(name, value)
        # The log runs ahead of the wire, so a test that saw the bytes also sees the record.
        final = "complete" if ending == "complete" else None
        self._note(entry, status=status, outcome=final if not payload else None)
        await out.start(
            status,
            headers,
            length=None if plan.no_length else advertised,
            chunked=plan.no_length,
            # No "Connection: close" to warn the client: a real failure is not announced.
            close=False,
        )
        with self._cond:
            res.in_flight += 1
            res.peak_in_flight = max(res.peak_in_flight, res.in_flight)
            self._cond.notify_all()
        try:
            hold_at = plan.hold_at
            if hold_at is not None and 0 <= hold_at - first < end:
                held = hold_at - first
                await self._send(out, entry, res, payload, 0, held, plan.drip_rate, None)
                await self._wait_hold(res, hold_at)
                await self._send(out, entry, res, payload, held, end, plan.drip_rate, final)
            elif gate_index is not None:
                assert plan.gate_after is not None
                await self._send(out, entry, res, payload, 0, plan.gate_after, plan.drip_rate, None)
                await self._wait_gate(res, gate_index)
                await self._send(out, entry, res, payload, plan.gate_after, end, plan.drip_rate, final)
            else:
                await self._send(out, entry, res, payload, 0, end, plan.drip_rate, final)
        finally:
            with self._cond:
                res.in_flight -= 1
                self._cond.notify_all()
        if ending == "stalled":
            await self._stall(plan.stall_timeout)
        if ending == "complete":
            await out.end()
            return
        self._note(entry, outcome="stopped" if ending == "stalled" and self._closing else ending)
        # A FIN (or RST) in the middle of a promised body: the client must see a broken transfer.
        await out.cut(reset=plan.drop_with_reset)

    async def _send(
        self,
        out: _Out,
        entry: _Entry,
        res: _Resource,
        payload: bytes,
        start: int,
        end: int,
        drip_rate: float | None,
        final: str | None,
    ) -> None:
        piece = self._chunk_size
        interval = 0.0
        if drip_rate:
            piece = max(1, int(drip_rate * _DRIP_INTERVAL))
            interval = piece / drip_rate
        loop = asyncio.get_running_loop()
        due = loop.time()
        view = memoryview(payload)
        pos = start
        while pos < end:
            chunk = view[pos : min(pos + piece, end)]
            total_rate = res.plan.total_rate
            if total_rate:
                # The shared link carries one chunk after another, whoever sends them: wait for
                # this chunk's turn on it.
                turn = max(res.link_due, loop.time())
                res.link_due = turn + len(chunk) / total_rate
                await asyncio.sleep(max(0.0, turn - loop.time()))
            pos += len(chunk)
            self._count(entry, res, len(chunk), final if pos == end else None)
            try:
                await out.write(chunk)
            except ConnectionError:
                self._count(entry, res, -len(chunk), None)
                raise
            if interval and pos < end:
                due += interval
                await asyncio.sleep(max(0.0, due - loop.time()))

    def _count(self, entry: _Entry, res: _Resource, n: int, outcome: str | None) -> None:
        with self._cond:
            entry.bytes_sent += n
            res.sent += n
            if outcome is not None:
                entry.outcome = outcome
            self._cond.notify_all()

    async def _stall(self, timeout: float) -> None:
        assert self._stop_event is not None
        try:
            async with asyncio.timeout(timeout):
                await self._stop_event.wait()
        except TimeoutError:
            pass

    async def _wait_gate(self, res: _Resource, index: int) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        with self._cond:
            res.gates_reached += 1
            self._cond.notify_all()
            if res.gates_released >= index or self._closing:
                return
            res.gate_waiters.append((index, waiter))
        try:
            await waiter
        finally:
            with self._cond:
                if (index, waiter) in res.gate_waiters:
                    res.gate_waiters.remove((index, waiter))

    async def _wait_hold(self, res: _Resource, offset: int) -> None:
        while True:
            with self._cond:
                hold = res.plan.hold_at
                if self._closing or hold is None or hold > offset:
                    return
                waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                res.hold_waiters.append(waiter)
            try:
                await waiter
            finally:
                with self._cond:
                    if waiter in res.hold_waiters:
                        res.hold_waiters.remove(waiter)

    def _wake_gates(self) -> None:
        with self._cond:
            for res in self._resources.values():
                for waiter in res.hold_waiters:
                    if not waiter.done():
                        waiter.set_result(None)
                res.hold_waiters.clear()
                for index, waiter in list(res.gate_waiters):
                    if self._closing or index <= res.gates_released:
                        res.gate_waiters.remove((index, waiter))
                        if not waiter.done():
                            waiter.set_result(None)

    def _maybe_change(self, res: _Resource, is_get: bool) -> None:
        plan = res.plan
        if plan.change_every_request and is_get:
            res.generation += 1
            if res.body:
                res.body = bytes([res.generation % 256]) + res.body[1:]
            res.etag = f'"every-{res.generation}"'
            res.last_modified = email.utils.formatdate(1_500_000_000 + res.generation, usegmt=True)
            return
        if plan.change_after is None or res.changed or res.gets < plan.change_after:
            return
        res.changed = True
        res.generation += 1
        if plan.new_body is not None:
            res.body = plan.new_body
        res.etag = plan.new_etag
        res.last_modified = plan.new_last_modified

    @staticmethod
    def _fire(res: _Resource, fault: str, times: int | None) -> bool:
        count = res.fired.get(fault, 0)
        if times is not None and count >= times:
            return False
        res.fired[fault] = count + 1
        return True

    def _note(self, entry: _Entry, *, status: int | None = None, outcome: str | None = None) -> None:
        with self._cond:
            if status is not None:
                entry.status = status
            if outcome is not None:
                entry.outcome = outcome
            self._cond.notify_all()


def _digest_field(name: str, body: bytes) -> str:
    value = base64.b64encode(hashlib.sha256(body).digest()).decode()
    # RFC 9530 uses a structured-field byte sequence (:...:); RFC 3230 a bare base64 token.
    return f"sha-256=:{value}:" if name == "Repr-Digest" else f"SHA-256={value}"


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class _Out:
    """Where one response goes: through aiohttp's writer, or, when its head holds bytes aiohttp
    refuses to send, byte for byte onto the socket (and the connection closes after it)."""

    def __init__(self, request: web.Request, raw: bool) -> None:
        self.request = request
        self._raw = raw
        self._chunked = False
        # What the handler hands back to aiohttp. For a raw answer it stays unprepared: aiohttp's
        # attempt to send it meets the closed connection and is dropped quietly.
        self.response = web.StreamResponse()
        self.response.force_close()

    @property
    def sends_body(self) -> bool:
        return self.request.method != "HEAD"

    async def start(
        self, status: int, headers: CIMultiDict[str], *, length: int | None, chunked: bool, close: bool
    ) -> None:
        if self._raw:
            self._start_raw(status, headers, length=length, chunked=chunked)
            return
        resp = web.StreamResponse(status=status, reason=_reason(status), headers=headers)
        if chunked:
            resp.enable_chunked_encoding()
        else:
            resp.content_length = length
        if close:
            resp.force_close()
        self.response = resp
        await resp.prepare(self.request)

    def _start_raw(
        self, status: int, headers: CIMultiDict[str], *, length: int | None, chunked: bool
    ) -> None:
        head = CIMultiDict[str](headers)
        head.setdefault("Date", email.utils.formatdate(usegmt=True))
        if self.sends_body and chunked and status >= 200 and status not in (204, 304):
            head["Transfer-Encoding"] = "chunked"
            self._chunked = True
        elif length is not None:
            head["Content-Length"] = str(length)
        head["Connection"] = "close"
        lines = [
            f"HTTP/1.1 {status} {_reason(status)}",
            *(f"{name}: {value}" for name, value in head.items()),
        ]
        self._transport().write(("\r\n".join(lines) + "\r\n\r\n").encode())

    async def write(self, chunk: bytes | memoryview) -> None:
        if not self._raw:
            await self.response.write(chunk)
            return
        transport = self._transport()
        if self._chunked:
            transport.write(b"%x\r\n%b\r\n" % (len(chunk), bytes(chunk)))
        else:
            transport.write(chunk)
        # Let the loop run (cancellation, other connections) as aiohttp's own writes would.
        await asyncio.sleep(0)

    async def end(self) -> None:
        """Finish a complete answer. aiohttp finishes its own after the handler returns."""
        if self._raw:
            if self._chunked:
                self._transport().write(b"0\r\n\r\n")
            self._transport().close()

    async def cut(self, *, reset: bool) -> None:
        transport = self.request.transport
        if transport is None or transport.is_closing():
            return
        if not reset:
            transport.close()
            return
        # The bytes already written must reach the client before the reset discards the rest.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _FLUSH_TIMEOUT
        while transport.get_write_buffer_size() and not transport.is_closing() and loop.time() < deadline:
            await asyncio.sleep(0.002)
        sock = transport.get_extra_info("socket")
        if sock is not None and not transport.is_closing():
            # SO_LINGER on with a zero timeout turns close() into an RST.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()

    def _transport(self) -> asyncio.Transport:
        transport = self.request.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("The client went away.")
        return transport
