"""Refresh the translations from the code: lupdate the .ts files, then lrelease them into .qm.

    python docs/translations.py            # update wherry/ui/i18n/wherry_*.ts and compile them
    python docs/translations.py --release  # only compile the .ts files into .qm

Both tools come with PySide6-Essentials (``PySide6/lupdate`` and ``PySide6/lrelease``; the
wheel has no ``pyside6-lupdate`` script). Where they are missing, Debian's ``qt6-l10n-tools``
package provides the same lupdate and lrelease. To add a language, copy ``wherry_de.ts`` to
``wherry_LANG.ts``, set its ``language`` attribute, translate, and run this script.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import PySide6

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "wherry" / "ui" / "i18n"
# Where user-visible text is written; the engine's sentences are shared with the command line
# and stay English.
SOURCES = sorted((ROOT / "wherry" / "ui").glob("*.py"))


def tool(name: str) -> str:
    bundled = Path(PySide6.__file__).with_name(name)
    if bundled.exists():
        return str(bundled)
    for candidate in (f"pyside6-{name}", name, f"/usr/lib/qt6/bin/{name}"):
        found = shutil.which(candidate)
        if found:
            return found
    sys.exit(f"{name} was not found; install PySide6-Essentials or Debian's qt6-l10n-tools.")


def update(ts_files: list[Path]) -> None:
    for ts in ts_files:
        relative = [str(path.relative_to(ROOT)) for path in SOURCES]
        subprocess.run(
            [
                tool("lupdate"),
                "-locations",
                "none",
                "-no-obsolete",
                *relative,
                "-ts",
                str(ts.relative_to(ROOT)),
            ],
            cwd=ROOT,
            check=True,
        )


def release(ts_files: list[Path]) -> None:
    for ts in ts_files:
        subprocess.run([tool("lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", action="store_true", help="only compile the .ts files")
    args = parser.parse_args()
    ts_files = sorted(I18N.glob("wherry_*.ts"))
    if not args.release:
        update(ts_files)
    release(ts_files)


if __name__ == "__main__":
    main()
