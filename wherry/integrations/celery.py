"""A Celery task that downloads with Wherry: ``pip install 'wherry[celery]'``.

    from celery import Celery
    from wherry.integrations.celery import install

    app = Celery("jobs", broker="redis://localhost:6379/0", backend="redis://localhost:6379/1")
    download = install(app)
    download.delay(url, "/data/model.bin", sha256="9f86d0…")

The task is acknowledged late and rejected when its worker is lost, so a worker killed mid-download
gets its task delivered again. That is safe because a Wherry job is idempotent: the new run finds the
same job (same url and dest) and continues from the bytes on disk, or returns at once when the file is
already complete. Transient failures retry through Celery's own retry with exponential backoff;
permanent ones (404, checksum mismatch, …) fail the task with the sentence saying why.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

from celery import Celery, Task

from wherry.api import RetryableError, download_sync

__all__ = ["DEFAULT_OPTIONS", "TASK_NAME", "install"]

TASK_NAME = "wherry.download"

# Seconds between PROGRESS states written to the result backend.
PROGRESS_EVERY = 0.5

DEFAULT_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (RetryableError,),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


def install(app: Celery, *, home: str | os.PathLike[str] | None = None, **options: Any) -> Task:
    """Register the task ``wherry.download`` on ``app`` and return it.

    It takes ``(url, dest, sha256=None, mirrors=None, headers=None, connections=None)`` and
    returns ``{"path", "size", "sha256"}`` (the SHA-256 is computed when none was given).
    ``home`` is the folder of the job store the workers share (default: ``WHERRY_HOME`` or the
    user-data folder); ``options`` override the task options in ``DEFAULT_OPTIONS``.
    """
    settings = {**DEFAULT_OPTIONS, **options}

    @app.task(name=TASK_NAME, bind=True, **settings)  # type: ignore[untyped-decorator]
    def wherry_download(
        self: Task,
        url: str,
        dest: str,
        sha256: str | None = None,
        mirrors: Sequence[str] | None = None,
        headers: Mapping[str, str] | Sequence[Sequence[str]] | None = None,
        connections: int | None = None,
    ) -> dict[str, Any]:
        last = [0.0]

        def progress(
            *, bytes_downloaded: int, total_bytes: int | None, speed: float, state: str, **_: Any
        ) -> None:
            now = time.monotonic()
            if now - last[0] < PROGRESS_EVERY and state in ("running", "verifying"):
                return
            last[0] = now
            meta = {"bytes_downloaded": bytes_downloaded, "total_bytes": total_bytes, "speed": speed}
            self.update_state(state="PROGRESS", meta=meta)

        result = download_sync(
            url,
            dest,
            sha256=sha256,
            mirrors=tuple(mirrors or ()),
            headers=[tuple(pair) for pair in headers] if isinstance(headers, list) else headers,
            connections=connections,
            progress=progress,
            home=home,
        )
        return {"path": str(result.path), "size": result.size, "sha256": result.digests["sha256"]}

    return wherry_download
