"""Download lists as text: URLs, aria2's input file and JSON read back exactly what was written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wherry.core import ALGORITHMS, ChecksumSpec, InputError
from wherry.core.list_formats import (
    ListEntry,
    ListFormat,
    format_for_name,
    read_aria2,
    read_json,
    read_list,
    read_url_list,
    sniff_format,
    write_aria2,
    write_list,
)

_HOST = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z]{2,6}){1,2}", fullmatch=True)
_PATH = st.lists(st.from_regex(r"[A-Za-z0-9._~%-]{1,12}", fullmatch=True), max_size=4).map("/".join)
urls = st.builds(
    lambda scheme, host, path, query: f"{scheme}://{host}/{path}{query}",
    st.sampled_from(["http", "https"]),
    _HOST,
    _PATH,
    st.one_of(st.just(""), st.from_regex(r"\?[a-z]{1,5}=[A-Za-z0-9]{1,8}", fullmatch=True)),
)
# Names and folders as people have them: spaces, accents, '=' and '#' inside, never a line break
# and no white space at either end (the option line would not keep it).
_TEXT = st.text(
    st.characters(blacklist_categories=["Cc", "Cs", "Zl", "Zp"], blacklist_characters="\t\n\r\x0b\x0c\x85/"),
    min_size=1,
    max_size=30,
).filter(lambda s: s == s.strip() and s not in (".", ".."))
checksums = st.sampled_from(sorted(ALGORITHMS)).flatmap(
    lambda algo: st.text("0123456789abcdef", min_size=ALGORITHMS[algo], max_size=ALGORITHMS[algo]).map(
        lambda hexdigest: ChecksumSpec(algo, hexdigest)
    )
)
entries = st.builds(
    ListEntry,
    url=urls,
    mirrors=st.lists(urls, max_size=3, unique=True).map(tuple),
    filename=st.none() | _TEXT,
    directory=st.none() | _TEXT.map(lambda s: "/" + s),
    checksum=st.none() | checksums,
)


def _no_self_mirror(entry: ListEntry) -> ListEntry:
    return ListEntry(
        entry.url,
        tuple(m for m in entry.mirrors if m != entry.url),
        entry.filename,
        entry.directory,
        entry.checksum,
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(entries, max_size=6))
def test_json_keeps_every_field(listed):
    listed = [_no_self_mirror(e) for e in listed]
    assert read_list(write_list(listed, ListFormat.JSON), ListFormat.JSON) == listed


@settings(max_examples=60, deadline=None)
@given(st.lists(entries, max_size=6))
def test_aria2_input_file_keeps_urls_mirrors_names_folders_and_checksums(listed):
    listed = [_no_self_mirror(e) for e in listed]
    text = write_aria2(listed)
    assert read_aria2(text) == listed
    if any(e.directory or e.filename or e.checksum for e in listed):
        assert sniff_format(text) is ListFormat.ARIA2


@settings(max_examples=60, deadline=None)
@given(st.lists(urls, max_size=8))
def test_url_list_keeps_the_urls_in_order(listed):
    text = write_list([ListEntry(u) for u in listed], ListFormat.URLS)
    assert [e.url for e in read_url_list(text)] == listed
    assert sniff_format(text) is ListFormat.URLS


def test_reads_an_input_file_as_aria2_writes_it():
    text = (
        "# written by aria2c\n"
        "https://a.example/f.iso\thttps://b.example/f.iso\n"
        "  dir=/srv/isos\n"
        "  out=fedora.iso\n"
        "  checksum=sha-256=" + "ab" * 32 + "\n"
        "  max-connection-per-server=4\n"
        "\n"
        "https://c.example/notes.txt\n"
    )
    assert read_aria2(text) == [
        ListEntry(
            "https://a.example/f.iso",
            ("https://b.example/f.iso",),
            "fedora.iso",
            "/srv/isos",
            ChecksumSpec("sha256", "ab" * 32),
        ),
        ListEntry("https://c.example/notes.txt"),
    ]


@pytest.mark.parametrize(
    ("reader", "text", "sentence"),
    [
        (
            read_url_list,
            "https://ok.example/a\nftp://old.example/b\n",
            "Line 2: “ftp://old.example/b” is not a web address.",
        ),
        (read_aria2, "  out=x\nhttps://a.example/b\n", "Line 1: an option comes before any URL."),
        (
            read_aria2,
            "https://a.example/b\n  checksum=crc32=1234\n",
            "Line 2: Wherry cannot check crc32 checksums.",
        ),
        (
            read_aria2,
            "https://a.example/b\n  checksum=sha-256=12\n",
            "Line 2: A sha256 checksum is 64 hexadecimal",
        ),
        (read_json, "{not json", "The list is not valid JSON (line 1)."),
        (read_json, '{"downloads": [{"name": "x"}]}', "Download 1 has no URL."),
        (
            read_json,
            '{"downloads": [{"url": "https://a.example/", "checksum": "sha256:zz"}]}',
            "Download 1: A sha256",
        ),
    ],
)
def test_unreadable_lists_say_where_in_one_sentence(reader, text, sentence):
    with pytest.raises(InputError) as caught:
        reader(text)
    assert caught.value.message.startswith(sentence)


def test_json_accepts_a_bare_array_of_urls():
    assert read_json('["https://a.example/x"]') == [ListEntry("https://a.example/x")]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("list.json", ListFormat.JSON), ("downloads.aria2", ListFormat.ARIA2), ("urls.txt", ListFormat.URLS)],
)
def test_format_follows_the_file_name(name, fmt):
    assert format_for_name(name) is fmt
