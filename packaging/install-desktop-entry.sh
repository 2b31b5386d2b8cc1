#!/bin/sh
# Register Wherry with the desktop (menu entry and icon) for the current user.
# Run from a checkout after `pip install .`; pass --uninstall to undo.
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
apps="$data/applications"
icons="$data/icons/hicolor/scalable/apps"

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$apps/wherry.desktop" "$icons/wherry.svg"
else
    mkdir -p "$apps" "$icons"
    cp "$here/resources/wherry.desktop" "$apps/wherry.desktop"
    cp "$here/resources/wherry.svg" "$icons/wherry.svg"
fi
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$apps" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q "$data/icons/hicolor" || true
