#!/usr/bin/env bash
# Build the one-folder bundle dist/wherry/ with PyInstaller (pinned in the `bundle` extra).
# Usage: packaging/build-bundle.sh [PYTHON]   (default: .venv/bin/python, created if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-.venv/bin/python}
[ -x "$python" ] || python3 -m venv .venv
"$python" -m pip install -q -e '.[bundle]'
rm -rf build/bundle dist/wherry
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/bundle packaging/wherry.spec
du -sh dist/wherry
