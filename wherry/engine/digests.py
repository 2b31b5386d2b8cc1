"""What a server says its file's digest is: RFC 9530 ``Repr-Digest`` or RFC 3230 ``Digest``.

Mirrors are compared by these before their bytes are mixed in. Two announcements disagree only
when they give the same algorithm different values; a different spelling of the same digest
(``sha-256=:…:`` against ``SHA-256=…``), or no algorithm in common, is no evidence of another file.
"""

from __future__ import annotations

import base64
import binascii

__all__ = ["announced_digests", "digests_disagree"]


def announced_digests(value: str | None) -> dict[str, bytes]:
    """Algorithm (lower case) to digest bytes; members that cannot be read are left out."""
    found: dict[str, bytes] = {}
    if not value:
        return found
    # Base64 has no commas, so splitting on them is safe for both fields.
    for member in value.split(","):
        name, eq, raw = member.partition("=")
        name = name.strip().lower()
        # RFC 9530 members may carry parameters after ';'; a byte sequence sits between colons.
        raw = raw.split(";", 1)[0].strip()
        if len(raw) >= 2 and raw.startswith(":") and raw.endswith(":"):
            raw = raw[1:-1]
        if not eq or not name or not raw:
            continue
        try:
            digest = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            continue
        if digest:
            found[name] = digest
    return found


def digests_disagree(first: str | None, second: str | None) -> bool:
    """Do two announcements name the same algorithm with different values?"""
    a, b = announced_digests(first), announced_digests(second)
    return any(a[name] != b[name] for name in a.keys() & b.keys())
