"""The test server itself: correct HTTP when asked for it, and each fault exactly as described."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import http.client
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Mapping

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers.flaky_server import (
    DEFAULT_LAST_MODIFIED,
    FaultPlan,
    FlakyServer,
    if_range_matches,
    parse_range,
)

BODY = bytes(range(256)) * 40  # 10 240 bytes, every offset recognisable modulo 256
TIMEOUT = 5.0


def connect(server: FlakyServer) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)


def fetch(
    server: FlakyServer, path: str, headers: Mapping[str, str] | None = None, method: str = "GET"
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = connect(server)
    try:
        conn.request(method, urllib.parse.quote(path), headers=dict(headers or {}))
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


# -- correct service ---------------------------------------------------------------------------


def test_serves_whole_file_with_its_validators(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f.bin", BODY, content_disposition='attachment; filename="f.bin"')

    status, headers, body = fetch(flaky_server, "/f.bin")

    assert (status, body) == (200, BODY)
    assert headers["Content-Length"] == str(len(BODY))
    assert headers["Accept-Ranges"] == "bytes"
    assert headers["ETag"] == '"v1"'
    assert headers["Last-Modified"] == DEFAULT_LAST_MODIFIED
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"] == 'attachment; filename="f.bin"'


def test_omits_validators_configured_as_none(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", b"abc", etag=None, last_modified=None, content_type="text/plain")

    _, headers, _ = fetch(flaky_server, "/f")

    assert "ETag" not in headers
    assert "Last-Modified" not in headers
    assert "Content-Disposition" not in headers
    assert headers["Content-Type"] == "text/plain"


def test_head_reports_the_size_and_sends_no_body(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY)

    status, headers, body = fetch(flaky_server, "/f", method="HEAD")

    assert (status, body) == (200, b"")
    assert headers["Content-Length"] == str(len(BODY))
    assert headers["Accept-Ranges"] == "bytes"
    assert headers["ETag"] == '"v1"'


def test_unknown_path_is_404_and_other_methods_405(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", b"x")

    assert fetch(flaky_server, "/nothing")[0] == 404
    status, headers, _ = fetch(flaky_server, "/f", method="POST")
    assert status == 405
    assert headers["Allow"] == "GET, HEAD"


@pytest.mark.parametrize(
    ("range_header", "first", "last"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=0-0", 0, 0),
        ("bytes=100-", 100, 10239),
        ("bytes=10239-10239", 10239, 10239),
        ("bytes=10000-99999", 10000, 10239),
        ("bytes=-10", 10230, 10239),
        ("bytes=-99999", 0, 10239),
        ("BYTES=1-2", 1, 2),
        ("bytes= 5 - 6 ", 5, 6),
    ],
)
def test_single_range_is_answered_with_206(
    flaky_server: FlakyServer, range_header: str, first: int, last: int
) -> None:
    flaky_server.add("/f", BODY)

    status, headers, body = fetch(flaky_server, "/f", {"Range": range_header})

    assert status == 206
    assert headers["Content-Range"] == f"bytes {first}-{last}/{len(BODY)}"
    assert headers["Content-Length"] == str(last - first + 1)
    assert body == BODY[first : last + 1]


@pytest.mark.parametrize(
    ("body", "range_header"),
    [
        (BODY, "bytes=10240-"),
        (BODY, "bytes=10240-20000"),
        (BODY, "bytes=-0"),
        (b"", "bytes=0-"),
        (b"", "bytes=-0"),
    ],
)
def test_unsatisfiable_range_is_416_with_the_length(
    flaky_server: FlakyServer, body: bytes, range_header: str
) -> None:
    flaky_server.add("/f", body)

    status, headers, _ = fetch(flaky_server, "/f", {"Range": range_header})

    assert status == 416
    assert headers["Content-Range"] == f"bytes */{len(body)}"


@pytest.mark.parametrize(
    "range_header", ["bytes=5-2", "items=0-5", "bytes=0-1,3-4", "bytes=abc", "bytes=-", "bytes 0-5"]
)
def test_invalid_or_multiple_ranges_are_ignored(flaky_server: FlakyServer, range_header: str) -> None:
    flaky_server.add("/f", BODY)

    status, headers, body = fetch(flaky_server, "/f", {"Range": range_header})

    assert (status, body) == (200, BODY)
    assert "Content-Range" not in headers


def test_suffix_range_of_an_empty_body_gets_the_empty_whole(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", b"")

    status, headers, body = fetch(flaky_server, "/f", {"Range": "bytes=-5"})

    assert (status, body) == (200, b"")
    assert headers["Content-Length"] == "0"


@given(
    length=st.integers(min_value=0, max_value=5000),
    first=st.integers(min_value=0, max_value=6000),
    span=st.integers(min_value=0, max_value=6000),
)
def test_parse_range_agrees_with_slicing(length: int, first: int, span: int) -> None:
    parsed = parse_range(f"bytes={first}-{first + span}", length)

    if first >= length:
        assert parsed == "unsatisfiable"
    else:
        assert isinstance(parsed, tuple)
        data = bytes(length)
        assert parsed[1] - parsed[0] + 1 == len(data[first : first + span + 1])
        assert parsed[0] == first


@pytest.mark.parametrize(
    ("etag", "last_modified", "if_range", "honoured"),
    [
        ('"v1"', DEFAULT_LAST_MODIFIED, '"v1"', True),
        ('"v1"', DEFAULT_LAST_MODIFIED, '"v2"', False),
        ('"v1"', DEFAULT_LAST_MODIFIED, 'W/"v1"', False),
        ('W/"v1"', DEFAULT_LAST_MODIFIED, 'W/"v1"', False),
        ('W/"v1"', DEFAULT_LAST_MODIFIED, '"v1"', False),
        (None, DEFAULT_LAST_MODIFIED, '"v1"', False),
        ('"v1"', DEFAULT_LAST_MODIFIED, DEFAULT_LAST_MODIFIED, True),
        ('"v1"', DEFAULT_LAST_MODIFIED, "Wed, 21 Oct 2015 07:28:01 GMT", False),
        ('"v1"', None, DEFAULT_LAST_MODIFIED, False),
        ('"v1"', DEFAULT_LAST_MODIFIED, "not a date", False),
    ],
)
def test_if_range_needs_a_strong_tag_or_the_exact_date(
    flaky_server: FlakyServer, etag: str | None, last_modified: str | None, if_range: str, honoured: bool
) -> None:
    flaky_server.add("/f", BODY, etag=etag, last_modified=last_modified)

    status, headers, body = fetch(flaky_server, "/f", {"Range": "bytes=100-", "If-Range": if_range})

    assert if_range_matches(if_range, etag, last_modified) is honoured
    if honoured:
        assert (status, body) == (206, BODY[100:])
    else:
        assert (status, body) == (200, BODY)
        assert "Content-Range" not in headers


def test_replace_changes_body_and_validators(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY)
    flaky_server.replace("/f", b"new content")

    status, headers, body = fetch(flaky_server, "/f", {"Range": "bytes=2-", "If-Range": '"v1"'})

    assert (status, body) == (200, b"new content")
    assert headers["ETag"] not in ('"v1"', None)
    assert headers["Last-Modified"] != DEFAULT_LAST_MODIFIED


def test_url_quotes_the_path(flaky_server: FlakyServer) -> None:
    url = flaky_server.add("/dir/a file.bin", b"spaced")

    assert url == f"{flaky_server.base_url}/dir/a%20file.bin"
    assert fetch(flaky_server, "/dir/a file.bin")[2] == b"spaced"


def test_reachable_from_another_process(flaky_server: FlakyServer) -> None:
    url = flaky_server.add("/f", b"from a child process")
    code = "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())"

    out = subprocess.run([sys.executable, "-c", code, url], capture_output=True, timeout=30, check=True)

    assert out.stdout == b"from a child process"


# -- request log -------------------------------------------------------------------------------


def test_logs_each_request_with_headers_status_and_bytes(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY)
    fetch(flaky_server, "/f", method="HEAD")
    conn = connect(flaky_server)
    conn.request("GET", "/f?x=1", headers={"Range": "bytes=10-19", "User-Agent": "Wherry/0.1"})
    conn.getresponse().read()
    conn.close()
    fetch(flaky_server, "/missing")

    log = flaky_server.requests

    assert [(r.method, r.path, r.status) for r in log] == [
        ("HEAD", "/f", 200),
        ("GET", "/f", 206),
        ("GET", "/missing", 404),
    ]
    assert log[1].query == "x=1"
    assert log[1].range == "bytes=10-19"
    assert log[1].headers["user-agent"] == "Wherry/0.1"
    assert log[1].user_agent == "Wherry/0.1"
    assert [r.bytes_sent for r in log] == [0, 10, 0]
    assert all(r.outcome == "complete" for r in log)
    assert flaky_server.bytes_sent("/f") == 10
    assert flaky_server.requests_for("/f", "GET") == [log[1]]
    log.clear()
    assert len(flaky_server.requests) == 3


def test_wait_bytes_sent_returns_false_on_timeout(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY)

    assert flaky_server.wait_bytes_sent("/f", 1, timeout=0.05) is False
    fetch(flaky_server, "/f")
    assert flaky_server.wait_bytes_sent("/f", len(BODY), timeout=TIMEOUT) is True


# -- statuses ----------------------------------------------------------------------------------


def test_status_sequence_then_normal_service(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(statuses=[503, 429], retry_after="7"))

    assert fetch(flaky_server, "/f", method="HEAD")[0] == 200  # HEAD does not use up the sequence
    first = fetch(flaky_server, "/f")
    second = fetch(flaky_server, "/f")
    third = fetch(flaky_server, "/f")

    assert (first[0], first[1]["Retry-After"]) == (503, "7")
    assert (second[0], second[1]["Retry-After"]) == (429, "7")
    assert (third[0], third[2]) == (200, BODY)
    assert "Retry-After" not in third[1]


@pytest.mark.parametrize("status", [404, 410, 403, 500, 429])
def test_always_status_answers_get_and_head(flaky_server: FlakyServer, status: int) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(always_status=status))

    assert [fetch(flaky_server, "/f")[0] for _ in range(3)] == [status] * 3
    assert fetch(flaky_server, "/f", method="HEAD")[0] == status
    assert flaky_server.bytes_sent("/f") == 0


# -- broken transfers --------------------------------------------------------------------------


def test_drop_after_cuts_the_body_after_exactly_n_bytes(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(drop_after=1000, drop_times=1))

    conn = connect(flaky_server)
    conn.request("GET", "/f")
    resp = conn.getresponse()
    with pytest.raises(http.client.IncompleteRead) as broken:
        resp.read()
    conn.close()
    again = fetch(flaky_server, "/f")

    assert resp.headers["Content-Length"] == str(len(BODY))
    assert "Connection" not in resp.headers  # the drop was not announced
    assert broken.value.partial == BODY[:1000]
    assert again[2] == BODY
    assert [r.outcome for r in flaky_server.requests] == ["dropped", "complete"]
    assert flaky_server.bytes_sent("/f") == 1000 + len(BODY)


def test_drop_applies_to_a_ranged_answer_from_its_start(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(drop_after=10))

    conn = connect(flaky_server)
    conn.request("GET", "/f", headers={"Range": "bytes=300-"})
    resp = conn.getresponse()
    with pytest.raises(http.client.IncompleteRead) as broken:
        resp.read()
    conn.close()

    assert resp.status == 206
    assert broken.value.partial == BODY[300:310]


def test_drop_does_not_fire_on_an_answer_shorter_than_n(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(drop_after=1000, drop_times=1))

    short = fetch(flaky_server, "/f", {"Range": "bytes=0-99"})
    with pytest.raises(http.client.IncompleteRead):
        fetch(flaky_server, "/f", {"Range": "bytes=0-1999"})

    assert short[2] == BODY[:100]
    assert [r.outcome for r in flaky_server.requests] == ["complete", "dropped"]
    assert flaky_server.requests[1].bytes_sent == 1000


async def test_aiohttp_client_sees_a_dropped_body_as_incomplete(flaky_server: FlakyServer) -> None:
    url = flaky_server.add("/f", BODY, plan=FaultPlan(drop_after=4096))
    received = bytearray()

    async def read_into(resp: aiohttp.ClientResponse) -> None:
        async for chunk in resp.content.iter_any():
            received.extend(chunk)

    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        with pytest.raises(aiohttp.ClientPayloadError):
            await read_into(resp)

    assert bytes(received) == BODY[:4096]


def test_stall_holds_the_connection_silent_until_the_client_leaves(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(stall_after=500, stall_times=1))

    conn = http.client.HTTPConnection("127.0.0.1", flaky_server.port, timeout=0.3)
    conn.request("GET", "/f")
    resp = conn.getresponse()
    assert resp.read(500) == BODY[:500]
    with pytest.raises(TimeoutError):
        resp.read(1)
    resp.close()  # the response holds its own reference to the socket
    conn.close()

    assert flaky_server.wait_until(lambda s: s.requests[0].outcome == "client_gone", TIMEOUT)
    assert flaky_server.bytes_sent("/f") == 500
    assert fetch(flaky_server, "/f")[2] == BODY


def test_stall_ends_with_a_cut_body_after_its_timeout(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(stall_after=5, stall_timeout=0.2))

    conn = connect(flaky_server)
    conn.request("GET", "/f")
    with pytest.raises(http.client.IncompleteRead) as broken:
        conn.getresponse().read()
    conn.close()

    assert broken.value.partial == BODY[:5]
    assert flaky_server.requests[0].outcome == "stalled"


def test_stop_does_not_wait_for_a_stalled_response() -> None:
    server = FlakyServer().start()
    server.add("/f", BODY, plan=FaultPlan(stall_after=10))
    conn = connect(server)
    conn.request("GET", "/f")
    resp = conn.getresponse()
    assert resp.read(10) == BODY[:10]

    started = time.monotonic()
    server.stop()
    elapsed = time.monotonic() - started
    conn.close()

    assert elapsed < 3.0
    assert server.requests[0].outcome == "stopped"
    assert not any(t.name == "flaky-server" for t in threading.enumerate())


def test_drip_rate_paces_the_body(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY[:1000], plan=FaultPlan(drip_rate=4000))

    started = time.monotonic()
    body = fetch(flaky_server, "/f")[2]
    elapsed = time.monotonic() - started

    # 1000 bytes at 4000 B/s: 200 pieces of 200 bytes with 50 ms between them is 0.2 s.
    assert body == BODY[:1000]
    assert 0.15 <= elapsed < 2.0


# -- gates -------------------------------------------------------------------------------------


def test_gate_holds_the_body_at_n_bytes_until_released(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(gate_after=700))

    conn = connect(flaky_server)
    conn.request("GET", "/f")
    resp = conn.getresponse()
    assert flaky_server.wait_gate("/f", TIMEOUT)
    assert resp.read(700) == BODY[:700]
    assert flaky_server.bytes_sent("/f") == 700
    flaky_server.release("/f")
    rest = resp.read()
    conn.close()

    assert rest == BODY[700:]
    assert flaky_server.wait_until(lambda s: s.requests[0].outcome == "complete", TIMEOUT)
    assert fetch(flaky_server, "/f")[2] == BODY  # gate_times defaults to the first response only


def test_a_hold_stops_every_answer_at_an_offset_of_the_file_until_lifted(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(hold_at=700))

    whole = connect(flaky_server)
    whole.request("GET", "/f")
    first = whole.getresponse()
    assert first.read(700) == BODY[:700]
    # Another connection asking for the rest gets nothing either: the hold is on the file, not
    # on one response.
    rest = connect(flaky_server)
    rest.request("GET", "/f", headers={"Range": "bytes=700-"})
    second = rest.getresponse()
    assert second.status == 206
    assert flaky_server.wait_until(lambda s: len(s.requests) == 2, TIMEOUT)
    assert flaky_server.bytes_sent("/f") == 700
    flaky_server.set_plan("/f", FaultPlan())

    assert first.read() == BODY[700:]
    assert second.read() == BODY[700:]
    whole.close()
    rest.close()


def test_wait_gate_times_out_when_nothing_reaches_it(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(gate_after=700))

    assert flaky_server.wait_gate("/f", 0.05) is False


def test_client_leaving_at_a_gate_is_recorded(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(gate_after=0))

    sock = socket.create_connection(("127.0.0.1", flaky_server.port), timeout=TIMEOUT)
    sock.sendall(b"GET /f HTTP/1.1\r\nHost: x\r\n\r\n")
    assert flaky_server.wait_gate("/f", TIMEOUT)
    sock.close()

    assert flaky_server.wait_until(lambda s: s.requests[0].outcome == "client_gone", TIMEOUT)
    assert flaky_server.bytes_sent("/f") == 0


def test_stop_releases_a_gated_response() -> None:
    server = FlakyServer().start()
    server.add("/f", BODY, plan=FaultPlan(gate_after=100))
    conn = connect(server)
    conn.request("GET", "/f")
    resp = conn.getresponse()
    assert server.wait_gate("/f", TIMEOUT)

    started = time.monotonic()
    server.stop()
    elapsed = time.monotonic() - started
    resp.close()
    conn.close()

    assert elapsed < 3.0
    assert not any(t.name == "flaky-server" for t in threading.enumerate())


# -- wrong answers -----------------------------------------------------------------------------


def test_ignore_range_answers_200_with_the_whole_body(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(ignore_range=True))

    status, headers, body = fetch(flaky_server, "/f", {"Range": "bytes=100-"})

    assert (status, body) == (200, BODY)
    assert "Content-Range" not in headers


def test_wrong_content_range_sends_other_bytes_and_says_so(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(wrong_content_range=10))

    status, headers, body = fetch(flaky_server, "/f", {"Range": "bytes=100-199"})

    assert status == 206
    assert headers["Content-Range"] == f"bytes 110-209/{len(BODY)}"
    assert body == BODY[110:210]


def test_change_after_k_gets_switches_content_and_validators(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(change_after=1, new_body=b"v2 content", new_etag='"v2"'))

    first = fetch(flaky_server, "/f")
    second = fetch(flaky_server, "/f", {"Range": "bytes=3-", "If-Range": '"v1"'})
    third = fetch(flaky_server, "/f", {"Range": "bytes=3-", "If-Range": '"v2"'})

    assert (first[2], first[1]["ETag"]) == (BODY, '"v1"')
    assert (second[0], second[2], second[1]["ETag"]) == (200, b"v2 content", '"v2"')
    assert (third[0], third[2]) == (206, b"content")


def test_corrupt_at_flips_one_byte_and_keeps_the_length(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(corrupt_at=5000))

    whole = fetch(flaky_server, "/f")[2]
    ranged = fetch(flaky_server, "/f", {"Range": "bytes=4990-5009"})[2]
    clean = fetch(flaky_server, "/f", {"Range": "bytes=0-4999"})[2]

    assert len(whole) == len(BODY)
    assert [i for i in range(len(BODY)) if whole[i] != BODY[i]] == [5000]
    assert whole[5000] == BODY[5000] ^ 0xFF
    assert [i for i in range(20) if ranged[i] != BODY[4990 + i]] == [10]
    assert clean == BODY[:5000]


def test_content_length_shorter_than_body_sends_only_that_much(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(content_length=100))

    conn = connect(flaky_server)
    conn.request("GET", "/f")
    first = conn.getresponse()
    first_body = first.read()
    # The connection is still usable: the lie was consistent on the wire.
    conn.request("GET", "/f", headers={"Range": "bytes=0-9"})
    second_body = conn.getresponse().read()
    conn.close()

    assert first.headers["Content-Length"] == "100"
    assert first_body == BODY[:100]
    assert second_body == BODY[:10]
    assert fetch(flaky_server, "/f", method="HEAD")[1]["Content-Length"] == "100"


def test_content_length_longer_than_body_ends_the_connection_early(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(content_length=len(BODY) + 500))

    conn = connect(flaky_server)
    conn.request("GET", "/f")
    resp = conn.getresponse()
    with pytest.raises(http.client.IncompleteRead) as broken:
        resp.read()
    conn.close()

    assert resp.headers["Content-Length"] == str(len(BODY) + 500)
    assert broken.value.partial == BODY
    assert flaky_server.requests[0].outcome == "cut_short"


def test_no_length_sends_chunked_and_ignores_ranges(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(no_length=True))

    status, headers, body = fetch(flaky_server, "/f", {"Range": "bytes=100-"})
    _, head_headers, _ = fetch(flaky_server, "/f", method="HEAD")

    assert (status, body) == (200, BODY)
    assert headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in headers
    assert "Accept-Ranges" not in headers
    assert "Content-Length" not in head_headers
    assert "Accept-Ranges" not in head_headers


def test_dropped_chunked_body_lacks_its_last_chunk(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(no_length=True, drop_after=300))

    conn = connect(flaky_server)
    conn.request("GET", "/f")
    resp = conn.getresponse()
    with pytest.raises(http.client.IncompleteRead) as broken:
        resp.read()
    conn.close()

    assert broken.value.partial == BODY[:300]


def test_head_status_refuses_head_but_get_works(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(head_status=405))

    assert fetch(flaky_server, "/f", method="HEAD")[0] == 405
    assert fetch(flaky_server, "/f")[2] == BODY


def test_head_length_lies_about_the_size(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(head_length=42))

    assert fetch(flaky_server, "/f", method="HEAD")[1]["Content-Length"] == "42"
    assert fetch(flaky_server, "/f")[1]["Content-Length"] == str(len(BODY))


async def test_redirect_chain_reaches_the_file(flaky_server: FlakyServer) -> None:
    start = flaky_server.add("/a", b"", plan=FaultPlan(redirect_to="/b", redirect_status=301))
    flaky_server.add("/b", b"", plan=FaultPlan(redirect_to="/c", redirect_status=307))
    final = flaky_server.add("/c", BODY)

    async with aiohttp.ClientSession() as session:
        async with session.get(start) as resp:
            body = await resp.read()
            history = [(r.status, r.headers["Location"]) for r in resp.history]
        async with session.head(start, allow_redirects=False) as head:
            head_location = head.headers["Location"]

    assert body == BODY
    assert str(resp.url) == final
    assert history == [(301, flaky_server.url("/b")), (307, final)]
    assert head_location == flaky_server.url("/b")


def test_redirect_times_limits_the_redirects(flaky_server: FlakyServer) -> None:
    flaky_server.add("/a", BODY, plan=FaultPlan(redirect_to="/elsewhere", redirect_times=1))

    first = fetch(flaky_server, "/a")
    second = fetch(flaky_server, "/a")

    assert (first[0], first[1]["Location"]) == (302, flaky_server.url("/elsewhere"))
    assert (second[0], second[2]) == (200, BODY)


def raw_exchange(
    server: FlakyServer, path: str, *lines: str, method: str = "GET"
) -> tuple[list[bytes], bytes]:
    """Send one request by hand and read until the server closes: the head's lines and the rest."""
    request = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *lines, "", ""]
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
    try:
        sock.sendall("\r\n".join(request).encode())
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    finally:
        sock.close()
    head, _, rest = raw.partition(b"\r\n\r\n")
    return head.split(b"\r\n"), rest


def test_extra_headers_are_sent_as_given(flaky_server: FlakyServer) -> None:
    hostile = [
        ("Content-Disposition", 'attachment; filename="../../etc/passwd"'),
        ("Content-Disposition", "attachment; filename*=UTF-8''%E2%82%AC%20rates.txt"),
        ("X-Unicode", "naïve €"),
        ("X-Tab", "a\tb"),
    ]
    flaky_server.add("/f", b"x", plan=FaultPlan(extra_headers=hostile))

    head, body = raw_exchange(flaky_server, "/f")

    assert body == b"x"
    assert b'Content-Disposition: attachment; filename="../../etc/passwd"' in head
    assert b"Content-Disposition: attachment; filename*=UTF-8''%E2%82%AC%20rates.txt" in head
    assert "X-Unicode: naïve €".encode() in head
    assert b"X-Tab: a\tb" in head


async def test_works_as_a_server_for_concurrent_clients(flaky_server: FlakyServer) -> None:
    url = flaky_server.add("/f", BODY)

    async def get(first: int) -> bytes:
        headers = {"Range": f"bytes={first}-{first + 1023}"}
        async with session.get(url, headers=headers) as resp:
            return await resp.read()

    async with aiohttp.ClientSession() as session:
        parts = await asyncio.wait_for(asyncio.gather(*(get(i * 1024) for i in range(10))), TIMEOUT)

    assert b"".join(parts) == BODY


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        (
            "Content-Disposition",
            'attachment; filename="a\x01b.bin"',
            b'Content-Disposition: attachment; filename="a\x01b.bin"',
        ),
        (
            "Content-Disposition",
            'attachment; filename="nul\x00.txt"',
            b'Content-Disposition: attachment; filename="nul\x00.txt"',
        ),
        ("X-Del", "a\x7fb", b"X-Del: a\x7fb"),
        ("X-Bad\x02Name", "v", b"X-Bad\x02Name: v"),
    ],
)
def test_control_characters_are_sent_byte_for_byte(
    flaky_server: FlakyServer, name: str, value: str, line: bytes
) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(extra_headers=[(name, value)]))

    head, body = raw_exchange(flaky_server, "/f", "Range: bytes=10-19")

    assert head[0] == b"HTTP/1.1 206 Partial Content"
    assert line in head
    assert f"Content-Range: bytes 10-19/{len(BODY)}".encode() in head
    assert b"Content-Length: 10" in head
    assert body == BODY[10:20]


def test_newline_in_a_header_value_starts_a_new_line(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", b"x", plan=FaultPlan(extra_headers={"X-Evil": "a\r\nSet-Cookie: injected=1"}))

    head, body = raw_exchange(flaky_server, "/f")

    assert b"X-Evil: a" in head
    assert b"Set-Cookie: injected=1" in head
    assert body == b"x"


def test_raw_answers_keep_their_faults(flaky_server: FlakyServer) -> None:
    bad = {"X-Ctl": "\x1b[31m"}
    flaky_server.add("/drop", BODY, plan=FaultPlan(extra_headers=bad, drop_after=100))
    flaky_server.add("/chunked", BODY, plan=FaultPlan(extra_headers=bad, no_length=True))
    flaky_server.add("/moved", b"", plan=FaultPlan(extra_headers=bad, redirect_to="/drop"))

    drop_head, drop_body = raw_exchange(flaky_server, "/drop")
    chunked = fetch(flaky_server, "/chunked")
    head_head, head_body = raw_exchange(flaky_server, "/drop", method="HEAD")
    moved_head, _ = raw_exchange(flaky_server, "/moved")

    assert f"Content-Length: {len(BODY)}".encode() in drop_head
    assert drop_body == BODY[:100]
    assert (chunked[0], chunked[1]["Transfer-Encoding"], chunked[2]) == (200, "chunked", BODY)
    assert f"Content-Length: {len(BODY)}".encode() in head_head
    assert head_body == b""
    assert moved_head[0] == b"HTTP/1.1 302 Found"
    assert f"Location: {flaky_server.url('/drop')}".encode() in moved_head


# -- lifecycle ---------------------------------------------------------------------------------


def test_an_idle_keep_alive_connection_does_not_delay_stop() -> None:
    with FlakyServer() as server:
        server.add("/f", b"abc")
        conn = connect(server)
        conn.request("GET", "/f")
        assert conn.getresponse().read() == b"abc"
        started = time.monotonic()
    elapsed = time.monotonic() - started
    conn.close()

    assert elapsed < 3.0
    assert not any(t.name == "flaky-server" for t in threading.enumerate())
    server.stop()  # a second stop is harmless


def test_wait_requests_counts_arrivals(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", b"abc")

    assert flaky_server.wait_requests(1, timeout=0.05) is False
    fetch(flaky_server, "/f")
    fetch(flaky_server, "/other")
    assert flaky_server.wait_requests(2, timeout=TIMEOUT)
    assert flaky_server.wait_requests(1, timeout=TIMEOUT, path="/other")


def test_gates_release_in_arrival_order(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(gate_after=10, gate_times=2))
    first, second = connect(flaky_server), connect(flaky_server)
    first.request("GET", "/f")
    first_resp = first.getresponse()
    assert flaky_server.wait_gate("/f", TIMEOUT)
    second.request("GET", "/f")
    second_resp = second.getresponse()
    assert flaky_server.wait_gate("/f", TIMEOUT, count=2)

    flaky_server.release("/f")
    assert first_resp.read() == BODY
    assert flaky_server.requests[1].outcome == "pending"
    flaky_server.release("/f")
    assert second_resp.read() == BODY
    first.close()
    second.close()


def test_drop_with_reset_delivers_the_bytes_then_resets(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(drop_after=2000, drop_with_reset=True))

    sock = socket.create_connection(("127.0.0.1", flaky_server.port), timeout=TIMEOUT)
    sock.sendall(b"GET /f HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    received = bytearray()

    def read_until_closed() -> None:
        while chunk := sock.recv(65536):
            received.extend(chunk)

    with pytest.raises(ConnectionResetError):
        read_until_closed()
    sock.close()

    assert bytes(received).partition(b"\r\n\r\n")[2] == BODY[:2000]
    assert flaky_server.requests[0].outcome == "dropped"


async def test_aiohttp_client_sees_a_reset_mid_body(flaky_server: FlakyServer) -> None:
    url = flaky_server.add("/f", BODY, plan=FaultPlan(drop_after=100, drop_with_reset=True))

    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        # aiohttp reports the cut body as a payload error and names the reset in it.
        with pytest.raises(aiohttp.ClientPayloadError, match="Connection reset"):
            await resp.read()


# -- faults added for the protocol-promise tests -----------------------------------------------


def test_each_request_records_when_it_arrived(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY)
    before = time.monotonic()
    fetch(flaky_server, "/f")
    fetch(flaky_server, "/f")
    after = time.monotonic()

    first, second = flaky_server.requests
    assert before <= first.at <= second.at <= after


def test_wrong_range_end_sends_a_consistent_but_different_part(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(wrong_range_end=-50, wrong_range_times=1))

    status, headers, body = fetch(flaky_server, "/f", {"Range": "bytes=100-199"})
    again = fetch(flaky_server, "/f", {"Range": "bytes=100-199"})

    assert status == 206
    assert headers["Content-Range"] == f"bytes 100-149/{len(BODY)}"
    assert headers["Content-Length"] == "50"
    assert body == BODY[100:150]
    assert again[1]["Content-Range"] == f"bytes 100-199/{len(BODY)}"


@pytest.mark.parametrize(("delta", "sent"), [(-40, 60), (+40, 100)])
def test_wrong_content_length_on_a_206_keeps_the_content_range(
    flaky_server: FlakyServer, delta: int, sent: int
) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(wrong_content_length=delta))

    conn = connect(flaky_server)
    conn.request("GET", "/f", headers={"Range": "bytes=100-199"})
    resp = conn.getresponse()
    try:
        body = resp.read()
    except http.client.IncompleteRead as broken:
        body = broken.partial
    conn.close()

    assert resp.status == 206
    assert resp.headers["Content-Range"] == f"bytes 100-199/{len(BODY)}"
    assert resp.headers["Content-Length"] == str(100 + delta)
    assert body == BODY[100 : 100 + sent]


def test_end_at_stops_every_answer_at_the_same_offset(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(end_at=3000))

    partials = []
    for start in (0, 1000, 3000):
        conn = connect(flaky_server)
        conn.request("GET", "/f", headers={"Range": f"bytes={start}-"})
        resp = conn.getresponse()
        with pytest.raises(http.client.IncompleteRead) as broken:
            resp.read()
        conn.close()
        assert resp.headers["Content-Length"] == str(len(BODY) - start)  # it promises the rest
        partials.append(broken.value.partial)

    assert partials == [BODY[:3000], BODY[1000:3000], b""]
    assert [r.outcome for r in flaky_server.requests] == ["dropped"] * 3


def test_change_every_request_gives_each_get_a_new_version(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(change_every_request=True))

    answers = [fetch(flaky_server, "/f") for _ in range(3)]
    ranged = fetch(flaky_server, "/f", {"Range": "bytes=5-", "If-Range": answers[-1][1]["ETag"]})

    assert len({a[1]["ETag"] for a in answers}) == 3
    assert len({a[1]["Last-Modified"] for a in answers}) == 3
    assert len({a[2][:1] for a in answers}) == 3
    assert all(a[2][1:] == BODY[1:] for a in answers)
    assert ranged[0] == 200  # the validator of the last answer is already out of date


_SHA256_B64 = base64.b64encode(hashlib.sha256(BODY).digest()).decode()


@pytest.mark.parametrize(
    ("header", "value"),
    [("Repr-Digest", f"sha-256=:{_SHA256_B64}:"), ("Digest", f"SHA-256={_SHA256_B64}")],
)
def test_announce_digest_sends_the_bodys_sha256(flaky_server: FlakyServer, header: str, value: str) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(announce_digest=header))  # type: ignore[arg-type]

    assert fetch(flaky_server, "/f")[1][header] == value
    assert fetch(flaky_server, "/f", method="HEAD")[1][header] == value


def test_content_range_override_replaces_the_true_one(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(content_range="bytes nonsense"))

    status, headers, body = fetch(flaky_server, "/f", {"Range": "bytes=0-9"})

    assert (status, headers["Content-Range"], body) == (206, "bytes nonsense", BODY[:10])
    assert headers.get_all("Content-Range") == ["bytes nonsense"]


def test_if_range_fails_sends_the_whole_file_but_plain_ranges_work(flaky_server: FlakyServer) -> None:
    flaky_server.add("/f", BODY, plan=FaultPlan(if_range_fails=True))

    with_validator = fetch(flaky_server, "/f", {"Range": "bytes=10-19", "If-Range": '"v1"'})
    plain = fetch(flaky_server, "/f", {"Range": "bytes=10-19"})

    assert (with_validator[0], with_validator[2]) == (200, BODY)
    assert (plain[0], plain[2]) == (206, BODY[10:20])
