"""Engine events as aria2's WebSocket notifications: one message per lifecycle change."""

from __future__ import annotations

import json

from wherry.core.events import Event, JobChanged, JobFailed, JobFinished, JobPaused, JobStarted

__all__ = ["message", "notification_for"]


def notification_for(event: Event) -> str | None:
    """The aria2 notification an event is, or None. A checksum failure is a JobFailed: an error."""
    if isinstance(event, JobStarted):
        return "aria2.onDownloadStart"
    if isinstance(event, JobPaused):
        return "aria2.onDownloadPause"
    if isinstance(event, JobFinished):
        return "aria2.onDownloadComplete"
    if isinstance(event, JobFailed):
        return "aria2.onDownloadError"
    if isinstance(event, JobChanged) and event.what == "cancelled":
        return "aria2.onDownloadStop"
    return None


def message(method: str, gid: str) -> str:
    return json.dumps({"jsonrpc": "2.0", "method": method, "params": [{"gid": gid}]})
