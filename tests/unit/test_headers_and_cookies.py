"""Header and cookie-file parsers, secret names, masking and the origin rule (hypothesis where it pays)."""

from __future__ import annotations

import string
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wherry.core.errors import InputError
from wherry.core.headers import (
    MASK,
    basic_auth,
    is_secret,
    mask_url,
    masked_headers,
    parse_cookie_pairs,
    parse_header,
    split_userinfo,
)
from wherry.engine.credentials import cookie_header, headers_for, read_cookie_file

TOKEN_CHARS = string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~"
names = st.text(TOKEN_CHARS, min_size=1, max_size=30)
# Field values: visible characters, spaces and tabs inside, never CR, LF or NUL.
values = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x7f") | st.just("\t"), max_size=60
).map(lambda v: v.strip(" \t"))


@given(names, values)
def test_a_header_reads_back_as_written(name: str, value: str) -> None:
    assert parse_header(f"{name}: {value}") == (name, value)
    assert parse_header(f"{name}:{value}") == (name, value)


@given(st.text(max_size=40))
def test_header_parser_never_crashes_and_never_lets_a_line_break_through(text: str) -> None:
    try:
        name, value = parse_header(text)
    except InputError as error:
        message = error.message
    else:
        message = None
    if message is not None:
        assert message.endswith(".")
        return
    assert name
    assert all(ch in TOKEN_CHARS for ch in name)
    assert not any((ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F for ch in value)


@pytest.mark.parametrize(
    "text", ["no colon", ": empty name", "Bad Name: x", "X: a\r\nInjected: yes", "Ünicode: x"]
)
def test_malformed_headers_get_one_sentence(text: str) -> None:
    with pytest.raises(InputError):
        parse_header(text)


@given(st.lists(st.tuples(names, st.text(TOKEN_CHARS + "/=", max_size=20)), max_size=6))
def test_cookie_pairs_read_back(pairs: list[tuple[str, str]]) -> None:
    text = "; ".join(f"{n}={v}" for n, v in pairs)
    assert parse_cookie_pairs(text) == pairs


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("Authorization", True),
        ("cookie", True),
        ("Proxy-Authorization", True),
        ("X-Api-Key", True),
        ("Private-Token", True),
        ("X-Amz-Security-Token", True),
        ("Accept-Language", False),
        ("X-Custom", False),
    ],
)
def test_which_headers_are_secret(name: str, secret: bool) -> None:
    assert is_secret(name) is secret


def test_a_marked_header_is_secret_and_masked() -> None:
    shown = masked_headers([("X-Custom", "v"), ("Accept", "a"), ("Cookie", "c")], ("x-custom",))
    assert shown == [("X-Custom", MASK), ("Accept", "a"), ("Cookie", MASK)]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("socks5h://u:pw@h:1080", f"socks5h://u:{MASK}@h:1080"),
        ("https://TOKEN@github.example/x", f"https://{MASK}@github.example/x"),
        ("http://h:3128", "http://h:3128"),
    ],
)
def test_mask_url(url: str, shown: str) -> None:
    assert mask_url(url) == shown


def test_userinfo_is_split_and_decoded() -> None:
    assert split_userinfo("https://a%40b:p%3Aw@h.example/f?q=1") == (
        "https://h.example/f?q=1",
        ("a@b", "p:w"),
    )
    assert basic_auth("Aladdin", "open sesame") == ("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")


@pytest.mark.parametrize(
    ("url", "sent", "given_for"),
    [
        ("https://hub.example/f", True, "https://hub.example/f"),
        ("https://hub.example:443/other", True, "https://hub.example/f"),
        ("https://cdn.example/f", False, "https://hub.example/f"),
        ("http://hub.example/f", False, "https://hub.example/f"),  # a downgrade is another origin
        ("https://hub.example:8443/f", False, "https://hub.example/f"),
        ("https://hub.example/f", True, "http://hub.example/f"),  # the step up to TLS, same host
        ("https://cdn.example/f", False, "http://hub.example/f"),
        ("https://hub.example:8443/f", False, "http://hub.example/f"),
    ],
)
def test_secrets_go_to_their_own_origin_only(url: str, sent: bool, given_for: str) -> None:
    headers = (("Authorization", "Bearer t"), ("Accept", "x"))
    result = headers_for(url, given_for, headers, ())
    assert (("Authorization", "Bearer t") in result) is sent
    assert ("Accept", "x") in result


cookie_names = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=12)
cookie_values = st.text(string.ascii_letters + string.digits + "_-.%", max_size=20)


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(cookie_names, cookie_values, st.booleans(), st.booleans(), st.booleans()),
        min_size=1,
        max_size=5,
        unique_by=lambda c: c[0],
    ),
    st.booleans(),
    st.booleans(),
)
def test_any_exported_cookie_file_gives_the_cookies_for_its_host(
    tmp_path_factory: pytest.TempPathFactory,
    cookies: list[tuple[str, str, bool, bool, bool]],
    magic: bool,
    crlf: bool,
) -> None:
    """Whatever mix of exporter habits: with or without the magic line, CRLF, HttpOnly lines,
    session cookies (expiry 0), subdomain flags with or without the leading dot."""
    lines = ["# Netscape HTTP Cookie File"] if magic else []
    for name, value, http_only, session, subdomains in cookies:
        domain = ("." if subdomains else "") + "files.example"
        flag = "TRUE" if subdomains else "FALSE"
        expiry = "0" if session else "4102444800"
        lines.append(
            f"{'#HttpOnly_' if http_only else ''}{domain}\t{flag}\t/\tFALSE\t{expiry}\t{name}\t{value}"
        )
    lines.append("other.example\tFALSE\t/\tFALSE\t4102444800\tforeign\tno")
    path = Path(tmp_path_factory.mktemp("cookies")) / "cookies.txt"
    path.write_bytes((("\r\n" if crlf else "\n").join(lines) + "\n").encode())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the standard parser warns on lines it cannot take
        jar = read_cookie_file(str(path))
    header = cookie_header(jar, "https://files.example/a/b.bin") or ""
    sent = dict(part.strip().split("=", 1) for part in header.split(";") if part.strip())
    assert sent == {name: value for name, value, *_ in cookies}


def test_a_file_that_is_not_a_cookie_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text("this is\tnot\ta cookie file\n")
    jar = read_cookie_file(str(path))
    assert cookie_header(jar, "https://x.example/") is None
    with pytest.raises(InputError, match="Could not read the cookie file"):
        read_cookie_file(str(tmp_path / "missing.txt"))


@pytest.mark.parametrize(
    ("url", "env", "token_file", "expected"),
    [
        ("https://huggingface.co/o/m/resolve/main/w.bin", {"HF_TOKEN": "hf_env"}, None, "Bearer hf_env"),
        ("https://hf.co/o/m/resolve/main/w.bin", {}, "hf_file\n", "Bearer hf_file"),
        ("https://cdn-lfs.huggingface.co/blob", {"HF_TOKEN": "hf_env"}, None, None),  # the CDN: never
        ("http://huggingface.co/o/m", {"HF_TOKEN": "hf_env"}, None, None),  # not over plain http
        ("https://example.org/f", {"HF_TOKEN": "hf_env"}, None, None),
    ],
)
def test_the_hub_token_is_used_for_the_hub_only(
    tmp_path, monkeypatch, url, env, token_file, expected
) -> None:
    from wherry.core.jobs import AddRequest
    from wherry.engine.credentials import request_credentials

    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if token_file is not None:
        (tmp_path / "hf").mkdir()
        (tmp_path / "hf" / "token").write_text(token_file)
    _, headers, secret = request_credentials(AddRequest(url, str(tmp_path)))
    assert dict(headers).get("Authorization") == expected
    if expected:
        assert "authorization" in secret


def test_a_given_login_wins_over_the_hub_token(tmp_path, monkeypatch) -> None:
    from wherry.core.jobs import AddRequest
    from wherry.engine.credentials import request_credentials

    monkeypatch.setenv("HF_TOKEN", "hf_env")
    request = AddRequest(
        "https://huggingface.co/o/m", str(tmp_path), headers=(("Authorization", "Bearer mine"),)
    )
    assert request_credentials(request)[1] == (("Authorization", "Bearer mine"),)
