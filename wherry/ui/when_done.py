"""What happens when the queue finishes: nothing (always the default), quit Wherry, run the
user's command for each finished file, or ask logind to suspend or power off the computer.

The choice lasts until Wherry quits (a power-off must never survive a restart unnoticed);
the command itself is a setting. Suspend and power off first show a notice that counts down
30 seconds and can be cancelled.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Callable, Sequence
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QObject, QProcess, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from wherry.core import JobState, Settings
from wherry.ui.bridge import Bridge
from wherry.ui.logind_power import LogindPower, PowerSender
from wherry.ui.power_notice import Clock, PowerNotice, monotonic

__all__ = ["Finish", "WhenDone", "command_lines", "start_detached"]

log = logging.getLogger(__name__)

_BUSY = (JobState.QUEUED, JobState.RUNNING, JobState.VERIFYING)


class Finish(StrEnum):
    NOTHING = "nothing"
    QUIT = "quit"
    COMMAND = "command"
    SUSPEND = "suspend"
    POWER_OFF = "poweroff"


def _label(choice: Finish) -> str:
    texts = {
        Finish.NOTHING: QCoreApplication.translate("WhenDone", "&Do Nothing"),
        Finish.QUIT: QCoreApplication.translate("WhenDone", "&Quit Wherry"),
        Finish.COMMAND: QCoreApplication.translate("WhenDone", "&Run the Command from Settings"),
        Finish.SUSPEND: QCoreApplication.translate("WhenDone", "&Sleep"),
        Finish.POWER_OFF: QCoreApplication.translate("WhenDone", "&Power Off"),
    }
    return texts[choice]


def command_lines(command: str, paths: Sequence[str]) -> list[list[str]]:
    """The argument lists to run: ``command`` split as a shell would, once per path.

    The path goes where an argument is exactly ``{}`` (as ``find -exec`` has it), else last.
    It is always one argument of its own and never passes through a shell, so a name with
    spaces, quotes or ``;`` stays a name. Raises ValueError for unbalanced quotes.
    """
    words = shlex.split(command)
    if not words:
        return []
    lines = []
    for path in paths:
        if "{}" in words:
            lines.append([path if word == "{}" else word for word in words])
        else:
            lines.append([*words, path])
    return lines


def start_detached(arguments: list[str]) -> bool:
    """Start a process that outlives Wherry (it may be quitting); False if it could not start."""
    started, _pid = QProcess.startDetached(arguments[0], arguments[1:])
    return bool(started)


class WhenDone(QObject):
    """Watches the queue and, once nothing is queued or running, carries out the choice.

    Signals:
        choice_changed(str choice): a ``Finish`` value
        status_changed(str text): for the status bar; "" while the choice is "do nothing"
        quit_requested(): the queue finished and the choice was to quit
        notice_opened(object notice): the countdown before suspend or power off began
        message(str sentence): news for the status line ("Cancelled; the computer stays on.")
        problem(str sentence): what went wrong (a command that would not start…), for the user
    """

    choice_changed = Signal(str)
    status_changed = Signal(str)
    quit_requested = Signal()
    notice_opened = Signal(object)
    message = Signal(str)
    problem = Signal(str)

    def __init__(
        self,
        bridge: Bridge,
        power: PowerSender | None = None,
        run: Callable[[list[str]], bool] = start_detached,
        clock: Clock = monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._power: PowerSender = power if power is not None else LogindPower(parent=self)
        self._run = run
        self._clock = clock
        self._choice = Finish.NOTHING
        self._finished_paths: list[str] = []
        self.notice: PowerNotice | None = None
        bridge.job_finished.connect(self._job_finished)
        bridge.job_failed.connect(lambda *_: self._check())

    def choice(self) -> Finish:
        return self._choice

    def set_choice(self, choice: Finish) -> None:
        if choice is self._choice:
            return
        self._choice = choice
        self._finished_paths = []
        self.choice_changed.emit(choice.value)
        self.status_changed.emit(self.status())

    def status(self) -> str:
        if self._choice is Finish.NOTHING:
            return ""
        when_done = self.tr("When done: {what}")
        what = {
            Finish.QUIT: self.tr("quit"),
            Finish.COMMAND: self.tr("run the command"),
            Finish.SUSPEND: self.tr("sleep"),
            Finish.POWER_OFF: self.tr("power off"),
        }[self._choice]
        return when_done.format(what=what)

    def menu(self, parent: QWidget | None = None) -> QMenu:
        """A "When Done" menu of exclusive choices that follows :meth:`set_choice`."""
        menu = QMenu(self.tr("Whe&n Done"), parent)
        menu.setObjectName("when_done_menu")
        group = QActionGroup(menu)
        by_choice: dict[Finish, QAction] = {}
        for choice in Finish:
            action = QAction(_label(choice), menu)
            action.setObjectName(f"when_done_{choice.value}")
            action.setCheckable(True)
            action.setChecked(choice is self._choice)
            action.triggered.connect(lambda _=False, c=choice: self.set_choice(c))
            group.addAction(action)
            menu.addAction(action)
            by_choice[choice] = action
        self.choice_changed.connect(lambda value: by_choice[Finish(value)].setChecked(True))
        command = by_choice[Finish.COMMAND]

        def follow(settings: Settings) -> None:
            has_command = bool(settings.when_done_command.strip())
            command.setEnabled(has_command or self._choice is Finish.COMMAND)
            command.setToolTip(
                "" if has_command else self.tr("Enter the command in Settings, on the Schedule page")
            )

        follow(self._bridge.settings)
        self._bridge.settings_changed.connect(follow)
        menu.setToolTipsVisible(True)
        return menu

    def _job_finished(self, _job_id: str, path: str) -> None:
        if path:
            self._finished_paths.append(path)
        self._check()

    def _queue_busy(self) -> bool:
        return any(job.state in _BUSY for job in self._bridge.engine.jobs())

    def _check(self) -> None:
        # Only a finish or a failure can end the queue here: pausing (by hand or by the schedule)
        # leaves it unfinished, and nothing happens until the last download really ends.
        if self._choice is Finish.NOTHING or self._queue_busy() or self.notice is not None:
            return
        choice = self._choice
        paths, self._finished_paths = self._finished_paths, []
        if choice is Finish.COMMAND:
            self._run_command(paths)  # stays chosen for the next time the queue empties
            return
        self.set_choice(Finish.NOTHING)  # the others happen once
        if choice is Finish.QUIT:
            self.quit_requested.emit()
        else:
            self._open_notice(choice)

    def _run_command(self, paths: list[str]) -> None:
        command = self._bridge.settings.when_done_command
        if not command.strip():
            self.problem.emit(self.tr("No command is set; enter one in Settings, on the Schedule page."))
            return
        try:
            lines = command_lines(command, paths)
        except ValueError:
            self.problem.emit(self.tr("The command after downloads has an unclosed quote."))
            return
        for arguments in lines:
            if not self._run(arguments):
                self.problem.emit(self.tr("Wherry could not run {program}.").format(program=arguments[0]))
                return

    def _open_notice(self, choice: Finish) -> None:
        method = "Suspend" if choice is Finish.SUSPEND else "PowerOff"
        parent = self.parent()
        notice = PowerNotice(
            choice is Finish.SUSPEND, self._clock, parent if isinstance(parent, QWidget) else None
        )
        self.notice = notice

        def closed(result: int) -> None:
            self.notice = None
            notice.deleteLater()
            if result:
                self._power(method, lambda problem: problem and self.problem.emit(problem))
            else:
                self.message.emit(self.tr("Cancelled; the computer stays on."))

        notice.finished.connect(closed)
        self.notice_opened.emit(notice)
        notice.open()
