"""Command-line entry: ``wherry [URL…]`` opens the window, ``wherry COMMAND …`` runs headless.

Each command lives in ``wherry.commands.<name>`` with ``register(subparsers)`` and
``run(args) -> int``; the heavy parts (aiohttp, peewee, Qt) are imported only inside ``run``
so ``wherry get --help`` starts fast and the headless path never loads Qt.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from wherry import __version__

__all__ = ["COMMANDS", "main"]

COMMANDS = ("get", "list", "replace", "verify", "find", "serve")


def _command_parser(names: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wherry",
        description="Wherry downloads files that are never lost and never wrong.",
        epilog="Run 'wherry' with no command (or with URLs) to open the window.",
    )
    parser.add_argument("--version", action="version", version=f"wherry {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in names:
        module = importlib.import_module(f"wherry.commands.{name}")
        module.register(subparsers)
    return parser


def _window_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wherry",
        description="Open the Wherry window, handing it any URLs or URL-list files given.",
        epilog=f"Headless commands: {', '.join(COMMANDS)} (see 'wherry COMMAND --help').",
    )
    parser.add_argument("--version", action="version", version=f"wherry {__version__}")
    parser.add_argument(
        "urls", nargs="*", metavar="URL", help="URLs, or .txt / .metalink files listing downloads"
    )
    parser.add_argument("--add", action="store_true", help="open the Add download dialog")
    desktop = parser.add_mutually_exclusive_group()
    desktop.add_argument(
        "--install-desktop",
        action="store_true",
        help="add Wherry to the applications menu for this user (under $XDG_DATA_HOME)",
    )
    desktop.add_argument(
        "--uninstall-desktop",
        action="store_true",
        help="remove exactly the menu entry, icons and AppStream file --install-desktop added",
    )
    return parser


def _desktop(install: bool) -> int:
    from wherry.desktop.install import DesktopInstallError
    from wherry.desktop.install import install as add
    from wherry.desktop.install import uninstall as remove

    try:
        done = add() if install else remove()
    except DesktopInstallError as error:
        print(f"wherry: {error}", file=sys.stderr)
        return 1
    if install:
        print(f"Wherry is in the applications menu now ({len(done.files)} files under {done.root}).")
    elif done.files or done.kept:
        print(f"Removed Wherry's {len(done.files)} desktop files from {done.root}.")
        for relative in done.kept:
            print(f"Kept {done.root / relative}: it changed since Wherry installed it.")
    else:
        print("Wherry's desktop files were not installed; nothing to remove.")
    return 0


def main(argv: Sequence[str]) -> int:
    argv = list(argv)
    if argv and argv[0] in COMMANDS:
        # Only the command asked for is imported: start-up stays fast.
        args = _command_parser([argv[0]]).parse_args(argv)
        module = importlib.import_module(f"wherry.commands.{args.command}")
        return int(module.run(args))
    if argv and argv[0] in ("-h", "--help"):
        _window_parser().print_help()
        print()
        _command_parser().print_help()
        return 0
    args = _window_parser().parse_args(argv)
    if args.install_desktop or args.uninstall_desktop:
        return _desktop(args.install_desktop)
    from wherry.desktop.startup import window_problem

    # Before Qt loads its platform plugin: Qt itself would abort with a core dump instead.
    problem = window_problem()
    if problem is not None:
        print(f"wherry: {problem}", file=sys.stderr)
        return 2
    from wherry.app import run_window

    return run_window(args.urls, add=args.add)
