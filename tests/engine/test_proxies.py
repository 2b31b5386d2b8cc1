"""Downloads through a real proxy process (pproxy): HTTP and SOCKS5, logins, variables, NO_PROXY."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.engine.conftest import Harness, payload, until
from tests.helpers.flaky_server import FaultPlan
from tests.helpers.proxy_server import ProxyProcess, free_port
from wherry.core.events import JobRetrying
from wherry.core.jobs import JobState
from wherry.engine.proxies import ProxyChooser

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.mark.parametrize("scheme", ["http", "socks5", "socks5h"])
async def test_downloads_through_a_proxy_that_wants_a_login(harness: Harness, flaky_server, scheme) -> None:
    body = payload(500_000)
    url = flaky_server.add("/via.bin", body)
    listen = "socks5" if scheme == "socks5h" else scheme
    with ProxyProcess(listen, auth="alice:pa55") as proxy:
        setting = proxy.url.replace(f"{listen}://", f"{scheme}://")
        await harness.open(proxy=setting)
        job = await harness.download(url, connections=2)
    assert job.state is JobState.FINISHED, job.error_message
    assert Path(job.target).read_bytes() == body


@pytest.mark.parametrize("scheme", ["http", "socks5"])
async def test_a_proxy_login_refused_says_so_without_the_password(
    harness: Harness, flaky_server, scheme
) -> None:
    url = flaky_server.add("/x.bin", b"x" * 1000)
    with ProxyProcess(scheme, auth="alice:right") as proxy:
        await harness.open(proxy=f"{scheme}://alice:wrong@{proxy.address}", retry_max_tries=1)
        job = await harness.download(url)
    assert job.state is JobState.FAILED
    assert "proxy" in (job.error_message or "")
    assert "wrong" not in (job.error_message or "")
    assert not flaky_server.requests_for("/x.bin")


async def test_a_dead_proxy_is_retried_with_its_own_sentence(harness: Harness, flaky_server) -> None:
    url = flaky_server.add("/dead.bin", b"d" * 1000)
    port = free_port()  # nothing listens there
    await harness.open(proxy=f"http://user:topsecret@127.0.0.1:{port}", retry_max_tries=2)
    job = await harness.download(url)
    assert job.state is JobState.FAILED
    expected = f"The proxy 127.0.0.1:{port} refused the connection or is not running."
    assert expected in (job.error_message or "")
    assert "topsecret" not in (job.error_message or "")
    retries = harness.of_type(JobRetrying)
    assert retries
    assert all(r.message == expected for r in retries)


async def test_a_proxy_dying_mid_transfer_is_retried_and_the_download_continues(
    harness: Harness, flaky_server
) -> None:
    body = payload(400_000)
    url = flaky_server.add("/long.bin", body, plan=FaultPlan(gate_after=100_000))
    proxy = ProxyProcess("socks5").start()
    try:
        engine = await harness.open(proxy=proxy.url, retry_max_tries=50, retry_max_seconds=60.0)
        job = await engine.add(harness.request(url, connections=1))
        assert await asyncio.to_thread(flaky_server.wait_gate, "/long.bin", 10)
        # The server reaching its gate only means the bytes left its socket: they may still sit in
        # the proxy, and a proxy killed then takes them along, so the download rightly starts
        # again from zero. Kill it only once the engine holds every byte before the gate.
        await until(lambda: engine.progress_of(job.id).bytes_downloaded == 100_000, 10)
        proxy.kill()
        flaky_server.release("/long.bin")
        retrying = await _wait_for_retry(harness, 15)
        assert retrying.message == f"The connection through the proxy {proxy.address} dropped after 97.7 KiB."
        # The same proxy comes back on the same port.
        restarted = ProxyProcess("socks5")
        restarted.port = proxy.port
        restarted.start()
        try:
            done = await asyncio.wait_for(engine.wait(job.id), 60)
        finally:
            restarted.stop()
    finally:
        proxy.stop()
    assert done.state is JobState.FINISHED, done.error_message
    assert Path(done.target).read_bytes() == body
    resumed = flaky_server.requests_for("/long.bin", "GET")[-1]
    assert resumed.range == "bytes=100000-399999"


async def _wait_for_retry(harness: Harness, timeout: float) -> JobRetrying:
    async def poll() -> JobRetrying:
        while not harness.of_type(JobRetrying):
            await asyncio.sleep(0.02)
        event = harness.of_type(JobRetrying)[0]
        assert isinstance(event, JobRetrying)
        return event

    return await asyncio.wait_for(poll(), timeout)


async def test_proxy_variables_are_honoured_by_default(harness: Harness, flaky_server, monkeypatch) -> None:
    url = flaky_server.add("/env.bin", b"e" * 2000)
    with ProxyProcess("http", auth="env:pw") as proxy:
        monkeypatch.setenv("HTTP_PROXY", f"http://env:pw@{proxy.address}")
        job = await harness.download(url)
        assert job.state is JobState.FINISHED, job.error_message
        proxy.kill()
        # With the proxy gone, the same download can only succeed by not using it.
        monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
        again = await harness.download(url.replace("/env.bin", "/env.bin?again"))
    assert again.state is JobState.FINISHED, again.error_message


async def test_all_proxy_is_used_when_nothing_more_specific_is_set(
    harness: Harness, flaky_server, monkeypatch
) -> None:
    url = flaky_server.add("/all.bin", b"a" * 2000)
    port = free_port()
    monkeypatch.setenv("ALL_PROXY", f"socks5h://127.0.0.1:{port}")
    await harness.open(retry_max_tries=1)
    job = await harness.download(url)
    assert job.state is JobState.FAILED
    assert f"The proxy 127.0.0.1:{port}" in (job.error_message or "")


@pytest.mark.parametrize(
    ("setting", "env", "url", "expected"),
    [
        ("", {}, "http://a.example/f", None),
        ("", {"HTTP_PROXY": "http://p:1"}, "http://a.example/f", "http://p:1"),
        ("", {"HTTP_PROXY": "http://p:1"}, "https://a.example/f", None),
        (
            "",
            {"HTTPS_PROXY": "http://s:2", "ALL_PROXY": "socks5://all:3"},
            "https://a.example/f",
            "http://s:2",
        ),
        ("", {"ALL_PROXY": "socks5://all:3"}, "http://a.example/f", "socks5://all:3"),
        (
            "",
            {"https_proxy": "http://low:1", "HTTPS_PROXY": "http://up:1"},
            "https://a.example/f",
            "http://low:1",
        ),
        ("", {"HTTP_PROXY": "p:3128"}, "http://a.example/f", "http://p:3128"),
        (
            "",
            {"HTTP_PROXY": "http://p:1", "NO_PROXY": "example.org,.a.example"},
            "http://x.a.example/f",
            None,
        ),
        ("", {"HTTP_PROXY": "http://p:1", "NO_PROXY": "*"}, "http://a.example/f", None),
        ("socks5h://s:1080", {"HTTP_PROXY": "http://p:1"}, "http://a.example/f", "socks5h://s:1080"),
        ("socks5h://s:1080", {"NO_PROXY": "a.example"}, "http://a.example/f", None),
        ("direct", {"HTTP_PROXY": "http://p:1"}, "http://a.example/f", None),
    ],
)
def test_which_proxy_a_url_goes_through(setting, env, url, expected) -> None:
    assert ProxyChooser(setting, env).choose(url) == expected


@pytest.mark.parametrize("setting", ["ftp://proxy.example:21", "http://no-port.example", "socks4://h:1"])
async def test_an_unusable_proxy_setting_fails_the_job_in_one_sentence(
    harness: Harness, flaky_server, setting
):
    url = flaky_server.add("/s.bin", b"s" * 100)
    await harness.open(proxy=setting)
    job = await harness.download(url)
    assert job.state is JobState.FAILED
    assert (job.error_message or "").startswith("The proxy ")
    assert not flaky_server.requests_for("/s.bin")


_PROXY_ENVIRONMENTS = [
    {"HTTPS_PROXY": "http://up:1", "https_proxy": ""},  # an empty lower-case one cancels
    {"HTTP_PROXY": "http://up:1", "REQUEST_METHOD": "GET"},  # httpoxy: ignored under CGI
    {"http_proxy": "http://low:1", "REQUEST_METHOD": "GET"},  # lower case still counts there
    {"ALL_PROXY": "socks5h://all:1", "HTTP_PROXY": ""},
    {"no_proxy": "a.example", "HTTP_PROXY": "http://up:1"},
]


@pytest.mark.parametrize("variables", _PROXY_ENVIRONMENTS)
@pytest.mark.parametrize("url", ["http://a.example/f", "https://b.example/f"])
def test_the_process_environment_is_read_by_urllibs_rules(monkeypatch, variables, url) -> None:
    # The chooser looks the few variables up by name instead of scanning the environment on
    # every request; it must still decide as urllib would.
    import urllib.request

    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "REQUEST_METHOD"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    found = urllib.request.getproxies_environment()
    scheme = url.split(":", 1)[0]
    expected = found.get(scheme) or found.get("all")
    if found.get("no") and urllib.request.proxy_bypass_environment(url.split("/")[2], found):
        expected = None
    assert ProxyChooser().choose(url) == expected
