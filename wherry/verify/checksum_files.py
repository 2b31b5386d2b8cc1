"""Read checksum files: GNU ``sha256sum`` output, BSD/OpenSSL tagged lines, and sidecars.

Standard library only. Parsing never raises on bad content: every line that is not a checksum
is returned as a ChecksumLineError with its line number. Names that would reach outside the
checksum file's folder (absolute paths, ``..``) are reported the same way and never resolved.

Formats, as coreutils and OpenSSL write them:

* GNU: ``HEX  name`` (text) or ``HEX *name`` (binary). A line starting with ``\\`` has its name
  escaped: ``\\\\`` is a backslash, ``\\n`` a newline, ``\\r`` a carriage return (coreutils 9).
* BSD / ``--tag`` / OpenSSL: ``SHA256 (name) = HEX`` or ``SHA256(name)= HEX``.
* A sidecar such as ``file.iso.sha256`` holding only ``HEX`` applies to ``file.iso``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from wherry.core.errors import ErrorKind, InputError
from wherry.verify.hashing import HASH_ALGORITHMS, algorithms_for_length, normalize_algorithm
from wherry.verify.small_files import read_at_most

__all__ = [
    "MAX_CHECKSUM_FILE_BYTES",
    "ChecksumEntry",
    "ChecksumFile",
    "ChecksumLineError",
    "algorithm_from_filename",
    "is_checksum_filename",
    "looks_like_checksum_text",
    "parse_checksum_text",
    "read_checksum_file",
    "safe_relative_name",
    "sidecar_subject",
]

# A SHA256SUMS for a large tree is a few MB; anything far bigger is not a checksum file.
MAX_CHECKSUM_FILE_BYTES = 64 * 1024 * 1024

_HEX_RE = re.compile(r"[0-9A-Fa-f]+")
_GNU_RE = re.compile(r"(?P<hex>[0-9A-Fa-f]+)[ \t](?P<mode>[ *]?)(?P<name>.*)", re.DOTALL)
_TAGGED_RE = re.compile(
    r"(?P<tag>[A-Za-z0-9_-]+) ?\((?P<name>.*)\) ?= ?(?P<hex>[0-9A-Fa-f]+)\s*",
    re.DOTALL,
)
_LIST_NAME_RE = re.compile(
    r"^(?P<algo>md5|sha1|sha256|sha512|b2|blake2b)(?:sums?)?(?:\.txt)?$", re.IGNORECASE
)
_SIDECAR_SUFFIXES = {
    ".md5": "md5",
    ".md5sum": "md5",
    ".sha1": "sha1",
    ".sha1sum": "sha1",
    ".sha256": "sha256",
    ".sha256sum": "sha256",
    ".sha512": "sha512",
    ".sha512sum": "sha512",
    ".b2": "blake2b",
    ".blake2b": "blake2b",
}
_GENERIC_LIST_NAMES = {"checksums", "checksums.txt", "checksum.txt", "digests", "digests.txt"}
_PGP_STARTS = {
    "-----BEGIN PGP SIGNED MESSAGE-----": "header",
    "-----BEGIN PGP SIGNATURE-----": "signature",
}
_PGP_END = "-----END PGP SIGNATURE-----"
# OpenSSL 3 writes ``SHA2-256(name)= HEX``; b2sum's tag is ``BLAKE2b``.
_ALGO_ALIASES = {"b2": "blake2b", "sha2-256": "sha256", "sha2-512": "sha512"}


@dataclass(frozen=True)
class ChecksumEntry:
    """One expected digest: ``name`` is relative to the checksum file's folder, ``/``-separated.

    Undecodable bytes in a name are kept as surrogate escapes, so ``os.fsencode(name)`` gives
    back the original bytes and the name still finds the file on POSIX.
    """

    name: str
    algorithm: str
    hexdigest: str
    line: int
    binary: bool = False


@dataclass(frozen=True)
class ChecksumLineError:
    """A line that is not a usable checksum; ``message`` is one sentence."""

    line: int
    message: str


@dataclass
class ChecksumFile:
    """What a checksum file said: its entries and its unusable lines, in file order."""

    source: Path | None
    entries: list[ChecksumEntry] = field(default_factory=list)
    errors: list[ChecksumLineError] = field(default_factory=list)


def _algorithm_alias(name: str) -> str:
    return normalize_algorithm(_ALGO_ALIASES.get(name.lower(), name))


def algorithm_from_filename(filename: str) -> str | None:
    """The algorithm a checksum file's name announces (``SHA256SUMS``, ``x.iso.md5``), if any."""
    lower = filename.lower()
    match = _LIST_NAME_RE.match(lower)
    if match:
        return _algorithm_alias(match["algo"])
    for suffix, algorithm in _SIDECAR_SUFFIXES.items():
        if lower.endswith(suffix) and len(lower) > len(suffix):
            return algorithm
    return None


def is_checksum_filename(filename: str) -> bool:
    """True for names checksum files go by: ``SHA256SUMS``, ``md5sum.txt``, ``x.sha1``, ``CHECKSUMS``."""
    lower = filename.lower()
    return (
        algorithm_from_filename(filename) is not None
        or lower in _GENERIC_LIST_NAMES
        # Fedora publishes ``Fedora-…-x86_64-CHECKSUM`` next to its images.
        or lower.endswith("-checksum")
    )


def sidecar_subject(filename: str) -> str | None:
    """``file.iso`` for a sidecar named ``file.iso.sha256``; None when the name is no sidecar."""
    lower = filename.lower()
    for suffix in _SIDECAR_SUFFIXES:
        if lower.endswith(suffix) and len(lower) > len(suffix):
            return filename[: -len(suffix)]
    return None


def safe_relative_name(name: str) -> str | None:
    """The name as a clean relative path, or None when it could reach outside its folder.

    Both separators count, since a checksum file may come from Windows: ``..\\x`` is refused.
    """
    if not name or "\0" in name:
        return None
    unified = name.replace("\\", "/")
    if unified.startswith("/") or re.match(r"^[A-Za-z]:", unified):
        return None
    if ".." in unified.split("/"):
        return None
    # A backslash is an ordinary character in a POSIX name (that is why GNU escapes it), so
    # only ``/`` separates the parts we keep.
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    return "/".join(parts) if parts else None


def _unescape_gnu(name: str) -> str | None:
    """Undo GNU's name escaping; None for an escape GNU never writes."""
    out: list[str] = []
    chars = iter(name)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        if following == "\\":
            out.append("\\")
        elif following == "n":
            out.append("\n")
        elif following == "r":
            out.append("\r")
        else:
            return None
    return "".join(out)


def _choose_algorithm(
    hex_digest: str, tag_algorithm: str | None, file_algorithm: str | None
) -> tuple[str | None, str | None]:
    """(algorithm, None) or (None, the sentence saying why not)."""
    length = len(hex_digest)
    if tag_algorithm is not None:
        if HASH_ALGORITHMS[tag_algorithm] != length:
            return None, (
                f"A {tag_algorithm} digest has {HASH_ALGORITHMS[tag_algorithm]} hex digits, not {length}."
            )
        return tag_algorithm, None
    if file_algorithm is not None and HASH_ALGORITHMS[file_algorithm] == length:
        return file_algorithm, None
    guesses = algorithms_for_length(length)
    if not guesses:
        return None, f"No supported algorithm has a digest of {length} hex digits."
    if file_algorithm is not None:
        return None, (
            f"A {file_algorithm} digest has {HASH_ALGORITHMS[file_algorithm]} hex digits, not {length}."
        )
    return guesses[0], None


def _parse_line(
    text: str, number: int, file_algorithm: str | None, subject: str | None
) -> ChecksumEntry | ChecksumLineError:
    escaped = text.startswith("\\")
    body = text[1:] if escaped else text

    bare = subject is not None and not escaped and _HEX_RE.fullmatch(body.strip())
    tagged = None if bare else _TAGGED_RE.fullmatch(body)
    gnu = None if bare or tagged else _GNU_RE.fullmatch(body)
    binary = False
    tag_algorithm: str | None = None
    if bare and subject is not None:
        raw_name, hex_digest = subject, body.strip()
    elif tagged:
        try:
            tag_algorithm = _algorithm_alias(tagged["tag"])
        except ValueError:
            return ChecksumLineError(
                number, f"Line {number} names an unsupported algorithm {tagged['tag']!r}."
            )
        raw_name, hex_digest = tagged["name"], tagged["hex"]
    elif gnu:
        raw_name, hex_digest, binary = gnu["name"], gnu["hex"], gnu["mode"] == "*"
    else:
        return ChecksumLineError(number, f"Line {number} is not a checksum line.")

    algorithm, problem = _choose_algorithm(hex_digest, tag_algorithm, file_algorithm)
    if algorithm is None:
        return ChecksumLineError(number, f"Line {number}: {problem}")

    name: str | None = raw_name
    if escaped:
        name = _unescape_gnu(raw_name)
        if name is None:
            return ChecksumLineError(number, f"Line {number} has a file name with an unknown escape.")
    if not name:
        return ChecksumLineError(number, f"Line {number} has no file name.")
    if "\0" in name or (not name.replace("/", "").replace(".", "") and ".." not in name):
        return ChecksumLineError(number, f"Line {number} has no usable file name.")
    safe = safe_relative_name(name)
    if safe is None:
        return ChecksumLineError(
            number, f"Line {number} names a file outside the checksum file's folder, so it is skipped."
        )
    return ChecksumEntry(safe, algorithm, hex_digest.lower(), number, binary)


def parse_checksum_text(
    data: bytes | str,
    *,
    filename: str | None = None,
    algorithm: str | None = None,
    source: Path | None = None,
) -> ChecksumFile:
    """Parse checksum-file content; never raises on bad content.

    ``filename`` (the checksum file's own name) lets ``SHA256SUMS`` or ``x.iso.sha256`` choose
    the algorithm and lets a bare-digest sidecar name its subject; ``algorithm`` overrides both
    (a ValueError if unknown). Otherwise the tag or the digest length decides.
    """
    if isinstance(data, bytes):
        # surrogateescape keeps undecodable name bytes, so the name still finds its file.
        data = data.decode("utf-8", "surrogateescape")
    file_algorithm = normalize_algorithm(algorithm) if algorithm else None
    subject = None
    if filename is not None:
        file_algorithm = file_algorithm or algorithm_from_filename(filename)
        subject = sidecar_subject(filename)
    if data.startswith("\ufeff"):
        data = data[1:]

    result = ChecksumFile(source=source)
    armor = None  # inside a clearsigned file's header or signature block (RFC 4880 §7)
    # Lines end at \n only: a \r inside an escaped GNU name is data, and a lone trailing \r is
    # what a file written on Windows leaves, which we drop.
    for number, raw in enumerate(data.split("\n"), start=1):
        text = raw[:-1] if raw.endswith("\r") else raw
        stripped = text.strip()
        if armor == "header":
            armor = None if not stripped else armor
            continue
        if armor == "signature":
            armor = None if stripped == _PGP_END else armor
            continue
        if stripped in _PGP_STARTS:
            # The signature is not checked here; skipping its armour keeps it from reading as
            # a dozen malformed lines.
            armor = _PGP_STARTS[stripped]
            continue
        if not stripped or stripped.startswith("#"):
            continue
        parsed = _parse_line(text, number, file_algorithm, subject)
        if isinstance(parsed, ChecksumEntry):
            result.entries.append(parsed)
        else:
            result.errors.append(parsed)
    return result


def looks_like_checksum_text(head: bytes) -> bool:
    """True when the first meaningful line of ``head`` parses as a checksum line."""
    parsed = parse_checksum_text(head)
    if not parsed.entries:
        return False
    return not parsed.errors or parsed.entries[0].line < parsed.errors[0].line


def read_checksum_file(path: str | os.PathLike[str], *, algorithm: str | None = None) -> ChecksumFile:
    """Read and parse the checksum file at ``path``.

    Raises InputError (one sentence) when it cannot be read or is far too big to be one.
    """
    source = Path(path)
    data = read_at_most(source, MAX_CHECKSUM_FILE_BYTES, "checksum file")
    if len(data) > MAX_CHECKSUM_FILE_BYTES:
        limit = MAX_CHECKSUM_FILE_BYTES // (1024 * 1024)
        raise InputError(
            ErrorKind.BAD_INPUT, f"{source} is larger than {limit} MiB, too big for a checksum file."
        )
    return parse_checksum_text(data, filename=source.name, algorithm=algorithm, source=source)
