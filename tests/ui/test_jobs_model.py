"""The jobs table model: rows, roles, queue order and coalesced progress updates."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtTest import QAbstractItemModelTester
from ui_doubles import FakeEngine, make_job

from wherry.core import JobState, Progress
from wherry.ui.columns import Column
from wherry.ui.jobs_filter import JobsFilterModel, StateFilter
from wherry.ui.jobs_model import JobsModel, Roles, contiguous_runs


def _tester(model) -> QAbstractItemModelTester:
    return QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)


def _running(job, done: int, speed: float = 1000.0) -> Progress:
    return Progress(job.id, JobState.RUNNING, done, job.total_size, speed, 5.0)


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine(
        [
            make_job("ubuntu.iso", JobState.RUNNING, size=4_000_000_000, done=1_000_000_000),
            make_job("notes.pdf", JobState.PAUSED, size=2_500_000, done=1_000_000),
            make_job("song.mp3", JobState.FINISHED, size=5_000_000, done=5_000_000),
            make_job("photo.jpg", JobState.FAILED),
        ]
    )


def test_rows_follow_engine_queue_order_with_formatted_cells(qapp, engine):
    model = JobsModel(engine)
    _tester(model)
    assert model.rowCount() == 4
    assert model.columnCount() == len(Column)
    names = [model.index(row, Column.NAME).data() for row in range(4)]
    assert names == ["ubuntu.iso", "notes.pdf", "song.mp3", "photo.jpg"]
    assert model.index(1, Column.SIZE).data() == "2.4 MiB"
    assert model.index(1, Column.PROGRESS).data() == "40.0 %"
    assert model.index(1, Column.PROGRESS).data(Roles.PROGRESS) == pytest.approx(0.4)
    assert model.index(1, Column.STATUS).data() == "Paused"
    assert model.index(2, Column.PROGRESS).data() == "100 %"
    assert model.index(0, Column.NAME).data(Roles.JOB_ID) == engine.jobs()[0].id
    assert model.headerData(Column.ETA, Qt.Orientation.Horizontal) == "Time left"


def test_name_cells_carry_a_file_type_icon(qapp, engine):
    model = JobsModel(engine)
    icon = model.index(0, Column.NAME).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon)
    assert not icon.isNull()


def test_a_job_another_wherry_runs_or_holds_says_so_in_its_status(qapp):
    running = make_job("shard-1.bin", JobState.RUNNING, done=400)
    waiting = make_job("shard-2.bin", JobState.QUEUED)
    mine = make_job("mine.bin", JobState.QUEUED)
    engine = FakeEngine([running, waiting, mine])
    engine.elsewhere = {running.id, waiting.id}
    model = JobsModel(engine)
    _tester(model)
    statuses = [model.index(row, Column.STATUS).data() for row in range(3)]
    assert statuses == ["Downloading in another Wherry", "Waiting in another Wherry", "Queued"]
    assert model.index(1, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole) == "Waiting in another Wherry"


def test_failed_status_shows_the_error_sentence(qapp, engine):
    failed = engine.jobs()[3]
    failed.error_message = "The checksum does not match."
    model = JobsModel(engine)
    assert model.index(3, Column.STATUS).data() == "Failed: The checksum does not match."


def test_progress_refresh_repaints_only_changed_rows_in_contiguous_runs(qapp, qtbot):
    states = [JobState.RUNNING if i % 50 == 0 else JobState.QUEUED for i in range(1000)]
    jobs = [make_job(f"file{i}.bin", state) for i, state in enumerate(states)]
    engine = FakeEngine(jobs)
    running = [job for job in jobs if job.state is JobState.RUNNING]
    assert len(running) == 20
    engine.progress = {job.id: _running(job, 0) for job in running}
    model = JobsModel(engine, refresh_ms=60_000)
    _tester(model)
    assert model.is_refreshing()

    changes: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda top, bottom, roles: changes.append((top.row(), bottom.row(), top.column(), bottom.column()))
    )
    # Three of the twenty transfers moved on since the last tick; rows 0, 50 and 100.
    for job in running[:3]:
        engine.progress[job.id] = _running(job, 10)
    model.refresh()
    assert changes == [
        (0, 0, Column.SIZE, Column.STATUS),
        (50, 50, Column.SIZE, Column.STATUS),
        (100, 100, Column.SIZE, Column.STATUS),
    ]

    changes.clear()
    model.refresh()  # nothing moved: nothing repainted
    assert changes == []


def test_adjacent_changed_rows_coalesce_into_one_range(qapp):
    jobs = [make_job(f"f{i}", JobState.RUNNING) for i in range(6)]
    engine = FakeEngine(jobs)
    engine.progress = {job.id: _running(job, 0) for job in jobs}
    model = JobsModel(engine, refresh_ms=60_000)
    ranges: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, roles: ranges.append((top.row(), bottom.row())))
    for job in (jobs[1], jobs[2], jobs[3], jobs[5]):
        engine.progress[job.id] = _running(job, 500)
    model.refresh()
    assert ranges == [(1, 3), (5, 5)]


def test_contiguous_runs_groups_sorted_unique_rows():
    assert list(contiguous_runs([7, 1, 2, 3, 3])) == [(1, 3), (7, 7)]
    assert list(contiguous_runs([])) == []


def test_refresh_timer_runs_only_while_something_transfers(qapp, qtbot):
    job = make_job("a.bin", JobState.RUNNING)
    engine = FakeEngine([job])
    engine.progress = {job.id: _running(job, 0)}
    model = JobsModel(engine, refresh_ms=20)
    assert model.is_refreshing()
    with qtbot.waitSignal(model.dataChanged, timeout=2000):
        engine.progress[job.id] = _running(job, 600)
    engine.progress[job.id] = Progress(job.id, JobState.FINISHED, 1000, 1000, 0.0, None)
    job.state = JobState.FINISHED
    qtbot.waitUntil(lambda: not model.is_refreshing(), timeout=2000)
    assert model.index(0, Column.STATUS).data() == "Finished"


def test_activity_reports_active_count_and_total_speed(qapp, qtbot):
    jobs = [make_job("a", JobState.RUNNING), make_job("b", JobState.RUNNING)]
    engine = FakeEngine(jobs)
    engine.progress = {job.id: _running(job, 0, speed=0) for job in jobs}
    model = JobsModel(engine, refresh_ms=60_000)
    engine.progress = {job.id: _running(job, 10, speed=1500.0) for job in jobs}
    with qtbot.waitSignal(model.activity_changed, timeout=1000) as blocker:
        model.refresh()
    assert blocker.args == [2, 3000.0]


def test_sync_order_inserts_removes_and_moves_rows(qapp):
    jobs = [make_job(name) for name in "abcd"]
    engine = FakeEngine(jobs)
    model = JobsModel(engine)
    _tester(model)
    engine._jobs = [jobs[3], jobs[0], jobs[2]]
    new = make_job("e")
    engine._jobs.append(new)
    model.sync_order()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["d", "a", "c", "e"]
    assert model.row_of(new.id) == 3
    assert model.row_of(jobs[1].id) is None


def test_job_removed_drops_its_row(qapp):
    jobs = [make_job(name) for name in "abc"]
    engine = FakeEngine(jobs)
    model = JobsModel(engine)
    _tester(model)
    engine._jobs.remove(jobs[1])
    model.job_removed(jobs[1].id)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["a", "c"]
    assert model.row_of(jobs[2].id) == 1


@pytest.mark.parametrize(
    ("state_filter", "expected"),
    [
        (StateFilter.ALL, ["ubuntu.iso", "notes.pdf", "song.mp3", "photo.jpg"]),
        (StateFilter.ACTIVE, ["ubuntu.iso"]),
        (StateFilter.QUEUED, ["notes.pdf"]),
        (StateFilter.FINISHED, ["song.mp3"]),
        (StateFilter.FAILED, ["photo.jpg"]),
    ],
)
def test_state_filter_admits_matching_rows(qapp, engine, state_filter, expected):
    proxy = JobsFilterModel()
    proxy.setSourceModel(JobsModel(engine))
    _tester(proxy)
    proxy.set_state_filter(state_filter)
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == expected


def test_search_matches_name_or_url_case_insensitively(qapp, engine):
    proxy = JobsFilterModel()
    proxy.setSourceModel(JobsModel(engine))
    proxy.set_search_text("  NOTES ")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["notes.pdf"]
    proxy.set_search_text("127.0.0.1:9/song")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["song.mp3"]


def test_sorting_by_size_uses_raw_bytes_not_text(qapp, engine):
    proxy = JobsFilterModel()
    proxy.setSourceModel(JobsModel(engine))
    proxy.sort(Column.SIZE, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == [
        "ubuntu.iso",
        "song.mp3",
        "notes.pdf",
        "photo.jpg",
    ]
    proxy.sort(-1)
    assert proxy.index(0, 0).data() == "ubuntu.iso"
    assert proxy.mapToSource(proxy.index(3, 0)) == proxy.sourceModel().index(3, 0)
    assert not proxy.index(0, 0).parent().isValid()
    assert proxy.index(0, 0).parent() == QModelIndex()
