"""Metalink 3 and 4 parsing, name sanitising, URL order, and refusal of hostile XML."""

from __future__ import annotations

from pathlib import Path

import pytest

import wherry.verify.metalink as metalink_module
from wherry.core.errors import InputError
from wherry.core.jobs import ChecksumSpec
from wherry.verify.metalink import (
    MetalinkUrl,
    PieceHashes,
    ordered_urls,
    parse_metalink,
    read_metalink,
    sanitize_name,
)

SHA256 = "f0ad929cd259957e160ea442eb80986b5f01b2f6d2b5b6e4a1e14f1c6e9a1b2c"
SHA1 = "a97fcf6ba9358f8a6f62beee4421863d3e52b080"
MD5 = "d41d8cd98f00b204e9800998ecf8427e"

META4 = f"""<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink">
  <published>2009-05-15T12:23:23Z</published>
  <file name="example.ext">
    <size>14471447</size>
    <identity>Example</identity>
    <version>1.0</version>
    <description>A description of the example file for download.</description>
    <hash type="sha-256">{SHA256.upper()}</hash>
    <hash type="md5">{MD5}</hash>
    <hash type="sha-384">ignored because Wherry does not offer it</hash>
    <pieces length="262144" type="sha-1">
      <hash>{SHA1}</hash>
      <hash>{"b" * 40}</hash>
    </pieces>
    <url location="de" priority="2">ftp://ftp.example.com/example.ext</url>
    <url location="fr" priority="1">http://example.com/example.ext</url>
    <url>http://unranked.example.com/example.ext</url>
    <url location="us" priority="1">http://us.example.com/example.ext</url>
    <metaurl mediatype="torrent" priority="2">http://example.com/example.ext.torrent</metaurl>
  </file>
  <file name="docs/readme.txt">
    <url>http://example.com/readme.txt</url>
  </file>
</metalink>
""".encode()

METALINK3 = f"""<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/">
  <files>
    <file name="example.ext">
      <size>1000</size>
      <verification>
        <hash type="md5">{MD5}</hash>
        <hash type="sha1">{SHA1}</hash>
        <pieces length="512" type="sha1">
          <hash piece="1">{"c" * 40}</hash>
          <hash piece="0">{"d" * 40}</hash>
        </pieces>
      </verification>
      <resources>
        <url type="http" location="us" preference="10">http://slow.example.com/example.ext</url>
        <url type="http" location="de" preference="100">http://best.example.com/example.ext</url>
        <url type="bittorrent" preference="100">http://example.com/example.ext.torrent</url>
        <url type="ftp">ftp://unranked.example.com/example.ext</url>
      </resources>
    </file>
  </files>
</metalink>
""".encode()


def test_metalink4_file_fields() -> None:
    parsed = parse_metalink(META4)
    assert parsed.version == 4
    first, second = parsed.files
    assert first.name == "example.ext"
    assert first.size == 14471447
    assert first.hashes == {"sha256": SHA256, "md5": MD5}
    assert first.checksum == ChecksumSpec("sha256", SHA256)
    assert first.pieces == PieceHashes("sha1", 262144, (SHA1, "b" * 40))
    assert [u.url for u in first.urls] == [
        "http://example.com/example.ext",
        "http://us.example.com/example.ext",
        "ftp://ftp.example.com/example.ext",
        "http://unranked.example.com/example.ext",
    ]
    assert first.urls[0] == MetalinkUrl("http://example.com/example.ext", 1, "fr")
    assert first.metaurls == (MetalinkUrl("http://example.com/example.ext.torrent", 2, None, "torrent"),)
    assert second.name == "docs_readme.txt"
    assert (second.size, second.hashes, second.pieces, second.checksum) == (None, {}, None, None)


def test_metalink3_file_fields() -> None:
    parsed = parse_metalink(METALINK3)
    assert parsed.version == 3
    [file] = parsed.files
    assert (file.name, file.size) == ("example.ext", 1000)
    assert file.hashes == {"md5": MD5, "sha1": SHA1}
    assert file.checksum == ChecksumSpec("sha1", SHA1)
    assert file.pieces == PieceHashes("sha1", 512, ("d" * 40, "c" * 40))
    assert [(u.url, u.location) for u in file.urls] == [
        ("http://best.example.com/example.ext", "de"),
        ("http://slow.example.com/example.ext", "us"),
        ("ftp://unranked.example.com/example.ext", None),
    ]
    assert [m.mediatype for m in file.metaurls] == ["torrent"]


def test_metalink3_without_a_namespace_is_read_by_its_version() -> None:
    text = METALINK3.replace(b' xmlns="http://www.metalinker.org/"', b"")
    assert parse_metalink(text).files[0].hashes["sha1"] == SHA1


def test_preferred_locations_break_ties_within_a_priority() -> None:
    first = parse_metalink(META4).files[0]
    assert ordered_urls(first, ("US",))[:2] == [
        "http://us.example.com/example.ext",
        "http://example.com/example.ext",
    ]
    assert ordered_urls(first) == [u.url for u in first.urls]


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("plain.iso", "plain.iso"),
        ("dir/sub/file.iso", "dir_sub_file.iso"),
        ("../../etc/passwd", "etc_passwd"),
        ("/etc/passwd", "etc_passwd"),
        ("..\\..\\windows\\win.ini", "windows_win.ini"),
        ("C:\\boot.ini", "C__boot.ini"),
        ("a/./b", "a_b"),
        ("new\nline\x00.txt", "newline.txt"),
        ("...hidden", "hidden"),
    ],
)
def test_sanitize_name(raw: str, safe: str) -> None:
    assert sanitize_name(raw) == safe


@pytest.mark.parametrize("raw", ["", "..", "../..", "/", " / "])
def test_sanitize_name_refuses_names_with_nothing_left(raw: str) -> None:
    with pytest.raises(InputError, match="cannot be saved under any safe name"):
        sanitize_name(raw)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="&lol9;"/></metalink>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE metalink [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<metalink xmlns="urn:ietf:params:xml:ns:metalink">
  <file name="x"><description>&secret;</description></file>
</metalink>
"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE metalink [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<metalink xmlns="urn:ietf:params:xml:ns:metalink"/>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE metalink SYSTEM "http://127.0.0.1:9/metalink.dtd">
<metalink xmlns="urn:ietf:params:xml:ns:metalink"/>
"""


@pytest.mark.parametrize(
    "document",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY, EXTERNAL_DTD],
    ids=["billion-laughs", "external-entity", "parameter-entity", "external-dtd"],
)
def test_doctype_and_entities_are_refused(document: bytes) -> None:
    with pytest.raises(InputError) as caught:
        parse_metalink(document)
    assert (
        str(caught.value) == "The metalink declares a DOCTYPE or entities, which Wherry refuses for safety."
    )


def test_oversized_input_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metalink_module, "MAX_METALINK_BYTES", 1000)
    with pytest.raises(InputError, match="too big to be one"):
        parse_metalink(META4)


def test_read_metalink_reads_no_more_than_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metalink_module, "MAX_METALINK_BYTES", 1000)
    path = tmp_path / "big.meta4"
    path.write_bytes(META4 + b" " * 10_000)
    with pytest.raises(InputError, match="too big to be one"):
        read_metalink(path)


def test_deep_nesting_is_refused() -> None:
    document = (
        b'<metalink xmlns="urn:ietf:params:xml:ns:metalink">' + b"<a>" * 100 + b"</a>" * 100 + b"</metalink>"
    )
    with pytest.raises(InputError, match="nests its elements too deeply"):
        parse_metalink(document)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"not xml at all", "The metalink is not well-formed XML (line 1)."),
        (b"<metalink><file></metalink>", "The metalink is not well-formed XML (line 1)."),
        (b"<html/>", "The file is XML but not a metalink."),
        (b'<metalink xmlns="urn:example:other"/>', "The metalink is of a version Wherry does not know"),
        (
            b'<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file><size>1</size></file></metalink>',
            "A file in the metalink has no name.",
        ),
        (
            b'<metalink xmlns="urn:ietf:params:xml:ns:metalink">'
            b'<file name="a"><size>-1</size></file></metalink>',
            "The metalink gives a a size that is not a whole number of bytes.",
        ),
        (
            b'<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a">'
            b'<hash type="sha-256">abc</hash></file></metalink>',
            "The metalink gives a a sha256 hash that is not 64 hex digits.",
        ),
        (
            b'<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a">'
            b'<pieces type="sha-1"><hash>' + SHA1.encode() + b"</hash></pieces></file></metalink>",
            "The metalink gives a piece hashes without a valid piece length.",
        ),
    ],
)
def test_invalid_documents_are_one_sentence_errors(document: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_metalink(document)
    assert str(caught.value).startswith(message)


def test_read_metalink_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"does not exist\.$"):
        read_metalink(tmp_path / "gone.meta4")


def test_read_metalink_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "example.meta4"
    path.write_bytes(META4)
    assert read_metalink(path).files[0].name == "example.ext"
