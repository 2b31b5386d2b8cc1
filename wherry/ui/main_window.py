"""The main window: the download list, its actions, the details pane and the status line."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import Literal

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QItemSelection,
    QModelIndex,
    QPoint,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSplitter,
    QTabBar,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from wherry.core import Job, JobId
from wherry.ui.bridge import Bridge
from wherry.ui.columns import format_speed
from wherry.ui.icons import action_icon, app_icon
from wherry.ui.job_actions import JOB_ACTIONS, ActionSet, actions_for
from wherry.ui.job_commands import JobCommands
from wherry.ui.job_details import JobDetails
from wherry.ui.jobs_filter import JobsFilterModel, StateFilter
from wherry.ui.jobs_model import JobsModel
from wherry.ui.jobs_view import JobsView
from wherry.ui.list_commands import ListCommands
from wherry.ui.quit_guard import ask_before_closing
from wherry.ui.status_note import StatusNote
from wherry.ui.transfer_recorder import TransferLog
from wherry.ui.tray import Tray
from wherry.ui.url_input import urls_from_mime
from wherry.ui.window_actions import ACTIONS, CONTEXT_MENU, MENUS, TOOLBAR
from wherry.verify.service import VerifyService

__all__ = ["MainWindow"]

translate = QCoreApplication.translate

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Wherry's window.

    Signals:
        quit_requested(): the user chose Quit, or closed the window with no tray to go to
    """

    quit_requested = Signal()

    def __init__(
        self,
        bridge: Bridge,
        model: JobsModel,
        ui_state: QSettings,
        default_download_dir: str,
        tray: Tray | None = None,
        verifier: VerifyService | None = None,
        transfers: TransferLog | None = None,
    ) -> None:
        super().__init__()
        self.verifier = verifier
        self.bridge = bridge
        self.model = model
        self.ui_state = ui_state
        self.default_download_dir = default_download_dir
        self.tray = tray
        self._quitting = False
        self.setWindowTitle("Wherry")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)

        self.proxy = JobsFilterModel(self)
        self.proxy.setSourceModel(model)
        self.view = JobsView(self.proxy)
        self.details = JobDetails()
        self.commands = JobCommands(
            self,
            bridge,
            model,
            ui_state,
            default_download_dir,
            selection=self.current_actions,
            reveal=self.show_window,
        )
        self.commands.show_jobs = self._show_jobs
        self.list_commands = ListCommands(self, bridge, self.commands, transfers)
        self.actions_by_name = self._make_actions()
        self._build_layout()
        self._connect()
        self._restore_state()
        self._selection_changed()

    # -- construction --------------------------------------------------------------------------

    def _make_actions(self) -> dict[str, QAction]:
        actions: dict[str, QAction] = {}
        for spec in ACTIONS:
            action = QAction(action_icon(spec.name), translate("Actions", spec.text), self)
            action.setObjectName(spec.name)
            if spec.shortcut is not None:
                action.setShortcut(QKeySequence(spec.shortcut))
            tip = translate("Actions", spec.tip)
            action.setToolTip(tip)
            action.setStatusTip(tip)
            self.addAction(action)
            actions[spec.name] = action
        # Ctrl+C and Delete belong to the list; in the search box they edit text.
        for name in ("copy_url", "remove", "remove_delete"):
            actions[name].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.view.addAction(actions[name])
            self.removeAction(actions[name])
        return actions

    def _fill(self, target: QMenu | QToolBar, names: Sequence[str | None]) -> None:
        for name in names:
            if name is None:
                target.addSeparator()
            else:
                target.addAction(self.actions_by_name[name])

    def _build_layout(self) -> None:
        self.menus: dict[str, QMenu] = {}  # by title without "&": "File", "Downloads"…
        for title, names in MENUS:
            menu = self.menuBar().addMenu(translate("Actions", title))
            self.menus[title.replace("&", "")] = menu  # keyed by the untranslated title
            self._fill(menu, names)
        toolbar = self.addToolBar(self.tr("Downloads"))
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._fill(toolbar, TOOLBAR)
        for name in ("move_up", "move_down", "settings", "resume_all", "pause_all"):
            button = toolbar.widgetForAction(self.actions_by_name[name])
            if button is not None:
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

        self.filter_tabs = QTabBar()
        self.filter_tabs.setObjectName("filter_tabs")
        self.filter_tabs.setDrawBase(False)
        for state_filter in StateFilter:
            self.filter_tabs.addTab(translate("JobsFilter", state_filter.value))
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("Search names and URLs"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.search.setMaximumWidth(320)
        bar = QHBoxLayout()
        bar.addWidget(self.filter_tabs)
        bar.addStretch(1)
        bar.addWidget(self.search)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("details_splitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 4, 6, 0)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        # Shown only while the schedule or an action after the queue is set.
        self.schedule_label = StatusNote("schedule_status", self.tr("Set in Settings, on the Schedule page"))
        self.when_done_label = StatusNote("when_done_status", self.tr("Choose in Downloads › When Done"))
        self.statusBar().addPermanentWidget(self.schedule_label)
        self.statusBar().addPermanentWidget(self.when_done_label)
        self.activity_label = QLabel()
        self.remote_label = QLabel()
        self.remote_label.setObjectName("remote_status")
        self.remote_label.hide()
        self.statusBar().addPermanentWidget(self.remote_label)
        self.statusBar().addPermanentWidget(self.activity_label)
        self._show_activity(*self.model.activity())
        self.resize(1000, 640)

    def _connect(self) -> None:
        c = self.commands
        handlers = {
            "add": lambda: c.open_add_dialog(c.clipboard_urls()),
            "paste": c.paste,
            "resume": lambda: c.on_selection("resume", self.bridge.resume),
            "pause": lambda: c.on_selection("pause", self.bridge.pause),
            "retry": lambda: c.on_selection("retry", self.bridge.retry),
            "cancel": lambda: c.on_selection("cancel", self.bridge.cancel),
            "resume_all": self.bridge.resume_all,
            "pause_all": self.bridge.pause_all,
            "remove": lambda: c.confirm_remove(delete_file=False),
            "remove_delete": lambda: c.confirm_remove(delete_file=True),
            "open_file": c.open_files,
            "open_folder": c.open_folders,
            "copy_url": c.copy_urls,
            "move_up": lambda: self._move("up"),
            "move_down": lambda: self._move("down"),
            "properties": c.show_properties,
            "queue_order": lambda: self.view.show_queue_order(),
            "settings": c.open_settings,
            "quit": self.request_quit,
            "change_url": c.change_url,
            "change_credentials": c.change_credentials,
            "verify_files": lambda: self.verifier and c.open_verify(self.verifier),
            "find_checksum": lambda: self.verifier and c.open_find(self.verifier),
            "clear_finished": self.list_commands.clear_finished,
            "statistics": self.list_commands.open_statistics,
            "export_list": self.list_commands.export_list,
            "import_list": self.list_commands.import_list,
        }
        self.actions_by_name["statistics"].setEnabled(self.list_commands.transfers is not None)
        for name in ("verify_files", "find_checksum"):
            self.actions_by_name[name].setEnabled(self.verifier is not None)
        for name, handler in handlers.items():
            self.actions_by_name[name].triggered.connect(lambda _=False, h=handler: h())
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.activated.connect(self._activated)
        self.filter_tabs.currentChanged.connect(
            lambda i: self.proxy.set_state_filter(list(StateFilter)[i] if i >= 0 else StateFilter.ALL)
        )
        self.search.textChanged.connect(self.proxy.set_search_text)
        self.bridge.job_updated.connect(self._job_updated)
        self.bridge.job_removed.connect(lambda _id: self._selection_changed())
        self.bridge.error_reported.connect(c.show_error)
        self.model.activity_changed.connect(self._show_activity)
        self.model.dataChanged.connect(self._rows_changed)

    def _move(self, where: Literal["up", "down"]) -> None:
        # Moves change the queue order, so show that order: a sorted view would hide the move.
        self.view.show_queue_order()
        self.commands.move_selection(where)

    # -- selection -----------------------------------------------------------------------------

    def selected_ids(self) -> list[JobId]:
        """The selected jobs in queue order."""
        rows = {self.proxy.mapToSource(index).row() for index in self.view.selectionModel().selectedRows()}
        return [self.model.job_id(row) for row in sorted(rows)]

    def selected_jobs(self) -> list[Job]:
        jobs = []
        for job_id in self.selected_ids():
            try:
                jobs.append(self.bridge.engine.job(job_id))
            except KeyError:
                continue
        return jobs

    def select_ids(self, ids: Sequence[JobId]) -> None:
        selection = QItemSelection()
        for job_id in ids:
            row = self.model.row_of(job_id)
            if row is None:
                continue
            proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
            if proxy_index.isValid():
                selection.select(proxy_index, proxy_index)
        flags = self.view.selectionModel().SelectionFlag
        self.view.selectionModel().select(selection, flags.ClearAndSelect | flags.Rows)

    def _show_jobs(self, ids: Sequence[JobId]) -> None:
        # A filter or search could hide them; show everything so the selection is visible.
        self.search.clear()
        self.filter_tabs.setCurrentIndex(0)
        self.select_ids(ids)
        indexes = self.view.selectionModel().selectedRows()
        if indexes:
            self.view.scrollTo(indexes[0])
        self.show_window()

    def current_actions(self) -> ActionSet:
        return actions_for(self.selected_jobs())

    def _selection_changed(self, *_: object) -> None:
        available = self.current_actions()
        for name in JOB_ACTIONS:
            self.actions_by_name[name].setEnabled(available.enabled(name))
        jobs = self.selected_jobs()
        if len(jobs) == 1:
            self._show_details(jobs[0])
        else:
            self.details.clear()

    def _job_updated(self, job_id: JobId) -> None:
        if job_id in self.selected_ids():
            self._selection_changed()

    def _rows_changed(self, top: QModelIndex, bottom: QModelIndex, *_: object) -> None:
        shown = self.details.job_id
        row = self.model.row_of(shown) if shown else None
        if shown and row is not None and top.row() <= row <= bottom.row():
            engine = self.bridge.engine
            self.details.show_job(
                engine.job(shown), None, self.model.progress(shown), engine.runs_elsewhere(shown)
            )

    def _show_details(self, job: Job) -> None:
        engine = self.bridge.engine
        self.details.show_job(
            job, engine.history(job.id), self.model.progress(job.id), engine.runs_elsewhere(job.id)
        )

    def context_menu(self) -> QMenu:
        """The menu for the current selection, its actions enabled as ``actions_for`` says."""
        self._selection_changed()
        menu = QMenu(self)
        menu.setObjectName("context_menu")
        self._fill(menu, CONTEXT_MENU)
        return menu

    def _context_menu(self, position: QPoint) -> None:
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.view.viewport().mapToGlobal(position))

    def _activated(self, index: QModelIndex) -> None:
        if self.current_actions().enabled("open_file"):
            self.commands.open_files()
        else:
            self.commands.show_properties()

    def _show_activity(self, active: int, speed: float) -> None:
        if active:
            rate = format_speed(speed) or self.tr("0 B/s")
            if active == 1:
                text = self.tr("1 download · {speed}").format(speed=rate)
            else:
                text = self.tr("{count} downloads · {speed}").format(count=active, speed=rate)
            self.activity_label.setText(text)
        else:
            self.activity_label.setText(self.tr("Idle"))
        if self.tray is not None:
            self.tray.show_activity(active, speed)

    def show_remote_status(self, port: int | None) -> None:
        """The status bar says when other programs may control Wherry, and on which port."""
        if port is None:
            self.remote_label.hide()
            return
        self.remote_label.setText(self.tr("Remote control on · port {port}").format(port=port))
        self.remote_label.setToolTip(
            self.tr("aria2-compatible clients can reach Wherry at {address}").format(
                address=f"http://localhost:{port}/jsonrpc"
            )
        )
        self.remote_label.show()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # The Paste shortcut fires only while the window is active; a Ctrl+V the list did not
        # use still reaches here (e.g. while a platform withholds activation).
        if event.matches(QKeySequence.StandardKey.Paste):
            self.commands.paste()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- drag and drop -------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasText():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = urls_from_mime(event.mimeData())
        if not urls:
            self.statusBar().showMessage(self.tr("Nothing dropped was a URL."), 5000)
            return
        event.acceptProposedAction()
        self.commands.open_add_dialog(urls)

    # -- showing, hiding, quitting -------------------------------------------------------------

    def show_window(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def toggle_visible(self) -> None:
        if self.isVisible():
            self.hide()
        else:
            self.show_window()

    def goes_to_tray(self) -> bool:
        return (
            self.bridge.settings.close_to_tray
            and self.tray is not None
            and self.tray.available()
            and not self._quitting
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        if self.goes_to_tray():
            event.ignore()
            self.hide()
            return
        if not self._quitting and ask_before_closing(self) is not None:
            event.ignore()  # the question decides; downloads go on meanwhile
            return
        event.accept()
        self.request_quit()

    def request_quit(self) -> None:
        if self._quitting:
            return
        self._quitting = True
        self.save_state()
        self.quit_requested.emit()

    # -- remembered layout ---------------------------------------------------------------------

    def save_state(self) -> None:
        state = self.ui_state
        state.setValue("window/geometry", self.saveGeometry())
        state.setValue("window/state", self.saveState())
        state.setValue("window/header", self.view.header().saveState())
        state.setValue("window/splitter", self.splitter.saveState())
        state.setValue("window/filter", self.filter_tabs.currentIndex())
        state.sync()

    def _restore_state(self) -> None:
        state = self.ui_state
        for key, restore in (
            ("window/geometry", self.restoreGeometry),
            ("window/state", self.restoreState),
            ("window/header", self.view.header().restoreState),
            ("window/splitter", self.splitter.restoreState),
        ):
            value = state.value(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                restore(value)
        index = state.value("window/filter", 0)
        with contextlib.suppress(TypeError, ValueError):
            self.filter_tabs.setCurrentIndex(int(index))
