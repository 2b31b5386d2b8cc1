"""The download engine: asyncio + aiohttp, Qt-free and store-free (it is handed ports)."""

from wherry.engine.claims import RunClaims, claims_folder
from wherry.engine.engine import Engine
from wherry.engine.intake import validate_url
from wherry.engine.naming import sanitize_filename, unique_name

__all__ = ["Engine", "RunClaims", "claims_folder", "sanitize_filename", "unique_name", "validate_url"]
