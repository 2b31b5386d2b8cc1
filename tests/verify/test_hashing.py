"""hash_file / hash_prefix / new_hasher against hashlib on temp files."""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wherry.core.errors import ErrorKind, JobError
from wherry.verify.hashing import (
    HASH_ALGORITHMS,
    ExecutorVerifier,
    HashingCancelled,
    algorithms_for_length,
    hash_file,
    hash_prefix,
    new_hasher,
    normalize_algorithm,
    read_error_message,
)

SMALL_CHUNK = 64  # a tiny chunk puts many buffer boundaries inside a small file


def _data(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


def _write(tmp_path: Path, data: bytes, name: str = "data.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "size",
    [0, 1, SMALL_CHUNK - 1, SMALL_CHUNK, SMALL_CHUNK + 1, 2 * SMALL_CHUNK, 3 * SMALL_CHUNK + 5],
)
@pytest.mark.parametrize("algorithm", list(HASH_ALGORITHMS))
def test_digest_equals_hashlib_around_chunk_boundaries(tmp_path: Path, size: int, algorithm: str) -> None:
    data = _data(size)
    path = _write(tmp_path, data)
    got = hash_file(path, [algorithm], chunk_size=SMALL_CHUNK)
    assert got == {algorithm: hashlib.new(algorithm, data).hexdigest()}


@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_digest_equals_hashlib_around_the_default_chunk(tmp_path: Path, delta: int) -> None:
    from wherry.verify.hashing import CHUNK_SIZE

    data = _data(CHUNK_SIZE + delta)
    path = _write(tmp_path, data)
    assert hash_file(path, ["sha256"]) == {"sha256": hashlib.sha256(data).hexdigest()}


def test_known_vector_for_empty_and_abc(tmp_path: Path) -> None:
    empty = _write(tmp_path, b"", "empty")
    abc = _write(tmp_path, b"abc", "abc")
    assert hash_file(empty)["sha256"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert hash_file(abc, ["md5"])["md5"] == "900150983cd24fb0d6963f7d28e17f72"


def test_several_algorithms_in_one_pass_equal_separate_runs(tmp_path: Path) -> None:
    path = _write(tmp_path, _data(10 * SMALL_CHUNK + 3))
    together = hash_file(path, list(HASH_ALGORITHMS), chunk_size=SMALL_CHUNK)
    separate = {name: hash_file(path, [name], chunk_size=SMALL_CHUNK)[name] for name in HASH_ALGORITHMS}
    assert together == separate
    assert set(together) == set(HASH_ALGORITHMS)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=700), chunk=st.integers(1, 300), cut=st.integers(0, 800))
def test_prefix_of_any_length_equals_hashlib_of_the_slice(
    tmp_path: Path, data: bytes, chunk: int, cut: int
) -> None:
    path = _write(tmp_path, data, "prop.bin")
    got = hash_file(path, ["sha1"], length=cut, chunk_size=chunk)
    assert got["sha1"] == hashlib.sha1(data[:cut]).hexdigest()


def test_progress_reports_every_chunk_and_reaches_the_total(tmp_path: Path) -> None:
    path = _write(tmp_path, _data(5 * SMALL_CHUNK + 1))
    seen: list[tuple[int, int]] = []
    hash_file(path, chunk_size=SMALL_CHUNK, progress=lambda done, total: seen.append((done, total)))
    assert [done for done, _ in seen] == [64, 128, 192, 256, 320, 321]
    assert {total for _, total in seen} == {321}


def test_progress_total_is_the_prefix_length(tmp_path: Path) -> None:
    path = _write(tmp_path, _data(1000))
    seen: list[tuple[int, int]] = []
    hash_file(path, length=100, chunk_size=SMALL_CHUNK, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(64, 100), (100, 100)]


def test_cancel_stops_before_the_next_chunk(tmp_path: Path) -> None:
    path = _write(tmp_path, _data(100 * SMALL_CHUNK))
    stop = threading.Event()
    reads: list[int] = []

    def progress(done: int, total: int) -> None:
        reads.append(done)
        if done >= 3 * SMALL_CHUNK:
            stop.set()

    with pytest.raises(HashingCancelled):
        hash_file(path, chunk_size=SMALL_CHUNK, progress=progress, cancelled=stop.is_set)
    assert reads[-1] == 3 * SMALL_CHUNK


def test_cancel_before_start_reads_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, _data(10))
    seen: list[int] = []
    with pytest.raises(HashingCancelled):
        hash_file(path, progress=lambda d, t: seen.append(d), cancelled=lambda: True)
    assert seen == []


def test_hash_prefix_keeps_absorbing_bytes_like_a_fresh_hash(tmp_path: Path) -> None:
    data = _data(3 * SMALL_CHUNK + 17)
    path = _write(tmp_path, data)
    hasher = hash_prefix(path, "sha256", 100)
    hasher.update(data[100:])
    assert hasher.hexdigest() == hashlib.sha256(data).hexdigest()
    assert hasher.name == "sha256"


def test_hash_prefix_of_zero_bytes_is_the_empty_hash(tmp_path: Path) -> None:
    path = _write(tmp_path, b"xyz")
    assert hash_prefix(path, "md5", 0).hexdigest() == hashlib.md5(b"").hexdigest()


def test_hash_prefix_refuses_a_file_shorter_than_the_prefix(tmp_path: Path) -> None:
    path = _write(tmp_path, b"short")
    with pytest.raises(JobError) as caught:
        hash_prefix(path, "sha256", 6)
    assert caught.value.kind is ErrorKind.FILESYSTEM
    assert "holds 5 bytes" in str(caught.value)


def test_hash_prefix_of_a_missing_file_is_a_job_error(tmp_path: Path) -> None:
    with pytest.raises(JobError, match="does not exist"):
        hash_prefix(tmp_path / "gone.part", "sha256", 1)


def test_missing_file_raises_os_error_from_hash_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        hash_file(tmp_path / "nope")


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("SHA-256", "sha256"),
        ("sha_1", "sha1"),
        ("MD5", "md5"),
        ("BLAKE2b", "blake2b"),
        ("blake2b-512", "blake2b"),
        (" sha512 ", "sha512"),
    ],
)
def test_normalize_algorithm_accepts_common_spellings(spelling: str, expected: str) -> None:
    assert normalize_algorithm(spelling) == expected


@pytest.mark.parametrize("bad", ["sha3-256", "crc32", "", "blake2s"])
def test_normalize_algorithm_rejects_unknown_names_in_a_sentence(bad: str) -> None:
    with pytest.raises(ValueError, match=r"^Unknown checksum algorithm .*\.$"):
        normalize_algorithm(bad)


def test_new_hasher_matches_hashlib() -> None:
    hasher = new_hasher("SHA-512")
    hasher.update(b"wherry")
    assert hasher.hexdigest() == hashlib.sha512(b"wherry").hexdigest()


@pytest.mark.parametrize(
    ("length", "expected"),
    [(32, ("md5",)), (40, ("sha1",)), (64, ("sha256",)), (128, ("sha512", "blake2b")), (10, ())],
)
def test_algorithms_for_length(length: int, expected: tuple[str, ...]) -> None:
    assert algorithms_for_length(length) == expected


def test_read_error_messages_are_one_sentence(tmp_path: Path) -> None:
    assert read_error_message(tmp_path / "x", FileNotFoundError(2, "No such file")).endswith(
        "x does not exist."
    )
    assert read_error_message("d", IsADirectoryError(21, "Is a directory")) == "d is a folder, not a file."
    assert read_error_message("f", OSError(5, "Input/output error")) == (
        "Wherry could not read f: Input/output error."
    )


def test_a_folder_cannot_be_hashed(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        hash_file(tmp_path)


async def test_executor_verifier_hashes_the_prefix_off_the_loop(tmp_path: Path) -> None:
    data = _data(5000)
    path = _write(tmp_path, data)
    hasher = await asyncio.wait_for(ExecutorVerifier().hash_prefix(path, "sha1", 4000), 30)
    hasher.update(data[4000:])
    assert hasher.hexdigest() == hashlib.sha1(data).hexdigest()


def test_two_threads_hash_two_files_correctly(tmp_path: Path) -> None:
    first, second = _data(300_000, 1), _data(200_000, 2)
    paths = [_write(tmp_path, first, "a"), _write(tmp_path, second, "b")]
    results: dict[int, dict[str, str]] = {}
    threads = [
        threading.Thread(target=lambda i=i: results.__setitem__(i, hash_file(paths[i], ["md5", "sha256"])))
        for i in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results[0]["sha256"] == hashlib.sha256(first).hexdigest()
    assert results[1]["md5"] == hashlib.md5(second).hexdigest()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_stream_without_a_size_is_hashed_to_its_end(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    data = _data(3 * SMALL_CHUNK + 9)

    def feed() -> None:
        with open(fifo, "wb") as out:
            out.write(data)

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        got = hash_file(fifo, ["sha256"], chunk_size=SMALL_CHUNK)
    finally:
        writer.join(timeout=30)
    assert got["sha256"] == hashlib.sha256(data).hexdigest()
