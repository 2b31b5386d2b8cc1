"""The Categories page of the Settings dialog: the rules that pick a download's folder."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wherry.core import Settings
from wherry.core.categories import DEFAULT_CATEGORY_RULES, CategoryRule, parse_rules, rules_to_settings

__all__ = ["CategoriesEditor"]


class CategoriesEditor(QWidget):
    """A table of (name, patterns, folder) rows; :meth:`apply` stores the complete ones."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("categories_page")
        self.enabled = QCheckBox(self.tr("Sort downloads into folders by category"))
        self.enabled.setChecked(settings.categories_enabled)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("category_rules")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Category"), self.tr("Extensions or URL parts"), self.tr("Folder")]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.set_rules(parse_rules(settings.category_rules))

        buttons = QHBoxLayout()
        for name, text, slot in (
            ("add_rule", self.tr("&Add"), self.add_rule),
            ("remove_rule", self.tr("&Remove"), self.remove_rule),
            ("rule_up", self.tr("Move &Up"), lambda: self.move_rule(-1)),
            ("rule_down", self.tr("Move &Down"), lambda: self.move_rule(1)),
            ("restore_rules", self.tr("Restore De&faults"), self.restore_defaults),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(lambda _=False, s=slot: s())
            buttons.addWidget(button)
        buttons.addStretch(1)
        note = QLabel(
            self.tr(
                "Extensions start with a dot (.mp4, .tar.*); anything else matches part of the URL "
                "(huggingface.co/). The first matching rule wins. A folder without a full path is "
                "inside the download folder. Downloads given a folder of their own are not sorted."
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(note)

    def set_rules(self, rules: list[CategoryRule]) -> None:
        self.table.setRowCount(0)
        for rule in rules:
            self._append(rule.name, rule.patterns, rule.folder)

    def _append(self, *texts: str) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate(texts):
            self.table.setItem(row, column, QTableWidgetItem(text))
        return row

    def rules(self) -> list[CategoryRule]:
        """The complete rows, in order (a row missing its name, patterns or folder is dropped)."""
        rows = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, column) for column in range(3)]
            rows.append(tuple(cell.text() if cell is not None else "" for cell in cells))
        return parse_rules(rows)

    def add_rule(self) -> None:
        row = self._append(self.tr("New category"), "", "")
        self.table.setCurrentCell(row, 1)
        self.table.editItem(self.table.item(row, 1))

    def remove_rule(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def move_rule(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        taken = [self.table.takeItem(row, column) for column in range(3)]
        self.table.removeRow(row)
        self.table.insertRow(target)
        for column, item in enumerate(taken):
            self.table.setItem(target, column, item)
        self.table.setCurrentCell(
            target, self.table.currentColumn() if self.table.currentColumn() >= 0 else 0
        )

    def restore_defaults(self) -> None:
        self.set_rules(parse_rules(DEFAULT_CATEGORY_RULES))

    def apply(self, settings: Settings) -> Settings:
        return settings.with_changes(
            categories_enabled=self.enabled.isChecked(), category_rules=rules_to_settings(self.rules())
        )
