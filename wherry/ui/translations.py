"""Wherry's own translations and Qt's, loaded for the user's language.

The translations live beside this module in ``i18n/``: ``wherry_LANG.ts`` is the source people
edit (with Qt Linguist or any text editor), ``wherry_LANG.qm`` the compiled file Qt loads.
``docs/translations.py`` refreshes both from the code.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

__all__ = ["I18N_DIR", "available_languages", "install_translators", "remove_translators"]

I18N_DIR = Path(__file__).with_name("i18n")


def available_languages() -> list[str]:
    """The languages Wherry ships a translation for, as ``de``-style codes."""
    return sorted(path.stem.removeprefix("wherry_") for path in I18N_DIR.glob("wherry_*.qm"))


def install_translators(app: QCoreApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """Install Wherry's and Qt's translations for ``locale`` (the system's by default).

    Returns the installed translators (none for English or a language without a translation).
    Qt's own file covers its standard buttons and dialogs (Cancel, Open…).
    """
    locale = locale if locale is not None else QLocale.system()
    installed = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, directory in (("wherry", str(I18N_DIR)), ("qtbase", qt_dir)):
        translator = QTranslator(app)
        # Tries each of the locale's UI languages in turn: wherry_de_DE.qm, wherry_de.qm, …
        if translator.load(locale, name, "_", directory) and app.installTranslator(translator):
            installed.append(translator)
        else:
            translator.deleteLater()
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
        translator.deleteLater()
