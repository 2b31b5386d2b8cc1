"""Checking files against digests: hashing, checksum files, batches, search and metalinks.

Standard library only; the Qt-facing ``VerifyService`` lives in ``wherry.verify.service`` and is
imported from there, so importing this package never loads Qt.
"""

from wherry.verify.hashing import (
    CHUNK_SIZE,
    HASH_ALGORITHMS,
    ExecutorVerifier,
    HashingCancelled,
    ProgressCallback,
    algorithms_for_length,
    hash_file,
    hash_prefix,
    new_hasher,
    normalize_algorithm,
    read_error_message,
)

__all__ = [
    "CHUNK_SIZE",
    "HASH_ALGORITHMS",
    "ExecutorVerifier",
    "HashingCancelled",
    "ProgressCallback",
    "algorithms_for_length",
    "hash_file",
    "hash_prefix",
    "new_hasher",
    "normalize_algorithm",
    "read_error_message",
]
