"""JSON-RPC 2.0 as aria2 1.37 speaks it: requests, batches, system.multicall, the secret token.

The transport hands over the decoded JSON value; this module returns the response value and
whether any part of it was refused for a wrong token (the transport then answers late, as
aria2 does, to slow down guessing). Nothing a client sends raises out of here.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from wherry.core.errors import WherryError

__all__ = [
    "INTERNAL_SENTENCE",
    "NO_TOKEN_METHODS",
    "Handler",
    "InvalidParams",
    "Outcome",
    "Rpc",
    "RpcFault",
    "arg",
    "error_response",
    "http_status",
]

log = logging.getLogger(__name__)

Handler = Callable[[list[Any]], Awaitable[Any]]

UNAUTHORIZED = "Unauthorized"
INTERNAL_SENTENCE = "Wherry could not do that because of an internal error; the log file has details."
# aria2 1.37 answers these without the secret, so a client can probe what the server offers.
NO_TOKEN_METHODS = frozenset({"system.listMethods", "system.listNotifications"})

# aria2's HttpServerBodyCommand: 1 (a method's error) and -32600 are 400, -32601 is 404. It
# sends 500 for the rest (-32700, -32602); Wherry sends 400, because a 500 means the server
# itself broke, and nothing a client sends should look like that.
_HTTP_STATUS = {0: 200, 1: 400, -32600: 400, -32601: 404}


class RpcFault(Exception):
    """An error answer: aria2 uses code 1 for every method's failure, with a sentence."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class InvalidParams(RpcFault):
    def __init__(self, message: str = "Invalid params.") -> None:
        super().__init__(-32602, message)


@dataclass
class Outcome:
    """What to answer: the JSON value, the error code of a single response (0: success or batch),
    and whether some part was refused for a wrong token."""

    value: Any
    code: int = 0
    unauthorized: bool = False


_MISSING: Any = object()


def arg(params: list[Any], index: int, kind: type | tuple[type, ...], default: Any = _MISSING) -> Any:
    """Parameter ``index`` (after the token) of type ``kind``, or -32602 Invalid params."""
    if index >= len(params) or (params[index] is None and default is not _MISSING):
        if default is _MISSING:
            raise InvalidParams(f"Parameter {index + 1} is missing.")
        return default
    value = params[index]
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise InvalidParams(f"Parameter {index + 1} has the wrong type.")
    if not isinstance(value, kind):
        raise InvalidParams(f"Parameter {index + 1} has the wrong type.")
    return value


def http_status(code: int) -> int:
    return _HTTP_STATUS.get(code, 400)


def error_response(code: int, message: str, request_id: Any) -> dict[str, Any]:
    return {"id": request_id, "jsonrpc": "2.0", "error": {"code": code, "message": message}}


def _result(value: Any, request_id: Any) -> dict[str, Any]:
    return {"id": request_id, "jsonrpc": "2.0", "result": value}


class Rpc:
    """Runs requests against ``methods`` (full names, ``aria2.addUri``), checking ``secret``."""

    def __init__(self, methods: Mapping[str, Handler], secret: str = "") -> None:
        self.methods = dict(methods)
        self.secret = secret

    async def handle_text(self, text: str | bytes) -> Outcome:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return Outcome(error_response(-32700, "Parse error.", None), -32700)
        return await self.handle(data)

    async def handle(self, data: Any) -> Outcome:
        if isinstance(data, dict):
            response, refused = await self.request(data)
            code = response["error"]["code"] if "error" in response else 0
            return Outcome(response, code, refused)
        if isinstance(data, list):
            # aria2 skips batch members that are not objects.
            responses = []
            refused_any = False
            for item in data:
                if isinstance(item, dict):
                    response, refused = await self.request(item)
                    responses.append(response)
                    refused_any = refused_any or refused
            return Outcome(responses, 0, refused_any)
        return Outcome(error_response(-32600, "Invalid Request.", None), -32600)

    async def request(self, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """One request object; ``jsonrpc`` is not checked (aria2 ignores it: "2.0" or 2.0)."""
        if "id" not in data:
            return error_response(-32600, "Invalid Request.", None), False
        request_id = data["id"]
        method = data.get("method")
        if not isinstance(method, str):
            return error_response(-32600, "Invalid Request.", request_id), False
        params = data.get("params", [])
        if not isinstance(params, list):
            return error_response(-32602, "Invalid params.", request_id), False
        refusals: list[str] = []
        try:
            response = _result(await self._call(method, list(params), refusals), request_id)
        except RpcFault as fault:
            response = error_response(fault.code, fault.message, request_id)
        return response, bool(refusals)

    async def _call(self, method: str, params: list[Any], refusals: list[str]) -> Any:
        """The result of one call, or RpcFault; the token (first parameter) is taken off here."""
        if method == "system.multicall":
            return await self._multicall(params, refusals)
        if method not in NO_TOKEN_METHODS and not self._authorized(params):
            refusals.append(method)
            raise RpcFault(1, UNAUTHORIZED)
        handler = self.methods.get(method)
        if handler is None:
            raise RpcFault(1, f"No such method: {method}")
        try:
            return await handler(params)
        except RpcFault:
            raise
        except WherryError as error:
            raise RpcFault(1, error.message) from error
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError) as error:
            # A parameter of a shape no check foresaw: the client's mistake, not a crash.
            log.info("remote %s refused its parameters: %s", method, error)
            raise InvalidParams() from error
        except Exception as error:
            log.exception("remote %s failed", method)
            raise RpcFault(1, INTERNAL_SENTENCE) from error

    def _authorized(self, params: list[Any]) -> bool:
        """aria2: a first parameter ``token:…`` is always taken off, then compared with the secret."""
        token = ""
        if params and isinstance(params[0], str) and params[0].startswith("token:"):
            token = params.pop(0)[len("token:") :]
        if not self.secret:
            return True
        return hmac.compare_digest(token.encode(), self.secret.encode())

    async def _multicall(self, params: list[Any], refusals: list[str]) -> list[Any]:
        """Each entry carries its own token; results are ``[value]`` or a ``{code, message}`` struct."""
        if not params or not isinstance(params[0], list):
            raise InvalidParams("system.multicall takes one list of {methodName, params} structs.")
        results: list[Any] = []
        for entry in params[0]:
            if not isinstance(entry, dict):
                results.append({"code": 1, "message": "system.multicall expected struct."})
                continue
            name, args = entry.get("methodName"), entry.get("params", [])
            if not isinstance(name, str) or not isinstance(args, list):
                results.append({"code": 1, "message": "Missing methodName or params."})
                continue
            if name == "system.multicall":
                results.append({"code": 1, "message": "Recursive system.multicall forbidden."})
                continue
            try:
                results.append([await self._call(name, list(args), refusals)])
            except RpcFault as fault:
                results.append({"code": fault.code, "message": fault.message})
        return results
