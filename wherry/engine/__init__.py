"""The download engine: asyncio + aiohttp, Qt-free and store-free (it is handed ports)."""

from wherry.engine.engine import Engine, validate_url
from wherry.engine.naming import sanitize_filename

__all__ = ["Engine", "sanitize_filename", "validate_url"]
