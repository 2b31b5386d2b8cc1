"""Digests a server publishes about the file it sends, read from the headers of its answers.

- RFC 9530 ``Repr-Digest`` (a structured dictionary: ``sha-256=:BASE64:``) and RFC 3230's older
  ``Digest`` (``SHA-256=BASE64``). Both describe the whole representation, so a 206's header is
  the whole file's digest. SHA-512 is preferred over SHA-256; weaker algorithms are ignored.
- The Hugging Face Hub: its ``/resolve/`` answer redirects LFS files to a CDN and says on that
  redirect ``X-Linked-Etag`` (the file's SHA-256) and ``X-Linked-Size``. The CDN's own ETag is
  something else and is never taken for a digest. A regular (non-LFS) file is served by the hub
  itself with its git blob id as ETag: ``sha1("blob <size>\\0" + bytes)``, checked as such.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from wherry.core.errors import ErrorKind, SourceError
from wherry.core.jobs import ChecksumSpec, Job
from wherry.core.ports import Hasher, Verifier
from wherry.engine.http_errors import host_name
from wherry.engine.sizes import human_size

if TYPE_CHECKING:
    from wherry.engine.probe import RemoteFile

__all__ = [
    "GIT_BLOB",
    "GitBlobHasher",
    "Published",
    "adopt_published",
    "from_digest_headers",
    "from_hub",
    "hash_prefix",
    "new_hasher",
    "published",
]

GIT_BLOB = "git-blob-sha1"
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
_SHA1_HEX = re.compile(r"^[0-9a-f]{40}$")
# Strongest first; RFC 9530 §5 lists md5 and sha1 as insecure, so they are not taken.
_DIGEST_ALGORITHMS = (("sha-512", "sha512", 64), ("sha-256", "sha256", 32))


@dataclass(frozen=True)
class Published:
    checksum: ChecksumSpec | None
    source: str  # "the Repr-Digest header", "the hub's X-Linked-Etag", …
    size: int | None = None  # X-Linked-Size: what the file must measure


def _dictionary(value: str) -> dict[str, str]:
    """Members of a structured-field dictionary or a Digest list, keys lower-cased."""
    members: dict[str, str] = {}
    for part in value.split(","):
        key, sep, item = part.strip().partition("=")
        if sep:
            members.setdefault(key.strip().lower(), item.strip())
    return members


def _hex_from_base64(text: str, length: int) -> str | None:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw.hex() if len(raw) == length else None


def from_digest_headers(headers: Mapping[str, str]) -> Published | None:
    for header, structured in (("Repr-Digest", True), ("Digest", False)):
        value = headers.get(header)
        if not value:
            continue
        members = _dictionary(value)
        for wire, algorithm, length in _DIGEST_ALGORITHMS:
            item = members.get(wire)
            if item is None:
                continue
            if structured:
                # RFC 8941 byte sequence: the base64 sits between colons.
                if not (len(item) >= 2 and item[0] == item[-1] == ":"):
                    continue
                item = item[1:-1]
            digest = _hex_from_base64(item, length)
            if digest is not None:
                return Published(ChecksumSpec(algorithm, digest), f"the {header} header")
    return None


def _unquote_etag(value: str | None) -> str:
    if not value:
        return ""
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    return text.strip('"').lower()


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


Hops = Sequence[tuple[str, Mapping[str, str]]]


def from_hub(hops: Hops, final: Mapping[str, str], final_url: str) -> Published | None:
    """What a Hugging Face Hub said: on its redirect (LFS), or on a file it served itself."""
    for url, headers in hops:
        linked = _unquote_etag(headers.get("X-Linked-Etag"))
        size = _int(headers.get("X-Linked-Size"))
        if _SHA256_HEX.match(linked):
            return Published(ChecksumSpec("sha256", linked), f"the X-Linked-Etag of {host_name(url)}", size)
        if _SHA1_HEX.match(linked):
            return Published(ChecksumSpec(GIT_BLOB, linked), f"the git blob id from {host_name(url)}", size)
        if size is not None:
            return Published(None, f"the X-Linked-Size of {host_name(url)}", size)
    # Served by the hub itself (no redirect to a CDN): a git blob id as ETag. Only on a hub's
    # answer (it always sends X-Repo-Commit), since other servers' 40-hex ETags mean other things.
    if not hops and final.get("X-Repo-Commit") and "/resolve/" in final_url:
        etag = _unquote_etag(final.get("X-Linked-Etag") or final.get("ETag"))
        if _SHA256_HEX.match(etag):
            return Published(ChecksumSpec("sha256", etag), f"the X-Linked-Etag of {host_name(final_url)}")
        if _SHA1_HEX.match(etag):
            return Published(ChecksumSpec(GIT_BLOB, etag), f"the git blob id from {host_name(final_url)}")
    return None


def published(hops: Hops, final: Mapping[str, str], final_url: str) -> Published | None:
    """The digest the answers announce: the hub's word first (it is about the file, not the CDN's
    copy), then the final answer's Repr-Digest / Digest."""
    hub = from_hub(hops, final, final_url)
    if hub is not None and hub.checksum is not None:
        return hub
    digest = from_digest_headers(final)
    if digest is not None and hub is not None:
        return Published(digest.checksum, digest.source, hub.size)
    return digest or hub


def adopt_published(job: Job, remote: RemoteFile) -> bool:
    """Take the server's digest as the job's expected one; True when it was taken.

    A digest the person gave (or a metalink's) always wins. A size the hub announces must be
    the size this answer describes, or these are not the bytes the hub meant.
    """
    found = remote.published
    if found is None:
        return False
    if found.size is not None and remote.total_size is not None and found.size != remote.total_size:
        raise SourceError(
            ErrorKind.SIZE_MISMATCH,
            f"{host_name(remote.final_url)} sent {human_size(remote.total_size)}, but {found.source} "
            f"says the file is {human_size(found.size)}; it was not used.",
        )
    if job.checksum is not None or found.checksum is None:
        return False
    job.checksum, job.checksum_source = found.checksum, found.source
    return True


class GitBlobHasher:
    """Git's object id of a blob: SHA-1 over ``blob <size>\\0`` followed by the bytes."""

    name = GIT_BLOB

    def __init__(self, size: int, inner: Hasher | None = None) -> None:
        self.size = size
        self._inner: Hasher = inner or cast(
            Hasher, hashlib.sha1(f"blob {size}\0".encode(), usedforsecurity=False)
        )

    def update(self, data: bytes, /) -> None:
        self._inner.update(data)

    def hexdigest(self) -> str:
        return self._inner.hexdigest()

    def copy(self) -> Hasher:
        return GitBlobHasher(self.size, self._inner.copy())


def new_hasher(algorithm: str, total: int | None) -> Hasher:
    if algorithm == GIT_BLOB:
        return GitBlobHasher(total or 0)
    return cast(Hasher, hashlib.new(algorithm))


def _git_blob_prefix(path: Path, total: int, length: int) -> Hasher:
    hasher = GitBlobHasher(total)
    left = length
    with path.open("rb") as f:
        while left > 0:
            chunk = f.read(min(left, 1 << 20))
            if not chunk:
                break
            hasher.update(chunk)
            left -= len(chunk)
    return hasher


async def hash_prefix(
    verifier: Verifier, path: Path, algorithm: str, length: int, total: int | None
) -> Hasher:
    """The Verifier's prefix hash, or for a git blob id (which hashlib does not know) our own."""
    if algorithm != GIT_BLOB:
        return await verifier.hash_prefix(path, algorithm, length)
    return await asyncio.to_thread(_git_blob_prefix, path, total or length, length)
