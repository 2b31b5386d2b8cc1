"""The Find-by-checksum dialog on a real VerifyService: checked input, matches, warnings, cancel, open."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl

from wherry.ui.find_dialog import FindDialog, SearchRequest, read_search
from wherry.verify.service import DigestTarget, VerifyService

TIMEOUT_MS = 10_000
WANTED = b"the bytes we are looking for"


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    """A download folder with the wanted file two folders down and others beside it."""
    root = tmp_path / "Downloads"
    (root / "isos" / "old").mkdir(parents=True)
    (root / "notes.txt").write_bytes(b"not this one")
    (root / "isos" / "other.iso").write_bytes(b"nor this one")
    (root / "isos" / "old" / "renamed.iso").write_bytes(WANTED)
    return root


@pytest.fixture
def opened() -> list[QUrl]:
    return []


@pytest.fixture
def dialog(qtbot, service: VerifyService, downloads: Path, opened: list[QUrl]) -> FindDialog:
    found = FindDialog(service, str(downloads), open_url=opened.append)
    qtbot.addWidget(found)
    found.show()
    return found


def test_the_download_folder_is_searched_by_default(dialog: FindDialog, downloads: Path) -> None:
    assert dialog.folders() == [str(downloads)]
    assert not dialog.find_button.isEnabled()  # nothing typed yet, and nothing said about it
    assert dialog.error_text() == ""


def test_a_match_in_a_nested_folder_is_listed_and_opens_its_folder(
    qtbot, dialog: FindDialog, downloads: Path, opened: list[QUrl]
) -> None:
    dialog.digest_edit.setText(hashlib.sha256(WANTED).hexdigest().upper())
    assert dialog.message_label.text() == "A sha256 digest."
    with qtbot.waitSignal(dialog.search_ended, timeout=TIMEOUT_MS) as blocker:
        dialog.find_button.click()
        assert not dialog.find_button.isEnabled()
        assert dialog.cancel_button.isEnabled()

    folder = downloads / "isos" / "old"
    table = dialog.table
    assert table.rowCount() == 1
    assert [table.item(0, column).text() for column in range(2)] == ["renamed.iso", str(folder)]
    assert table.item(0, 2).text().endswith("bytes")
    assert blocker.args == ["1 match among 3 files checked. Double-click one to open its folder."]
    assert dialog.progress_label.text() == "3 files hashed in 3 folders"
    assert dialog.find_button.isEnabled()

    cell = table.visualItemRect(table.item(0, 0)).center()
    with qtbot.waitSignal(dialog.open_requested, timeout=TIMEOUT_MS) as request:
        # The view acts on a double-click only where the press landed, as a real click's would.
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert request.args == [str(folder)]
    assert opened == [QUrl.fromLocalFile(str(folder))]


def test_a_size_rules_out_files_and_a_missing_folder_is_a_warning(
    qtbot, dialog: FindDialog, downloads: Path
) -> None:
    dialog.add_folders([str(downloads.parent / "Elsewhere")])
    dialog.digest_edit.setText("sha1:" + hashlib.sha1(WANTED).hexdigest())
    dialog.size_edit.setText(str(len(WANTED)))
    with qtbot.waitSignal(dialog.search_ended, timeout=TIMEOUT_MS):
        dialog.start()
    assert dialog.table.item(0, 0).text() == "renamed.iso"
    assert dialog.progress_label.text() == "1 file hashed in 3 folders"
    assert dialog.warnings_list.isVisible()
    assert dialog.warnings_list.item(0).text() == f"{downloads.parent / 'Elsewhere'} does not exist."


def test_no_match_says_so(qtbot, dialog: FindDialog) -> None:
    dialog.digest_edit.setText("0" * 32)
    with qtbot.waitSignal(dialog.search_ended, timeout=TIMEOUT_MS) as blocker:
        dialog.start()
    assert blocker.args == ["No file has this digest; 3 files checked."]
    assert dialog.table.rowCount() == 0


@pytest.mark.parametrize(
    ("digest", "algorithm", "message"),
    [
        ("12345xyz", "Detect from length", "A digest is written in hexadecimal digits 0-9 and a-f."),
        ("abc", "Detect from length", "No supported algorithm has a digest of 3 hex digits"),
        ("a" * 64, "md5", "A md5 digest has 32 hex digits; this one has 64."),
    ],
)
def test_invalid_input_disables_find_with_an_inline_message(
    dialog: FindDialog, digest: str, algorithm: str, message: str
) -> None:
    dialog.algorithm_combo.setCurrentText(algorithm)
    dialog.digest_edit.setText(digest)
    assert not dialog.find_button.isEnabled()
    assert dialog.message_label.text().startswith(message)
    assert dialog.error_text() == dialog.message_label.text()
    dialog.start()  # refused, as the button is
    assert not dialog.running
    dialog.algorithm_combo.setCurrentText("Detect from length")
    dialog.digest_edit.setText("a" * 64)
    assert dialog.find_button.isEnabled()
    assert dialog.error_text() == ""


def test_without_folders_find_is_disabled(dialog: FindDialog) -> None:
    dialog.digest_edit.setText("a" * 40)
    assert dialog.find_button.isEnabled()
    dialog.folders_list.item(0).setSelected(True)
    dialog.remove_button.click()
    assert dialog.folders() == []
    assert not dialog.find_button.isEnabled()
    assert dialog.error_text() == "Add a folder to search."


def test_cancel_stops_a_long_search(
    qtbot, service: VerifyService, dialog: FindDialog, downloads: Path
) -> None:
    big = downloads / "big"
    big.mkdir()
    for n in range(64):
        with open(big / f"f{n:02}", "wb") as stream:
            stream.truncate(32 * 1024 * 1024)  # sparse: no disk space, but seconds of hashing in all
    dialog.digest_edit.setText("f" * 64)
    with qtbot.waitSignal(service.find_progressed, timeout=TIMEOUT_MS):
        dialog.start()
    assert dialog.progress_label.text().endswith("folders")
    with qtbot.waitSignals([service.cancelled, dialog.search_ended], timeout=TIMEOUT_MS):
        dialog.cancel_button.click()
    assert dialog.summary_label.text().startswith("Stopped after checking ")
    assert service.active_tasks == 0
    assert dialog.find_button.isEnabled()


@pytest.mark.parametrize(
    ("digest", "size", "folders", "expected"),
    [
        (
            "md5:" + "a" * 32,
            "1 234 567",
            ["/d"],
            SearchRequest(DigestTarget("a" * 32, ("md5",)), ("/d",), 1234567),
        ),
        ("b" * 128, "", ["/d"], SearchRequest(DigestTarget("b" * 128, ("sha512", "blake2b")), ("/d",))),
        ("", "", ["/d"], ""),
        ("c" * 40, "12a", ["/d"], "The size is a whole number of bytes."),
        ("c" * 40, "", [], "Add a folder to search."),
    ],
)
def test_read_search_turns_the_fields_into_a_request_or_a_sentence(
    digest: str, size: str, folders: list[str], expected: SearchRequest | str
) -> None:
    assert read_search(digest, "Detect from length", size, folders) == expected
