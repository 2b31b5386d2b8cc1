"""One writer per file: a second Wherry on the same download is refused while the first writes."""

from __future__ import annotations

import os
import signal

import pytest

from tests.e2e.conftest import spawn, wait_for, wherry
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan

pytestmark = pytest.mark.e2e


def test_a_second_wherry_on_the_same_download_is_refused_and_the_first_finishes(flaky_server, workdir):
    body = payload(600_000)
    url = flaky_server.add("/one.bin", body, plan=FaultPlan(gate_after=200_000))
    first = spawn("get", url, "-o", "one.bin", "-c", "1", cwd=workdir)
    try:
        assert flaky_server.wait_gate("/one.bin", 30)
        assert wait_for(lambda: (workdir / "one.bin.part").exists())
        second = wherry("get", url, "-o", "one.bin", "-c", "1", cwd=workdir)
        assert second.returncode != 0
        assert "being downloaded by another Wherry" in second.stderr
        assert "Traceback" not in second.stderr
        assert not (workdir / "one.bin").exists()
        flaky_server.release("/one.bin")
        assert first.wait(30) == 0, first.stderr.read()
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(10)
        flaky_server.release("/one.bin")
        first.stdout.close()
        first.stderr.close()
    assert (workdir / "one.bin").read_bytes() == body
    assert not (workdir / "one.bin.part").exists()
