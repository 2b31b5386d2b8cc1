"""The window's colours follow the desktop's light or dark scheme, also when it changes.

Qt 6.5+ reports the scheme (``QStyleHints.colorScheme``) but not every platform theme hands a
matching palette to every style, so a dark desktop could get a light Wherry. When the palette
in use disagrees with the scheme, a palette of the right kind is applied; when it already
agrees, nothing is touched (the desktop's own colours win).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

__all__ = ["ColorSchemeFollower", "apply_color_scheme", "dark_palette", "is_dark"]

_R = QPalette.ColorRole


def is_dark(palette: QPalette) -> bool:
    return palette.color(_R.Window).lightness() < 128


def dark_palette() -> QPalette:
    """A dark palette with the contrasts of the light one: text on base, highlight, links."""
    palette = QPalette()
    colors = {
        _R.Window: "#2b2d30",
        _R.WindowText: "#e6e6e6",
        _R.Base: "#1e1f22",
        _R.AlternateBase: "#26282b",
        _R.ToolTipBase: "#3c3f41",
        _R.ToolTipText: "#e6e6e6",
        _R.PlaceholderText: "#8c8f94",
        _R.Text: "#e6e6e6",
        _R.Button: "#35373b",
        _R.ButtonText: "#e6e6e6",
        _R.BrightText: "#ff6b6b",
        _R.Light: "#46494d",
        _R.Midlight: "#3c3f43",
        _R.Mid: "#2f3134",
        _R.Dark: "#1b1c1e",
        _R.Shadow: "#000000",
        _R.Highlight: "#3d7bd9",
        _R.HighlightedText: "#ffffff",
        _R.Link: "#78aef5",
        _R.LinkVisited: "#b48ef0",
    }
    for role, name in colors.items():
        palette.setColor(role, QColor(name))
    for role in (_R.WindowText, _R.Text, _R.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7d82"))
    return palette


def apply_color_scheme(app: QGuiApplication, scheme: Qt.ColorScheme) -> bool:
    """Give ``app`` a palette that matches ``scheme``; True when it changed anything."""
    if scheme == Qt.ColorScheme.Unknown:
        return False
    want_dark = scheme == Qt.ColorScheme.Dark
    if is_dark(app.palette()) == want_dark:
        return False
    if want_dark:
        app.setPalette(dark_palette())
    else:
        # The style's own light colours, not an empty QPalette (which some styles draw grey).
        style = getattr(app, "style", None)
        app.setPalette(style().standardPalette() if style is not None else QPalette())
    return True


class ColorSchemeFollower(QObject):
    """Applies the scheme at start and whenever the desktop switches between light and dark."""

    def __init__(self, app: QGuiApplication) -> None:
        super().__init__(app)
        self._app = app
        hints = app.styleHints()
        hints.colorSchemeChanged.connect(self.apply)
        self.apply(hints.colorScheme())

    def apply(self, scheme: Qt.ColorScheme) -> None:
        apply_color_scheme(self._app, scheme)
