"""The Verify dialog: check downloaded files against checksum files, with one row per file.

The work runs in ``VerifyService``; the dialog only shows what its signals bring, so the window
stays responsive and Cancel stops the hashing within a chunk.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStyle,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wherry.ui.job_dialog import JobDialog
from wherry.verify.service import FileResult, FileStatus, VerifyPlanned, VerifyService

__all__ = ["STATUS_TEXT", "VerifyDialog", "WarningList", "status_icon", "summary_sentence"]

translate = QCoreApplication.translate

STATUS_TEXT: dict[FileStatus, str] = {
    FileStatus.OK: QT_TRANSLATE_NOOP("VerifyDialog", "OK"),
    FileStatus.MISMATCH: QT_TRANSLATE_NOOP("VerifyDialog", "Mismatch"),
    FileStatus.MISSING: QT_TRANSLATE_NOOP("VerifyDialog", "Missing"),
    FileStatus.UNREADABLE: QT_TRANSLATE_NOOP("VerifyDialog", "Unreadable"),
}
_STATUS_COLOUR: dict[FileStatus, str] = {
    FileStatus.OK: "#2f855a",
    FileStatus.MISMATCH: "#c53030",
    FileStatus.MISSING: "#c05621",
    FileStatus.UNREADABLE: "#6b46c1",
}
_CHECKSUM_PATTERNS = "(*SUMS *SUMS.txt *sums *.sha256 *.sha512 *.sha1 *.md5 *.b2 *.txt)"
_BAR_STEPS = 1000  # QProgressBar holds an int; byte counts of big runs do not fit in one


def summary_sentence(counts: Mapping[FileStatus, int]) -> str:
    """``12 files OK, 1 mismatch, 1 missing``: the counts that are not zero, OK first."""
    ok, mismatched = counts.get(FileStatus.OK, 0), counts.get(FileStatus.MISMATCH, 0)
    parts = []
    if ok:
        parts.append(
            translate("VerifyDialog", "1 file OK")
            if ok == 1
            else translate("VerifyDialog", "{count} files OK").format(count=ok)
        )
    if mismatched:
        parts.append(
            translate("VerifyDialog", "1 mismatch")
            if mismatched == 1
            else translate("VerifyDialog", "{count} mismatches").format(count=mismatched)
        )
    if counts.get(FileStatus.MISSING):
        parts.append(translate("VerifyDialog", "{count} missing").format(count=counts[FileStatus.MISSING]))
    if counts.get(FileStatus.UNREADABLE):
        parts.append(
            translate("VerifyDialog", "{count} unreadable").format(count=counts[FileStatus.UNREADABLE])
        )
    return translate("VerifyDialog", ", ").join(parts) or translate("VerifyDialog", "No file was checked")


_icons: dict[FileStatus, QIcon] = {}


def status_icon(status: FileStatus) -> QIcon:
    """A coloured disc with a tick, a cross, a dash or an exclamation mark."""
    if status not in _icons:
        icon = QIcon()
        for size in (16, 24, 32, 48):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.scale(size / 16, size / 16)
            _paint_badge(painter, status)
            painter.end()
            icon.addPixmap(pixmap)
        _icons[status] = icon
    return _icons[status]


def _paint_badge(painter: QPainter, status: FileStatus) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(_STATUS_COLOUR[status]))
    painter.drawEllipse(QRectF(1, 1, 14, 14))
    pen = QPen(
        QColor("white"), 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
    )
    painter.setPen(pen)
    if status is FileStatus.OK:
        painter.drawPolyline([QPointF(4.5, 8.2), QPointF(7, 10.8), QPointF(11.5, 5.5)])
    elif status is FileStatus.MISMATCH:
        painter.drawLine(QPointF(5.3, 5.3), QPointF(10.7, 10.7))
        painter.drawLine(QPointF(10.7, 5.3), QPointF(5.3, 10.7))
    elif status is FileStatus.MISSING:
        painter.drawLine(QPointF(4.8, 8), QPointF(11.2, 8))
    else:
        painter.drawLine(QPointF(8, 4.3), QPointF(8, 8.8))
        painter.drawPoint(QPointF(8, 11.6))


def _short(digest: str | None) -> str:
    if not digest:
        return "?"
    return digest if len(digest) <= 16 else f"{digest[:6]}…{digest[-6:]}"


def _local_paths(event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> list[str]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


class WarningList(QListWidget):
    """Sentences with a warning sign; hidden while empty, as tall as its first few rows."""

    MOST_ROWS = 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()

    def add_warning(self, text: str, tooltip: str = "") -> None:
        item = QListWidgetItem(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning), text)
        item.setToolTip(tooltip or text)
        self.addItem(item)
        rows = min(self.count(), self.MOST_ROWS)
        self.setFixedHeight(sum(self.sizeHintForRow(r) for r in range(rows)) + 2 * self.frameWidth() + 2)
        self.show()

    def clear(self) -> None:
        super().clear()
        self.hide()


class VerifyDialog(JobDialog):
    """Checks checksum files, folders holding them, or downloaded files; one table row per file.

    Signals:
        run_ended(summary: str)  a run finished, was cancelled or failed; ``summary`` is the
                                 line shown under the table
    """

    run_ended = Signal(str)

    COLUMNS = (
        QT_TRANSLATE_NOOP("VerifyDialog", "File"),
        QT_TRANSLATE_NOOP("VerifyDialog", "Status"),
        QT_TRANSLATE_NOOP("VerifyDialog", "Details"),
        QT_TRANSLATE_NOOP("VerifyDialog", "Checksum from"),
    )

    def __init__(
        self, service: VerifyService, parent: QWidget | None = None, *, paths: Iterable[str] = ()
    ) -> None:
        super().__init__(service, parent)
        self.setObjectName("verify_dialog")
        self.setWindowTitle(self.tr("Verify downloads"))
        self.setAcceptDrops(True)
        self._planned = 0
        self._counts: Counter[FileStatus] = Counter()
        self._last_folder = ""

        self.inputs_list = QListWidget()
        self.inputs_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.inputs_list.setMaximumHeight(84)
        self.inputs_list.itemSelectionChanged.connect(self._update_buttons)
        self.add_files_button = QPushButton(self.tr("Add &files…"))
        self.add_files_button.clicked.connect(self._choose_files)
        self.add_folder_button = QPushButton(self.tr("Add f&older…"))
        self.add_folder_button.clicked.connect(self._choose_folder)
        self.remove_button = QPushButton(self.tr("&Remove"))
        self.remove_button.clicked.connect(self._remove_selected)
        side = QVBoxLayout()
        for button in (self.add_files_button, self.add_folder_button, self.remove_button):
            side.addWidget(button)
        side.addStretch(1)
        inputs_row = QHBoxLayout()
        inputs_row.addWidget(self.inputs_list, 1)
        inputs_row.addLayout(side)
        hint = QLabel(
            self.tr(
                "Add checksum files (SHA256SUMS, file.iso.sha256…), folders holding them, or "
                "downloaded files; or drop them here."
            )
        )
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.table = self.results_table([self.tr(column) for column in self.COLUMNS])
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 250)
        header.resizeSection(1, 100)
        header.resizeSection(3, 140)

        self.warnings_list = WarningList()

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, _BAR_STEPS)
        self.progress_bar.setValue(0)
        self.progress_label = QLabel("")
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_bar, 1)
        progress_row.addWidget(self.progress_label)
        self.summary_label = QLabel("")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        row = self.run_buttons(self.tr("&Verify"), self.start)
        buttons = row.box
        self.verify_button, self.cancel_button, self.close_button = row.action, row.cancel, row.close

        layout = QVBoxLayout(self)
        layout.addLayout(inputs_row)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.warnings_list)
        layout.addLayout(progress_row)
        layout.addWidget(self.summary_label)
        layout.addWidget(buttons)
        self.resize(860, 580)

        service.verify_planned.connect(self._on_planned)
        service.verify_checked.connect(self._on_checked)
        service.verify_progressed.connect(self._on_progressed)
        service.verify_finished.connect(self._on_finished)
        service.cancelled.connect(self._on_cancelled)
        service.failed.connect(self._on_failed)
        self.add_inputs(paths)
        self._update_buttons()

    # -- inputs ---------------------------------------------------------------------------------

    def inputs(self) -> list[str]:
        return [self.inputs_list.item(row).text() for row in range(self.inputs_list.count())]

    def add_inputs(self, paths: Iterable[str]) -> None:
        """Add paths to check, each once."""
        known = set(self.inputs())
        for path in paths:
            path = os.path.normpath(path)
            if path not in known:
                known.add(path)
                item = QListWidgetItem(path)
                kind = (
                    QStyle.StandardPixmap.SP_DirIcon
                    if os.path.isdir(path)
                    else QStyle.StandardPixmap.SP_FileIcon
                )
                item.setIcon(self.style().standardIcon(kind))
                self.inputs_list.addItem(item)
        self._update_buttons()

    def _choose_files(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileNames(
            self,
            self.tr("Choose checksum files or downloaded files"),
            self._last_folder,
            self.tr("Checksum files {patterns};;All files (*)").format(patterns=_CHECKSUM_PATTERNS),
        )
        if chosen:
            self._last_folder = os.path.dirname(chosen[0])
            self.add_inputs(chosen)

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Choose a folder holding checksum files"), self._last_folder
        )
        if chosen:
            self._last_folder = chosen
            self.add_inputs([chosen])

    def _remove_selected(self) -> None:
        for item in self.inputs_list.selectedItems():
            self.inputs_list.takeItem(self.inputs_list.row(item))
        self._update_buttons()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _local_paths(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if _local_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _local_paths(event)
        if paths:
            event.acceptProposedAction()
            self.add_inputs(paths)

    # -- running --------------------------------------------------------------------------------

    def start(self) -> None:
        """Check every input from scratch; the table shows rows as files are checked."""
        if self.running or not self.inputs():
            return
        self.table.setRowCount(0)
        self.warnings_list.clear()
        self._counts.clear()
        self._planned = 0
        self.progress_bar.setRange(0, 0)  # busy until the checksum files have been read
        self.progress_label.setText(self.tr("Reading checksum files…"))
        self._set_summary("", None)
        self._job = self._service.start_verify(self.inputs())
        self._update_buttons()

    @Slot(str, object)
    def _on_planned(self, job: str, planned: VerifyPlanned) -> None:
        if job != self._job:
            return
        self._planned = planned.files
        self.progress_bar.setRange(0, _BAR_STEPS)
        self.progress_bar.setValue(0)
        self._show_count()
        for problem in planned.problems:
            self.warnings_list.add_warning(problem)
        for line in planned.warnings:
            self.warnings_list.add_warning(f"{line.source.name}: {line.message}", str(line.source))

    @Slot(str, object)
    def _on_checked(self, job: str, result: FileResult) -> None:
        if job != self._job:
            return
        self._counts[result.status] += 1
        self._append_row(result)
        self._show_count()

    @Slot(str, object, object)
    def _on_progressed(self, job: str, done: int, total: int) -> None:
        if job == self._job and total > 0:
            self.progress_bar.setValue(min(_BAR_STEPS, done * _BAR_STEPS // total))

    @Slot(str, object)
    def _on_finished(self, job: str, _summary: object) -> None:
        if job == self._job:
            self.progress_bar.setValue(_BAR_STEPS)
            verdict = None if not self._counts else not self._failures()
            self._end(self.tr("{summary}.").format(summary=summary_sentence(self._counts)), verdict)

    @Slot(str)
    def _on_cancelled(self, job: str) -> None:
        if job == self._job:
            checked = sum(self._counts.values())
            if self._planned:
                text = self.tr("Stopped after {checked} of {planned} files").format(
                    checked=checked, planned=self._planned
                )
            else:
                text = self.tr("Stopped after {checked} files").format(checked=checked)
            if checked:
                text = self.tr("{stopped}: {summary}").format(
                    stopped=text, summary=summary_sentence(self._counts)
                )
            self._end(self.tr("{summary}.").format(summary=text), False if self._failures() else None)

    def _end(self, summary: str, good: bool | None) -> None:
        self._job = None
        if self.progress_bar.maximum() == 0:
            self.progress_bar.setRange(0, _BAR_STEPS)
        self.progress_label.setText("")
        self._set_summary(summary, good)
        self._update_buttons()
        self.run_ended.emit(summary)

    def _failures(self) -> int:
        return sum(self._counts.values()) - self._counts[FileStatus.OK]

    def _show_count(self) -> None:
        checked = sum(self._counts.values())
        self.progress_label.setText(
            self.tr("{checked} of {planned} files").format(checked=checked, planned=self._planned)
        )

    def _append_row(self, result: FileResult) -> None:
        item = result.item
        if item.source is not None:
            name = os.path.relpath(item.path, item.source.parent)
            source = item.source.name
            if item.line:
                source = self.tr("{file}, line {line}").format(file=source, line=item.line)
        else:
            name, source = item.path.name, ""
        if result.status is FileStatus.MISMATCH:
            details = self.tr("Expected {expected}, got {actual}").format(
                expected=_short(item.expected), actual=_short(result.actual)
            )
            tip = self.tr("{path}\nExpected: {expected}\nActual:   {actual}").format(
                path=item.path, expected=item.expected, actual=result.actual
            )
        elif result.status is FileStatus.OK:
            details = f"{item.algorithm} {_short(result.actual)}"
            tip = f"{item.path}\n{item.algorithm}: {result.actual}"
        elif result.status is FileStatus.MISSING:
            details = self.tr("No file by this name.")
            tip = result.message or str(item.path)
        else:
            details = result.message or ""
            tip = f"{item.path}\n{details}"
        status = QTableWidgetItem(status_icon(result.status), self.tr(STATUS_TEXT[result.status]))
        status.setForeground(QBrush(QColor(_STATUS_COLOUR[result.status])))
        status.setData(Qt.ItemDataRole.UserRole, result.status)
        cells = [QTableWidgetItem(name), status, QTableWidgetItem(details), QTableWidgetItem(source)]
        if item.source is not None:
            cells[3].setToolTip(str(item.source))
        # Follow new rows only while the person has not scrolled up to read earlier ones.
        scroll = self.table.verticalScrollBar()
        follow = scroll.value() == scroll.maximum()
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, cell in enumerate(cells):
            if not cell.toolTip():
                cell.setToolTip(tip)
            self.table.setItem(row, column, cell)
        if follow:
            self.table.scrollToBottom()

    def _set_summary(self, text: str, good: bool | None) -> None:
        style = "font-weight: 600;"
        if good is not None:
            style += f" color: {_STATUS_COLOUR[FileStatus.OK if good else FileStatus.MISMATCH]};"
        self.summary_label.setStyleSheet(style)
        self.summary_label.setText(text)

    def _update_buttons(self) -> None:
        running = self.running
        self.verify_button.setEnabled(not running and self.inputs_list.count() > 0)
        self.cancel_button.setEnabled(running)
        self.remove_button.setEnabled(not running and bool(self.inputs_list.selectedItems()))
