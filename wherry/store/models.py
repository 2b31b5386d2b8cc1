"""Rows for jobs, mirrors, segments, history and settings.

The schema itself is created and changed only by ``wherry.store.migrations``; these classes
describe the current version of it for queries. A test checks that the two agree.

The module-level classes are bound to ``database_proxy``. A repository works on its own
copies from ``bind_rows(db)``, bound to its own connection, so several databases can be open
in one process without rebinding shared classes under each other's feet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from peewee import (
    AutoField,
    BooleanField,
    Database,
    IntegerField,
    Model,
    TextField,
)

from wherry.store.db import database_proxy

__all__ = [
    "ALL_ROWS",
    "HistoryRow",
    "JobRow",
    "MirrorRow",
    "Rows",
    "SegmentRow",
    "SettingRow",
    "TransferRow",
    "UtcDateTimeField",
    "bind_rows",
    "bound",
]


class UtcDateTimeField(TextField):
    """An aware datetime kept as fixed-width ISO 8601 text in UTC.

    Fixed width with a fixed offset makes text order equal time order, so SQL can compare
    stored times (the purge does), and the file stays readable with the sqlite3 shell.
    """

    def db_value(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            # A naive time has no defined instant; storing it would silently pick one.
            raise ValueError(f"{self.name} needs a timezone-aware datetime, got {value!r}")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def python_value(self, value: str | None) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value).astimezone(UTC)


class BaseRow(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class JobRow(BaseRow):
    id = TextField(primary_key=True)
    url = TextField()
    directory = TextField()
    state = TextField()
    filename = TextField(null=True)
    requested_name = TextField(null=True)
    overwrite = BooleanField()
    connections = IntegerField()
    speed_limit = IntegerField(default=0)
    pieces = TextField(null=True)
    request_headers = TextField(null=True)
    checksum_source = TextField(null=True)
    position = IntegerField()
    total_size = IntegerField(null=True)
    etag = TextField(null=True)
    last_modified = TextField(null=True)
    accept_ranges = BooleanField()
    checksum_algorithm = TextField(null=True)
    checksum_hexdigest = TextField(null=True)
    actual_digest = TextField(null=True)
    error_kind = TextField(null=True)
    error_message = TextField(null=True)
    created_at = UtcDateTimeField()
    finished_at = UtcDateTimeField(null=True)

    class Meta:
        table_name = "jobs"


class MirrorRow(BaseRow):
    id = AutoField()
    job_id = TextField()
    ordinal = IntegerField()  # index in Job.mirrors, so the list comes back as it went in
    url = TextField()
    priority = IntegerField()
    rejected = TextField(null=True)

    class Meta:
        table_name = "mirrors"


class SegmentRow(BaseRow):
    id = AutoField()
    job_id = TextField()
    ordinal = IntegerField()
    start = IntegerField(column_name="range_start")
    end = IntegerField(column_name="range_end", null=True)
    done = IntegerField()

    class Meta:
        table_name = "segments"


class HistoryRow(BaseRow):
    id = AutoField()
    job_id = TextField()
    at = UtcDateTimeField()
    message = TextField()

    class Meta:
        table_name = "history"


class SettingRow(BaseRow):
    key = TextField(primary_key=True)
    value = TextField()  # JSON

    class Meta:
        table_name = "settings"


class TransferRow(BaseRow):
    """One run of a job (see ``wherry.core.statistics``); no foreign key, so it outlives the job."""

    id = AutoField()
    job_id = TextField()
    at = UtcDateTimeField()
    outcome = TextField()
    error_kind = TextField(null=True)
    fetched = IntegerField(default=0)
    saved = IntegerField(default=0)

    class Meta:
        table_name = "transfers"


ALL_ROWS: tuple[type[BaseRow], ...] = (JobRow, MirrorRow, SegmentRow, HistoryRow, SettingRow, TransferRow)

_M = TypeVar("_M", bound=BaseRow)


def _bound(model: type[_M], db: Database) -> type[_M]:
    meta = type("Meta", (), {"database": db, "table_name": model._meta.table_name})
    namespace: dict[str, Any] = {"Meta": meta, "__module__": model.__module__}
    bound: type[_M] = type(model.__name__, (model,), namespace)
    return bound


def bound(model: type[_M], db: Database) -> type[_M]:
    """``model``'s class bound to ``db`` alone (for tables outside :class:`Rows`)."""
    return _bound(model, db)


@dataclass(frozen=True)
class Rows:
    """One database's own set of row classes."""

    job: type[JobRow]
    mirror: type[MirrorRow]
    segment: type[SegmentRow]
    history: type[HistoryRow]
    setting: type[SettingRow]


def bind_rows(db: Database) -> Rows:
    """Row classes that query ``db`` and nothing else."""
    return Rows(
        job=_bound(JobRow, db),
        mirror=_bound(MirrorRow, db),
        segment=_bound(SegmentRow, db),
        history=_bound(HistoryRow, db),
        setting=_bound(SettingRow, db),
    )
