"""Checking files against digests: hashing, checksum files, batches, search and metalinks.

Standard library only. The Qt-facing ``VerifyService`` lives in ``wherry.verify.service`` and is
imported from there, so importing this package never loads Qt.
"""

from __future__ import annotations

import importlib
from typing import Any

# Each public name and the module that defines it. They are imported on first use: a download
# needs only the hashing, and loading checksum files, metalinks, batches and the finder every
# time cost tens of milliseconds of start-up (see docs/PERFORMANCE.md).
_WHERE = {
    "CHUNK_SIZE": "hashing",
    "ChecksumEntry": "checksum_files",
    "ChecksumFile": "checksum_files",
    "ChecksumLineError": "checksum_files",
    "DigestTarget": "finder",
    "ExecutorVerifier": "hashing",
    "FileResult": "batch",
    "FileStatus": "batch",
    "FindMatch": "finder",
    "FindProblem": "finder",
    "FindStats": "finder",
    "HASH_ALGORITHMS": "hashing",
    "HashingCancelled": "hashing",
    "MAX_CHECKSUM_FILE_BYTES": "checksum_files",
    "MAX_METALINK_BYTES": "metalink",
    "Metalink": "metalink",
    "MetalinkFile": "metalink",
    "MetalinkUrl": "metalink",
    "PieceHashes": "metalink",
    "PlanWarning": "batch",
    "ProgressCallback": "hashing",
    "VerifyItem": "batch",
    "VerifyPlan": "batch",
    "algorithm_from_filename": "checksum_files",
    "algorithms_for_length": "hashing",
    "default_workers": "batch",
    "find_by_digest": "finder",
    "hash_file": "hashing",
    "hash_prefix": "hashing",
    "is_checksum_filename": "checksum_files",
    "looks_like_checksum_text": "checksum_files",
    "new_hasher": "hashing",
    "normalize_algorithm": "hashing",
    "ordered_urls": "metalink",
    "parse_checksum_text": "checksum_files",
    "parse_digest_target": "finder",
    "parse_metalink": "metalink",
    "plan_verification": "batch",
    "read_checksum_file": "checksum_files",
    "read_error_message": "hashing",
    "read_metalink": "metalink",
    "safe_relative_name": "checksum_files",
    "sanitize_name": "metalink",
    "sidecar_subject": "checksum_files",
    "verify_items": "batch",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'wherry.verify' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"wherry.verify.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


__all__ = [
    "CHUNK_SIZE",
    "HASH_ALGORITHMS",
    "MAX_CHECKSUM_FILE_BYTES",
    "MAX_METALINK_BYTES",
    "ChecksumEntry",
    "ChecksumFile",
    "ChecksumLineError",
    "DigestTarget",
    "ExecutorVerifier",
    "FileResult",
    "FileStatus",
    "FindMatch",
    "FindProblem",
    "FindStats",
    "HashingCancelled",
    "Metalink",
    "MetalinkFile",
    "MetalinkUrl",
    "PieceHashes",
    "PlanWarning",
    "ProgressCallback",
    "VerifyItem",
    "VerifyPlan",
    "algorithm_from_filename",
    "algorithms_for_length",
    "default_workers",
    "find_by_digest",
    "hash_file",
    "hash_prefix",
    "is_checksum_filename",
    "looks_like_checksum_text",
    "new_hasher",
    "normalize_algorithm",
    "ordered_urls",
    "parse_checksum_text",
    "parse_digest_target",
    "parse_metalink",
    "plan_verification",
    "read_checksum_file",
    "read_error_message",
    "read_metalink",
    "safe_relative_name",
    "sanitize_name",
    "sidecar_subject",
    "verify_items",
]
