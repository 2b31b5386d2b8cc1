"""File-type icons for the Name column: the desktop theme's icon, or a drawn page with a coloured band."""

from __future__ import annotations

from PySide6.QtCore import QMimeDatabase, QMimeType, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

__all__ = ["FileIcons", "category_for"]

# Colours per broad file kind; picked to stay readable on light and dark palettes.
_COLORS: dict[str, str] = {
    "archive": "#b7791f",
    "image": "#2f855a",
    "video": "#c53030",
    "audio": "#6b46c1",
    "document": "#2b6cb0",
    "disk": "#4a5568",
    "program": "#dd6b20",
    "other": "#718096",
}

_ARCHIVE_WORDS = ("zip", "tar", "compressed", "archive", "rar", "7z", "xz", "bzip", "gzip", "zstd")
_DOCUMENT_WORDS = ("pdf", "document", "text", "msword", "spreadsheet", "presentation", "epub")
_PROGRAM_WORDS = ("executable", "x-msdos-program", "x-msi", "x-deb", "x-rpm", "appimage", "x-sharedlib")

_SIZES = (16, 24, 32, 48)


def category_for(mime: QMimeType) -> str:
    """The broad kind of a MIME type, which chooses the drawn icon's colour."""
    name = mime.name()
    top = name.split("/", 1)[0]
    if top in ("image", "video", "audio"):
        return top
    if "cd-image" in name or "disk-image" in name or name.endswith("iso9660-image"):
        return "disk"
    if any(word in name for word in _ARCHIVE_WORDS):
        return "archive"
    if any(word in name for word in _PROGRAM_WORDS):
        return "program"
    if top == "text" or any(word in name for word in _DOCUMENT_WORDS):
        return "document"
    return "other"


class FileIcons:
    """Icons keyed by file name, cached per MIME type so a thousand rows cost a handful of pixmaps."""

    def __init__(self) -> None:
        self._mime_db = QMimeDatabase()
        self._cache: dict[tuple[str, str], QIcon] = {}

    def icon_for(self, file_name: str) -> QIcon:
        mime = self._mime_db.mimeTypeForFile(file_name, QMimeDatabase.MatchMode.MatchExtension)
        suffix = file_name.rsplit(".", 1)[-1].upper() if "." in file_name else ""
        key = (mime.name(), suffix)
        icon = self._cache.get(key)
        if icon is None:
            icon = QIcon.fromTheme(mime.iconName())
            if icon.isNull():
                icon = QIcon.fromTheme(mime.genericIconName())
            if icon.isNull():
                icon = _drawn_icon(QColor(_COLORS[category_for(mime)]), suffix[:4])
            self._cache[key] = icon
        return icon


def _drawn_icon(color: QColor, label: str) -> QIcon:
    icon = QIcon()
    for size in _SIZES:
        icon.addPixmap(_drawn_page(size, color, label))
    return icon


def _drawn_page(size: int, color: QColor, label: str) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    margin = size * 0.12
    left, right = margin, size - margin
    top, bottom = size * 0.04, size - size * 0.04
    fold = size * 0.28
    page = QPainterPath()
    page.moveTo(left, top)
    page.lineTo(right - fold, top)
    page.lineTo(right, top + fold)
    page.lineTo(right, bottom)
    page.lineTo(left, bottom)
    page.closeSubpath()
    painter.setPen(QPen(QColor("#8a8f98"), max(1.0, size / 24)))
    painter.setBrush(QColor("#fdfdfd"))
    painter.drawPath(page)
    corner = QPainterPath()
    corner.moveTo(right - fold, top)
    corner.lineTo(right - fold, top + fold)
    corner.lineTo(right, top + fold)
    painter.setBrush(QColor("#d9dce1"))
    painter.drawPath(corner)
    band = QRectF(QPointF(left - size * 0.06, size * 0.52), QPointF(right + size * 0.06, size * 0.84))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRoundedRect(band, size * 0.05, size * 0.05)
    if label and size >= 24:
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, round(band.height() * 0.72)))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(band, Qt.AlignmentFlag.AlignCenter, label)
    painter.end()
    return pixmap
