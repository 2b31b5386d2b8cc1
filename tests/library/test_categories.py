"""The library sorts downloads given no place of their own into category folders, as the window
does, once the user turned categories on; an explicit place is never changed."""

from __future__ import annotations

from pathlib import Path

import wherry
from tests.engine.conftest import FAST, payload
from tests.helpers.stores import save_settings

BODY = payload(30_000)


def _settings(home: Path, downloads: Path, on: bool) -> None:
    save_settings(home, FAST.with_changes(connections=1, download_dir=str(downloads), categories_enabled=on))


async def test_no_folder_given_means_the_category_folder_when_categories_are_on(
    flaky_server, downloads, wherry_home
):
    _settings(wherry_home, downloads, on=True)
    url = flaky_server.add("/weights/tiny.safetensors", BODY)
    result = await wherry.download(url)
    assert result.path == downloads / "Models" / "tiny.safetensors"
    assert result.path.read_bytes() == BODY

    # A folder or a file the caller names is used as it is.
    named = await wherry.download(url, directory=downloads / "mine")
    assert named.path == downloads / "mine" / "tiny.safetensors"


async def test_categories_off_keeps_the_download_folder(flaky_server, downloads, wherry_home):
    _settings(wherry_home, downloads, on=False)
    url = flaky_server.add("/weights/tiny.safetensors", BODY)
    result = await wherry.download(url)
    assert result.path == downloads / "tiny.safetensors"
