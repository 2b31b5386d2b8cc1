"""The public surface, pinned: a change here is a change for every program that uses Wherry.

Edit these tables only on purpose, and say so in docs/LIBRARY.md and the commit message.
"""

from __future__ import annotations

import dataclasses
import inspect

import wherry
import wherry.compat
from wherry import Downloader, DownloadHandle, Result

_HEAD = "url: 'str', dest: 'PathLike | None' = None, *"
_HOME = "home: 'PathLike | None' = None"
_OPTIONS = (
    "directory: 'PathLike | None' = None, sha256: 'str | None' = None, checksum: 'str | None' = None, "
    "mirrors: 'Iterable[str]' = (), connections: 'int | None' = None, headers: 'Headers | None' = None, "
    "progress: 'ProgressCallback | None' = None, overwrite: 'bool' = False"
)

NAMES = [
    "DownloadError",
    "DownloadHandle",
    "Downloader",
    "ErrorKind",
    "InputError",
    "JobError",
    "JobState",
    "Progress",
    "RemoteChangedError",
    "Result",
    "RetryableError",
    "SourceError",
    "StoreError",
    "__version__",
    "download",
    "download_sync",
]

SIGNATURES = {
    "download": f"({_HEAD}, {_OPTIONS}, {_HOME}) -> 'Result'",
    "download_sync": f"({_HEAD}, {_OPTIONS}, {_HOME}) -> 'Result'",
    "Downloader": "(*, home: 'PathLike | None' = None) -> 'None'",
    "Downloader.add": f"(self, {_HEAD}, {_OPTIONS}) -> 'DownloadHandle'",
    "Downloader.download": f"(self, {_HEAD}, {_OPTIONS}) -> 'Result'",
    "Downloader.aclose": "(self) -> 'None'",
    "DownloadHandle.result": "(self) -> 'Result'",
    "DownloadHandle.pause": "(self) -> 'None'",
    "DownloadHandle.resume": "(self) -> 'None'",
    "DownloadHandle.cancel": "(self) -> 'None'",
    "DownloadHandle.done": "(self) -> 'bool'",
    "DownloadHandle.progress": "(self) -> 'Progress | None'",
    "RecoverableDownloadManager": "(project_path: 'str | os.PathLike[str]', "
    "config: 'Mapping[str, Any] | None' = None, "
    "progress_callback: 'Callable[..., Any] | None' = None) -> 'None'",
    "RecoverableDownloadManager.download_file": "(self, url: 'str', dest_path: 'str | os.PathLike[str]', "
    "sha256_checksum: 'str | None' = None, alternate_urls: 'Sequence[str] | None' = None) -> 'Result'",
}

# Public members of the classes, beyond what the signatures above cover.
MEMBERS = {
    Downloader: ["__aenter__", "__aexit__", "aclose", "add", "download"],
    DownloadHandle: [
        "__aiter__",
        "__await__",
        "cancel",
        "done",
        "job_id",
        "pause",
        "progress",
        "result",
        "resume",
        "state",
        "url",
    ],
}

RESULT_FIELDS = [
    ("path", "Path"),
    ("size", "int"),
    ("digests", "dict[str, str]"),
    ("bytes_reused", "int"),
    ("sources", "tuple[str, ...]"),
    ("job_id", "str"),
]

ERRORS = {
    "DownloadError": (Exception,),
    "RetryableError": ("DownloadError",),
    "SourceError": ("DownloadError",),
    "JobError": ("DownloadError",),
    "RemoteChangedError": ("JobError",),
    "InputError": ("DownloadError",),
    "StoreError": ("DownloadError",),
}


def _lookup(dotted: str) -> object:
    owner: object = wherry.compat if dotted.startswith("RecoverableDownloadManager") else wherry
    for part in dotted.split("."):
        owner = getattr(owner, part)
    return owner


def test_the_package_exports_exactly_these_names():
    assert sorted(wherry.__all__) == sorted(NAMES)
    for name in NAMES:
        assert getattr(wherry, name) is not None
    assert set(NAMES) <= set(dir(wherry))


def test_every_public_callable_keeps_its_signature():
    found = {name: str(inspect.signature(_lookup(name))) for name in SIGNATURES}
    assert found == SIGNATURES


def test_the_classes_have_exactly_these_public_members():
    dunders = {"__aenter__", "__aexit__", "__await__", "__aiter__"}
    for cls, expected in MEMBERS.items():
        public = sorted(n for n in vars(cls) if not n.startswith("_") or n in dunders)
        assert public == sorted(expected), cls.__name__


def test_result_fields():
    assert [(f.name, f.type) for f in dataclasses.fields(Result)] == RESULT_FIELDS


def test_the_error_tree():
    for name, bases in ERRORS.items():
        cls = getattr(wherry, name)
        expected = tuple(getattr(wherry, b) if isinstance(b, str) else b for b in bases)
        assert cls.__bases__ == expected, name


def test_async_and_sync_callables_are_what_they_say():
    assert inspect.iscoroutinefunction(wherry.download)
    assert not inspect.iscoroutinefunction(wherry.download_sync)
    assert inspect.iscoroutinefunction(Downloader.download)
    assert not inspect.iscoroutinefunction(Downloader.add)


def test_every_public_callable_has_a_docstring():
    for name in SIGNATURES:
        assert inspect.getdoc(_lookup(name)), name
