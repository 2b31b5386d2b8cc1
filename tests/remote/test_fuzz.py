"""Whatever a client sends, `wherry serve` answers without a 500 and keeps serving."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.conftest import spawn
from tests.engine.conftest import payload
from tests.remote.conftest import Served, post, read_port, store_fast_settings

pytestmark = pytest.mark.e2e

# Anything but a real address, so no example starts a download off loopback, and no shutdown.
text = st.text(max_size=24).filter(lambda t: "http" not in t.lower())
# The fixture's downloads have GIDs that start with these; full GIDs and prefixes both find them.
GIDS = ["0123456789abcdef", "0123456789abcd00", "fedcba9876543210"]
gids = st.sampled_from([*GIDS, "01234567", "fedc", "0123"])
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text | gids
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=16,
)
METHODS = [
    "aria2.addUri", "aria2.addMetalink", "aria2.addTorrent", "aria2.remove", "aria2.forceRemove",
    "aria2.pause", "aria2.forcePause", "aria2.pauseAll", "aria2.forcePauseAll", "aria2.unpause",
    "aria2.unpauseAll", "aria2.tellStatus", "aria2.tellActive", "aria2.tellWaiting", "aria2.tellStopped",
    "aria2.getUris", "aria2.getFiles", "aria2.getServers", "aria2.getPeers", "aria2.changePosition",
    "aria2.changeUri", "aria2.getOption", "aria2.changeOption", "aria2.getGlobalOption",
    "aria2.changeGlobalOption", "aria2.getGlobalStat", "aria2.purgeDownloadResult",
    "aria2.removeDownloadResult", "aria2.getVersion", "aria2.getSessionInfo", "aria2.saveSession",
    "system.multicall", "system.listMethods", "system.listNotifications",
]  # fmt: skip
methods = st.sampled_from(METHODS) | text
OPTION_NAMES = [
    "dir", "out", "header", "referer", "user-agent", "checksum", "split", "max-connection-per-server",
    "max-download-limit", "pause", "gid", "max-concurrent-downloads", "max-overall-download-limit",
    "min-split-size",
]  # fmt: skip
requests = st.fixed_dictionaries(
    {},
    optional={
        "jsonrpc": st.sampled_from(["2.0", 2.0, "1.0"]) | values,
        "id": values,
        "method": methods | values,
        "params": st.lists(values, max_size=5) | values,
    },
)
# Well-formed calls with generated parameters reach deepest into the methods.
calls = st.builds(
    lambda method, params: {"jsonrpc": "2.0", "id": 1, "method": method, "params": params},
    st.sampled_from(METHODS),
    st.one_of(
        st.lists(values | st.lists(values, max_size=3), max_size=4),
        st.tuples(gids, values | st.lists(values, max_size=3)).map(list),
        st.tuples(gids, st.integers(), st.integers(), st.lists(values, max_size=3)).map(list),
    ),
)
multicalls = st.builds(
    lambda calls: {"jsonrpc": "2.0", "id": 1, "method": "system.multicall", "params": [calls]},
    st.lists(
        st.fixed_dictionaries({"methodName": methods, "params": st.lists(values, max_size=4)}), max_size=4
    ),
)
bodies = (
    calls.map(lambda r: json.dumps(r).encode())
    | requests.map(lambda r: json.dumps(r).encode())
    | st.lists(requests | values, max_size=4).map(lambda b: json.dumps(b).encode())
    | multicalls.map(lambda r: json.dumps(r).encode())
    | values.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=200)
)


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def no_tracebacks(home) -> None:
    """Refused input is a sentence to the client; nothing a client sends is an internal error."""
    log = (home / "wherry.log").read_text(encoding="utf-8")
    assert "Traceback" not in log, log[-3000:]


@pytest.fixture
def open_serve(wherry_home, downloads, tmp_path, flaky_server):
    """No secret, so a wrong token costs no second; the token checks have tests of their own.
    Three paused downloads give the methods something to find."""
    store_fast_settings(wherry_home, downloads)
    proc = spawn("serve", "--port", "0", cwd=tmp_path)
    server = Served(proc, read_port(proc), secret="")
    for index, gid in enumerate(GIDS):
        url = flaky_server.add(f"/f{index}.bin", payload(50_000, seed=index))
        server.call("aria2.addUri", [url], {"pause": "true", "gid": gid})
    try:
        yield server
    finally:
        assert server.stop() == 0


def test_generated_bodies_never_get_a_500_nor_stop_the_server(open_serve, wherry_home):
    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body=bodies)
    def check(body: bytes) -> None:
        status, answer = post(open_serve.url, body)
        assert status in (200, 400, 404), (status, body)
        assert answer is not None
        assert open_serve.proc.poll() is None

    check()
    assert open_serve.call("aria2.getVersion")["version"] == "1.37.0"
    assert open_serve.stop() == 0
    no_tracebacks(wherry_home)


def test_generated_params_for_every_method_never_get_a_500_nor_stop_the_server(open_serve, wherry_home):
    """Each method gets its own run, so every one sees GIDs of real downloads and odd values."""
    params = st.one_of(
        st.lists(values | st.lists(values, max_size=3), max_size=4),
        st.tuples(gids, values | st.lists(values, max_size=3)).map(list),
        st.tuples(gids, st.integers(), values, st.lists(values, max_size=3)).map(list),
        st.tuples(gids, st.dictionaries(st.sampled_from(OPTION_NAMES) | text, values, max_size=4)).map(list),
        st.tuples(
            st.lists(text | gids, max_size=2),
            st.dictionaries(st.sampled_from(OPTION_NAMES), values, max_size=4),
        ).map(list),
    )

    def run(method: str) -> None:
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(params=params)
        def check(params) -> None:
            body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
            status, answer = post(open_serve.url, body)
            assert status in (200, 400), (status, body)
            assert answer is not None
            assert open_serve.proc.poll() is None

        check()

    for method in METHODS:
        run(method)
    assert open_serve.call("aria2.getVersion")["version"] == "1.37.0"
    assert open_serve.stop() == 0
    no_tracebacks(wherry_home)


def test_generated_get_queries_never_get_a_500_nor_stop_the_server(open_serve, wherry_home):
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(method=methods, request_id=text, params=values, callback=st.none() | text, raw=st.booleans())
    def check(method, request_id, params, callback, raw) -> None:
        encoded = base64.b64encode(json.dumps(params).encode()).decode()
        fields = {"method": method, "id": request_id, "params": encoded if not raw else request_id}
        if callback is not None:
            fields["jsoncallback"] = callback
        status = get(f"{open_serve.url}?{urllib.parse.urlencode(fields)}")
        assert status in (200, 400, 404), status
        assert open_serve.proc.poll() is None

    check()
    assert open_serve.call("system.listMethods")
    assert open_serve.stop() == 0
    no_tracebacks(wherry_home)
