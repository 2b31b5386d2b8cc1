"""Opening the job list: damaged files are set aside (never deleted), unusable ones refused untouched."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.store.store_samples import full_job, one_sentence, real_database, scribble_history_root
from wherry.core import ErrorKind, StoreError
from wherry.store import open_store
from wherry.store.migrations import CURRENT_VERSION

ASIDE = re.compile(r"^wherry\.db\.corrupt-\d{8}-\d{6}(-\d+)?$")


def garbage(path: Path) -> None:
    path.write_bytes(b"this is not an SQLite database at all\n" * 300)


def truncated(path: Path) -> None:
    data = real_database(path)
    path.write_bytes(data[: len(data) // 2])


def bad_freelist(path: Path) -> None:
    # Header offset 36 counts free pages; claiming five that do not exist leaves the file
    # readable while PRAGMA quick_check reports it.
    data = bytearray(real_database(path))
    data[36:40] = (5).to_bytes(4, "big")
    path.write_bytes(bytes(data))


def scribbled_table_page(path: Path) -> None:
    real_database(path)
    scribble_history_root(path)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "garbage-bytes": garbage,
    "truncated": truncated,
    "quick-check-fails": bad_freelist,
    "scribbled-page": scribbled_table_page,
}


def test_bad_freelist_really_is_caught_by_quick_check_alone(db_path: Path) -> None:
    bad_freelist(db_path)
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (CURRENT_VERSION,)
        assert raw.execute("PRAGMA quick_check").fetchall() != [("ok",)]
    raw.close()


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_file_is_set_aside_and_a_new_one_started(
    db_path: Path, damage: Callable[[Path], None]
) -> None:
    damage(db_path)
    damaged_bytes = db_path.read_bytes()

    repo, notice = open_store(db_path)
    try:
        [aside] = [p for p in db_path.parent.iterdir() if ASIDE.match(p.name)]
        assert aside.read_bytes() == damaged_bytes
        assert notice == (
            f"The job list was damaged and has been set aside as {aside.name}; Wherry started a new one."
        )
        assert repo.load_jobs() == []
        job = full_job()
        repo.save_job(job)
        assert repo.load_jobs() == [job]
    finally:
        repo.close()


def test_companion_files_move_with_the_damaged_file(db_path: Path) -> None:
    garbage(db_path)
    companions = {"-wal": b"old log", "-shm": b"old index", "-journal": b"old journal"}
    for suffix, content in companions.items():
        Path(f"{db_path}{suffix}").write_bytes(content)

    repo, notice = open_store(db_path)
    repo.close()

    assert notice is not None
    [aside] = [p for p in db_path.parent.iterdir() if ASIDE.match(p.name)]
    for suffix, content in companions.items():
        assert Path(f"{aside}{suffix}").read_bytes() == content
    assert not Path(f"{db_path}-journal").exists()


def test_log_of_a_damaged_file_is_not_folded_into_it(tmp_path: Path, db_path: Path) -> None:
    # A crash leaves committed pages in the -wal. Checkpointing them into a damaged file
    # would change the very bytes someone may later try to rescue.
    live = tmp_path / "live.db"
    real_database(live)
    writer = sqlite3.connect(live)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        with writer:
            writer.execute("INSERT INTO settings (key, value) VALUES ('max_active', '5')")
        scribble_history_root(live)  # the writer's log does not touch that page
        db_path.write_bytes(live.read_bytes())
        Path(f"{db_path}-wal").write_bytes(Path(f"{live}-wal").read_bytes())
    finally:
        writer.close()
    damaged, log = db_path.read_bytes(), Path(f"{db_path}-wal").read_bytes()
    assert len(log) > 0

    repo, notice = open_store(db_path)
    repo.close()

    assert notice is not None
    [aside] = [p for p in db_path.parent.iterdir() if ASIDE.match(p.name)]
    assert aside.read_bytes() == damaged
    assert Path(f"{aside}-wal").read_bytes() == log


def test_damage_twice_keeps_both_copies(db_path: Path) -> None:
    contents = []
    for n in range(2):
        content = f"damaged copy {n}\n".encode() * 200
        db_path.write_bytes(content)
        contents.append(content)
        repo, notice = open_store(db_path)
        repo.close()
        assert notice is not None
    asides = sorted(p for p in db_path.parent.iterdir() if ASIDE.match(p.name))
    assert len(asides) == 2
    assert sorted(p.read_bytes() for p in asides) == sorted(contents)


def test_empty_file_is_a_new_job_list_not_damage(db_path: Path) -> None:
    db_path.write_bytes(b"")
    repo, notice = open_store(db_path)
    repo.close()
    assert notice is None
    assert [p.name for p in db_path.parent.iterdir() if ".corrupt-" in p.name] == []


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def assert_left_alone(folder: Path, before: dict[str, bytes]) -> None:
    """Every file is as it was; SQLite may only have added an empty log and its index."""
    after = files_in(folder)
    assert {name: after.get(name) for name in before} == before
    added = set(after) - set(before)
    assert added <= {"wherry.db-wal", "wherry.db-shm"}
    assert after.get("wherry.db-wal", b"") == before.get("wherry.db-wal", b"")


def test_database_from_a_newer_wherry_is_refused_and_left_alone(db_path: Path) -> None:
    real_database(db_path, jobs=3)
    with sqlite3.connect(db_path) as raw:
        raw.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
    raw.close()
    before = files_in(db_path.parent)

    with pytest.raises(StoreError, match="made by a newer Wherry") as caught:
        open_store(db_path)

    assert_left_alone(db_path.parent, before)
    assert one_sentence(caught.value.message)


def test_someone_elses_database_is_refused_and_left_alone(db_path: Path) -> None:
    with sqlite3.connect(db_path) as raw:
        raw.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        raw.execute("INSERT INTO photos (name) VALUES ('cat.jpg')")
    raw.close()
    before = files_in(db_path.parent)
    with pytest.raises(StoreError, match="not a Wherry job list"):
        open_store(db_path)
    assert_left_alone(db_path.parent, before)


def test_a_folder_in_place_of_the_file_is_refused_and_left_alone(db_path: Path) -> None:
    db_path.mkdir()
    (db_path / "keep.txt").write_text("mine")
    with pytest.raises(StoreError, match="is not a file") as caught:
        open_store(db_path)
    assert caught.value.kind is ErrorKind.FILESYSTEM
    assert (db_path / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["wherry.db"]


def test_a_file_in_place_of_the_folder_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create the folder"):
        open_store(blocker / "wherry.db")
    assert blocker.read_text() == "not a folder"


def test_missing_folders_are_created(tmp_path: Path) -> None:
    repo, notice = open_store(tmp_path / "a" / "b" / "wherry.db")
    repo.close()
    assert notice is None
    assert (tmp_path / "a" / "b" / "wherry.db").is_file()
