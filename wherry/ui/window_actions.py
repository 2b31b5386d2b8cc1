"""The window's actions and menus, as data: names, texts, shortcuts and where they appear.

Texts are marked for translation here and translated (context "Actions") where the actions
and menus are made.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QKeySequence

__all__ = ["ACTIONS", "CONTEXT_MENU", "MENUS", "TOOLBAR", "ActionSpec"]

_K = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    shortcut: QKeySequence.StandardKey | str | None = None
    tip: str = ""


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "add", QT_TRANSLATE_NOOP("Actions", "&Add…"), _K.New, QT_TRANSLATE_NOOP("Actions", "Add downloads")
    ),
    ActionSpec(
        "paste",
        QT_TRANSLATE_NOOP("Actions", "Add from C&lipboard"),
        _K.Paste,
        QT_TRANSLATE_NOOP("Actions", "Add the URLs on the clipboard"),
    ),
    ActionSpec(
        "resume",
        QT_TRANSLATE_NOOP("Actions", "&Resume"),
        "Ctrl+R",
        QT_TRANSLATE_NOOP("Actions", "Resume the selected downloads"),
    ),
    ActionSpec(
        "pause",
        QT_TRANSLATE_NOOP("Actions", "&Pause"),
        "Ctrl+P",
        QT_TRANSLATE_NOOP("Actions", "Pause the selected downloads"),
    ),
    ActionSpec(
        "resume_all",
        QT_TRANSLATE_NOOP("Actions", "Resume A&ll"),
        "Ctrl+Shift+R",
        QT_TRANSLATE_NOOP("Actions", "Resume every paused download"),
    ),
    ActionSpec(
        "pause_all",
        QT_TRANSLATE_NOOP("Actions", "Pause &All"),
        "Ctrl+Shift+P",
        QT_TRANSLATE_NOOP("Actions", "Pause every download"),
    ),
    ActionSpec(
        "retry",
        QT_TRANSLATE_NOOP("Actions", "Re&try"),
        "F5",
        QT_TRANSLATE_NOOP("Actions", "Try the selected downloads again"),
    ),
    ActionSpec(
        "change_url",
        QT_TRANSLATE_NOOP("Actions", "C&hange URL…"),
        None,
        QT_TRANSLATE_NOOP("Actions", "Give a paused or failed download a new address"),
    ),
    ActionSpec(
        "change_credentials",
        QT_TRANSLATE_NOOP("Actions", "Change Cred&entials…"),
        None,
        QT_TRANSLATE_NOOP("Actions", "Give a download new login headers or cookies and continue it"),
    ),
    ActionSpec(
        "cancel",
        QT_TRANSLATE_NOOP("Actions", "&Cancel"),
        "Ctrl+Shift+C",
        QT_TRANSLATE_NOOP("Actions", "Stop and discard the partial file"),
    ),
    ActionSpec(
        "remove",
        QT_TRANSLATE_NOOP("Actions", "Re&move"),
        _K.Delete,
        QT_TRANSLATE_NOOP("Actions", "Remove from the list and keep the file"),
    ),
    ActionSpec(
        "remove_delete",
        QT_TRANSLATE_NOOP("Actions", "Remove and &Delete File"),
        "Shift+Del",
        QT_TRANSLATE_NOOP("Actions", "Remove and delete the file"),
    ),
    ActionSpec(
        "open_file",
        QT_TRANSLATE_NOOP("Actions", "&Open File"),
        "Ctrl+O",
        QT_TRANSLATE_NOOP("Actions", "Open the downloaded file"),
    ),
    ActionSpec(
        "open_folder",
        QT_TRANSLATE_NOOP("Actions", "Open Containing &Folder"),
        "Ctrl+Shift+O",
        QT_TRANSLATE_NOOP("Actions", "Show the file's folder"),
    ),
    ActionSpec(
        "copy_url",
        QT_TRANSLATE_NOOP("Actions", "Copy &URL"),
        _K.Copy,
        QT_TRANSLATE_NOOP("Actions", "Copy the download addresses"),
    ),
    ActionSpec(
        "move_up",
        QT_TRANSLATE_NOOP("Actions", "Move &Up"),
        "Ctrl+Up",
        QT_TRANSLATE_NOOP("Actions", "Move earlier in the queue"),
    ),
    ActionSpec(
        "move_down",
        QT_TRANSLATE_NOOP("Actions", "Move Do&wn"),
        "Ctrl+Down",
        QT_TRANSLATE_NOOP("Actions", "Move later in the queue"),
    ),
    ActionSpec(
        "properties",
        QT_TRANSLATE_NOOP("Actions", "Propert&ies"),
        "Alt+Return",
        QT_TRANSLATE_NOOP("Actions", "Details of the selected download"),
    ),
    ActionSpec(
        "queue_order",
        QT_TRANSLATE_NOOP("Actions", "&Queue Order"),
        "Ctrl+0",
        QT_TRANSLATE_NOOP("Actions", "Show the downloads in queue order"),
    ),
    ActionSpec(
        "verify_files",
        QT_TRANSLATE_NOOP("Actions", "&Verify Files…"),
        "Ctrl+Shift+V",
        QT_TRANSLATE_NOOP("Actions", "Check files against checksum files"),
    ),
    ActionSpec(
        "find_checksum",
        QT_TRANSLATE_NOOP("Actions", "&Find by Checksum…"),
        "Ctrl+Shift+F",
        QT_TRANSLATE_NOOP("Actions", "Find files on disk by their digest"),
    ),
    ActionSpec(
        "settings",
        QT_TRANSLATE_NOOP("Actions", "&Settings…"),
        "Ctrl+,",
        QT_TRANSLATE_NOOP("Actions", "Change Wherry's settings"),
    ),
    ActionSpec(
        "clear_finished",
        QT_TRANSLATE_NOOP("Actions", "Clear &Finished"),
        None,
        QT_TRANSLATE_NOOP("Actions", "Take finished downloads out of the list; files stay"),
    ),
    ActionSpec(
        "statistics",
        QT_TRANSLATE_NOOP("Actions", "S&tatistics…"),
        None,
        QT_TRANSLATE_NOOP("Actions", "Downloads per day, savings and failures"),
    ),
    ActionSpec(
        "export_list",
        QT_TRANSLATE_NOOP("Actions", "&Export List…"),
        None,
        QT_TRANSLATE_NOOP("Actions", "Save the download list as JSON, aria2 input or URLs"),
    ),
    ActionSpec(
        "import_list",
        QT_TRANSLATE_NOOP("Actions", "&Import List…"),
        None,
        QT_TRANSLATE_NOOP("Actions", "Add the downloads listed in a file"),
    ),
    ActionSpec(
        "quit",
        QT_TRANSLATE_NOOP("Actions", "&Quit"),
        _K.Quit,
        QT_TRANSLATE_NOOP("Actions", "Pause downloads and quit"),
    ),
)

# None is a separator.
TOOLBAR: tuple[str | None, ...] = (
    "add",
    None,
    "resume",
    "pause",
    "retry",
    "cancel",
    "remove",
    None,
    "resume_all",
    "pause_all",
    None,
    "move_up",
    "move_down",
    None,
    "settings",
)

MENUS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    (
        QT_TRANSLATE_NOOP("Actions", "&File"),
        ("add", "paste", None, "import_list", "export_list", None, "settings", None, "quit"),
    ),
    (
        QT_TRANSLATE_NOOP("Actions", "&Downloads"),
        (
            "resume",
            "pause",
            "retry",
            "cancel",
            "change_url",
            "change_credentials",
            None,
            "resume_all",
            "pause_all",
            None,
            "remove",
            "remove_delete",
            "clear_finished",
            None,
            "move_up",
            "move_down",
            None,
            "open_file",
            "open_folder",
            "copy_url",
            "properties",
        ),
    ),
    (QT_TRANSLATE_NOOP("Actions", "&View"), ("queue_order", None, "statistics")),
    (QT_TRANSLATE_NOOP("Actions", "&Tools"), ("verify_files", "find_checksum")),
)

CONTEXT_MENU: tuple[str | None, ...] = (
    "open_file",
    "open_folder",
    None,
    "resume",
    "pause",
    "retry",
    "cancel",
    "change_url",
    "change_credentials",
    None,
    "move_up",
    "move_down",
    None,
    "copy_url",
    None,
    "remove",
    "remove_delete",
    None,
    "properties",
)
