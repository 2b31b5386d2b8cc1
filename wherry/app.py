"""Composition root of the window: QApplication, the qasync loop, store, engine, bridge, window.

``run_window`` first offers its URLs to a Wherry already running for this data folder and
exits if one took them; otherwise it becomes that instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSettings, QSocketNotifier
from PySide6.QtWidgets import QApplication

from wherry import paths
from wherry.app_remote import WindowRemote
from wherry.core import AddRequest, Event, Pieces, Settings, StoreError, WherryError
from wherry.desktop import APP_ID
from wherry.engine import Engine, RunClaims, claims_folder
from wherry.headless import configure_logging
from wherry.store import SqliteRepository, open_store
from wherry.ui.bridge import Bridge
from wherry.ui.clipboard_watch import ClipboardWatcher
from wherry.ui.collector import GuiThreadCollector
from wherry.ui.desktop_offer import offer_menu_entry
from wherry.ui.icons import app_icon
from wherry.ui.jobs_model import JobsModel
from wherry.ui.logind_power import PowerSender
from wherry.ui.main_window import MainWindow
from wherry.ui.palette import ColorSchemeFollower
from wherry.ui.scheduler import Clock, QueueScheduler
from wherry.ui.single_instance import InstanceServer, hand_off, server_name
from wherry.ui.transfer_recorder import TransferRecorder
from wherry.ui.translations import install_translators
from wherry.ui.tray import Tray
from wherry.ui.url_input import metalinks_from_arguments, urls_from_arguments
from wherry.ui.when_done import WhenDone
from wherry.verify.copies import FinderCopies
from wherry.verify.service import VerifyService

__all__ = ["Wherry", "compose", "run_window", "ui_state"]

log = logging.getLogger(__name__)


@dataclass
class Wherry:
    """Everything the window needs, built and wired; ``engine.start()`` is still to be awaited."""

    repository: SqliteRepository
    verifier: VerifyService
    engine: Engine
    bridge: Bridge
    model: JobsModel
    tray: Tray
    window: MainWindow
    scheduler: QueueScheduler
    when_done: WhenDone
    clipboard: ClipboardWatcher
    recorder: TransferRecorder | None = None
    remote: WindowRemote | None = None

    async def start(self) -> None:
        await self.engine.start()
        self.model.reload()
        self.scheduler.start()
        if self.remote is not None:
            await self.remote.sync(self.bridge.settings)

    async def shut_down(self) -> None:
        """Stop transfers (checkpoints flushed, jobs resume next time) and close the store."""
        self.scheduler.stop()
        self.window.save_state()
        self.window.hide()
        self.tray.hide()
        await self.bridge.drain()
        if self.recorder is not None:
            self.recorder.flush()  # runs cut short by quitting still count
        if self.remote is not None:
            await self.remote.close()
        await self.engine.close()
        self.verifier.shutdown(timeout_ms=2000)  # hashing stops within a chunk
        self.repository.close()


def ui_state() -> QSettings:
    """Window geometry, columns and sort order, kept beside the database (so WHERRY_HOME isolates it)."""
    return QSettings(str(paths.data_dir() / "window.ini"), QSettings.Format.IniFormat)


def compose(
    repository: SqliteRepository,
    settings: Settings,
    state: QSettings,
    clock: Clock = datetime.now,
    power: PowerSender | None = None,
) -> Wherry:
    """Build the window; ``clock`` (local time, for the schedule) and ``power`` (the logind
    request) are replaceable so tests need neither a wall clock nor a system bus."""
    # Quitting waits for the engine to stop; closing the window only asks for it.
    QApplication.setQuitOnLastWindowClosed(False)
    bridge: Bridge | None = None

    def sink(event: Event) -> None:
        if bridge is not None:
            bridge.deliver(event)

    verifier = VerifyService()
    # Jobs a live command line or script has taken on are left to it (engine/claims.py).
    claims = RunClaims(claims_folder(repository.path))
    engine = Engine(repository, verifier, sink, settings, copies=FinderCopies(), claims=claims)
    bridge = Bridge(engine, repository, settings)
    model = JobsModel(engine)
    model.follow(bridge)
    recorder = TransferRecorder(bridge, repository.ledger())
    tray = Tray(bridge, app_icon())
    window = MainWindow(
        bridge, model, state, str(paths.default_download_dir()), tray, verifier, transfers=recorder.ledger
    )
    # The window owns the model and the tray, so they go with it and never before its views.
    model.setParent(window)
    tray.setParent(window)
    tray.show_hide_requested.connect(window.toggle_visible)
    tray.quit_requested.connect(window.request_quit)
    remote = WindowRemote(engine, bridge, window)
    scheduler = QueueScheduler(bridge, clock, parent=window)
    scheduler.status_changed.connect(window.schedule_label.set_note)
    when_done = WhenDone(bridge, power, parent=window)
    window.menus["Downloads"].addSeparator()
    window.menus["Downloads"].addMenu(when_done.menu(window))
    when_done.status_changed.connect(window.when_done_label.set_note)
    when_done.quit_requested.connect(window.request_quit)
    when_done.notice_opened.connect(lambda _notice: window.show_window())  # out of the tray, in sight
    when_done.message.connect(lambda text: window.statusBar().showMessage(text, 10000))
    when_done.problem.connect(window.commands.show_error)
    clipboard = ClipboardWatcher(bridge, window.commands.open_add_dialog, parent=window)
    return Wherry(
        repository,
        verifier,
        engine,
        bridge,
        model,
        tray,
        window,
        scheduler,
        when_done,
        clipboard,
        recorder,
        remote,
    )


class _SignalWakeup:
    """Quit cleanly on SIGTERM / SIGINT even while Qt sleeps.

    Python runs its signal handlers only between bytecodes, and an idle Qt loop runs none; the
    wake-up fd makes the signal readable on a socket Qt watches, which runs Python at once.
    """

    def __init__(self, quit_now: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._drain)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: loop.call_soon_threadsafe(quit_now.set))

    def _drain(self) -> None:
        with contextlib.suppress(OSError):
            self._reader.recv(256)

    def close(self) -> None:
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()


def _register_menu_entry() -> str | None:
    from wherry.desktop.install import DesktopInstallError, install

    try:
        install()
    except DesktopInstallError as error:
        return str(error)
    return None


def _add_metalinks(wherry: Wherry, metalinks: list[str]) -> None:
    """A metalink opened from the file manager: each file with its mirrors and hashes."""
    from wherry.verify.metalink import ordered_urls, read_metalink

    requests = []
    for path in metalinks:
        try:
            entries = read_metalink(path).files
        except WherryError as error:
            wherry.window.commands.show_error(error.message)
            continue
        for entry in entries:
            urls = ordered_urls(entry)
            if urls:
                directory = wherry.window.commands.download_dir()
                requests.append(
                    AddRequest(
                        url=urls[0],
                        directory=directory,
                        filename=entry.name,
                        checksum=entry.checksum,
                        mirrors=tuple(urls[1:]),
                        pieces=Pieces(p.algorithm, p.length, p.hashes) if (p := entry.pieces) else None,
                    )
                )
    wherry.window.commands.receive_urls([])  # brings the window forward
    if requests:
        wherry.bridge.add(requests)


async def _serve(
    app: QApplication,
    server: InstanceServer,
    urls: list[str],
    metalinks: Sequence[str] = (),
    add: bool = False,
) -> int:
    try:
        repository, notice = open_store(paths.database_path())
    except StoreError as error:
        print(f"wherry: {error.message}", file=sys.stderr)
        return 1
    wherry = compose(repository, repository.load_settings(), ui_state())
    quit_now = asyncio.Event()
    wherry.window.quit_requested.connect(quit_now.set)
    server.urls_received.connect(wherry.window.commands.receive_urls)
    server.metalinks_received.connect(lambda paths: _add_metalinks(wherry, paths))
    server.add_requested.connect(lambda: wherry.window.commands.open_add_dialog([]))
    wakeup = _SignalWakeup(quit_now)
    try:
        await wherry.start()
    except WherryError as error:
        log.exception("Wherry could not start")
        print(f"wherry: {error.message}", file=sys.stderr)
        wakeup.close()
        repository.close()
        return 1
    wherry.window.show()
    wherry.tray.show()
    log.info("The window is shown")  # the bundle's smoke test waits for this line
    if notice:
        wherry.window.commands.show_error(notice)
    if urls:
        wherry.window.commands.receive_urls(urls)
    if metalinks:
        _add_metalinks(wherry, list(metalinks))
    if add:
        wherry.window.commands.open_add_dialog([])
    from wherry.desktop.install import is_registered

    offer_menu_entry(wherry.window, ui_state(), is_registered, _register_menu_entry)
    await quit_now.wait()
    server.close()  # no hand-offs into a closing store
    await wherry.shut_down()
    wakeup.close()
    return 0


def run_window(urls: list[str], add: bool = False) -> int:
    """``wherry [URL…]``: hand the URLs to the running Wherry, or open the window with them."""
    import qasync

    configure_logging()
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "wherry"])
    assert isinstance(app, QApplication)
    # The application id names the X11 WM_CLASS and the Wayland app id, which desktops match
    # to the menu entry; people still read "Wherry".
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName("Wherry")
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    ColorSchemeFollower(app)
    install_translators(app)  # the system locale's language, when Wherry has a translation for it

    wanted = urls_from_arguments(urls, Path.cwd())
    metalinks = metalinks_from_arguments(urls, Path.cwd())
    name = server_name(paths.data_dir())
    if hand_off(name, wanted, metalinks=metalinks, add=add):
        return 0
    server = InstanceServer(name)
    if not server.listen() and hand_off(name, wanted, metalinks=metalinks, add=add):
        return 0  # another instance started between our two looks
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    collector = GuiThreadCollector(app)
    try:
        return loop.run_until_complete(_serve(app, server, wanted, metalinks, add))
    finally:
        server.close()
        loop.close()
        asyncio.set_event_loop(None)
        collector.stop()
