"""A desktop-entry launch (%U) reaches the running Wherry: URLs, .txt lists and .metalink files
given as file:// URIs by the file manager; `wherry --add` opens the Add dialog there."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest
from test_app_processes import REPO, _launch, _listening, _preset_download_dir, _stop

from wherry import paths
from wherry.ui.single_instance import server_name
from wherry.ui.url_input import metalinks_from_arguments, urls_from_arguments

pytestmark = pytest.mark.e2e

BODY = os.urandom(250_000)


def _metalink(url: str, mirror: str, name: str, body: bytes) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink">
  <file name="{name}">
    <size>{len(body)}</size>
    <hash type="sha-256">{hashlib.sha256(body).hexdigest()}</hash>
    <url priority="1">{url}</url>
    <url priority="2">{mirror}</url>
  </file>
</metalink>
"""


def test_file_uris_of_txt_and_metalink_files_are_read_like_paths(tmp_path):
    (tmp_path / "list.txt").write_text("http://127.0.0.1:9/a.bin\n")
    (tmp_path / "set.meta4").write_text("<metalink/>")
    words = [(tmp_path / "list.txt").as_uri(), (tmp_path / "set.meta4").as_uri(), "http://127.0.0.1:9/b"]
    assert urls_from_arguments(words, tmp_path) == ["http://127.0.0.1:9/a.bin", "http://127.0.0.1:9/b"]
    assert metalinks_from_arguments(words, tmp_path) == [str(tmp_path / "set.meta4")]
    assert metalinks_from_arguments(["set.meta4"], tmp_path) == [str(tmp_path / "set.meta4")]


def test_a_metalink_opened_from_the_file_manager_downloads_in_the_running_window(
    qtbot, flaky_server, tmp_path
):
    downloads = tmp_path / "dl"
    _preset_download_dir(downloads)
    primary = flaky_server.url("/missing-here.bin")  # a 404: the metalink's mirror must serve it
    mirror = flaky_server.add("/mirror.bin", BODY)
    meta = tmp_path / "release.meta4"
    meta.write_text(_metalink(primary, mirror, "release.bin", BODY))
    first = _launch(cwd=tmp_path)
    try:
        qtbot.waitUntil(lambda: _listening(server_name(paths.data_dir())), timeout=30000)
        # As a desktop entry's %U hands it: a file:// URI, from another working directory.
        second = subprocess.run(
            [sys.executable, "-m", "wherry", meta.as_uri()],
            cwd=REPO,
            env=dict(os.environ, PYTHONPATH=str(REPO)),
            capture_output=True,
            timeout=60,
        )
        assert second.returncode == 0, second.stderr
        target = downloads / "release.bin"
        qtbot.waitUntil(target.exists, timeout=30000)
        assert target.read_bytes() == BODY
        assert first.poll() is None
    finally:
        assert _stop(first) == 0
