"""Wherry's own icon and the toolbar's icons: the desktop theme's when it has them, else drawn."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QLinearGradient, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

__all__ = ["action_icon", "app_icon"]

_SP = QStyle.StandardPixmap

# action name → (freedesktop icon name, Qt's built-in fallback; None: drawn here)
_ACTION_ICONS: dict[str, tuple[str, QStyle.StandardPixmap | None]] = {
    "add": ("list-add", None),
    "paste": ("edit-paste", None),
    "resume": ("media-playback-start", _SP.SP_MediaPlay),
    "pause": ("media-playback-pause", _SP.SP_MediaPause),
    "resume_all": ("media-seek-forward", _SP.SP_MediaSeekForward),
    "pause_all": ("media-playback-pause", _SP.SP_MediaPause),
    "cancel": ("process-stop", _SP.SP_MediaStop),
    "retry": ("view-refresh", _SP.SP_BrowserReload),
    "remove": ("edit-delete", _SP.SP_TrashIcon),
    "remove_delete": ("edit-delete", _SP.SP_TrashIcon),
    "open_file": ("document-open", _SP.SP_FileIcon),
    "open_folder": ("folder-open", _SP.SP_DirOpenIcon),
    "copy_url": ("edit-copy", _SP.SP_FileLinkIcon),
    "move_up": ("go-up", _SP.SP_ArrowUp),
    "move_down": ("go-down", _SP.SP_ArrowDown),
    "properties": ("document-properties", _SP.SP_FileDialogInfoView),
    "change_url": ("insert-link", _SP.SP_FileLinkIcon),
    "change_credentials": ("dialog-password", _SP.SP_DialogYesButton),
    "verify_files": ("security-high", _SP.SP_DialogApplyButton),
    "find_checksum": ("edit-find", _SP.SP_FileDialogContentsView),
    "settings": ("preferences-system", None),
    "quit": ("application-exit", _SP.SP_DialogCloseButton),
}

_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def action_icon(name: str) -> QIcon:
    theme_name, fallback = _ACTION_ICONS.get(name, ("", None))
    icon = QIcon.fromTheme(theme_name) if theme_name else QIcon()
    if not icon.isNull():
        return icon
    if fallback is not None:
        return QApplication.style().standardIcon(fallback)
    return _drawn(_paint_gear if name == "settings" else _paint_plus)


def app_icon() -> QIcon:
    """A teal rounded square with an arrow into a tray (the same drawing as resources/wherry.svg)."""
    return _drawn(_paint_app)


def _drawn(paint) -> QIcon:
    icon = QIcon()
    for size in _SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(size / 64, size / 64)
        paint(painter)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def _paint_plus(painter: QPainter) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#2f855a"))
    painter.drawEllipse(QRectF(6, 6, 52, 52))
    painter.setBrush(QColor("white"))
    painter.drawRoundedRect(QRectF(29, 16, 6, 32), 2, 2)
    painter.drawRoundedRect(QRectF(16, 29, 32, 6), 2, 2)


def _paint_gear(painter: QPainter) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#4a5568"))
    painter.translate(32, 32)
    for _ in range(8):
        painter.drawRoundedRect(QRectF(-5, -29, 10, 14), 2, 2)
        painter.rotate(45)
    gear = QPainterPath()
    gear.addEllipse(QPointF(0, 0), 20, 20)
    gear.addEllipse(QPointF(0, 0), 8, 8)  # the hole (odd-even fill)
    painter.drawPath(gear)


def _paint_app(painter: QPainter) -> None:
    gradient = QLinearGradient(QPointF(0, 0), QPointF(0, 64))
    gradient.setColorAt(0, QColor("#14b8a6"))
    gradient.setColorAt(1, QColor("#0f766e"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(gradient)
    painter.drawRoundedRect(QRectF(2, 2, 60, 60), 14, 14)
    white = QPen(
        QColor("white"), 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
    )
    painter.setPen(white)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawLine(QPointF(32, 12), QPointF(32, 38))
    arrow = QPainterPath()
    arrow.moveTo(21, 28)
    arrow.lineTo(32, 39)
    arrow.lineTo(43, 28)
    painter.drawPath(arrow)
    tray = QPainterPath()
    tray.moveTo(14, 40)
    tray.lineTo(14, 50)
    tray.lineTo(50, 50)
    tray.lineTo(50, 40)
    painter.drawPath(tray)
