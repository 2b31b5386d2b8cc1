"""The download engine: asyncio + aiohttp, Qt-free and store-free (it is handed ports)."""

from wherry.engine.engine import Engine, validate_url

__all__ = ["Engine", "validate_url"]
