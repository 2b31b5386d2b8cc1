"""The transfer ledger: one row per run of a job, kept after the job leaves the list."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from peewee import PeeweeException, SqliteDatabase

from wherry.core.errors import ErrorKind
from wherry.core.statistics import Outcome, Transfer
from wherry.store.db import store_error
from wherry.store.models import TransferRow, bound

__all__ = ["TransferLedger"]


class TransferLedger:
    """Records runs and reads them back; works on the repository's own connection."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        self._row = bound(TransferRow, db)

    def record(self, transfer: Transfer) -> None:
        try:
            with self._db.atomic():
                self._row.insert(
                    job_id=transfer.job_id,
                    at=transfer.at,
                    outcome=transfer.outcome.value,
                    error_kind=transfer.error_kind.value if transfer.error_kind else None,
                    fetched=max(transfer.fetched, 0),
                    saved=max(transfer.saved, 0),
                ).execute()
        except (PeeweeException, sqlite3.Error) as exc:
            raise store_error(exc) from exc

    def load_transfers(self) -> list[Transfer]:
        try:
            rows = list(self._row.select().order_by(self._row.id))
        except (PeeweeException, sqlite3.Error) as exc:
            raise store_error(exc) from exc
        return [_transfer(row) for row in rows]


def _transfer(row: Any) -> Transfer:
    try:
        outcome = Outcome(row.outcome)
    except ValueError:
        outcome = Outcome.STOPPED  # written by a newer Wherry
    kind = None
    if row.error_kind:
        try:
            kind = ErrorKind(row.error_kind)
        except ValueError:
            kind = ErrorKind.INTERNAL
    at: datetime = row.at or datetime.fromtimestamp(0, UTC)
    return Transfer(row.job_id, at, outcome, row.fetched, row.saved, kind)
