"""`wherry get --by-category`: the command line sorts files with the rules the window edits."""

from __future__ import annotations

import os

import pytest

from tests.e2e.conftest import wherry
from wherry import paths
from wherry.store import open_store

pytestmark = pytest.mark.e2e

BODY = os.urandom(40_000)


def test_files_go_to_their_category_folders_inside_the_chosen_one(flaky_server, workdir):
    repository, _ = open_store(paths.database_path())
    try:  # rules edited in the window (the switch there stays off: the flag is the choice here)
        rules = (("Models", ".gguf", "Models"), ("Mirror", "127.0.0.1:*/mirror/", "From the mirror"))
        repository.save_settings(repository.load_settings().with_changes(category_rules=rules))
    finally:
        repository.close()
    model = flaky_server.add("/m/tiny.gguf", BODY)
    mirrored = flaky_server.add("/mirror/notes.txt", BODY)
    plain = flaky_server.add("/plain.txt", BODY)

    result = wherry("get", "--by-category", "-d", "out", "-q", model, mirrored, plain, cwd=workdir)

    assert result.returncode == 0, result.stderr
    out = workdir / "out"
    assert (out / "Models" / "tiny.gguf").read_bytes() == BODY
    assert (out / "From the mirror" / "notes.txt").read_bytes() == BODY
    assert (out / "plain.txt").read_bytes() == BODY
    assert result.stdout.splitlines() == [
        str(out / "Models" / "tiny.gguf"),
        str(out / "From the mirror" / "notes.txt"),
        str(out / "plain.txt"),
    ]


def test_without_the_flag_nothing_is_sorted(flaky_server, workdir):
    url = flaky_server.add("/m/tiny.gguf", BODY)
    result = wherry("get", "-q", url, cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert (workdir / "tiny.gguf").read_bytes() == BODY


def test_by_category_with_a_file_name_is_one_sentence(workdir):
    result = wherry("get", "--by-category", "-o", "x.gguf", "http://127.0.0.1:9/x.gguf", cwd=workdir)
    assert result.returncode == 2
    assert result.stderr == "wherry: -o names the file's place; --by-category goes with -d.\n"
