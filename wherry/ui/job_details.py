"""Everything about one job: sources, destination, validators, checksum, segments and history.

Used in the window's details pane and in the Properties dialog.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, Qt, QTimeZone
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wherry.core import Job, JobState, Progress
from wherry.core.headers import MASK, masked_headers
from wherry.ui.columns import format_size, status_text
from wherry.ui.segment_map import SegmentMap

__all__ = ["JobDetails", "PropertiesDialog", "format_moment"]

translate = QCoreApplication.translate


def format_moment(when: datetime) -> str:
    stamp = QDateTime.fromSecsSinceEpoch(int(when.timestamp()), QTimeZone.systemTimeZone())
    return stamp.toString("yyyy-MM-dd HH:mm:ss")


def _size_line(size: int | None) -> str:
    if size is None:
        return translate("JobDetails", "Unknown")
    locale = QLocale()
    # The C locale omits digit grouping by default; a ten-digit count needs it to be read.
    locale.setNumberOptions(QLocale.NumberOption.DefaultNumberOptions)
    return translate("JobDetails", "{size} ({count} bytes)").format(
        size=format_size(size), count=locale.toString(size)
    )


def _value_label() -> QLabel:
    label = QLabel()
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    label.setMinimumWidth(200)
    return label


class JobDetails(QWidget):
    """A read-only view of one job; call :meth:`show_job` again to refresh it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id: str | None = None
        self.fields: dict[str, QLabel] = {}
        general = QWidget()
        form = QFormLayout(general)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, caption in (
            ("status", self.tr("Status:")),
            ("url", self.tr("URL:")),
            ("target", self.tr("Saved as:")),
            ("size", self.tr("Size:")),
            ("done", self.tr("Downloaded:")),
            ("validator", self.tr("Validator:")),
            ("checksum", self.tr("Checksum:")),
            ("headers", self.tr("Request headers:")),
            ("actual", self.tr("Computed:")),
            ("connections", self.tr("Connections:")),
        ):
            self.fields[key] = _value_label()
            form.addRow(caption, self.fields[key])
        self.segment_map = SegmentMap()
        form.addRow(self.tr("Segments:"), self.segment_map)

        self.mirrors = QTreeWidget()
        self.mirrors.setHeaderLabels([self.tr("Source"), self.tr("Priority"), self.tr("State")])
        self.mirrors.setRootIsDecorated(False)
        self.mirrors.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.mirrors.header().setStretchLastSection(False)
        self.history = QTreeWidget()
        self.history.setHeaderLabels([self.tr("Time"), self.tr("Event")])
        self.history.setRootIsDecorated(False)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.history.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)

        self.tabs = QTabWidget()
        self.tabs.addTab(general, self.tr("General"))
        self.tabs.addTab(self.mirrors, self.tr("Sources"))
        self.tabs.addTab(self.history, self.tr("History"))
        # With nothing selected the pane says so, instead of a form of empty fields.
        self.placeholder = QLabel(self.tr("Select a download to see its details."))
        self.placeholder.setObjectName("details_placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setEnabled(False)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.placeholder)
        self.pages.addWidget(self.tabs)
        self.pages.setCurrentWidget(self.tabs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def showing_job(self) -> bool:
        return self.pages.currentWidget() is self.tabs

    def clear(self) -> None:
        self.job_id = None
        for label in self.fields.values():
            label.clear()
        self.segment_map.set_segments([], None)
        self.mirrors.clear()
        self.history.clear()
        self.pages.setCurrentWidget(self.placeholder)

    def show_job(
        self,
        job: Job,
        history: Sequence[tuple[datetime, str]] | None = None,
        progress: Progress | None = None,
        elsewhere: bool = False,
    ) -> None:
        """Show ``job``; ``history`` None keeps the history already shown (a progress tick);
        ``elsewhere``: another Wherry runs it or holds it for later."""
        self.job_id = job.id
        self.pages.setCurrentWidget(self.tabs)
        f = self.fields
        f["status"].setText(status_text(job, progress, elsewhere))
        f["url"].setText(job.url)
        f["target"].setText(
            str(job.target)
            if job.target
            else self.tr("{folder} (name not decided yet)").format(folder=job.directory)
        )
        total = progress.total_bytes if progress is not None and progress.total_bytes else job.total_size
        done = progress.bytes_downloaded if progress is not None else job.bytes_done
        if job.state is JobState.FINISHED and total:
            done = total
        f["size"].setText(_size_line(total))
        f["done"].setText(_size_line(done))
        validators = []
        if job.etag:
            validators.append(self.tr("ETag {value}").format(value=job.etag))
        if job.last_modified:
            validators.append(self.tr("Last-Modified {value}").format(value=job.last_modified))
        f["validator"].setText("; ".join(validators) or self.tr("None (the server sent no validator)"))
        f["checksum"].setText(
            f"{job.checksum} ({job.checksum_origin})" if job.checksum else self.tr("None given")
        )
        # Secret values never reach the window: only their names, and a mask.
        shown = masked_headers(job.headers, job.secret_headers)
        shown += [(f"{name} (for {host})", MASK) for host, name, _ in job.host_headers]
        f["headers"].setText("; ".join(f"{name}: {value}" for name, value in shown) or self.tr("None"))
        f["actual"].setText(self._actual_text(job))
        # 0: the download adapts its connections to the link (Settings.adaptive_connections).
        f["connections"].setText(
            str(job.connections) if job.connections > 0 else self.tr("Adapts to the link")
        )
        self.segment_map.set_segments(job.segments, total)

        self.mirrors.clear()
        rows = [(job.url, self.tr("primary"), self.tr("In use"))]
        rows += [
            (mirror.url, str(mirror.priority), mirror.rejected or self.tr("Available"))
            for mirror in sorted(job.mirrors, key=lambda m: m.priority)
            if mirror.url != job.url
        ]
        for row in rows:
            QTreeWidgetItem(self.mirrors, list(row))
        if history is None:
            return
        self.history.clear()
        for when, message in history:
            QTreeWidgetItem(self.history, [format_moment(when), message])

    @staticmethod
    def _actual_text(job: Job) -> str:
        if not job.actual_digest:
            if job.checksum:
                return translate("JobDetails", "Not computed yet")
            return translate("JobDetails", "Not computed (no checksum given)")
        if not job.checksum:
            return translate("JobDetails", "sha256:{digest} (nothing given to compare with)").format(
                digest=job.actual_digest
            )
        if job.actual_digest.lower() == job.checksum.hexdigest:
            text = translate("JobDetails", "{algorithm}:{digest} (matches)")
        else:
            text = translate("JobDetails", "{algorithm}:{digest} (does NOT match)")
        return text.format(algorithm=job.checksum.algorithm, digest=job.actual_digest)


class PropertiesDialog(QDialog):
    def __init__(
        self,
        job: Job,
        history: Sequence[tuple[datetime, str]],
        progress: Progress | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("properties_dialog")
        self.setWindowTitle(self.tr("Properties of {name}").format(name=job.display_name))
        self.details = JobDetails()
        self.details.show_job(job, history, progress)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        self.resize(640, 460)
