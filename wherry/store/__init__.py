"""The job store: jobs, their history and the settings in one SQLite file (peewee inside).

repo, notice = open_store(path)   # notice: a sentence when a damaged file was set aside
"""

from wherry.store.ledger import TransferLedger
from wherry.store.repository import SqliteRepository, open_store

__all__ = ["SqliteRepository", "TransferLedger", "open_store"]
