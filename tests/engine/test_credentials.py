"""Logins: headers stored with the job, secrets only for their own host, 401 → new credentials."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import pytest

from tests.engine.conftest import Harness, payload
from tests.helpers.flaky_server import FaultPlan, FlakyServer
from wherry.core.errors import ErrorKind
from wherry.core.jobs import JobState

SECRETS = ("Authorization", "Cookie", "X-Private")
TOKEN = ("Authorization", "Bearer s3cr3t-token")


@pytest.fixture
def other_host():
    """A second server on 127.0.0.2: another host as far as origins go."""
    server = FlakyServer(host="127.0.0.2").start()
    try:
        yield server
    finally:
        server.stop()


async def test_headers_go_to_the_server_and_survive_a_restart(harness: Harness, flaky_server) -> None:
    body = payload(300_000)
    url = flaky_server.add(
        "/gated.bin", body, plan=FaultPlan(require_headers=dict([TOKEN]), gate_after=100_000)
    )
    engine = await harness.open()
    job = await engine.add(harness.request(url, headers=(TOKEN,), connections=1))
    assert await asyncio.to_thread(flaky_server.wait_gate, "/gated.bin", 10)
    await engine.pause(job.id)
    flaky_server.release("/gated.bin")

    engine = await harness.reopen()
    stored = engine.job(job.id)
    assert stored.headers == (TOKEN,)
    await engine.resume(job.id)
    done = await asyncio.wait_for(engine.wait(job.id), 30)
    assert done.state is JobState.FINISHED, done.error_message
    assert Path(done.target).read_bytes() == body
    last = flaky_server.requests_for("/gated.bin", "GET")[-1]
    assert last.headers["Authorization"] == TOKEN[1]
    assert last.range is not None
    assert not last.range.startswith("bytes=0-")


async def test_a_redirect_to_another_host_carries_no_secret(
    harness: Harness, flaky_server, other_host
) -> None:
    body = payload(200_000)
    cdn = other_host.add("/signed/blob", body, plan=FaultPlan(reject_headers=SECRETS))
    url = flaky_server.add("/file.bin", b"", plan=FaultPlan(redirect_to=cdn, require_headers=dict([TOKEN])))
    headers = (TOKEN, ("Cookie", "session=abc"), ("X-Private", "p"), ("Accept-Language", "de"))
    job = await harness.download(url, headers=headers, secret_headers=("x-private",), connections=2)
    assert job.state is JobState.FINISHED, job.error_message
    assert Path(job.target).read_bytes() == body
    seen = other_host.requests_for("/signed/blob", "GET")
    assert seen
    assert all(r.status != 400 for r in seen)
    assert all(name not in r.headers for r in seen for name in SECRETS)
    # What is not secret still goes along.
    assert all(r.headers.get("Accept-Language") == "de" for r in seen)
    assert all(r.headers["Authorization"] == TOKEN[1] for r in flaky_server.requests_for("/file.bin"))


async def test_a_mirror_on_another_host_gets_no_credentials(
    harness: Harness, flaky_server, other_host
) -> None:
    body = payload(2_000_000)
    primary = flaky_server.add("/m.bin", body, plan=FaultPlan(require_headers=dict([TOKEN])))
    mirror = other_host.add("/m.bin", body, plan=FaultPlan(reject_headers=SECRETS))
    job = await harness.download(primary, headers=(TOKEN,), mirrors=(mirror,), connections=4, timeout=60)
    assert job.state is JobState.FINISHED, job.error_message
    assert Path(job.target).read_bytes() == body
    assert other_host.requests_for("/m.bin", "GET"), "the mirror was never used"
    assert all(r.status != 400 for r in other_host.requests_for("/m.bin"))


async def test_login_needed_keeps_the_bytes_and_new_credentials_continue(
    harness: Harness, flaky_server
) -> None:
    body = payload(400_000)
    url = flaky_server.add("/private.bin", body, plan=FaultPlan(gate_after=150_000))
    engine = await harness.open()
    job = await engine.add(harness.request(url, headers=(("Authorization", "Bearer old"),), connections=1))
    assert await asyncio.to_thread(flaky_server.wait_gate, "/private.bin", 10)
    await engine.pause(job.id)
    flaky_server.release("/private.bin")
    had = engine.job(job.id).bytes_done
    assert had > 0
    # The token expired meanwhile: the server now wants a new one.
    flaky_server.set_plan("/private.bin", FaultPlan(require_headers={"Authorization": "Bearer new"}))
    await engine.resume(job.id)
    failed = await asyncio.wait_for(engine.wait(job.id), 30)
    assert failed.state is JobState.FAILED
    assert failed.error_kind is ErrorKind.LOGIN_NEEDED
    assert "wants a login or a token (HTTP 401)" in (failed.error_message or "")
    assert failed.part_path is not None
    assert failed.part_path.stat().st_size >= had

    engine.replace_credentials(job.id, (("Authorization", "Bearer new"),))
    await engine.resume(job.id)
    done = await asyncio.wait_for(engine.wait(job.id), 30)
    assert done.state is JobState.FINISHED, done.error_message
    assert Path(done.target).read_bytes() == body
    assert flaky_server.requests_for("/private.bin", "GET")[-1].range.startswith(f"bytes={had}-")
    assert all("Bearer" not in line for line in harness.history(done))


async def test_userinfo_in_the_url_becomes_basic_auth_and_leaves_the_url(
    harness: Harness, flaky_server
) -> None:
    expected = "Basic " + base64.b64encode(b"ann:p@ss word").decode()
    url = flaky_server.add(
        "/basic.bin", b"x" * 1000, plan=FaultPlan(require_headers={"Authorization": expected})
    )
    with_userinfo = url.replace("http://", "http://ann:p%40ss%20word@")
    job = await harness.download(with_userinfo)
    assert job.state is JobState.FINISHED, job.error_message
    assert job.url == url
    assert "p%40ss" not in job.url


async def test_cookie_file_sends_the_cookies_for_this_host_only(
    harness: Harness, flaky_server, tmp_path
) -> None:
    cookies = tmp_path / "cookies.txt"
    # A file as browser exporters write it: HttpOnly lines, a session cookie (expiry 0),
    # another site's cookie and an expired one; no magic first line, Windows line ends.
    cookies.write_bytes(
        b"127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tabc123\r\n"
        b"#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t4102444800\tauth\txyz\r\n"
        b"example.org\tTRUE\t/\tFALSE\t4102444800\tother\tnope\r\n"
        b"127.0.0.1\tFALSE\t/\tFALSE\t1000\told\texpired\r\n"
    )
    url = flaky_server.add("/c.bin", b"c" * 500)
    job = await harness.download(url, cookie_file=str(cookies))
    assert job.state is JobState.FINISHED, job.error_message
    sent = flaky_server.requests_for("/c.bin", "GET")[0].headers["Cookie"]
    assert sorted(part.strip() for part in sent.split(";")) == ["auth=xyz", "sid=abc123"]


async def test_netrc_supplies_a_login_when_none_is_given(
    harness: Harness, flaky_server, tmp_path, monkeypatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login robot password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    expected = "Basic " + base64.b64encode(b"robot:hunter2").decode()
    url = flaky_server.add("/n.bin", b"n" * 100, plan=FaultPlan(require_headers={"Authorization": expected}))
    job = await harness.download(url)
    assert job.state is JobState.FINISHED, job.error_message


async def test_a_new_address_on_another_host_does_not_inherit_the_secrets(
    harness: Harness, flaky_server, other_host
) -> None:
    url = flaky_server.add("/gone.bin", b"", plan=FaultPlan(always_status=404))
    engine = await harness.open()
    job = await engine.add(harness.request(url, headers=(TOKEN, ("Accept-Language", "fr"))))
    failed = await asyncio.wait_for(engine.wait(job.id), 30)
    assert failed.state is JobState.FAILED
    new = other_host.add("/gone.bin", b"z" * 100, plan=FaultPlan(reject_headers=SECRETS))
    await engine.replace_url(job.id, new)
    assert engine.job(job.id).headers == (("Accept-Language", "fr"),)
    await engine.resume(job.id)
    done = await asyncio.wait_for(engine.wait(job.id), 30)
    assert done.state is JobState.FINISHED, done.error_message
    assert any("were not carried over" in line for line in harness.history(done))


async def test_a_mirror_gets_its_own_login_and_only_that(harness: Harness, flaky_server, other_host) -> None:
    body = payload(2_000_000)
    mirror_token = "Bearer mirror-only"
    primary = flaky_server.add("/own.bin", body, plan=FaultPlan(require_headers=dict([TOKEN])))
    mirror = other_host.add("/own.bin", body, plan=FaultPlan(require_headers={"Authorization": mirror_token}))
    job = await harness.download(
        primary,
        headers=(TOKEN,),
        host_headers=(("127.0.0.2", "Authorization", mirror_token),),
        mirrors=(mirror,),
        connections=4,
        timeout=60,
    )
    assert job.state is JobState.FINISHED, job.error_message
    assert Path(job.target).read_bytes() == body
    used = other_host.requests_for("/own.bin", "GET")
    assert used, "the mirror was never used"
    assert all(r.headers["Authorization"] == mirror_token for r in used)
    assert all(r.headers["Authorization"] == TOKEN[1] for r in flaky_server.requests_for("/own.bin"))
