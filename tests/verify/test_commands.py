"""``wherry verify`` and ``wherry find`` through wherry.cli.main and as real processes."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wherry.cli import main
from wherry.commands.verify import StatusLine, printable


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "good.bin").write_bytes(b"good")
    (folder / "other.bin").write_bytes(b"other")
    (folder / "SHA256SUMS").write_text(f"{_sha256(b'good')}  good.bin\n{_sha256(b'other')} *other.bin\n")
    monkeypatch.chdir(tmp_path)
    return folder


def test_verify_all_ok_exits_zero(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "release"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{Path('release', 'good.bin')}: OK", f"{Path('release', 'other.bin')}: OK"]
    assert err == ""


def test_verify_reports_each_failure_and_exits_one(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (release / "other.bin").write_bytes(b"damaged")
    (release / "dir.bin").mkdir()
    with open(release / "SHA256SUMS", "a") as sums:
        sums.write(f"{_sha256(b'gone')}  gone.bin\n{_sha256(b'x')}  dir.bin\nthis is not a checksum\n")
    assert main(["verify", "release/SHA256SUMS"]) == 1
    out, err = capsys.readouterr()
    name = str(Path("release"))
    assert out.splitlines() == [
        f"{name}/good.bin: OK",
        f"{name}/other.bin: MISMATCH sha256 expected {_sha256(b'other')} got {_sha256(b'damaged')}",
        f"{name}/gone.bin: MISSING",
        f"{name}/dir.bin: UNREADABLE ({name}/dir.bin is a folder, not a file.)",
    ]
    assert f"wherry verify: {name}/SHA256SUMS: Line 5 is not a checksum line." in err.splitlines()
    assert "3 of 4 files did not verify (1 OK, 1 MISMATCH, 1 MISSING, 1 UNREADABLE)." in err


def test_verify_quiet_prints_only_failures(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (release / "good.bin").write_bytes(b"bad now")
    assert main(["verify", "-q", "release"]) == 1
    out, _ = capsys.readouterr()
    assert [line.split(":")[0] for line in out.splitlines()] == [f"{Path('release', 'good.bin')}"]


def test_verify_a_data_file_by_its_sidecar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "disk.img").write_bytes(b"image")
    (tmp_path / "disk.img.md5").write_text(hashlib.md5(b"image").hexdigest())
    assert main(["verify", str(tmp_path / "disk.img")]) == 0
    assert capsys.readouterr().out == f"{tmp_path / 'disk.img'}: OK\n"


def test_verify_with_an_explicit_checksum(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"payload")
    assert main(["verify", str(path), "--checksum", f"sha1:{hashlib.sha1(b'payload').hexdigest()}"]) == 0
    assert main(["verify", str(path), "--checksum", f"sha1:{'0' * 40}"]) == 1
    assert main(["verify", str(path), "--checksum", "sha1:xyz"]) == 2
    err = capsys.readouterr().err
    assert "A sha1 checksum is 40 hexadecimal characters; got 3." in err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["missing-thing"], "wherry verify: missing-thing does not exist."),
        (["."], "holds no checksum files."),
    ],
)
def test_verify_with_nothing_to_check_exits_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["verify", *arguments]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "no file was checked." in err


def test_verify_one_ok_and_one_without_checksum_is_a_failure(
    release: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (release / "lonely.bin").write_bytes(b"\x00lonely")
    assert main(["verify", "release/good.bin", "release/lonely.bin"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{Path('release', 'good.bin')}: OK"]
    assert f"No checksum was found for {Path('release', 'lonely.bin')}." in err


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs a file system that takes any bytes")
def test_verify_a_name_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"caf\xe9.txt"), "wb") as out:
        out.write(b"latin-1 name")
    with open(os.path.join(folder, b"SHA256SUMS"), "wb") as out:
        out.write(_sha256(b"latin-1 name").encode() + b"  caf\xe9.txt\n")
    assert main(["verify", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"{tmp_path}/caf\\xe9.txt: OK\n"


def test_find_prints_matches_and_exits_zero(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (release / "nested").mkdir()
    (release / "nested" / "copy").write_bytes(b"good")
    assert main(["find", _sha256(b"good"), "release"]) == 0
    out, err = capsys.readouterr()
    assert sorted(out.splitlines()) == [
        str(Path("release", "good.bin")),
        str(Path("release", "nested", "copy")),
    ]
    assert err == ""


def test_find_with_size_and_algorithm(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    digest = hashlib.blake2b(b"other").hexdigest()
    assert main(["find", digest, "release", "--size", "5", "--algorithm", "blake2b"]) == 0
    assert capsys.readouterr().out == f"{Path('release', 'other.bin')}\n"


def test_find_nothing_exits_one(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["find", _sha256(b"nowhere"), "release"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "no file matched (looked at 3, hashed 3)." in err


@pytest.mark.parametrize(
    "arguments",
    [["find", "not-hex"], ["find", "abcd"], ["find", "a" * 64, "--algorithm", "md5"]],
)
def test_find_bad_digest_exits_two(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(arguments) == 2
    assert capsys.readouterr().err.startswith("wherry find: ")


@pytest.mark.parametrize("size", ["-1", "ten"])
def test_find_bad_size_is_a_usage_error(size: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["find", "a" * 64, "--size", size])
    assert caught.value.code == 2
    assert "expected a size in bytes" in capsys.readouterr().err


def _wherry(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wherry", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_verify_as_a_process(release: Path) -> None:
    done = _wherry("verify", "SHA256SUMS", cwd=release)
    assert (done.returncode, done.stdout, done.stderr) == (0, "good.bin: OK\nother.bin: OK\n", "")
    (release / "good.bin").write_bytes(b"changed")
    done = _wherry("verify", "SHA256SUMS", cwd=release)
    assert done.returncode == 1
    assert f"good.bin: MISMATCH sha256 expected {_sha256(b'good')} got {_sha256(b'changed')}" in done.stdout
    assert "\r" not in done.stderr  # no progress line when stderr is not a terminal


def test_find_as_a_process(release: Path) -> None:
    done = _wherry("find", f"sha256:{_sha256(b'other')}", cwd=release)
    assert (done.returncode, done.stdout) == (0, "other.bin\n")
    done = _wherry("find", "0" * 40, cwd=release)
    assert done.returncode == 1
    done = _wherry("find", "zz", cwd=release)
    assert done.returncode == 2


def test_commands_never_load_qt(release: Path) -> None:
    code = (
        "import sys; from wherry.cli import main; "
        "codes = [main(['verify', 'release']), main(['find', '" + _sha256(b"good") + "', 'release'])]; "
        "print(codes, any(m.startswith('PySide6') for m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=release.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.splitlines()[-1] == "[0, 0] False"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_status_line_draws_only_on_a_terminal() -> None:
    pipe, terminal = io.StringIO(), _Terminal()
    StatusLine(pipe).show("50%", force=True)
    line = StatusLine(terminal)
    line.show("50%", force=True)
    line.clear()
    assert pipe.getvalue() == ""
    assert terminal.getvalue() == "\r\x1b[2K50%\r\x1b[2K"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain.iso", "plain.iso"),
        ("new\nline", "new\\nline"),
        ("caf\udce9", "caf\\xe9"),
        ("tab\there", "tab\\there"),
    ],
)
def test_printable_keeps_one_line_per_file(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_verify_shows_progress_on_a_terminal_and_clears_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = b"\x07" * (3 * 1024 * 1024)
    (tmp_path / "big").write_bytes(data)
    (tmp_path / "big.sha256").write_text(_sha256(data))
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["verify", str(tmp_path / "big")]) == 0
    drawn = terminal.getvalue()
    assert "\r\x1b[2Kverifying: " in drawn
    assert drawn.endswith("\r\x1b[2K")  # the line is gone before the result is printed
    assert capsys.readouterr().out == f"{tmp_path / 'big'}: OK\n"
