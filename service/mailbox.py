"""One mailbox, one signature: the key that recognises a second signature from the same
mailbox, whatever way its address was written. Mail still goes to the address as typed."""

from __future__ import annotations

# Gmail ignores dots in the local part, and googlemail.com is the same service.
GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def mailbox_key(address: str) -> str:
    """`address` (already checked: forms.normalise_email) as the mailbox it reaches: lower
    case, without a `+tag` suffix, and for Gmail without dots, on gmail.com."""
    local, _, domain = address.rpartition("@")
    local, domain = local.lower(), domain.lower()
    base = local.split("+", 1)[0]
    if base:  # "+tag@…" alone is an address of its own, not a tag
        local = base
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", "") or local, "gmail.com"
    return f"{local}@{domain}"
