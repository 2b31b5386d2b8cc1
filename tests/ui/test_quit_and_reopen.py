"""Quitting pauses transfers promptly and keeps their checkpoints; the next start resumes them."""

from __future__ import annotations

import asyncio
import os
import time

from ui_async import Expect, settled

from tests.helpers.flaky_server import FaultPlan
from wherry import paths
from wherry.app import compose, ui_state
from wherry.core import AddRequest, JobState
from wherry.store import open_store

BODY = os.urandom(600_000)


def test_quit_stops_within_two_seconds_and_the_next_start_resumes(qtbot, qloop, flaky_server, tmp_path):
    url = flaky_server.add("/long.bin", BODY, plan=FaultPlan(gate_after=200_000))
    held = flaky_server.add("/held.bin", BODY)

    async def first_run() -> tuple[str, str]:
        repository, _ = open_store(paths.database_path())
        settings = repository.load_settings().with_changes(download_dir=str(tmp_path), connections=1)
        repository.save_settings(settings)
        wherry = compose(repository, settings, ui_state())
        await wherry.start()
        wherry.window.show()
        paused_job = await wherry.engine.add(AddRequest(held, str(tmp_path), start_paused=True))
        job = await wherry.engine.add(AddRequest(url, str(tmp_path)))
        # Wait until the transfer sits at the gate with bytes on disk.
        await asyncio.to_thread(flaky_server.wait_gate, "/long.bin", 15)
        await Expect(wherry.model.dataChanged, lambda *a: wherry.engine.job(job.id).bytes_done > 0).wait()
        quitting = Expect(wherry.window.quit_requested)
        wherry.window.actions_by_name["quit"].trigger()
        await quitting.wait()
        started = time.monotonic()
        await wherry.shut_down()
        assert time.monotonic() - started < 2.5  # promptly, though the server still holds the line
        wherry.window.deleteLater()
        return job.id, paused_job.id

    job_id, paused_id = qloop.run_until_complete(first_run())
    repository, _ = open_store(paths.database_path())
    try:
        stored = {job.id: job for job in repository.load_jobs()}
    finally:
        repository.close()
    assert stored[job_id].state is JobState.RUNNING  # interrupted, not given up
    assert 0 < stored[job_id].bytes_done < len(BODY)
    assert stored[paused_id].state is JobState.PAUSED

    flaky_server.set_plan("/long.bin", FaultPlan())

    async def second_run() -> None:
        repository, _ = open_store(paths.database_path())
        wherry = compose(repository, repository.load_settings(), ui_state())
        try:
            await wherry.start()
            job = await settled(wherry, wherry.engine.job(job_id), JobState.FINISHED)
            assert job.target.read_bytes() == BODY
            assert wherry.engine.job(paused_id).state is JobState.PAUSED  # paused stays paused
        finally:
            await wherry.shut_down()
            wherry.window.deleteLater()

    qloop.run_until_complete(second_run())
    ranges = [r.range for r in flaky_server.requests_for("/long.bin", "GET")]
    assert any(r is not None and not r.startswith("bytes=0-") for r in ranges)  # resumed, not restarted
