"""Adapters to other people's frameworks; each is imported only when asked for."""

__all__: list[str] = []
