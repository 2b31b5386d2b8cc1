"""actions_for: what the toolbar and context menu allow for each state and for mixed selections."""

from __future__ import annotations

import pytest
from ui_doubles import make_job

from wherry.core import JobState
from wherry.ui.job_actions import JOB_ACTIONS, actions_for

S = JobState
EVERY_STATE = {"remove", "remove_delete", "open_folder", "copy_url", "properties"}

CASES = [
    (S.QUEUED, {"pause", "cancel", "move_up", "move_down"}),
    (S.RUNNING, {"pause", "cancel", "move_up", "move_down"}),
    (S.VERIFYING, {"pause", "cancel", "move_up", "move_down"}),
    (S.PAUSED, {"resume", "cancel", "move_up", "move_down", "change_url", "change_credentials"}),
    (S.FAILED, {"retry", "cancel", "change_url", "change_credentials"}),
    (S.CANCELLED, {"retry"}),
    (S.FINISHED, {"open_file"}),
]


@pytest.mark.parametrize(("state", "specific"), CASES, ids=[c[0].value for c in CASES])
def test_single_job_enables_exactly_what_its_state_allows(state, specific):
    enabled = actions_for([make_job("a.iso", state)]).enabled_names()
    assert enabled == EVERY_STATE | specific


def test_every_state_is_covered_by_the_table():
    assert {state for state, _ in CASES} == set(JobState)


def test_empty_selection_enables_nothing():
    assert actions_for([]).enabled_names() == frozenset()
    assert all(not actions_for([]).enabled(name) for name in JOB_ACTIONS)


def test_mixed_selection_applies_each_action_to_the_jobs_it_fits():
    running = make_job("a", S.RUNNING)
    paused = make_job("b", S.PAUSED)
    finished = make_job("c", S.FINISHED)
    available = actions_for([running, paused, finished])
    assert available.ids("pause") == (running.id,)
    assert available.ids("resume") == (paused.id,)
    assert available.ids("open_file") == (finished.id,)
    assert available.ids("remove") == (running.id, paused.id, finished.id)
    assert not available.enabled("properties")  # one job at a time
    assert not available.enabled("retry")


def test_finished_job_without_a_name_cannot_be_opened():
    job = make_job("a", S.FINISHED)
    job.filename = None
    assert not actions_for([job]).enabled("open_file")


def test_change_url_is_for_one_job_at_a_time():
    jobs = [make_job("a", S.PAUSED), make_job("b", S.FAILED)]
    assert not actions_for(jobs).enabled("change_url")
    assert actions_for(jobs[:1]).enabled("change_url")
