"""Adding what is already there: a URL already in the list, or a finished file of that name.

Wherry asks instead of silently saving ``name (1)``: open the existing one, download again
under a new name, or replace it. Finding the duplicates and carrying out the answer are plain
functions; :class:`DuplicatePrompt` is the question.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from wherry.core import AddRequest, Job, JobState

__all__ = [
    "Choice",
    "Duplicate",
    "DuplicatePrompt",
    "Resolution",
    "find_duplicates",
    "free_name",
    "resolve",
]


class Choice(Enum):
    OPEN = "open"  # show the existing download (or file) and add nothing
    RENAME = "rename"  # download again under a new, free name
    REPLACE = "replace"  # take the old entry out and overwrite its file once the new one is complete
    CANCEL = "cancel"  # add none of the duplicates


@dataclass(frozen=True)
class Duplicate:
    """A request that repeats a job in the list (``job``) or a file on disk (``path``)."""

    request: AddRequest
    name: str  # the file name the request would get
    job: Job | None = None
    path: Path | None = None


def _url_name(url: str) -> str:
    tail = PurePosixPath(unquote(urlsplit(url).path)).name
    return tail or urlsplit(url).hostname or "download"


def _same_url(a: str, b: str) -> bool:
    # The fragment never reaches the server, so "x#top" and "x" are the same download.
    return a.split("#", 1)[0].strip() == b.split("#", 1)[0].strip()


def find_duplicates(
    requests: Sequence[AddRequest],
    jobs: Sequence[Job],
    exists: Callable[[Path], bool] = os.path.lexists,
) -> list[Duplicate]:
    """The requests that repeat a listed job (same URL, not cancelled) or a finished file."""
    found: list[Duplicate] = []
    for request in requests:
        if request.overwrite:
            continue  # the caller already chose to replace
        job = next(
            (j for j in jobs if j.state is not JobState.CANCELLED and _same_url(j.url, request.url)),
            None,
        )
        name = request.filename or (job.filename if job is not None and job.filename else None)
        name = name or _url_name(request.url)
        path = Path(request.directory, name)
        on_disk = path if exists(path) else None
        if job is not None or on_disk is not None:
            found.append(Duplicate(request, name, job, on_disk))
    return found


def _numbered(name: str, n: int) -> str:
    path = PurePosixPath(name)
    suffixes = "".join(path.suffixes[-2:]) if path.suffixes[-2:-1] == [".tar"] else path.suffix
    stem = name[: len(name) - len(suffixes)] if suffixes else name
    return f"{stem} ({n}){suffixes}"


def free_name(
    directory: str, name: str, taken: Collection[str] = (), exists: Callable[[Path], bool] = os.path.lexists
) -> str:
    """``name (1).ext``, ``name (2).ext``… — the first not on disk (nor its .part) and not taken."""
    for n in range(1, 10_000):
        candidate = _numbered(name, n)
        path = Path(directory, candidate)
        if candidate not in taken and not exists(path) and not exists(Path(directory, candidate + ".part")):
            return candidate
    raise ValueError(f"no free name for {name} in {directory}")


@dataclass(frozen=True)
class Resolution:
    """What to do after the answer: requests to add, jobs to take out of the list first, jobs
    or files to show."""

    add: tuple[AddRequest, ...] = ()
    remove: tuple[str, ...] = ()
    show_jobs: tuple[str, ...] = ()
    show_files: tuple[Path, ...] = ()


def resolve(duplicates: Sequence[Duplicate], choice: Choice, jobs: Sequence[Job]) -> Resolution:
    """Carry ``choice`` out for every one of ``duplicates``."""
    if choice is Choice.CANCEL:
        return Resolution()
    if choice is Choice.OPEN:
        return Resolution(
            show_jobs=tuple(d.job.id for d in duplicates if d.job is not None),
            show_files=tuple(d.path for d in duplicates if d.job is None and d.path is not None),
        )
    if choice is Choice.RENAME:
        taken = {j.filename for j in jobs if j.filename and j.state is not JobState.CANCELLED}
        added = []
        for d in duplicates:
            name = free_name(d.request.directory, d.name, taken)
            taken.add(name)
            added.append(replace(d.request, filename=name))
        return Resolution(add=tuple(added))
    # REPLACE: the old file stays until the new one is complete; overwrite swaps it atomically.
    return Resolution(
        add=tuple(replace(d.request, filename=d.name, overwrite=True) for d in duplicates),
        remove=tuple(d.job.id for d in duplicates if d.job is not None),
    )


class DuplicatePrompt(QMessageBox):
    """Asks what to do with one or more duplicates; :meth:`choice` holds the answer once finished."""

    def __init__(self, duplicates: Sequence[Duplicate], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicate_prompt")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(self.tr("Already downloaded"))
        self.duplicates = list(duplicates)
        first = self.duplicates[0]
        if len(self.duplicates) == 1:
            if first.job is not None:
                text = self.tr("“{name}” is already in the list.").format(name=first.name)
            else:
                text = self.tr("A file named “{name}” is already in {folder}.").format(
                    name=first.name, folder=first.request.directory
                )
        else:
            text = self.tr("{count} of these downloads are already in the list or on disk.").format(
                count=len(self.duplicates)
            )
        self.setText(text)
        self.setInformativeText(
            self.tr(
                "Download again keeps both, saving the new one under a numbered name. "
                "Replace overwrites the old file once the new download is complete."
            )
        )
        self.buttons_by_choice: dict[Choice, QAbstractButton] = {
            Choice.OPEN: self.addButton(self.tr("Open Existing"), QMessageBox.ButtonRole.AcceptRole),
            Choice.RENAME: self.addButton(self.tr("Download Again"), QMessageBox.ButtonRole.AcceptRole),
            Choice.REPLACE: self.addButton(self.tr("Replace"), QMessageBox.ButtonRole.DestructiveRole),
            Choice.CANCEL: self.addButton(QMessageBox.StandardButton.Cancel),
        }
        self.setDefaultButton(self.buttons_by_choice[Choice.OPEN])  # type: ignore[arg-type]
        self.setEscapeButton(self.buttons_by_choice[Choice.CANCEL])

    def choice(self) -> Choice:
        clicked = self.clickedButton()
        for choice, button in self.buttons_by_choice.items():
            if button is clicked:
                return choice
        return Choice.CANCEL
