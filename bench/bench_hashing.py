"""Measure wherry.verify.hashing against plain hashlib; run by hand, never by the test suite.

    python bench/bench_hashing.py [--size-mib 1024] [--algorithm sha256] [--repeat 3] [--sweep]

Prints two ratios on generated files that sit in the page cache, best of ``--repeat`` runs:

* throughput: ours / a plain hashlib loop on the same file (target: at least 0.9);
* parallel: two files in two threads / the same two one after the other (target: at most 0.6).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wherry.verify.hashing import CHUNK_SIZE, hash_file


def _make_file(path: Path, size: int) -> None:
    block = os.urandom(4 * 1024 * 1024)
    with open(path, "wb") as out:
        left = size
        while left > 0:
            out.write(block[: min(len(block), left)])
            left -= len(block)


def _warm(path: Path) -> None:
    with open(path, "rb", buffering=0) as stream:
        while stream.read(8 * 1024 * 1024):
            pass


def _best(repeat: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def _raw_loop(path: Path, algorithm: str) -> str:
    hasher = hashlib.new(algorithm)
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            hasher.update(chunk)
    return hasher.hexdigest()


def _file_digest(path: Path, algorithm: str) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, algorithm).hexdigest()


def _in_threads(*jobs: Callable[[], object]) -> None:
    threads = [threading.Thread(target=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--algorithm", default="sha256")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default=None, help="where to write the test files (default: temp)")
    parser.add_argument("--sweep", action="store_true", help="also time chunk sizes from 64 KiB to 8 MiB")
    args = parser.parse_args()
    size = args.size_mib * 1024 * 1024
    algorithm = args.algorithm

    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        first, second = Path(folder, "a.bin"), Path(folder, "b.bin")
        _make_file(first, size)
        _make_file(second, size)
        _warm(first)
        _warm(second)
        # Other work on the machine eats into the parallel gain first, so say how busy it was.
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(
            f"cpus={os.cpu_count()} load={load:.2f} file={args.size_mib} MiB "
            f"algorithm={algorithm} repeat={args.repeat}"
        )

        assert hash_file(first, [algorithm])[algorithm] == _raw_loop(first, algorithm)
        raw = _best(args.repeat, lambda: _raw_loop(first, algorithm))
        digest = _best(args.repeat, lambda: _file_digest(first, algorithm))
        ours = _best(args.repeat, lambda: hash_file(first, [algorithm]))
        mib = args.size_mib
        print(f"hashlib read+update loop : {raw:7.3f} s  {mib / raw:8.1f} MiB/s")
        print(f"hashlib.file_digest      : {digest:7.3f} s  {mib / digest:8.1f} MiB/s")
        print(f"wherry hash_file         : {ours:7.3f} s  {mib / ours:8.1f} MiB/s")
        print(f"throughput ratio ours/raw loop    = {raw / ours:.3f}  (target >= 0.9)")
        print(f"throughput ratio ours/file_digest = {digest / ours:.3f}")

        def one() -> object:
            return hash_file(first, [algorithm])

        def other() -> object:
            return hash_file(second, [algorithm])

        sequential = _best(args.repeat, lambda: (one(), other()))
        parallel = _best(args.repeat, lambda: _in_threads(one, other))
        print(f"two files one after the other: {sequential:7.3f} s")
        print(f"two files in two threads     : {parallel:7.3f} s")
        print(f"parallel ratio parallel/sequential = {parallel / sequential:.3f}  (target <= 0.6)")
        # The same measurement with plain hashlib shows what this machine allows right now.
        raw_sequential = _best(
            args.repeat, lambda: (_raw_loop(first, algorithm), _raw_loop(second, algorithm))
        )
        raw_parallel = _best(
            args.repeat,
            lambda: _in_threads(lambda: _raw_loop(first, algorithm), lambda: _raw_loop(second, algorithm)),
        )
        print(f"same with plain hashlib loops      = {raw_parallel / raw_sequential:.3f}  (reference)")

        every = ["md5", "sha1", "sha256", "sha512", "blake2b"]
        together = _best(args.repeat, lambda: hash_file(first, every))
        print(f"all five algorithms in one pass: {together:7.3f} s")

        if args.sweep:
            for chunk in (64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024, 8 * 1024 * 1024):
                took = _best(args.repeat, lambda chunk=chunk: hash_file(first, [algorithm], chunk_size=chunk))
                print(f"chunk {chunk // 1024:5d} KiB: {took:7.3f} s  {mib / took:8.1f} MiB/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
