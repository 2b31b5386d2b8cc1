"""Byte counts in the engine's sentences: the one convention of ``wherry.core.sizes``."""

from __future__ import annotations

from wherry.core.sizes import human_size

__all__ = ["human_size"]
