"""`wherry get` as a person runs it: real processes, SIGKILL mid-download, reruns, exit codes."""

from __future__ import annotations

import hashlib
import os
import signal

import pytest

from tests.e2e.conftest import spawn, stored_progress, wait_for, wherry
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan

pytestmark = pytest.mark.e2e

SIZE = 2_000_000


@pytest.mark.parametrize(
    ("kill_at", "after_checkpoint"),
    [(50_000, False), (1_000_000, True), (1_900_000, True)],
    ids=["early-before-any-checkpoint", "middle", "near-the-end"],
)
def test_sigkill_then_rerun_gives_the_exact_file(
    flaky_server, workdir, wherry_home, kill_at, after_checkpoint
):
    body = payload(SIZE)
    digest = hashlib.sha256(body).hexdigest()
    url = flaky_server.add("/big.iso", body, plan=FaultPlan(gate_after=kill_at))
    process = spawn("get", url, "-o", "big.iso", "--sha256", digest, "-c", "1", cwd=workdir)
    try:
        assert flaky_server.wait_gate("/big.iso", 30)
        assert wait_for(lambda: (workdir / "big.iso.part").exists())
        if after_checkpoint:
            assert wait_for(lambda: stored_progress(wherry_home).get("big.iso") == kill_at)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
        flaky_server.release("/big.iso")
        process.stdout.close()
        process.stderr.close()
    assert not (workdir / "big.iso").exists(), "an unfinished download sits at the final path"
    checkpointed = stored_progress(wherry_home).get("big.iso", 0)
    # Every byte the store counts is on disk with the server's content (the .part is preallocated,
    # so its size alone would prove nothing).
    assert (workdir / "big.iso.part").read_bytes()[:checkpointed] == body[:checkpointed]

    rerun = wherry("get", url, "-o", "big.iso", "--sha256", digest, "-c", "1", cwd=workdir)
    assert rerun.returncode == 0, rerun.stderr
    assert (workdir / "big.iso").read_bytes() == body
    assert not (workdir / "big.iso.part").exists()
    resumed = flaky_server.requests_for("/big.iso", "GET")[-1]
    assert resumed.headers["Range"].startswith(f"bytes={checkpointed}-")
    if after_checkpoint:
        assert checkpointed == kill_at


def test_rerun_after_success_exits_zero_without_downloading(flaky_server, workdir):
    url = flaky_server.add("/once.bin", payload(10_000))
    first = wherry("get", url, cwd=workdir)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == str(workdir / "once.bin")
    requests = len(flaky_server.requests)
    second = wherry("get", url, cwd=workdir)
    assert second.returncode == 0
    assert len(flaky_server.requests) == requests
    assert sorted(p.name for p in workdir.iterdir()) == ["once.bin"]


def test_existing_output_is_refused_and_untouched_without_overwrite(flaky_server, workdir):
    (workdir / "mine.txt").write_text("keep me")
    url = flaky_server.add("/mine.txt", b"replacement")
    refused = wherry("get", url, "-o", "mine.txt", cwd=workdir)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    assert "already exists" in refused.stderr
    assert (workdir / "mine.txt").read_text() == "keep me"
    assert flaky_server.requests == []
    replaced = wherry("get", url, "-o", "mine.txt", "--overwrite", cwd=workdir)
    assert replaced.returncode == 0, replaced.stderr
    assert (workdir / "mine.txt").read_bytes() == b"replacement"


def test_names_wherry_picks_get_a_number_instead(flaky_server, workdir):
    (workdir / "report.pdf").write_text("older")
    url = flaky_server.add("/report.pdf", b"newer")
    result = wherry("get", url, cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert (workdir / "report.pdf").read_text() == "older"
    assert (workdir / "report (1).pdf").read_bytes() == b"newer"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ftp://example.org/file"], "is not a web address"),
        (["http://127.0.0.1:9/x", "--sha256", "abc"], "64 hexadecimal characters"),
        (["http://127.0.0.1:9/x", "--checksum", "crc32:00000000"], "Unknown checksum algorithm"),
        (["http://127.0.0.1:9/a", "http://127.0.0.1:9/b", "-o", "x"], "exactly one URL"),
        (["http://127.0.0.1:9/a", "-c", "99"], "between 1 and 32"),
        (["http://127.0.0.1:9/a", "-j", "0"], "between 1 and 64"),
        ([], "at least one URL"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(workdir, args, message):
    result = wherry("get", *args, cwd=workdir)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert list(workdir.iterdir()) == []


def test_a_failed_download_exits_non_zero_with_one_line(flaky_server, workdir):
    url = flaky_server.add("/missing.bin", b"", plan=FaultPlan(always_status=404))
    result = wherry("get", url, cwd=workdir)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.startswith("wherry:")]
    assert len(lines) == 1
    assert "404" in lines[0]
    assert "Traceback" not in result.stderr


def test_checksum_mismatch_exits_non_zero_and_leaves_no_finished_file(flaky_server, workdir):
    body = payload(50_000)
    url = flaky_server.add("/c.bin", body, plan=FaultPlan(corrupt_at=10))
    result = wherry("get", url, "--sha256", hashlib.sha256(body).hexdigest(), cwd=workdir)
    assert result.returncode == 1
    assert "was expected" in result.stderr
    assert not (workdir / "c.bin").exists()


def test_progress_is_plain_lines_when_not_a_terminal(flaky_server, workdir):
    url = flaky_server.add("/plain.bin", payload(400_000), plan=FaultPlan(drip_rate=800_000))
    result = wherry("get", url, cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr
    assert "\x1b" not in result.stderr
    assert "plain.bin: 100% of" in result.stderr


def test_sigint_pauses_exits_130_and_the_rerun_continues(flaky_server, workdir):
    body = payload(SIZE)
    url = flaky_server.add("/int.bin", body, plan=FaultPlan(gate_after=500_000))
    process = spawn("get", url, cwd=workdir)
    try:
        assert flaky_server.wait_gate("/int.bin", 30)
        assert wait_for(lambda: (workdir / "int.bin.part").exists())
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        flaky_server.release("/int.bin")
    assert process.returncode == 130
    assert "run the same command again" in err
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # nothing of it is left running
    rerun = wherry("get", url, cwd=workdir)
    assert rerun.returncode == 0, rerun.stderr
    assert (workdir / "int.bin").read_bytes() == body
    assert flaky_server.requests_for("/int.bin", "GET")[-1].headers["Range"] != "bytes=0-"


def test_list_shows_jobs_and_their_state(flaky_server, workdir):
    ok = flaky_server.add("/fine.bin", b"fine")
    bad = flaky_server.add("/nope.bin", b"", plan=FaultPlan(always_status=410))
    wherry("get", ok, cwd=workdir)
    wherry("get", bad, cwd=workdir)
    listing = wherry("list", cwd=workdir)
    assert listing.returncode == 0
    lines = listing.stdout.splitlines()
    assert any("finished" in line and "fine.bin" in line for line in lines)
    assert any("failed" in line and "410" in line for line in lines)


def test_several_urls_and_a_url_list_go_through_the_queue(flaky_server, workdir):
    urls = [flaky_server.add(f"/many{i}.bin", payload(30_000, i)) for i in range(4)]
    (workdir / "list.txt").write_text("# a comment\n" + "\n".join(urls[2:]) + "\n\n")
    result = wherry("get", urls[0], urls[1], "-i", "list.txt", "-d", "out", cwd=workdir)
    assert result.returncode == 0, result.stderr
    for i in range(4):
        assert (workdir / "out" / f"many{i}.bin").read_bytes() == payload(30_000, i)


def test_j_sets_how_many_files_are_in_flight_at_once(flaky_server, workdir):
    # Every file stops at its gate after 1,000 bytes, so none finishes while we count.
    paths = [f"/gated{i}.bin" for i in range(7)]
    gate = FaultPlan(gate_after=1_000)
    urls = [flaky_server.add(p, payload(30_000, n), plan=gate) for n, p in enumerate(paths)]
    (workdir / "list.txt").write_text("\n".join(urls) + "\n")
    process = spawn("get", "-q", "-j", "5", "-i", "list.txt", "-d", "out", cwd=workdir)
    try:
        started = lambda: [p for p in paths if flaky_server.requests_for(p, "GET")]  # noqa: E731
        assert flaky_server.wait_until(lambda _: len(started()) >= 5, 30)
        assert all(flaky_server.wait_gate(p, 30) for p in started())
        # Five are held at their gates, more than the default three; the other two must wait.
        assert len(started()) == 5
        for p in paths:
            flaky_server.release(p, 10)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    for i in range(7):
        assert (workdir / "out" / f"gated{i}.bin").read_bytes() == payload(30_000, i)


@pytest.mark.parametrize("kill_after", [500_000, 1_500_000, 2_600_000], ids=["early", "middle", "late"])
def test_sigkill_of_a_segmented_download_then_rerun_gives_the_exact_file(
    flaky_server, workdir, wherry_home, kill_after
):
    body = payload(3 * 1024 * 1024)
    digest = hashlib.sha256(body).hexdigest()
    # Four connections at 300 kB/s each: the kill points fall around 0.4 s, 1.2 s and 2.2 s.
    url = flaky_server.add("/seg.bin", body, plan=FaultPlan(drip_rate=300_000))
    process = spawn("get", url, "-c", "4", "--sha256", digest, cwd=workdir)
    try:
        assert flaky_server.wait_bytes_sent("/seg.bin", kill_after, 30)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.stderr.close()
    assert not (workdir / "seg.bin").exists()
    checkpointed = stored_progress(wherry_home)["seg.bin"]
    assert checkpointed <= kill_after
    if kill_after > 1_000_000:
        assert checkpointed > 0, "a checkpoint was written during the first second"
    before = flaky_server.bytes_sent("/seg.bin")
    rerun = wherry("get", url, "-c", "4", "--sha256", digest, cwd=workdir)
    assert rerun.returncode == 0, rerun.stderr
    assert (workdir / "seg.bin").read_bytes() == body
    refetched = flaky_server.bytes_sent("/seg.bin") - before
    # Only what the checkpoint did not cover is fetched again (plus bytes in flight when a
    # connection that finished its part early is closed).
    assert refetched <= len(body) - checkpointed + 256 * 1024


def test_connections_flag_splits_the_download(flaky_server, workdir):
    body = payload(3 * 1024 * 1024)
    url = flaky_server.add("/c4.bin", body)
    result = wherry("get", url, "-c", "3", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert (workdir / "c4.bin").read_bytes() == body
    assert len(flaky_server.requests_for("/c4.bin", "GET")) >= 3


@pytest.mark.parametrize("same", [True, False], ids=["same-file", "different-file"])
def test_replace_gives_a_paused_download_a_new_url(flaky_server, workdir, wherry_home, same):
    body = payload(SIZE)
    old = flaky_server.add("/old/r.bin", body, etag='"x"', plan=FaultPlan(gate_after=600_000))
    new_body = body if same else payload(SIZE, seed=8)
    new = flaky_server.add("/new/r.bin", new_body, etag='"x"' if same else '"y"')
    process = spawn("get", old, "-o", "r.bin", "-c", "1", cwd=workdir)
    try:
        assert flaky_server.wait_gate("/old/r.bin", 30)
        assert wait_for(lambda: stored_progress(wherry_home).get("r.bin") == 600_000)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        flaky_server.release("/old/r.bin")
    listing = wherry("list", cwd=workdir).stdout
    job_id = listing.split()[0]
    replaced = wherry("replace", job_id, new, cwd=workdir)
    assert replaced.returncode == 0, replaced.stderr
    assert ("were kept" in replaced.stdout) is same
    assert ("discarded" in replaced.stdout) is not same
    finished = wherry("get", new, "-o", "r.bin", "-c", "1", cwd=workdir)
    assert finished.returncode == 0, finished.stderr
    assert (workdir / "r.bin").read_bytes() == new_body
    first = [
        r.headers["Range"]
        for r in flaky_server.requests_for("/new/r.bin", "GET")
        if r.headers["Range"] != "bytes=0-0"
    ]
    assert first[0].startswith("bytes=600000-" if same else "bytes=0-")


def test_replace_refuses_an_unknown_job(workdir):
    result = wherry("replace", "feedface", "http://127.0.0.1:9/x", cwd=workdir)
    assert result.returncode == 2
    assert "No download matches" in result.stderr


def test_a_metalink_becomes_jobs_with_mirrors_hashes_and_pieces(flaky_server, workdir):
    first, second = payload(700_000, 1), payload(300_000, 2)
    dead = flaky_server.add("/dead/first.iso", b"", plan=FaultPlan(always_status=404))
    good = flaky_server.add("/good/first.iso", first)
    other = flaky_server.add("/x/second.bin", second)
    piece = 256 * 1024
    pieces = "".join(
        f"<hash>{hashlib.sha1(first[i : i + piece]).hexdigest()}</hash>" for i in range(0, len(first), piece)
    )
    (workdir / "set.meta4").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<metalink xmlns="urn:ietf:params:xml:ns:metalink">'
        f'<file name="first.iso"><size>{len(first)}</size>'
        f'<hash type="sha-256">{hashlib.sha256(first).hexdigest()}</hash>'
        f'<pieces length="{piece}" type="sha-1">{pieces}</pieces>'
        f'<url priority="1">{dead}</url><url priority="2">{good}</url></file>'
        f'<file name="second.bin"><hash type="sha-256">{hashlib.sha256(second).hexdigest()}</hash>'
        f"<url>{other}</url></file></metalink>"
    )
    result = wherry("get", "--metalink", "set.meta4", "-d", "out", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert (workdir / "out" / "first.iso").read_bytes() == first
    assert (workdir / "out" / "second.bin").read_bytes() == second
    assert flaky_server.requests_for("/dead/first.iso", "GET")  # tried in priority order
    listing = wherry("list", cwd=workdir).stdout
    assert "first.iso" in listing
    assert "second.bin" in listing


def test_a_hostile_metalink_is_refused_in_one_sentence(workdir):
    (workdir / "evil.meta4").write_text(
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a">&x;</file></metalink>'
    )
    result = wherry("get", "--metalink", "evil.meta4", cwd=workdir)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert list(workdir.iterdir()) == [workdir / "evil.meta4"]
