"""Render resources/wherry.svg to the PNG sizes desktops look up (resources/icons/NxN/wherry.png).

The PNGs are committed, so installing Wherry never needs an SVG renderer; rerun this after
changing the SVG:  QT_QPA_PLATFORM=offscreen python packaging/render-icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def render(svg: Path, size: int, target: Path) -> None:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a readable SVG.")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target), "PNG"):
        raise SystemExit(f"Could not write {target}.")


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    for size in SIZES:
        render(RESOURCES / "wherry.svg", size, RESOURCES / "icons" / f"{size}x{size}" / "wherry.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
