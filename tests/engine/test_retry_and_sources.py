"""3e/3f/3g/3j: transient failures are retried, permanent ones abandon the URL, mirrors take over."""

from __future__ import annotations

import asyncio
import ssl

import pytest

from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan
from wherry.core.errors import ErrorKind
from wherry.core.events import JobRetrying
from wherry.core.jobs import JobState


async def test_503_with_retry_after_is_retried_after_the_servers_delay(harness, flaky_server):
    body = payload(30_000)
    url = flaky_server.add("/busy.bin", body, plan=FaultPlan(statuses=[503], retry_after="1"))
    job = await harness.download(url)
    assert job.state is JobState.FINISHED
    retries = harness.of_type(JobRetrying)
    assert len(retries) == 1
    assert retries[0].kind is ErrorKind.SERVER
    assert retries[0].delay >= 1.0
    assert (harness.downloads / "busy.bin").read_bytes() == body


async def test_429_is_retried_as_rate_limiting(harness, flaky_server):
    url = flaky_server.add("/slow.bin", b"ok", plan=FaultPlan(statuses=[429, 429]))
    job = await harness.download(url)
    assert job.state is JobState.FINISHED
    assert [e.kind for e in harness.of_type(JobRetrying)] == [ErrorKind.RATE_LIMITED] * 2


async def test_gives_up_after_the_retry_budget_with_one_sentence(harness, flaky_server):
    url = flaky_server.add("/down.bin", b"x", plan=FaultPlan(always_status=500))
    job = await harness.download(url)
    assert job.state is JobState.FAILED
    assert len(flaky_server.requests_for("/down.bin", "GET")) == harness.settings.retry_max_tries
    assert "HTTP 500" in job.error_message
    assert "gave up after 4 tries" in job.error_message
    assert "\n" not in job.error_message


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (404, ErrorKind.NOT_FOUND),
        (410, ErrorKind.NOT_FOUND),
        (401, ErrorKind.LOGIN_NEEDED),
        (403, ErrorKind.LOGIN_NEEDED),
    ],
)
async def test_permanent_failures_are_not_retried(harness, flaky_server, status, kind):
    url = flaky_server.add("/gone.bin", b"x", plan=FaultPlan(always_status=status))
    job = await harness.download(url)
    assert job.state is JobState.FAILED
    assert job.error_kind is kind
    assert str(status) in job.error_message
    assert len(flaky_server.requests_for("/gone.bin", "GET")) == 1
    assert not list(harness.downloads.iterdir())


async def test_a_stalled_body_is_detected_and_resumed(harness, flaky_server):
    body = payload(300_000)
    url = flaky_server.add("/stall.bin", body, plan=FaultPlan(stall_after=120_000, stall_times=1))
    job = await harness.download(url)
    assert job.state is JobState.FINISHED
    retries = harness.of_type(JobRetrying)
    assert [e.kind for e in retries] == [ErrorKind.STALLED]
    assert flaky_server.requests_for("/stall.bin", "GET")[1].headers["Range"].startswith("bytes=120000-")
    assert (harness.downloads / "stall.bin").read_bytes() == body


async def test_a_slow_but_steady_body_is_not_a_stall(harness, flaky_server):
    # 60 kB at 30 kB/s takes two seconds, twice the stall timeout, with bytes every 50 ms.
    body = payload(60_000)
    url = flaky_server.add("/drip.bin", body, plan=FaultPlan(drip_rate=30_000))
    job = await harness.download(url)
    assert job.state is JobState.FINISHED
    assert harness.of_type(JobRetrying) == []
    assert len(flaky_server.requests_for("/drip.bin", "GET")) == 1


async def test_content_length_longer_than_the_body_fails_instead_of_finishing_short(harness, flaky_server):
    body = payload(100_000)
    url = flaky_server.add("/lie.bin", body, plan=FaultPlan(content_length=150_000, ignore_range=True))
    job = await harness.download(url)
    # Promised 150 kB, closed at 100 kB, every time, with no ranges to resume: the retry budget
    # runs out (each retry starts from zero, which is not progress) and the job fails honestly.
    assert job.state is JobState.FAILED
    assert "gave up after 4 tries" in job.error_message
    assert len(flaky_server.requests_for("/lie.bin", "GET")) == 4
    assert not (harness.downloads / "lie.bin").exists()


async def test_content_length_shorter_than_a_ranged_answer_is_never_trusted(harness, flaky_server):
    body = payload(100_000)
    url = flaky_server.add("/short.bin", body, plan=FaultPlan(content_length=60_000, ignore_range=True))
    job = await harness.download(url, checksum=None)
    # A 200 that says 60 kB is all we can know without a checksum: the file is what was served.
    assert job.state is JobState.FINISHED
    assert job.total_size == 60_000
    assert (harness.downloads / "short.bin").read_bytes() == body[:60_000]


async def test_falls_back_to_a_mirror_when_the_primary_is_gone(harness, flaky_server):
    body = payload(50_000)
    primary = flaky_server.add("/p/file.bin", body, plan=FaultPlan(always_status=404))
    mirror = flaky_server.add("/m/file.bin", body)
    job = await harness.download(primary, mirrors=(mirror,))
    assert job.state is JobState.FINISHED
    assert (harness.downloads / "file.bin").read_bytes() == body
    assert any("404" in line for line in harness.history(job))


async def test_a_mirror_with_a_different_size_is_rejected_with_a_sentence(harness, flaky_server):
    body = payload(80_000)
    primary = flaky_server.add("/p/a.bin", body, plan=FaultPlan(gate_after=40_000))
    bad = flaky_server.add("/bad/a.bin", payload(70_000))
    good = flaky_server.add("/good/a.bin", body)
    engine = await harness.open()
    job = await engine.add(harness.request(primary, mirrors=(bad, good)))
    assert await asyncio.to_thread(flaky_server.wait_gate, "/p/a.bin", 10)
    flaky_server.set_plan("/p/a.bin", FaultPlan(always_status=410))
    flaky_server.release("/p/a.bin")
    # The gated response still completes; force the switch by failing the primary from the start.
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED
    assert (harness.downloads / "a.bin").read_bytes() == body


async def test_mirror_size_check_before_mixing_bytes(harness, flaky_server):
    body = payload(80_000)
    primary = flaky_server.add("/p/b.bin", body, plan=FaultPlan(drop_after=30_000, drop_times=1))
    bad = flaky_server.add("/bad/b.bin", payload(70_000))
    good = flaky_server.add("/good/b.bin", body)
    engine = await harness.open(retry_max_tries=1)
    job = await engine.add(harness.request(primary, mirrors=(bad, good)))
    flaky_server.set_plan("/p/b.bin", FaultPlan(drop_after=30_000, drop_times=1, always_status=None))
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED, done.error_message
    rejected = [m for m in done.mirrors if m.rejected]
    assert [m.url for m in rejected] == [bad]
    assert "not used" in rejected[0].rejected
    assert flaky_server.requests_for("/bad/b.bin", "GET")[0].headers["Range"].startswith("bytes=30000-")
    assert flaky_server.requests_for("/good/b.bin", "GET")[0].headers["Range"].startswith("bytes=30000-")
    assert "If-Range" not in flaky_server.requests_for("/good/b.bin", "GET")[0].headers
    assert (harness.downloads / "b.bin").read_bytes() == body


async def test_circuit_breaker_parks_a_failing_host_for_every_job(harness, flaky_server):
    body = payload(20_000)
    port = flaky_server.port
    primary_a = flaky_server.add("/a.bin", body, plan=FaultPlan(always_status=503))
    primary_b = flaky_server.add("/b.bin", body, plan=FaultPlan(always_status=503))
    # The same server under another host name counts as another host for the breaker.
    flaky_server.add("/ma.bin", body)
    flaky_server.add("/mb.bin", body)
    mirror_a, mirror_b = f"http://localhost:{port}/ma.bin", f"http://localhost:{port}/mb.bin"
    engine = await harness.open(breaker_threshold=2, breaker_cooldown=60.0, retry_max_tries=10, max_active=1)
    job_a = await engine.add(harness.request(primary_a, mirrors=(mirror_a,)))
    done_a = await asyncio.wait_for(engine.wait(job_a.id), 20)
    assert done_a.state is JobState.FINISHED
    assert len(flaky_server.requests_for("/a.bin", "GET")) == 2  # the breaker opened, not the retry budget
    job_b = await engine.add(harness.request(primary_b, mirrors=(mirror_b,)))
    done_b = await asyncio.wait_for(engine.wait(job_b.id), 20)
    assert done_b.state is JobState.FINISHED
    assert flaky_server.requests_for("/b.bin", "GET") == []  # host still parked: straight to the mirror


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS server on 127.0.0.1 whose certificate no system trusts."""
    import threading

    import trustme
    from aiohttp import web

    async def secret(request: web.Request) -> web.Response:
        return web.Response(body=b"secret")

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_get("/secret.bin", secret)
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    loop.run_until_complete(site.start())
    port = site._server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{port}/secret.bin"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


async def test_tls_certificates_are_verified_by_default(harness, tls_server):
    job = await harness.download(tls_server)
    assert job.state is JobState.FAILED
    assert job.error_kind is ErrorKind.TLS
    assert "certificate" in job.error_message
    assert harness.of_type(JobRetrying) == []
    assert not list(harness.downloads.iterdir())
