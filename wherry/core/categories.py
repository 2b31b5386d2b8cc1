"""Categories: rules that pick a download's folder from its file name or its URL.

A rule has a name ("Video"), patterns and a folder. A pattern that starts with a dot is an
extension, matched against the end of the file name and allowed to hold wildcards (``.tar.*``
matches ``linux.tar.xz``); any other pattern is a URL glob matched anywhere in the URL
(``huggingface.co/*/resolve/``). The first rule with a matching pattern wins. A relative folder
lives inside the download folder, so categories never send a file outside the folder the user
chose unless the user wrote an absolute path in the rule.

Pure and standard library only: the window, the command line and any other front door that adds
a download without an explicit folder can ask it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:  # settings.py imports the default rules from here
    from wherry.core.settings import Settings

__all__ = [
    "DEFAULT_CATEGORY_RULES",
    "CategoryChoice",
    "CategoryRule",
    "choose_folder",
    "file_name_of",
    "folder_for",
    "matching_rule",
    "name_matches",
    "parse_rules",
    "rules_to_settings",
]


@dataclass(frozen=True)
class CategoryRule:
    """One category; ``patterns`` as the user wrote them, separated by spaces or commas."""

    name: str
    patterns: str
    folder: str

    def pattern_list(self) -> list[str]:
        return [p for p in self.patterns.replace(",", " ").split() if p]

    def matches(self, url: str, filename: str | None = None) -> bool:
        name = filename or file_name_of(url)
        for pattern in self.pattern_list():
            if pattern.startswith("."):
                if name and name_matches(name, [pattern]):
                    return True
            elif fnmatchcase(url.lower(), f"*{pattern.lower()}*"):
                return True
        return False


@dataclass(frozen=True)
class CategoryChoice:
    """Where a download goes, and the rule that said so (None: the download folder itself)."""

    directory: str
    rule: CategoryRule | None


# Stored in Settings as (name, patterns, folder) triples; relative folders sit inside the
# download folder. The order matters: the first match wins.
DEFAULT_CATEGORY_RULES: tuple[tuple[str, str, str], ...] = (
    ("Models", ".safetensors .gguf .ggml .ckpt .pt .pth .onnx", "Models"),
    ("Archives", ".zip .7z .rar .tar .tar.* .tgz .tbz2 .txz .gz .xz .bz2 .zst", "Archives"),
    ("Disk images", ".iso .img .img.* .qcow2 .vdi .vmdk", "Disk images"),
    ("Programs", ".deb .rpm .appimage .flatpak .snap .exe .msi .dmg .pkg .apk", "Programs"),
    ("Video", ".mp4 .mkv .webm .avi .mov .m4v .wmv .flv .mpg .mpeg", "Video"),
    ("Music", ".mp3 .flac .ogg .opus .m4a .wav .aac", "Music"),
    ("Pictures", ".jpg .jpeg .png .gif .webp .svg .tif .tiff .heic", "Pictures"),
    ("Documents", ".pdf .epub .djvu .doc .docx .odt .xls .xlsx .ods .ppt .pptx .odp", "Documents"),
)


def file_name_of(url: str) -> str:
    """The file name a URL's path ends with (percent-decoded), or "" when it ends in a folder."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    if not path or path.endswith("/"):
        return ""
    return unquote(PurePosixPath(path).name)


def name_matches(name: str, extensions: Iterable[str]) -> bool:
    """Whether ``name`` ends with one of ``extensions`` (".iso", ".tar.*"), ignoring case."""
    lowered = name.lower()
    for extension in extensions:
        extension = extension.strip().lower()
        if not extension:
            continue
        if not extension.startswith("."):
            extension = "." + extension
        # The stem must not be empty: ".zip" alone is a hidden file, not a zip archive.
        if fnmatchcase(lowered, f"?*{extension}"):
            return True
    return False


def parse_rules(stored: Iterable[Sequence[str]]) -> list[CategoryRule]:
    """Rules from their stored triples, skipping any that are malformed or have no pattern."""
    rules = []
    for item in stored:
        if len(item) != 3:
            continue
        name, patterns, folder = (str(part).strip() for part in item)
        rule = CategoryRule(name, patterns, folder)
        if name and folder and rule.pattern_list():
            rules.append(rule)
    return rules


def rules_to_settings(rules: Iterable[CategoryRule]) -> tuple[tuple[str, str, str], ...]:
    return tuple((rule.name, rule.patterns, rule.folder) for rule in rules)


def matching_rule(
    rules: Iterable[CategoryRule], url: str, filename: str | None = None
) -> CategoryRule | None:
    """The first rule that matches ``url`` (or ``filename``, when the user named the file)."""
    return next((rule for rule in rules if rule.matches(url, filename)), None)


def choose_folder(
    rules: Iterable[CategoryRule], url: str, download_dir: str, filename: str | None = None
) -> CategoryChoice:
    """The folder for a download that was given no folder of its own."""
    rule = matching_rule(rules, url, filename)
    if rule is None:
        return CategoryChoice(download_dir, None)
    folder = Path(rule.folder).expanduser()
    if not folder.is_absolute():
        folder = Path(download_dir, folder)
    return CategoryChoice(str(folder), rule)


def folder_for(
    settings: Settings, url: str, download_dir: str, filename: str | None = None
) -> CategoryChoice:
    """What ``choose_folder`` says under ``settings``: the download folder while categories are off."""
    if not settings.categories_enabled:
        return CategoryChoice(download_dir, None)
    return choose_folder(parse_rules(settings.category_rules), url, download_dir, filename)
