"""The window's actions and menus, as data: names, texts, shortcuts and where they appear."""

from __future__ import annotations

from dataclasses import dataclass

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
    ActionSpec("add", "&Add…", _K.New, "Add downloads"),
    ActionSpec("paste", "Add from C&lipboard", _K.Paste, "Add the URLs on the clipboard"),
    ActionSpec("resume", "&Resume", "Ctrl+R", "Resume the selected downloads"),
    ActionSpec("pause", "&Pause", "Ctrl+P", "Pause the selected downloads"),
    ActionSpec("resume_all", "Resume A&ll", "Ctrl+Shift+R", "Resume every paused download"),
    ActionSpec("pause_all", "Pause &All", "Ctrl+Shift+P", "Pause every download"),
    ActionSpec("retry", "Re&try", "F5", "Try the selected downloads again"),
    ActionSpec("change_url", "C&hange URL…", None, "Give a paused or failed download a new address"),
    ActionSpec("cancel", "&Cancel", "Ctrl+Shift+C", "Stop and discard the partial file"),
    ActionSpec("remove", "Re&move", _K.Delete, "Remove from the list and keep the file"),
    ActionSpec("remove_delete", "Remove and &Delete File", "Shift+Del", "Remove and delete the file"),
    ActionSpec("open_file", "&Open File", "Ctrl+O", "Open the downloaded file"),
    ActionSpec("open_folder", "Open Containing &Folder", "Ctrl+Shift+O", "Show the file's folder"),
    ActionSpec("copy_url", "Copy &URL", _K.Copy, "Copy the download addresses"),
    ActionSpec("move_up", "Move &Up", "Ctrl+Up", "Move earlier in the queue"),
    ActionSpec("move_down", "Move Do&wn", "Ctrl+Down", "Move later in the queue"),
    ActionSpec("properties", "Propert&ies", "Alt+Return", "Details of the selected download"),
    ActionSpec("queue_order", "&Queue Order", "Ctrl+0", "Show the downloads in queue order"),
    ActionSpec("verify_files", "&Verify Files…", "Ctrl+Shift+V", "Check files against checksum files"),
    ActionSpec("find_checksum", "&Find by Checksum…", "Ctrl+Shift+F", "Find files on disk by their digest"),
    ActionSpec("settings", "&Settings…", "Ctrl+,", "Change Wherry's settings"),
    ActionSpec(
        "clear_finished", "Clear &Finished", None, "Take finished downloads out of the list; files stay"
    ),
    ActionSpec("statistics", "S&tatistics…", None, "Downloads per day, savings and failures"),
    ActionSpec("export_list", "&Export List…", None, "Save the download list as JSON, aria2 input or URLs"),
    ActionSpec("import_list", "&Import List…", None, "Add the downloads listed in a file"),
    ActionSpec("quit", "&Quit", _K.Quit, "Pause downloads and quit"),
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
    ("&File", ("add", "paste", None, "import_list", "export_list", None, "settings", None, "quit")),
    (
        "&Downloads",
        (
            "resume",
            "pause",
            "retry",
            "cancel",
            "change_url",
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
    ("&View", ("queue_order", None, "statistics")),
    ("&Tools", ("verify_files", "find_checksum")),
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
