"""Addresses taken from content: only absolute http(s) URLs reach a page."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_web_url(value: str) -> bool:
    """Only absolute http(s) addresses, with no character that could leave an attribute."""
    if any(c in value for c in ' "\'<>`\\\n\t') or not value.isprintable():
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
