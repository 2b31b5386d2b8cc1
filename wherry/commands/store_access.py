"""What every headless command does first: open the user's job store, or say in one line why not."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from wherry.core.errors import StoreError

if TYPE_CHECKING:
    from wherry.headless import SqliteRepository

__all__ = ["open_user_store", "say"]


def say(text: str) -> None:
    """One line for the person at the terminal, on stderr so output to a pipe stays clean."""
    print(f"wherry: {text}", file=sys.stderr, flush=True)


def open_user_store() -> SqliteRepository | None:
    """The user's store, or None after saying why it cannot be used (and any notice about it)."""
    from wherry.headless import open_repository

    try:
        repository, notice = open_repository()
    except StoreError as error:
        say(error.message)
        return None
    if notice:
        say(notice)
    return repository
