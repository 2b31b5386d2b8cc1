"""The window: PySide6 widgets over the engine, reached only through ``Bridge`` and ``EnginePort``.

Imports ``wherry.core``, ``wherry.verify.service``, PySide6 and qasync; never the store or the engine.
``wherry.app`` builds these pieces and wires them together.
"""

from wherry.ui.bridge import Bridge
from wherry.ui.engine_port import EnginePort, SettingsStore
from wherry.ui.find_dialog import FindDialog
from wherry.ui.job_actions import ActionSet, actions_for
from wherry.ui.jobs_filter import JobsFilterModel, StateFilter
from wherry.ui.jobs_model import JobsModel, Roles
from wherry.ui.main_window import MainWindow
from wherry.ui.single_instance import InstanceServer, hand_off, server_name
from wherry.ui.tray import Tray
from wherry.ui.verify_dialog import VerifyDialog

__all__ = [
    "ActionSet",
    "Bridge",
    "EnginePort",
    "FindDialog",
    "InstanceServer",
    "JobsFilterModel",
    "JobsModel",
    "MainWindow",
    "Roles",
    "SettingsStore",
    "StateFilter",
    "Tray",
    "VerifyDialog",
    "actions_for",
    "hand_off",
    "server_name",
]
