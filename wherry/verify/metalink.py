"""Read Metalink 4 (``.meta4``, RFC 5854) and Metalink 3 (``.metalink``) into plain dataclasses.

Standard library only. The XML goes straight to expat with handlers that refuse any DOCTYPE or
entity declaration, so neither external entities nor entity-expansion bombs can do anything;
the input is bounded in size and depth. Anything wrong becomes an InputError with one sentence.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import NoReturn
from xml.parsers import expat

from wherry.core.errors import ErrorKind, InputError
from wherry.core.jobs import ALGORITHMS, ChecksumSpec
from wherry.verify.small_files import read_at_most

__all__ = [
    "MAX_METALINK_BYTES",
    "Metalink",
    "MetalinkFile",
    "MetalinkUrl",
    "PieceHashes",
    "ordered_urls",
    "parse_metalink",
    "read_metalink",
    "sanitize_name",
]

MAX_METALINK_BYTES = 16 * 1024 * 1024
_MAX_DEPTH = 32

_NS4 = "urn:ietf:params:xml:ns:metalink"
_NS3 = "http://www.metalinker.org/"
_HEX_RE = re.compile(r"[0-9a-f]+")
_STRONGEST_FIRST = ("sha512", "sha256", "sha1", "md5")
# Metalink 3 says what a URL is by ``type``; these are torrents and the like, not the file itself.
_V3_META_TYPES = {"bittorrent", "ed2k", "magnet"}


@dataclass(frozen=True)
class MetalinkUrl:
    """A source. ``priority``: lower is preferred, None (unranked) comes last; Metalink 3
    preferences (higher is better) are turned around to fit. ``mediatype`` is set for metaurls."""

    url: str
    priority: int | None = None
    location: str | None = None
    mediatype: str | None = None


@dataclass(frozen=True)
class PieceHashes:
    algorithm: str
    length: int
    hashes: tuple[str, ...]


@dataclass(frozen=True)
class MetalinkFile:
    """One file: a safe single-component ``name``, hashes by algorithm, sources in order."""

    name: str
    size: int | None = None
    hashes: dict[str, str] = field(default_factory=dict)
    pieces: PieceHashes | None = None
    urls: tuple[MetalinkUrl, ...] = ()
    metaurls: tuple[MetalinkUrl, ...] = ()

    @property
    def checksum(self) -> ChecksumSpec | None:
        """The strongest whole-file hash, as a job carries it."""
        for algorithm in _STRONGEST_FIRST:
            if algorithm in self.hashes:
                return ChecksumSpec(algorithm, self.hashes[algorithm])
        return None


@dataclass(frozen=True)
class Metalink:
    version: int
    files: tuple[MetalinkFile, ...]


def _bad(message: str) -> NoReturn:
    raise InputError(ErrorKind.BAD_INPUT, message)


def sanitize_name(name: str) -> str:
    """A metalink file name as one safe name: ``dir/x`` becomes ``dir_x``; ``.``/``..`` dropped.

    RFC 5854 §4.1.2.1 lets a name hold a relative path and warns about directory traversal;
    flattening it keeps every download inside the folder chosen for it.
    """
    cleaned = "".join(c for c in name if c >= " " and c != "\x7f")
    parts = [p.strip() for p in re.split(r"[/\\]", cleaned)]
    parts = [p for p in parts if p and p not in (".", "..")]
    safe = "_".join(parts).lstrip(".").strip()
    if re.match(r"^[A-Za-z]:", safe):  # a Windows drive prefix survives the split
        safe = safe[0] + "_" + safe[2:]
    if not safe:
        _bad(f"The metalink names a file {name!r} that cannot be saved under any safe name.")
    return safe


def read_metalink(path: str | os.PathLike[str]) -> Metalink:
    """Read and parse a metalink file; InputError (one sentence) if unreadable or invalid."""
    return parse_metalink(read_at_most(path, MAX_METALINK_BYTES, "metalink"))


def parse_metalink(data: bytes) -> Metalink:
    """Parse a Metalink 3 or 4 document; InputError (one sentence) for anything unsafe or invalid."""
    if len(data) > MAX_METALINK_BYTES:
        _bad(f"The metalink is larger than {MAX_METALINK_BYTES // (1024 * 1024)} MiB, too big to be one.")
    root = _safe_tree(data)
    namespace, _, local = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
    if local != "metalink":
        _bad("The file is XML but not a metalink.")
    if namespace == _NS4:
        return Metalink(4, tuple(_file_v4(node) for node in root.findall(f"{{{_NS4}}}file")))
    if namespace == _NS3 or (not namespace and root.get("version", "").startswith("3")):
        prefix = f"{{{namespace}}}" if namespace else ""
        nodes = root.findall(f"{prefix}files/{prefix}file")
        return Metalink(3, tuple(_file_v3(node, prefix) for node in nodes))
    _bad("The metalink is of a version Wherry does not know (it reads versions 3 and 4).")


class _Refused(Exception):
    pass


def _safe_tree(data: bytes) -> ET.Element:
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    depth = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > _MAX_DEPTH:
            raise _Refused("The metalink nests its elements too deeply to be a real one.")
        builder.start(_qualify(tag), {_qualify(k): v for k, v in attrs.items()})

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(_qualify(tag))

    def refuse(*_args: object) -> NoReturn:
        # No metalink needs a DOCTYPE; refusing it outright rules out external entities and
        # entity-expansion bombs without having to reason about either.
        raise _Refused("The metalink declares a DOCTYPE or entities, which Wherry refuses for safety.")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        raise InputError(ErrorKind.BAD_INPUT, str(exc)) from None
    except expat.ExpatError as exc:
        line = getattr(exc, "lineno", "?")
        raise InputError(ErrorKind.BAD_INPUT, f"The metalink is not well-formed XML (line {line}).") from None
    return builder.close()


def _qualify(name: str) -> str:
    return "{" + name if "}" in name else name


def _text(node: ET.Element | None) -> str:
    return (node.text or "").strip() if node is not None else ""


def _algorithm(iana_name: str | None) -> str | None:
    """``sha-256`` (IANA, Metalink 4) or ``sha256`` (Metalink 3) to ``sha256``; None if unsupported."""
    name = (iana_name or "").strip().lower().replace("-", "")
    return name if name in ALGORITHMS else None


def _digest(algorithm: str, text: str, file_name: str) -> str:
    digest = text.strip().lower()
    if len(digest) != ALGORITHMS[algorithm] or not _HEX_RE.fullmatch(digest):
        expected = ALGORITHMS[algorithm]
        _bad(f"The metalink gives {file_name} a {algorithm} hash that is not {expected} hex digits.")
    return digest


def _size(node: ET.Element | None, file_name: str) -> int | None:
    if node is None:
        return None
    text = _text(node)
    if not text.isdigit() or not text.isascii():
        _bad(f"The metalink gives {file_name} a size that is not a whole number of bytes.")
    return int(text)


def _int_attr(node: ET.Element, name: str) -> int | None:
    value = (node.get(name) or "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def _hashes(nodes: list[ET.Element], file_name: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in nodes:
        algorithm = _algorithm(node.get("type"))
        if algorithm is not None:
            found[algorithm] = _digest(algorithm, _text(node), file_name)
    return found


def _pieces(nodes: list[ET.Element], prefix: str, file_name: str) -> PieceHashes | None:
    usable: dict[str, PieceHashes] = {}
    for node in nodes:
        algorithm = _algorithm(node.get("type"))
        length = _int_attr(node, "length")
        if algorithm is None:
            continue
        if not length:
            _bad(f"The metalink gives {file_name} piece hashes without a valid piece length.")
        children = node.findall(f"{prefix}hash")
        # Metalink 3 numbers its pieces; Metalink 4 lists them in order.
        children.sort(key=lambda child: _int_attr(child, "piece") or 0)
        hashes = tuple(_digest(algorithm, _text(child), file_name) for child in children)
        usable[algorithm] = PieceHashes(algorithm, length, hashes)
    return next((usable[a] for a in _STRONGEST_FIRST if a in usable), None)


def _ordered(urls: list[MetalinkUrl]) -> tuple[MetalinkUrl, ...]:
    # sorted() is stable, so equal priorities keep the document's order.
    return tuple(sorted(urls, key=lambda u: (u.priority is None, u.priority or 0)))


def _name(node: ET.Element) -> str:
    raw = node.get("name")
    if raw is None or not raw.strip():
        _bad("A file in the metalink has no name.")
    return sanitize_name(raw)


def _location(node: ET.Element) -> str | None:
    value = (node.get("location") or "").strip().lower()
    return value or None


def _file_v4(node: ET.Element) -> MetalinkFile:
    ns = f"{{{_NS4}}}"
    name = _name(node)
    urls = [
        MetalinkUrl(_text(u), _int_attr(u, "priority"), _location(u))
        for u in node.findall(f"{ns}url")
        if _text(u)
    ]
    metaurls = [
        MetalinkUrl(_text(u), _int_attr(u, "priority"), None, u.get("mediatype"))
        for u in node.findall(f"{ns}metaurl")
        if _text(u)
    ]
    return MetalinkFile(
        name=name,
        size=_size(node.find(f"{ns}size"), name),
        hashes=_hashes(node.findall(f"{ns}hash"), name),
        pieces=_pieces(node.findall(f"{ns}pieces"), ns, name),
        urls=_ordered(urls),
        metaurls=_ordered(metaurls),
    )


def _file_v3(node: ET.Element, prefix: str) -> MetalinkFile:
    name = _name(node)
    verification = node.find(f"{prefix}verification")
    hash_nodes = verification.findall(f"{prefix}hash") if verification is not None else []
    piece_nodes = verification.findall(f"{prefix}pieces") if verification is not None else []
    urls: list[MetalinkUrl] = []
    metaurls: list[MetalinkUrl] = []
    for u in node.findall(f"{prefix}resources/{prefix}url"):
        if not _text(u):
            continue
        preference = _int_attr(u, "preference")
        # Metalink 3: preference 0-100, higher is better; turn it into a priority, lower better.
        priority = None if preference is None else 101 - min(preference, 100)
        kind = (u.get("type") or "").strip().lower()
        if kind in _V3_META_TYPES:
            metaurls.append(
                MetalinkUrl(_text(u), priority, None, "torrent" if kind == "bittorrent" else kind)
            )
        else:
            urls.append(MetalinkUrl(_text(u), priority, _location(u)))
    return MetalinkFile(
        name=name,
        size=_size(node.find(f"{prefix}size"), name),
        hashes=_hashes(hash_nodes, name),
        pieces=_pieces(piece_nodes, prefix, name),
        urls=_ordered(urls),
        metaurls=_ordered(metaurls),
    )


def ordered_urls(file: MetalinkFile, preferred_locations: tuple[str, ...] = ()) -> list[str]:
    """The file's URLs best first: by priority, then those in ``preferred_locations``
    (ISO 3166 codes such as ``de``), then document order."""
    wanted = {code.lower() for code in preferred_locations}
    ranked = sorted(
        enumerate(file.urls),
        key=lambda pair: (
            pair[1].priority is None,
            pair[1].priority or 0,
            pair[1].location not in wanted,
            pair[0],
        ),
    )
    return [u.url for _, u in ranked]
