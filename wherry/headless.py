"""Composition root without Qt: store + engine + executor hashing, for ``wherry get`` and scripts."""

from __future__ import annotations

import asyncio
import logging
import logging.handlers
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from wherry import paths
from wherry.core.events import EventSink
from wherry.core.settings import Settings
from wherry.engine import Engine
from wherry.store import SqliteRepository, open_store
from wherry.verify.copies import FinderCopies
from wherry.verify.hashing import ExecutorVerifier

__all__ = ["configure_logging", "headless_engine", "open_repository"]


def configure_logging() -> None:
    """Tracebacks go to the log file in the data folder; people get sentences, not stacks."""
    root = logging.getLogger()
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return
    handler = logging.handlers.RotatingFileHandler(
        paths.log_path(), maxBytes=2 * 1024 * 1024, backupCount=2, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def open_repository() -> tuple[SqliteRepository, str | None]:
    """The user's job store; raises StoreError with a sentence when it cannot be used."""
    return open_store(paths.database_path())


@asynccontextmanager
async def headless_engine(
    repository: SqliteRepository, sink: EventSink, settings: Settings | None = None
) -> AsyncIterator[Engine]:
    """An engine that runs only the jobs this process adds or resumes, closed on exit."""
    engine = Engine(
        repository,
        ExecutorVerifier(),
        sink,
        settings or repository.load_settings(),
        manage_all=False,
        copies=FinderCopies(),
    )
    await engine.start()
    try:
        yield engine
    finally:
        await asyncio.shield(engine.close())
