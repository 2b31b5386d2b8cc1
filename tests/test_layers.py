"""The layering rules of docs/ARCHITECTURE.md, read from every module's imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "wherry"

# For each layer: first-party packages it may import (with everything under them), single
# first-party modules it may import, and third-party top-level packages.
RULES: dict[str, tuple[set[str], set[str], set[str]]] = {
    "wherry.core": ({"wherry.core"}, set(), set()),
    # engine may read checksum files with verify's parser (standard library only, no Qt).
    "wherry.engine": (
        {"wherry.core", "wherry.engine"},
        {"wherry", "wherry.verify.checksum_files"},
        {"aiohttp", "aiohttp_socks", "python_socks", "multidict", "yarl"},
    ),
    "wherry.store": ({"wherry.core", "wherry.store"}, set(), {"peewee", "playhouse"}),
    "wherry.verify": ({"wherry.core", "wherry.verify"}, set(), set()),
    "wherry.verify.service": ({"wherry.core", "wherry.verify"}, set(), {"PySide6", "qasync"}),
    "wherry.ui": (
        {"wherry.core", "wherry.ui"},
        {"wherry", "wherry.paths", "wherry.verify.service"},
        {"PySide6", "qasync"},
    ),
    # Remote control talks to the engine's public package only, like the window does.
    "wherry.remote": (
        {"wherry.core", "wherry.remote", "wherry.verify.metalink"},
        {"wherry", "wherry.engine"},
        {"aiohttp"},
    ),
    "wherry.commands": (
        {"wherry.core", "wherry.commands", "wherry.engine", "wherry.verify", "wherry.remote"},
        {"wherry", "wherry.headless", "wherry.paths"},
        set(),
    ),
    # Desktop registration and start-up checks: before any window exists, so no ui and no engine.
    "wherry.desktop": ({"wherry.desktop"}, set(), {"PySide6"}),
    # The library surface: thin front doors over the headless composition root.
    "wherry.library": (
        {"wherry.core", "wherry.engine", "wherry.library"},
        {"wherry", "wherry.headless", "wherry.paths"},
        set(),
    ),
    "wherry.api": ({"wherry.core", "wherry.library"}, {"wherry"}, set()),
    "wherry.compat": ({"wherry.core"}, {"wherry", "wherry.api"}, set()),
    "wherry.integrations": ({"wherry.core"}, {"wherry", "wherry.api"}, {"celery", "kombu"}),
    # The headless composition root sees every layer but the window.
    "wherry.headless": (
        {"wherry.core", "wherry.engine", "wherry.store", "wherry.verify"},
        {"wherry", "wherry.paths"},
        set(),
    ),
}
FORBIDDEN_EVERYWHERE_BUT_UI = {"PySide6", "shiboken6", "qasync"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _layer_of(module: str) -> str | None:
    layers = [layer for layer in RULES if module == layer or module.startswith(layer + ".")]
    return max(layers, key=len, default=None)


def _allowed(name: str, layer: str) -> bool:
    packages, modules, third_party = RULES[layer]
    if name == "wherry" or name.startswith("wherry."):
        return name in modules or any(name == p or name.startswith(p + ".") for p in packages)
    top = name.split(".")[0]
    return top in sys.stdlib_module_names or top in third_party or top == "__future__"


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module_name(p))
def test_module_imports_only_what_its_layer_may(path):
    module = _module_name(path)
    layer = _layer_of(module)
    if layer is None:
        return  # the window's composition root (app), cli, __main__ and paths see every layer
    wrong = sorted(name for name in _imports(path) if not _allowed(name, layer))
    assert wrong == [], f"{module} ({layer}) must not import {wrong}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module_name(p))
def test_only_the_window_loads_qt(path):
    module = _module_name(path)
    # The start-up check asks QtCore where Qt's plugins are, before any QApplication exists.
    if module.startswith("wherry.ui") or module in (
        "wherry.app",
        "wherry.verify.service",
        "wherry.desktop.startup",
    ):
        return
    qt = {name for name in _imports(path) if name.split(".")[0] in FORBIDDEN_EVERYWHERE_BUT_UI}
    assert qt == set(), f"{module} imports {qt}"


def test_the_headless_path_loads_no_qt_module():
    probe = (
        "import sys, wherry.cli, wherry.headless, wherry.commands.get_run, wherry.commands.list, "
        "wherry.commands.verify, wherry.commands.find, wherry.verify, wherry.engine, wherry.store, "
        "wherry.commands.serve_run, wherry.remote\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'qasync')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_get_help_imports_neither_aiohttp_nor_peewee():
    probe = (
        "import sys\nfrom wherry.cli import main\n"
        "try:\n    main(['get', '--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('aiohttp', 'peewee', 'PySide6')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy), file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert "usage: wherry get" in result.stdout
    assert result.stderr.strip() == "[]"


def test_import_wherry_loads_neither_aiohttp_nor_peewee_nor_qt():
    probe = (
        "import sys, wherry\n"
        "assert callable(wherry.__getattr__)\n"
        "heavy = ('aiohttp', 'peewee', 'PySide6', 'qasync')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_library_path_loads_no_qt_module_even_while_downloading(flaky_server, tmp_path):
    url = flaky_server.add("/lib.bin", b"library bytes" * 1000)
    probe = (
        "import sys, wherry, wherry.compat, wherry.integrations.celery\n"
        "result = wherry.download_sync(sys.argv[1], sys.argv[2])\n"
        "assert result.size == 13000, result\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'qasync')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, url, str(tmp_path / "lib.bin")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
