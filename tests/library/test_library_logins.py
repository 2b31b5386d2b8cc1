"""The library door gets logins and published checksums from the engine like every other door."""

from __future__ import annotations

import base64
import hashlib

import pytest

import wherry
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan, FlakyServer


@pytest.fixture
def cdn():
    server = FlakyServer(host="127.0.0.2").start()
    try:
        yield server
    finally:
        server.stop()


async def test_a_token_given_to_download_reaches_the_hub_but_not_its_cdn(flaky_server, cdn, downloads):
    body = payload(200_000)
    blob = cdn.add("/blob", body, plan=FaultPlan(reject_headers=("Authorization",)))
    url = flaky_server.add(
        "/m/resolve/main/w.bin",
        b"",
        plan=FaultPlan(
            redirect_to=blob,
            require_headers={"Authorization": "Bearer lib"},
            extra_headers={
                "X-Linked-Etag": f'"{hashlib.sha256(body).hexdigest()}"',
                "X-Repo-Commit": "0" * 40,
            },
        ),
    )
    result = await wherry.download(url, downloads / "w.bin", headers={"Authorization": "Bearer lib"})
    assert result.path.read_bytes() == body
    assert all(r.status != 400 for r in cdn.requests_for("/blob"))


async def test_a_published_digest_that_does_not_match_raises(flaky_server, downloads):
    body = payload(50_000)
    wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    url = flaky_server.add(
        "/d.bin", body, plan=FaultPlan(extra_headers={"Repr-Digest": f"sha-256=:{wrong}:"})
    )
    with pytest.raises(wherry.DownloadError):
        await wherry.download(url, downloads / "d.bin")
    assert not (downloads / "d.bin").exists()
