"""Which system libraries a Qt platform plugin needs, and which of them cannot be loaded here.

The plugin's ELF dynamic section lists what it links against (DT_NEEDED). Each name found in
Qt's own library folder is followed into that library; every other name is a system library
and is loaded with ``dlopen`` exactly as the dynamic loader will load it for Qt, so a missing,
broken or hidden library is found for what it is instead of being guessed from Qt's message.
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Iterable
from pathlib import Path

__all__ = ["FAMILIES", "missing_libraries", "needed", "packages_for"]

_SHT_DYNAMIC = 6
_DT_NEEDED = 1

# Families in the order sentences name them; a family is picked from /etc/os-release ID/ID_LIKE.
FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Debian/Ubuntu", ("debian", "ubuntu")),
    ("Fedora", ("fedora", "rhel", "centos")),
    ("Arch", ("arch",)),
)

# soname → package per family (Debian/Ubuntu, Fedora, Arch): the libraries Qt's xcb and Wayland
# plugins link against that fresh desktop installs are known to lack.
_PACKAGES: dict[str, tuple[str, str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "xcb-util"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libx11"),
    "libX11.so.6": ("libx11-6", "libX11", "libx11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "freetype2"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client", "wayland"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor", "wayland"),
    "libwayland-egl.so.1": ("libwayland-egl1", "libwayland-egl", "wayland"),
}
for _name in ("randr", "shm", "sync", "xfixes", "render", "shape", "xkb", "xinerama", "xinput", "glx"):
    _PACKAGES[f"libxcb-{_name}.so.0"] = (f"libxcb-{_name}0", "libxcb", "libxcb")
_PACKAGES["libxcb-xkb.so.1"] = ("libxcb-xkb1", "libxcb", "libxcb")
_PACKAGES["libxcb-sync.so.1"] = ("libxcb-sync1", "libxcb", "libxcb")
_PACKAGES["libxcb.so.1"] = ("libxcb1", "libxcb", "libxcb")


def needed(path: Path) -> list[str]:
    """The DT_NEEDED names of a 64- or 32-bit little-endian ELF file, in link order."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[5] != 1:
        raise ValueError(f"{path} is not a little-endian ELF file")
    wide = data[4] == 2
    if wide:
        (shoff,) = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        section, entry = "<IIQQQQIIQQ", "<qQ"
    else:
        (shoff,) = struct.unpack_from("<I", data, 0x20)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x2E)
        section, entry = "<IIIIIIIIII", "<iI"
    headers = [struct.unpack_from(section, data, shoff + i * shentsize) for i in range(shnum)]
    names: list[str] = []
    for header in headers:
        if header[1] != _SHT_DYNAMIC:
            continue
        offset, size, link = header[4], header[5], header[6]
        strings_offset = headers[link][4]
        step = struct.calcsize(entry)
        for at in range(offset, offset + size, step):
            tag, value = struct.unpack_from(entry, data, at)
            if tag == 0:
                break
            if tag == _DT_NEEDED:
                end = data.index(b"\0", strings_offset + value)
                names.append(data[strings_offset + value : end].decode())
    return names


def _loads(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def missing_libraries(plugin: Path, qt_libraries: Iterable[Path]) -> list[str]:
    """System libraries ``plugin`` needs, directly or through Qt's own libraries, that will not load."""
    folders = list(qt_libraries)
    missing: list[str] = []
    seen: set[str] = set()
    pending = [plugin]
    while pending:
        for name in needed(pending.pop()):
            if name in seen:
                continue
            seen.add(name)
            bundled = next((folder / name for folder in folders if (folder / name).is_file()), None)
            if bundled is not None:
                pending.append(bundled)
            elif not _loads(name):
                missing.append(name)
    return missing


def _family_index(os_release: str) -> int | None:
    words: set[str] = set()
    for line in os_release.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            words.update(value.strip().strip('"').lower().split())
    for index, (_, ids) in enumerate(FAMILIES):
        if words & set(ids):
            return index
    return None


def packages_for(libraries: Iterable[str], os_release: str = "") -> str:
    """'libxcb-cursor0 on Debian/Ubuntu, xcb-util-cursor on Fedora, xcb-util-cursor on Arch' —
    the family this system belongs to first."""
    libraries = list(libraries)
    order = list(range(len(FAMILIES)))
    mine = _family_index(os_release)
    if mine is not None:
        order.insert(0, order.pop(mine))
    parts = []
    for index in order:
        names = [
            _PACKAGES[lib][index] if lib in _PACKAGES else f"the package providing {lib}" for lib in libraries
        ]
        parts.append(f"{' '.join(dict.fromkeys(names))} on {FAMILIES[index][0]}")
    return ", ".join(parts[:-1]) + " or " + parts[-1]
