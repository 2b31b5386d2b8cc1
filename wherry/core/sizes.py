"""Byte counts in the sentences the engine writes and on the command line.

IEC units (KiB, MiB, GiB: powers of 1024) with one decimal, as QLocale's ``DataSizeIecFormat``
writes them in the window (ui/columns.py), so a file shows the same size in both.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["human_size"]

_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def human_size(n: int | float) -> str:
    value = float(n)
    for unit in _UNITS:
        if abs(value) < 1024 or unit == _UNITS[-1]:
            if unit == "bytes":
                return f"{int(value)} bytes" if int(value) != 1 else "1 byte"
            # Qt rounds an exact half up (2304 bytes is "2.3 KiB"); Python's format would round
            # it to even ("2.2 KiB"), so round the exact binary value the way Qt does.
            return f"{Decimal(value).quantize(Decimal('0.1'), ROUND_HALF_UP)} {unit}"
        value /= 1024
    raise AssertionError("unreachable")
