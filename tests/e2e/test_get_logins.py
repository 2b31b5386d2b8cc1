"""`wherry get` behind logins and proxies, with published checksums: real processes, real store."""

from __future__ import annotations

import base64
import hashlib
import os
import signal
import stat

import pytest

from tests.e2e.conftest import spawn, stored_progress, wait_for, wherry
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan
from tests.helpers.proxy_server import ProxyProcess

pytestmark = pytest.mark.e2e

SECRET = "s3cr3t-t0ken"
COOKIE = "c00kie-value"


def everything_a_person_sees(wherry_home, workdir) -> str:
    listing = wherry("list", cwd=workdir)
    assert listing.returncode == 0, listing.stderr
    log = (wherry_home / "wherry.log").read_text(encoding="utf-8", errors="replace")
    from wherry.store import open_store

    repo, _ = open_store(wherry_home / "wherry.db")
    try:
        history = "\n".join(line for job in repo.load_jobs() for _, line in repo.load_history(job.id))
        messages = "\n".join(job.error_message or "" for job in repo.load_jobs())
    finally:
        repo.close()
    return "\n".join([listing.stdout, listing.stderr, log, history, messages])


def test_headers_cookies_and_basic_auth_reach_the_server_and_never_show(flaky_server, workdir, wherry_home):
    basic = "Basic " + base64.b64encode(b"ann:pw-" + SECRET.encode()).decode()
    url = flaky_server.add(
        "/private.bin",
        payload(100_000),
        plan=FaultPlan(
            require_headers={"X-Api-Key": SECRET, "Cookie": f"sid={COOKIE}", "Authorization": basic}
        ),
    )
    result = wherry(
        "get", url, "-H", f"X-Api-Key: {SECRET}", "--cookie", f"sid={COOKIE}", "--user", f"ann:pw-{SECRET}",
        cwd=workdir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (workdir / "private.bin").read_bytes() == payload(100_000)
    seen = everything_a_person_sees(wherry_home, workdir) + result.stdout + result.stderr
    assert SECRET not in seen
    assert COOKIE not in seen
    database = wherry_home / "wherry.db"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(wherry_home.stat().st_mode) == 0o700


def test_an_expired_token_fails_in_one_sentence_and_a_fresh_one_continues(flaky_server, workdir, wherry_home):
    body = payload(1_000_000)
    url = flaky_server.add(
        "/model.bin",
        body,
        plan=FaultPlan(require_headers={"Authorization": "Bearer old"}, gate_after=400_000),
    )
    process = spawn("get", url, "-c", "1", "-H", "Authorization: Bearer old", cwd=workdir)
    try:
        assert flaky_server.wait_gate("/model.bin", 30)
        assert wait_for(lambda: stored_progress(wherry_home).get("model.bin", 0) > 0)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
        flaky_server.release("/model.bin")
        process.stdout.close()
        process.stderr.close()
    kept = stored_progress(wherry_home)["model.bin"]
    flaky_server.set_plan("/model.bin", FaultPlan(require_headers={"Authorization": "Bearer new"}))

    stale = wherry("get", url, "-c", "1", cwd=workdir)  # the stored token goes along, and is refused
    assert stale.returncode == 1
    assert "wants a login or a token (HTTP 401)" in stale.stderr
    assert (workdir / "model.bin.part").stat().st_size >= kept

    fresh = wherry("get", url, "-c", "1", "-H", "Authorization: Bearer new", cwd=workdir)
    assert fresh.returncode == 0, fresh.stderr
    assert (workdir / "model.bin").read_bytes() == body
    assert flaky_server.requests_for("/model.bin", "GET")[-1].range.startswith(f"bytes={kept}-")


def test_checksum_url_is_checked_and_list_says_where_the_digest_came_from(flaky_server, workdir):
    body = payload(50_000)
    sums = flaky_server.add("/rel/SHA256SUMS", f"{hashlib.sha256(body).hexdigest()}  tool.bin\n".encode())
    url = flaky_server.add("/rel/tool.bin", body)
    result = wherry("get", url, "--checksum-url", sums, cwd=workdir)
    assert result.returncode == 0, result.stderr
    published = flaky_server.add(
        "/rel/other.bin",
        body,
        plan=FaultPlan(
            extra_headers={
                "Repr-Digest": f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode()}:"
            }
        ),
    )
    assert wherry("get", published, cwd=workdir).returncode == 0
    lines = wherry("list", cwd=workdir).stdout.splitlines()
    assert any("tool.bin" in line and f"[sha256 from the checksum file {sums}]" in line for line in lines)
    assert any("other.bin" in line and "[sha256 from the Repr-Digest header]" in line for line in lines)


def test_proxy_option_with_a_login_and_a_bad_proxy_address(flaky_server, workdir, wherry_home):
    body = payload(80_000)
    url = flaky_server.add("/p.bin", body)
    with ProxyProcess("socks5", auth="bob:pr0xy-pw") as proxy:
        result = wherry("get", url, "--proxy", proxy.url.replace("socks5://", "socks5h://"), cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert (workdir / "p.bin").read_bytes() == body
    assert "pr0xy-pw" not in everything_a_person_sees(wherry_home, workdir)
    bad = wherry("get", url, "--proxy", "ftp://u:pw@proxy.example:21", cwd=workdir)
    assert bad.returncode == 2
    assert "must start with http://, https://, socks5:// or socks5h://" in bad.stderr
    assert ":pw@" not in bad.stderr
