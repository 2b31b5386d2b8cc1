"""The Verify dialog on a real VerifyService: rows, warnings, summary, cancel and drops."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from wherry.ui.verify_dialog import VerifyDialog, summary_sentence
from wherry.verify.service import FileStatus, VerifyService

TIMEOUT_MS = 30_000
BIG = 32 * 1024 * 1024


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A SHA256SUMS naming a good file, a damaged one and an absent one, plus a line of junk."""
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "good.iso").write_bytes(b"good")
    (folder / "bad.iso").write_bytes(b"damaged")
    lines = [
        f"{_sha256(b'good')}  good.iso",
        f"{_sha256(b'expected')}  bad.iso",
        "this is no checksum",
        f"{_sha256(b'x')}  gone.iso",
    ]
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    return folder


def _long_release(folder: Path, files: int = 64) -> Path:
    """Sparse files listed in a SHA256SUMS: no disk space, but seconds of hashing in all."""
    folder.mkdir()
    names = [f"part{n:03}.bin" for n in range(files)]
    for name in names:
        with open(folder / name, "wb") as stream:
            stream.truncate(BIG)
    digest = _sha256(bytes(BIG))
    (folder / "SHA256SUMS").write_text("".join(f"{digest}  {name}\n" for name in names))
    return folder


def _dialog(qtbot, service: VerifyService, paths: list[str]) -> VerifyDialog:
    dialog = VerifyDialog(service, paths=paths)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _rows(dialog: VerifyDialog) -> list[tuple[str, str, FileStatus, str]]:
    table = dialog.table
    return [
        (
            table.item(row, 0).text(),
            table.item(row, 1).text(),
            table.item(row, 1).data(Qt.ItemDataRole.UserRole),
            table.item(row, 3).text(),
        )
        for row in range(table.rowCount())
    ]


def test_a_folder_gives_a_row_per_file_the_bad_lines_and_a_summary(
    qtbot, service: VerifyService, release: Path
) -> None:
    dialog = _dialog(qtbot, service, [str(release)])
    with qtbot.waitSignal(dialog.run_ended, timeout=TIMEOUT_MS) as blocker:
        dialog.verify_button.click()
        assert dialog.running
        assert not dialog.verify_button.isEnabled()
        assert dialog.cancel_button.isEnabled()

    assert _rows(dialog) == [
        ("good.iso", "OK", FileStatus.OK, "SHA256SUMS, line 1"),
        ("bad.iso", "Mismatch", FileStatus.MISMATCH, "SHA256SUMS, line 2"),
        ("gone.iso", "Missing", FileStatus.MISSING, "SHA256SUMS, line 4"),
    ]
    mismatch = dialog.table.item(1, 2)
    assert mismatch.text() == (
        f"Expected {_sha256(b'expected')[:6]}…{_sha256(b'expected')[-6:]}, "
        f"got {_sha256(b'damaged')[:6]}…{_sha256(b'damaged')[-6:]}"
    )
    assert f"Expected: {_sha256(b'expected')}" in mismatch.toolTip()
    assert f"Actual:   {_sha256(b'damaged')}" in mismatch.toolTip()
    assert "does not exist" in dialog.table.item(2, 2).toolTip()
    warnings = [dialog.warnings_list.item(r).text() for r in range(dialog.warnings_list.count())]
    assert warnings == ["SHA256SUMS: Line 3 is not a checksum line."]
    assert dialog.warnings_list.isVisible()
    assert blocker.args == ["1 file OK, 1 mismatch, 1 missing."]
    assert dialog.summary_label.text() == "1 file OK, 1 mismatch, 1 missing."
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum()
    assert not dialog.running
    assert dialog.verify_button.isEnabled()
    assert not dialog.cancel_button.isEnabled()


def test_a_downloaded_file_is_checked_against_its_sidecar(
    qtbot, service: VerifyService, tmp_path: Path
) -> None:
    data = tmp_path / "disk.img"
    data.write_bytes(b"image")
    (tmp_path / "disk.img.sha256").write_text(_sha256(b"image") + "\n")
    dialog = _dialog(qtbot, service, [str(data)])
    with qtbot.waitSignal(dialog.run_ended, timeout=TIMEOUT_MS) as blocker:
        dialog.start()
    assert _rows(dialog) == [("disk.img", "OK", FileStatus.OK, "disk.img.sha256, line 1")]
    assert blocker.args == ["1 file OK."]
    assert dialog.warnings_list.isHidden()


def test_what_cannot_be_used_is_listed_as_a_warning(qtbot, service: VerifyService, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, service, [str(tmp_path / "nope")])
    with qtbot.waitSignal(dialog.run_ended, timeout=TIMEOUT_MS) as blocker:
        dialog.start()
    assert blocker.args == ["No file was checked."]
    assert dialog.warnings_list.item(0).text() == f"{tmp_path / 'nope'} does not exist."


def test_cancel_stops_a_long_run_and_keeps_the_rows_so_far(
    qtbot, service: VerifyService, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, service, [str(_long_release(tmp_path / "long"))])
    dialog.start()
    qtbot.waitUntil(lambda: dialog.table.rowCount() >= 1, timeout=TIMEOUT_MS)
    with qtbot.waitSignals([service.cancelled, dialog.run_ended], timeout=TIMEOUT_MS):
        dialog.cancel_button.click()
    checked = dialog.table.rowCount()
    assert 1 <= checked < 64
    assert dialog.summary_label.text() == (
        f"Stopped after {checked} of 64 files: {checked} file{'s' if checked > 1 else ''} OK."
    )
    assert service.active_tasks == 0
    assert dialog.verify_button.isEnabled()


def test_closing_the_dialog_stops_its_run(qtbot, service: VerifyService, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, service, [str(_long_release(tmp_path / "long"))])
    dialog.start()
    with qtbot.waitSignal(service.cancelled, timeout=TIMEOUT_MS):
        dialog.reject()
    assert service.active_tasks == 0


def test_verify_needs_an_input_and_remove_takes_the_selected_ones(
    qtbot, service: VerifyService, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, service, [])
    assert not dialog.verify_button.isEnabled()
    dialog.add_inputs([str(tmp_path / "a"), str(tmp_path / "b"), str(tmp_path / "a")])
    assert dialog.inputs() == [str(tmp_path / "a"), str(tmp_path / "b")]
    assert dialog.verify_button.isEnabled()
    assert not dialog.remove_button.isEnabled()
    dialog.inputs_list.item(0).setSelected(True)
    dialog.remove_button.click()
    assert dialog.inputs() == [str(tmp_path / "b")]


def _drag_and_drop(dialog: VerifyDialog, mime: QMimeData) -> bool:
    position = QPointF(dialog.rect().center())
    action = Qt.DropAction.CopyAction
    no_button, no_modifier = Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(position.toPoint(), action, mime, no_button, no_modifier)
    QApplication.sendEvent(dialog, enter)
    if not enter.isAccepted():
        return False
    QApplication.sendEvent(dialog, QDropEvent(position, action, mime, no_button, no_modifier))
    return True


# PySide6 6.12 offers only the QPoint constructor of QDragEnterEvent and marks it deprecated.
@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent.*:DeprecationWarning")
def test_dropping_files_adds_them_to_the_inputs(qtbot, service: VerifyService, release: Path) -> None:
    dialog = _dialog(qtbot, service, [])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(release / "SHA256SUMS")), QUrl.fromLocalFile(str(release))])
    assert _drag_and_drop(dialog, mime)
    assert dialog.inputs() == [str(release / "SHA256SUMS"), str(release)]
    assert dialog.verify_button.isEnabled()


@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent.*:DeprecationWarning")
def test_a_drop_of_web_addresses_is_refused(qtbot, service: VerifyService) -> None:
    dialog = _dialog(qtbot, service, [])
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.org/SHA256SUMS")])
    assert not _drag_and_drop(dialog, mime)
    assert dialog.inputs() == []


@pytest.mark.parametrize(
    ("counts", "sentence"),
    [
        (
            {FileStatus.OK: 12, FileStatus.MISMATCH: 1, FileStatus.MISSING: 1},
            "12 files OK, 1 mismatch, 1 missing",
        ),
        ({FileStatus.OK: 1}, "1 file OK"),
        ({FileStatus.MISMATCH: 2, FileStatus.UNREADABLE: 3}, "2 mismatches, 3 unreadable"),
        ({}, "No file was checked"),
    ],
)
def test_summary_names_each_count_that_is_not_zero(counts: dict[FileStatus, int], sentence: str) -> None:
    assert summary_sentence(counts) == sentence
