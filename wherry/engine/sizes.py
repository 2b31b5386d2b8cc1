"""Byte counts in the sentences the engine writes (the window formats its own with QLocale)."""

from __future__ import annotations

__all__ = ["human_size"]

_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB")


def human_size(n: int | float) -> str:
    value = float(n)
    for unit in _UNITS:
        if abs(value) < 1024 or unit == _UNITS[-1]:
            if unit == "bytes":
                return f"{int(value)} bytes" if int(value) != 1 else "1 byte"
            return f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")
