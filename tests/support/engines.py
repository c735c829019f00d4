"""The engines the portal is built with in the tests, and what one of them cannot do yet.

Every gap is listed here with its reason (README.md, « Moteurs de construction », says the
same to campaigners): a test that meets one is skipped by name, never silently passed."""

from __future__ import annotations

import pytest

ENGINES = ("mkdocs", "zensical")

# engine -> {gap: reason}
GAPS: dict[str, dict[str, str]] = {
    "zensical": {},
}


def skip_gap(engine: str, gap: str) -> None:
    """Skip the running test under `engine` when it has `gap`, with the reason."""
    reason = GAPS.get(engine, {}).get(gap)
    if reason:
        pytest.skip(f"{engine} : {reason}")
