"""The transport and its guards: POST, batch, GET/base64, JSONP, WebSocket, token, Host, size, CORS."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
from urllib.parse import quote

import aiohttp
import pytest

from tests.engine.conftest import payload
from tests.remote.conftest import SECRET, local_server
from wherry.core.errors import InputError
from wherry.remote import MAX_BODY, RemoteConfig, RemoteServer

TIMEOUT = 20.0


def b64(value) -> str:
    return quote(base64.b64encode(json.dumps(value).encode()).decode())


async def test_a_single_request_answers_200_with_aria2s_envelope(local):
    status, answer = await local.raw(
        {"jsonrpc": "2.0", "id": "x1", "method": "aria2.getVersion", "params": [f"token:{SECRET}"]}
    )
    assert status == 200
    assert answer["id"] == "x1"
    assert answer["jsonrpc"] == "2.0"
    assert "version" in answer["result"]


async def test_jsonrpc_may_be_the_number_2_point_0(local):
    status, answer = await local.raw(
        {"jsonrpc": 2.0, "id": 1, "method": "aria2.getVersion", "params": [f"token:{SECRET}"]}
    )
    assert status == 200
    assert "result" in answer


@pytest.mark.parametrize(
    ("body", "code", "http"),
    [
        (b"{not json", -32700, 400),
        (b'{"jsonrpc": "2.0", "method": "aria2.getVersion"}', -32600, 400),  # no id
        (b'{"jsonrpc": "2.0", "id": 1, "method": 7}', -32600, 400),
        (b'"just a string"', -32600, 400),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "aria2.getVersion", "params": {"a": 1}}', -32602, 400),
        (
            b'{"jsonrpc": "2.0", "id": 1, "method": "aria2.tellStatus", "params": ["token:'
            + SECRET.encode()
            + b'", 5]}',
            -32602,
            400,
        ),
    ],
)
async def test_malformed_requests_get_aria2s_codes_and_no_500(local, body, code, http):
    async with local.session.post(local.url, data=body) as response:
        answer = await response.json(content_type=None)
        assert response.status == http
    assert answer["error"]["code"] == code


async def test_an_unknown_method_is_code_1_no_such_method(local):
    error = await local.fault("aria2.fly")
    assert error == {"code": 1, "message": "No such method: aria2.fly"}


async def test_a_batch_answers_each_request_in_order(local):
    batch = [
        {"jsonrpc": "2.0", "id": 1, "method": "aria2.getVersion", "params": [f"token:{SECRET}"]},
        {"jsonrpc": "2.0", "id": 2, "method": "aria2.nothing", "params": [f"token:{SECRET}"]},
        42,  # skipped, as aria2 skips batch members that are not objects
        {"jsonrpc": "2.0", "id": 3, "method": "aria2.getGlobalStat", "params": [f"token:{SECRET}"]},
    ]
    status, answers = await local.raw(batch)
    assert status == 200
    assert [a["id"] for a in answers] == [1, 2, 3]
    assert "result" in answers[0]
    assert answers[1]["error"]["code"] == 1
    assert "result" in answers[2]


async def test_multicall_checks_each_entrys_own_token(local):
    calls = [
        {"methodName": "aria2.getVersion", "params": [f"token:{SECRET}"]},
        {"methodName": "aria2.getGlobalStat", "params": ["token:wrong"]},
        {"methodName": "system.multicall", "params": [[]]},
        {"methodName": "aria2.getSessionInfo", "params": [f"token:{SECRET}"]},
    ]
    status, answer = await local.raw(
        {"jsonrpc": "2.0", "id": 1, "method": "system.multicall", "params": [calls]}
    )
    assert status == 200
    first, second, third, fourth = answer["result"]
    assert "version" in first[0]
    assert second == {"code": 1, "message": "Unauthorized"}
    assert third["code"] == 1
    assert "sessionId" in fourth[0]


async def test_a_wrong_or_missing_token_is_unauthorized(local):
    for token in ("wrong", None):
        answer = await local.answer("aria2.getVersion", token=token)
        assert answer["error"] == {"code": 1, "message": "Unauthorized"}
    async with local.session.post(
        local.url, data=json.dumps({"id": 1, "method": "aria2.tellActive", "params": ["token:nope"]})
    ) as response:
        assert response.status == 400
    # …and the same-length secret with one letter changed is refused too.
    answer = await local.answer("aria2.getVersion", token=SECRET[:-1] + "X")
    assert answer["error"]["message"] == "Unauthorized"


async def test_get_with_base64_params_and_jsonp(local):
    query = f"method=aria2.tellActive&id=7&params={b64([f'token:{SECRET}', ['gid']])}"
    async with local.session.get(f"{local.url}?{query}") as response:
        assert response.status == 200
        assert await response.json(content_type=None) == {"id": "7", "jsonrpc": "2.0", "result": []}
    async with local.session.get(f"{local.url}?{query}&jsoncallback=handle") as response:
        assert response.content_type == "text/javascript"
        text = await response.text()
    assert text.startswith("handle(")
    assert json.loads(text[len("handle(") : -1])["result"] == []


async def test_get_with_only_params_is_a_batch(local):
    batch = [
        {"jsonrpc": "2.0", "id": i, "method": "aria2.getVersion", "params": [f"token:{SECRET}"]}
        for i in (1, 2)
    ]
    async with local.session.get(f"{local.url}?params={b64(batch)}") as response:
        answers = await response.json(content_type=None)
    assert [a["id"] for a in answers] == [1, 2]


async def test_get_with_params_that_are_not_base64_json_is_a_parse_error(local):
    async with local.session.get(f"{local.url}?method=aria2.getVersion&id=1&params=%%%") as response:
        assert response.status == 400
        assert (await response.json(content_type=None))["error"]["code"] == -32700


async def test_websocket_carries_requests_and_notifications(local, flaky_server):
    url = flaky_server.add("/ws.bin", payload(50_000))
    async with local.session.ws_connect(local.url) as ws:
        await ws.send_str(
            json.dumps(
                {"jsonrpc": "2.0", "id": "a", "method": "aria2.addUri", "params": [f"token:{SECRET}", [url]]}
            )
        )
        seen: dict[str, dict] = {}
        gid = None
        while gid is None or "aria2.onDownloadComplete" not in seen:
            msg = await asyncio.wait_for(ws.receive(), TIMEOUT)
            data = json.loads(msg.data)
            if data.get("id") == "a":
                gid = data["result"]
            elif "method" in data:
                seen[data["method"]] = data
        assert seen["aria2.onDownloadStart"] == {
            "jsonrpc": "2.0",
            "method": "aria2.onDownloadStart",
            "params": [{"gid": gid}],
        }
        assert seen["aria2.onDownloadComplete"]["params"] == [{"gid": gid}]


async def test_websocket_gets_pause_stop_and_error_notifications(local, flaky_server):
    from tests.helpers.flaky_server import FaultPlan

    held = flaky_server.add("/held.bin", payload(200_000), plan=FaultPlan(gate_after=50_000, gate_times=None))
    missing = flaky_server.add("/gone.bin", b"", plan=FaultPlan(always_status=404))
    async with local.session.ws_connect(local.url) as ws:

        async def next_notice(method: str) -> str:
            while True:
                data = json.loads((await asyncio.wait_for(ws.receive(), TIMEOUT)).data)
                if data.get("method") == method:
                    return data["params"][0]["gid"]

        gid = await local.call("aria2.addUri", [held], {"split": "1"})
        assert await next_notice("aria2.onDownloadStart") == gid
        await local.call("aria2.pause", gid)
        assert await next_notice("aria2.onDownloadPause") == gid
        await local.call("aria2.remove", gid)
        assert await next_notice("aria2.onDownloadStop") == gid
        bad = await local.call("aria2.addUri", [missing])
        assert await next_notice("aria2.onDownloadError") == bad
        wrong = flaky_server.add("/wrong.bin", payload(10_000))
        mismatched = await local.call("aria2.addUri", [wrong], {"checksum": "sha-256=" + "0" * 64})
        assert await next_notice("aria2.onDownloadError") == mismatched  # a checksum failure is an error


async def test_a_request_addressed_to_another_host_is_refused(local):
    for host in ("evil.example", "evil.example:6800", "127.0.0.1.evil.example"):
        async with local.session.post(local.url, data=b"{}", headers={"Host": host}) as response:
            assert response.status == 403
    for host in ("localhost", f"127.0.0.1:{local.server.port}", "[::1]:6800", "localhost:80"):
        async with local.session.post(local.url, data=b"[]", headers={"Host": host}) as response:
            assert response.status == 200


async def test_a_body_over_two_mib_is_refused_and_the_server_keeps_serving(local):
    reader, writer = await asyncio.open_connection("127.0.0.1", local.server.port)
    head = f"POST /jsonrpc HTTP/1.1\r\nHost: localhost\r\nContent-Length: {MAX_BODY + 1}\r\n\r\n"
    writer.write(head.encode() + b"[")
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), TIMEOUT)
    writer.close()
    await writer.wait_closed()
    assert status_line.split()[1] == b"413"
    chunks = (b"[" + b" " * (MAX_BODY // 4) for _ in range(5))

    async def body():
        for chunk in chunks:
            yield chunk

    try:
        async with local.session.post(local.url, data=body()) as response:
            assert response.status == 413
    except aiohttp.ServerDisconnectedError:
        pass  # refused before the client finished sending: also a refusal
    assert await local.call("aria2.getVersion")


async def test_cors_is_off_by_default(local):
    headers = {"Origin": "http://page.example", "Access-Control-Request-Method": "POST"}
    async with local.session.options(local.url, headers=headers) as response:
        assert response.status == 200
        assert "Access-Control-Allow-Origin" not in response.headers
        assert "Access-Control-Allow-Methods" not in response.headers


async def test_allow_origin_all_answers_preflights_like_aria2(tmp_path):
    async for local in local_server(tmp_path, RemoteConfig(port=0, secret=SECRET, allow_origin_all=True)):
        headers = {
            "Origin": "http://page.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        }
        async with local.session.options(local.url, headers=headers) as response:
            assert response.status == 200
            assert response.headers["Access-Control-Allow-Origin"] == "*"
            assert response.headers["Access-Control-Allow-Methods"] == "POST, GET, OPTIONS"
            assert response.headers["Access-Control-Max-Age"] == "1728000"
            assert response.headers["Access-Control-Allow-Headers"] == "content-type"
        async with local.session.post(local.url, data=b"[]") as response:
            assert response.headers["Access-Control-Allow-Origin"] == "*"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_listening_on_all_interfaces_needs_a_secret_and_then_accepts_any_host(tmp_path):
    with pytest.raises(InputError, match="needs a secret"):
        async for _ in local_server(tmp_path, RemoteConfig(port=0, secret="", listen_all=True)):
            pass
    config = RemoteConfig(port=free_port(), secret=SECRET, listen_all=True)
    async for local in local_server(tmp_path, config):
        async with local.session.post(
            f"http://127.0.0.1:{config.port}/jsonrpc", data=b"[]", headers={"Host": "nas.example:6800"}
        ) as response:
            assert response.status == 200


async def test_a_port_in_use_is_one_sentence(local):
    other = RemoteServer(
        local.engine, RemoteConfig(port=local.server.port), default_dir=str, apply_settings=lambda s: None
    )
    with pytest.raises(InputError) as caught:
        await other.start()
    assert str(local.server.port) in caught.value.message
    assert "in use" in caught.value.message
    assert await local.call("aria2.getVersion")


async def test_a_client_that_disconnects_mid_request_does_not_hurt_the_server(local):
    _reader, writer = await asyncio.open_connection("127.0.0.1", local.server.port)
    writer.write(b'POST /jsonrpc HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n{"id"')
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{local.url}?method=system.listMethods&id=1") as response,
    ):
        assert response.status == 200


async def test_without_a_secret_web_pages_are_refused_but_extensions_and_local_pages_are_not(tmp_path):
    async for local in local_server(tmp_path, RemoteConfig(port=0, secret="")):
        for origin in ("https://ads.example", "http://evil.example:8080"):
            async with local.session.post(local.url, data=b"[]", headers={"Origin": origin}) as response:
                assert response.status == 403
            with pytest.raises(aiohttp.WSServerHandshakeError):
                await local.session.ws_connect(local.url, headers={"Origin": origin})
        for origin in ("chrome-extension://abcdef", "moz-extension://1234", "http://localhost:8000", "null"):
            async with local.session.post(local.url, data=b"[]", headers={"Origin": origin}) as response:
                assert response.status == 200


async def test_with_a_secret_a_web_page_is_answered_and_the_token_decides(local):
    async with local.session.post(
        local.url,
        data=json.dumps({"id": 1, "method": "aria2.getVersion", "params": [f"token:{SECRET}"]}),
        headers={"Origin": "https://ariang.example"},
    ) as response:
        assert response.status == 200
    async with local.session.post(
        local.url,
        data=json.dumps({"id": 1, "method": "aria2.getVersion", "params": ["token:guess"]}),
        headers={"Origin": "https://ariang.example"},
    ) as response:
        assert response.status == 400
        assert (await response.json(content_type=None))["error"]["message"] == "Unauthorized"


async def test_every_websocket_session_gets_the_notifications(local, flaky_server):
    url = flaky_server.add("/two.bin", payload(10_000))
    async with local.session.ws_connect(local.url) as first, local.session.ws_connect(local.url) as second:
        # Each session proves it is registered by getting an answer first.
        for ws in (first, second):
            await ws.send_str(json.dumps({"id": 0, "method": "system.listNotifications"}))
            assert "result" in json.loads((await asyncio.wait_for(ws.receive(), TIMEOUT)).data)
        gid = await local.call("aria2.addUri", [url])
        for ws in (first, second):
            while True:
                data = json.loads((await asyncio.wait_for(ws.receive(), TIMEOUT)).data)
                if data.get("method") == "aria2.onDownloadComplete":
                    assert data["params"] == [{"gid": gid}]
                    break


async def test_a_websocket_message_over_two_mib_closes_that_socket_only(local):
    async with local.session.ws_connect(local.url, max_msg_size=0) as ws:
        await ws.send_str("[" + " " * MAX_BODY + "]")
        msg = await asyncio.wait_for(ws.receive(), TIMEOUT)
        assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
        assert ws.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
    assert await local.call("aria2.getVersion")


async def test_the_ipv6_loopback_is_served_too_where_the_system_has_it(local):
    try:
        reader, writer = await asyncio.open_connection("::1", local.server.port)
    except OSError:
        # Then the system itself has no ::1 to listen on.
        with pytest.raises(OSError), socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return
    writer.write(b"POST /jsonrpc HTTP/1.1\r\nHost: [::1]\r\nContent-Length: 2\r\n\r\n[]")
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), TIMEOUT)
    writer.close()
    await writer.wait_closed()
    assert status_line.split()[1] == b"200"
