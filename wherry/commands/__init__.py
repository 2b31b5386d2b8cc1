"""Headless subcommands: each module has ``register(subparsers)`` and ``run(args) -> int``.

Modules here import only the standard library at load time so ``wherry … --help`` stays fast.
"""
