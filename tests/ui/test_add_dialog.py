"""The add dialog: everything is checked as typed, OK stays disabled until the form is right."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from wherry.core import ChecksumSpec, InputError
from wherry.ui.add_dialog import AddDialog, AddForm, parse_checksum, validate_form

SHA = "a" * 64


@pytest.mark.parametrize(
    ("text", "algorithm", "expected"),
    [
        ("", "Detect", None),
        (f"sha256:{SHA}", "Detect", ChecksumSpec("sha256", SHA)),
        (SHA.upper(), "Detect", ChecksumSpec("sha256", SHA)),
        (f"{SHA}  ubuntu.iso", "Detect", ChecksumSpec("sha256", SHA)),
        (f"{SHA} *ubuntu.iso", "Detect", ChecksumSpec("sha256", SHA)),
        (f"SHA256 (ubuntu.iso) = {SHA}", "Detect", ChecksumSpec("sha256", SHA)),
        ("b" * 32, "Detect", ChecksumSpec("md5", "b" * 32)),
        ("c" * 40, "sha1", ChecksumSpec("sha1", "c" * 40)),
    ],
)
def test_parse_checksum_reads_the_usual_ways_of_writing_a_digest(text, algorithm, expected):
    assert parse_checksum(text, algorithm) == expected


@pytest.mark.parametrize(("text", "algorithm"), [("abc", "Detect"), ("z" * 64, "Detect"), (SHA, "md5")])
def test_parse_checksum_refuses_unreadable_digests_with_a_sentence(text, algorithm):
    with pytest.raises(InputError) as caught:
        parse_checksum(text, algorithm)
    assert caught.value.message.endswith(".")


def _form(tmp_path, **changes) -> AddForm:
    values = {"urls_text": "http://127.0.0.1/a.iso", "directory": str(tmp_path)} | changes
    return AddForm(**values)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"urls_text": "  \n"}, "Enter at least one URL."),
        ({"urls_text": "ftp:/nohost\n"}, "is not a web address"),
        ({"urls_text": "http://a/x\nnot a url"}, "“not a url” is not a web address"),
        ({"directory": ""}, "Choose a folder"),
        ({"directory": "relative/dir"}, "full path"),
        ({"urls_text": "http://a/x\nhttp://a/y", "filename": "one.bin"}, "single URL"),
        ({"filename": "../escape"}, "cannot contain a folder"),
        ({"mirrors_text": "nope"}, "Mirror “nope”"),
        ({"checksum_text": "1234"}, "length does not tell"),
        ({"urls_text": "http://a/x\nhttp://a/y", "checksum_text": SHA}, "single URL"),
    ],
)
def test_validate_form_names_the_problem_and_queues_nothing(tmp_path, changes, problem):
    requests, sentence = validate_form(_form(tmp_path, **changes))
    assert requests == []
    assert problem in sentence


def test_validate_form_builds_one_request_per_unique_url(tmp_path):
    requests, sentence = validate_form(
        _form(tmp_path, urls_text="http://a/x\n# comment\nhttp://a/y\nhttp://a/x\n", start_paused=True)
    )
    assert sentence == ""
    assert [r.url for r in requests] == ["http://a/x", "http://a/y"]
    assert all(r.directory == str(tmp_path) and r.start_paused for r in requests)


def test_validate_form_carries_name_checksum_and_mirrors_for_one_url(tmp_path):
    requests, _ = validate_form(
        _form(tmp_path, filename="mine.iso", checksum_text=f"{SHA}  x.iso", mirrors_text="http://m/a.iso")
    )
    (request,) = requests
    assert request.filename == "mine.iso"
    assert request.checksum == ChecksumSpec("sha256", SHA)
    assert request.mirrors == ("http://m/a.iso",)


def test_dialog_keeps_ok_disabled_with_an_inline_message_until_input_is_valid(qtbot, tmp_path):
    dialog = AddDialog(["http://127.0.0.1/a.iso"], str(tmp_path))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    assert dialog.error_text() == ""

    dialog.checksum_edit.setText("not hex")
    assert not ok.isEnabled()
    assert "length does not tell" in dialog.error_text()
    ok.click()
    assert dialog.result() == 0  # refused: nothing accepted

    dialog.checksum_edit.setText(f"sha256:{SHA}")
    assert ok.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        ok.click()
    assert dialog.requests()[0].checksum == ChecksumSpec("sha256", SHA)


def test_dialog_disables_name_and_mirrors_for_several_urls(qtbot, tmp_path):
    dialog = AddDialog(["http://a/x", "http://a/y"], str(tmp_path))
    qtbot.addWidget(dialog)
    assert not dialog.filename_edit.isEnabled()
    assert not dialog.mirrors_edit.isEnabled()
    assert dialog.ok_enabled()
    assert len(dialog.requests()) == 2
