"""Wherry: a download manager whose downloads are never lost and never wrong."""

__version__ = "0.1.0"
