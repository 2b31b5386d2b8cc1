"""A dialog that runs one cancellable VerifyService job at a time (the Verify and Find dialogs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTableWidget,
    QWidget,
)

from wherry.verify.service import VerifyService

__all__ = ["JobDialog", "RunButtons"]


@dataclass(frozen=True)
class RunButtons:
    box: QDialogButtonBox
    action: QPushButton
    cancel: QPushButton
    close: QPushButton


class JobDialog(QDialog):
    """Holds the running job's id; closing the dialog in any way cancels the job, so nothing is
    left reading the disk in the background."""

    def __init__(self, service: VerifyService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._job: str | None = None

    @property
    def running(self) -> bool:
        return self._job is not None

    def results_table(self, columns: Sequence[str]) -> QTableWidget:
        """A read-only table of results, one row per item, long paths elided in the middle."""
        table = QTableWidget(0, len(columns))
        table.setHorizontalHeaderLabels(list(columns))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        return table

    def _end(self, summary: str, good: bool | None) -> None:
        """The run is over (done, cancelled or failed): show ``summary``. Each dialog says how."""
        raise NotImplementedError

    @Slot(str, str)
    def _on_failed(self, job: str, message: str) -> None:
        if job == self._job:
            self._end(message, False)

    def run_buttons(self, action_text: str, start: Callable[[], object]) -> RunButtons:
        """The button row: the action (default), Cancel for the running job, and Close."""
        box = QDialogButtonBox()
        action = box.addButton(action_text, QDialogButtonBox.ButtonRole.ActionRole)
        action.setDefault(True)
        action.clicked.connect(start)
        cancel_button = box.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel_button.clicked.connect(self.cancel)
        close_button = box.addButton(QDialogButtonBox.StandardButton.Close)
        close_button.clicked.connect(self.reject)
        return RunButtons(box, action, cancel_button, close_button)

    def cancel(self) -> None:
        """Stop the running job; what it already reported stays shown."""
        if self._job is not None:
            self._service.cancel(self._job)

    def done(self, result: int) -> None:
        self.cancel()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.cancel()
        super().closeEvent(event)
