"""Headless subcommands: each module has ``register(subparsers)`` and ``run(args) -> int``.

Modules here import only the standard library at load time so ``wherry … --help`` stays fast.
"""

__all__ = ["HELPER_FLAG"]

# Not for people: ``wherry get`` starts Wherry with this alone to share a long list (get_share.py).
HELPER_FLAG = "--list-helper"
