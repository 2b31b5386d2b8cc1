"""Every parser that reads what a server or a file says, fed whatever Hypothesis can think of.

Three promises: no crash (a bad value is refused, never an exception that stops a download), no
name that leaves the folder, and no value that is not exactly what was written.
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import hashlib
import itertools
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

import aiohttp
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers.flaky_server import FaultPlan, FlakyServer
from wherry.core.errors import InputError
from wherry.core.jobs import Job, JobState
from wherry.engine.digests import announced_digests, digests_disagree
from wherry.engine.http_errors import parse_retry_after
from wherry.engine.naming import inside, sanitize_filename
from wherry.engine.probe import describe, parse_content_range, url_filename
from wherry.verify.checksum_files import parse_checksum_text, safe_relative_name
from wherry.verify.metalink import parse_metalink, sanitize_name

# Header values aiohttp will send and parse: visible characters, spaces and tabs.
HEADER_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from("\t"), max_size=80
)
# Names a hostile server would try: separators of both kinds, dots, drive letters, control bytes.
HOSTILE_NAME = st.text(
    alphabet=st.sampled_from(
        [*string.ascii_letters[:6], *'./\\:*?"<>|%~ \x00\x01\x1f\x7f', "é", "ﬁ", "\u202e"]
    ),
    max_size=30,
)


def _single_safe_component(folder: Path, name: str) -> None:
    assert name
    assert name not in (".", "..")
    assert "/" not in name
    assert "\\" not in name
    assert "\0" not in name
    assert inside(folder, name)


# ---- Content-Disposition, through a real aiohttp response --------------------------------------


@pytest.fixture(scope="module")
def wire():
    """One test server, loop and client session for every example (starting them per example
    would cost more than the examples)."""
    server = FlakyServer().start()
    loop = asyncio.new_event_loop()
    session = loop.run_until_complete(_session())
    try:
        yield server, loop, session
    finally:
        loop.run_until_complete(session.close())
        loop.close()
        server.stop()


async def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(auto_decompress=False)


def _answer(wire, headers: list[tuple[str, str]], status_range: str | None = None):
    server, loop, session = wire
    url = server.add("/dl/file.bin", b"0123456789", plan=FaultPlan(extra_headers=headers))

    async def get():
        request_headers = {"Range": status_range} if status_range else {}
        async with session.get(url, headers=request_headers) as response:
            await response.read()
            return describe(response)

    return loop.run_until_complete(asyncio.wait_for(get(), 10))


_DISPOSITIONS = st.one_of(
    HEADER_TEXT,
    HOSTILE_NAME.map(lambda n: "".join(c for c in n if c >= " " and c not in '"\\\x7f')).map(
        lambda n: f'attachment; filename="{n}"'
    ),
    HOSTILE_NAME.map(lambda n: f"attachment; filename*=UTF-8''{quote(n, safe='')}"),
    st.tuples(HOSTILE_NAME, HOSTILE_NAME).map(
        lambda p: f"attachment; filename=plain.bin; filename*=UTF-8''{quote(p[0] + '/' + p[1], safe='')}"
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(disposition=_DISPOSITIONS)
@example(disposition="attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd")
@example(disposition='attachment; filename="..\\\\..\\\\boot.ini"')
@example(disposition="attachment; filename*=UTF-8''%2e%2e")
def test_content_disposition_never_names_a_path_outside_the_folder(wire, tmp_path, disposition):
    remote = _answer(wire, [("Content-Disposition", disposition)])
    suggested = remote.filename or url_filename(remote.final_url)
    _single_safe_component(tmp_path, sanitize_filename(suggested))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(alphabet=string.ascii_letters + string.digits + "-_ ()", min_size=1, max_size=40).filter(
        lambda n: n.strip()
    )
)
def test_an_ordinary_name_is_read_back_exactly_in_both_forms(wire, name):
    name = "f" + name.strip()  # never a Windows device name (CON, LPT1), which is renamed on purpose
    plain = _answer(wire, [("Content-Disposition", f'attachment; filename="{name}.iso"')])
    extended = _answer(wire, [("Content-Disposition", f"attachment; filename*=UTF-8''{quote(name)}.iso")])
    assert sanitize_filename(plain.filename) == f"{name}.iso"
    assert sanitize_filename(extended.filename) == f"{name}.iso"


# ---- Content-Range ------------------------------------------------------------------------------


@given(HEADER_TEXT)
@example("bytes 0-0/1")
@example("bytes 5-4/10")
@example("bytes 0-10/10")
@example("bytes 1-2/3, bytes 4-5/6")
@example("bytes -1-2/3")
@example("bytes ١-٢/٣")  # Arabic-Indic digits: str.isdigit says yes, a byte offset says no
def test_content_range_is_either_refused_or_a_real_range(value):
    span = parse_content_range(value)
    if span is None:
        return
    assert 0 <= span.start <= span.end
    assert span.total is None or span.end < span.total
    # Nothing was guessed: the numbers are exactly the ones written.
    total = "*" if span.total is None else str(span.total)
    assert value.strip().lower().split() == ["bytes", f"{span.start}-{span.end}/{total}"]


@given(st.integers(0, 2**62), st.integers(0, 2**40), st.integers(1, 2**40) | st.none())
def test_a_well_formed_content_range_reads_back_exactly(start, length, extra):
    end = start + length
    total = None if extra is None else end + extra
    span = parse_content_range(f"bytes {start}-{end}/{'*' if total is None else total}")
    assert span is not None
    assert (span.start, span.end, span.total) == (start, end, total)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=HEADER_TEXT | st.sampled_from(["bytes 0-9/10", "bytes 2-9/10", "bytes 0-8/*", "bytes */10"]))
def test_a_206_is_described_by_exactly_its_content_range_or_by_none(wire, value):
    server, loop, session = wire
    url = server.add("/cr/file.bin", b"0123456789", plan=FaultPlan(content_range=value))

    async def get():
        async with session.get(url, headers={"Range": "bytes=0-"}) as response:
            await response.read()
            return describe(response)

    remote = loop.run_until_complete(asyncio.wait_for(get(), 10))
    assert remote.status == 206
    assert remote.content_range == parse_content_range(value.strip(" \t"))
    assert remote.total_size == (remote.content_range.total if remote.content_range else None)


# ---- Retry-After, both forms --------------------------------------------------------------------

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


@given(HEADER_TEXT | st.text(max_size=40))
@example("Wed, 21 Oct 2015 07:28:00 GMT")
@example("99999999999999999999999")
@example("-5")
@example("1e9")
@example("Mon, 99 Foo 2020 99:99:99 GMT")
@example("²")
@example("١٢")
def test_retry_after_is_none_or_a_bounded_wait(value):
    wait = parse_retry_after(value, NOW)
    assert wait is None or 0.0 <= wait <= 3600.0


@given(st.integers(0, 10**12))
def test_retry_after_seconds_are_read_exactly_up_to_the_cap(seconds):
    assert parse_retry_after(str(seconds), NOW) == min(float(seconds), 3600.0)


@given(st.integers(-(10**6), 10**6))
def test_retry_after_dates_give_the_time_until_then(offset):
    when = email.utils.format_datetime(NOW + timedelta(seconds=offset), usegmt=True)
    assert parse_retry_after(when, NOW) == min(max(float(offset), 0.0), 3600.0)


# ---- ETag and validators: what a resumed request sends back --------------------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    etag=st.one_of(
        st.none(),
        st.text(alphabet=string.ascii_letters + string.digits + "-.", max_size=12).map(lambda t: f'"{t}"'),
        st.text(alphabet=string.ascii_letters + string.digits, max_size=12).map(lambda t: f'W/"{t}"'),
        HEADER_TEXT.filter(lambda t: t.strip() == t and t),
    ),
    last_modified=st.none() | st.just("Wed, 21 Oct 2015 07:28:00 GMT"),
)
def test_if_range_carries_only_a_strong_etag_or_the_date(wire, tmp_path, etag, last_modified):
    server, loop, _ = wire
    body = hashlib.sha256(b"seed").digest() * 2000
    path = f"/v{next(_RUNS)}/file.bin"  # a path of its own: the server's log spans every example
    url = server.add(path, body, etag=etag, last_modified=last_modified, plan=FaultPlan(drop_after=20_000))
    job, folder = loop.run_until_complete(_download(tmp_path, url))
    gets = server.requests_for(path, "GET")
    resumed = [r for r in gets if r.range and not r.range.startswith("bytes=0-")]
    assert resumed, "the drop forced a resume"
    for request in resumed:
        sent = request.if_range
        # Only a quoted, strong tag goes back (RFC 9110 §8.8.3, §13.1.5); otherwise the date.
        strong = etag if etag and len(etag) >= 2 and etag[0] == etag[-1] == '"' else None
        assert sent == (strong or last_modified)
        assert sent is None or not sent.startswith("W/")
    if job.state is JobState.FINISHED:
        assert (folder / job.filename).read_bytes() == body


_RUNS = itertools.count()


async def _download(tmp: Path, url: str, **request: object) -> tuple[Job, Path]:
    """One download by a real engine on a fresh store and folder; the job as it came to rest."""
    from tests.engine.conftest import FAST, Harness

    run = tmp / f"run-{next(_RUNS)}"
    run.mkdir()
    harness = Harness(run, FAST.with_changes(retry_max_tries=30, min_split_size=16 * 1024))
    try:
        engine = await harness.open()
        job = await engine.add(harness.request(url, **request))
        return await asyncio.wait_for(engine.wait(job.id), 30), harness.downloads
    finally:
        await harness.close()


# ---- never a misplaced byte, whatever the 206 answers say ---------------------------------------


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    shift=st.none() | st.integers(-5000, 5000).filter(bool),
    end_delta=st.none() | st.integers(-5000, 5000).filter(bool),
    length_delta=st.none() | st.integers(-5000, 5000).filter(bool),
    times=st.integers(1, 3),
    drop=st.none() | st.integers(1000, 90_000),
    connections=st.sampled_from([1, 3]),
)
def test_whatever_a_206_claims_no_byte_lands_in_the_wrong_place(
    wire, tmp_path, shift, end_delta, length_delta, times, drop, connections
):
    server, loop, _ = wire
    body = b"".join(hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(4000))  # 128 000 bytes
    plan = FaultPlan(
        wrong_content_range=shift,
        wrong_range_end=end_delta,
        wrong_range_times=times,
        wrong_content_length=length_delta,
        wrong_length_times=times,
        drop_after=drop,
        drop_times=times,
    )
    url = server.add(f"/w{next(_RUNS)}/file.bin", body, plan=plan)
    job, folder = loop.run_until_complete(_download(tmp_path, url, connections=connections))
    part = folder / "file.bin.part"
    if job.state is JobState.FINISHED:
        assert (folder / job.filename).read_bytes() == body
    else:
        # Whatever was kept is exactly the server's bytes where the job counts them.
        kept = part.read_bytes() if part.exists() else b""
        for segment in job.segments:
            assert kept[segment.start : segment.position] == body[segment.start : segment.position]


# ---- Digest and Repr-Digest ---------------------------------------------------------------------

ALGORITHMS = st.sampled_from(["sha-256", "sha-512", "md5", "sha", "unixsum"])
DIGESTS = st.dictionaries(ALGORITHMS, st.binary(min_size=1, max_size=64), max_size=4)


def _repr_digest(values: dict[str, bytes]) -> str:
    return ", ".join(f"{name}=:{base64.b64encode(v).decode()}:" for name, v in values.items())


def _legacy_digest(values: dict[str, bytes]) -> str:
    return ",".join(f"{name.upper()}={base64.b64encode(v).decode()}" for name, v in values.items())


@given(HEADER_TEXT | st.text(max_size=60))
@example("sha-256=:not base64:")
@example("=::, ,,=")
def test_a_digest_field_never_crashes_the_reader(value):
    found = announced_digests(value)
    assert all(name == name.lower() and digest for name, digest in found.items())


@given(DIGESTS, st.booleans())
def test_digests_read_back_exactly_in_either_field(values, legacy):
    text = _legacy_digest(values) if legacy else _repr_digest(values)
    assert announced_digests(text) == values


@given(DIGESTS, DIGESTS)
def test_two_announcements_disagree_exactly_when_a_shared_algorithm_differs(a, b):
    expected = any(a[k] != b[k] for k in a.keys() & b.keys())
    assert digests_disagree(_repr_digest(a), _legacy_digest(b)) is expected
    assert digests_disagree(_repr_digest(a), _repr_digest(a)) is False


# ---- metalink XML -------------------------------------------------------------------------------


@given(st.binary(max_size=300) | HEADER_TEXT.map(str.encode))
@example(b"<metalink xmlns='urn:ietf:params:xml:ns:metalink'><file name='../x'/></metalink>")
@example(b"<!DOCTYPE x [<!ENTITY a 'b'>]><metalink/>")
def test_any_bytes_are_a_metalink_or_one_sentence(data):
    try:
        parsed = parse_metalink(data)
    except InputError as error:
        message = error.message
        assert "\n" not in message
        return
    for file in parsed.files:
        _single_safe_component(Path.cwd(), file.name)


_XML_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn")) | st.sampled_from("/\\.:"), max_size=40
)


@given(
    name=_XML_TEXT,
    size=st.integers(0, 2**50),
    digest=st.binary(min_size=32, max_size=32),
    url_path=st.text(alphabet=string.ascii_letters + string.digits + "-._~/", max_size=30),
)
def test_a_metalink_file_reads_back_with_a_safe_name_and_exact_values(name, size, digest, url_path):
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<metalink xmlns="urn:ietf:params:xml:ns:metalink">'
        f"<file name={quoteattr(name)}><size>{size}</size>"
        f'<hash type="sha-256">{digest.hex()}</hash>'
        f"<url>https://example.org/{escape(url_path)}</url></file></metalink>"
    ).encode()
    try:
        parsed = parse_metalink(document)
    except InputError as error:
        # Refused only when nothing of the name can be kept, and then in one sentence.
        message = error.message
        assert "\n" not in message
        with pytest.raises(InputError):
            sanitize_name(name)
        return
    (file,) = parsed.files
    _single_safe_component(Path.cwd(), file.name)
    assert file.size == size
    assert file.hashes["sha256"] == digest.hex()
    assert [u.url for u in file.urls] == [f"https://example.org/{url_path}"]


# ---- checksum files -----------------------------------------------------------------------------

_LINE = st.one_of(
    st.text(max_size=80),
    st.tuples(st.binary(min_size=32, max_size=32), HOSTILE_NAME).map(lambda p: f"{p[0].hex()}  {p[1]}"),
    st.tuples(st.binary(min_size=32, max_size=32), HOSTILE_NAME).map(
        lambda p: f"SHA256 ({p[1]}) = {p[0].hex()}"
    ),
    HOSTILE_NAME.map(lambda n: f"\\{'0' * 64}  {n}\\n"),
)


@given(st.lists(_LINE, max_size=8), st.sampled_from([None, "SHA256SUMS", "x.iso.sha256", "CHECKSUM"]))
@example(["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  ../../etc/passwd"], None)
@example(["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 *C:\\boot.ini"], None)
@example(["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  /abs/path"], None)
def test_a_checksum_file_never_names_a_file_outside_its_folder(lines, filename):
    parsed = parse_checksum_text("\n".join(lines).encode("utf-8", "surrogatepass"), filename=filename)
    for entry in parsed.entries:
        assert safe_relative_name(entry.name) == entry.name
        assert not entry.name.startswith("/")
        assert ".." not in entry.name.replace("\\", "/").split("/")
        assert all(c in "0123456789abcdef" for c in entry.hexdigest)
    for error in parsed.errors:
        assert "\n" not in error.message
