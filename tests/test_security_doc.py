"""SECURITY.md names, for each promise, the tests that hold it: those tests exist, and the
French and English halves name the same ones."""

from __future__ import annotations

import re

from support.sites import ROOT

SECURITY = ROOT / "SECURITY.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def halves() -> tuple[str, str]:
    french, english = SECURITY.read_text(encoding="utf-8").split(
        "\n# Security of the portal and its signing service\n")
    return french, english


def test_every_test_named_in_security_md_exists():
    references = set(REFERENCE.findall(SECURITY.read_text(encoding="utf-8")))
    assert len(references) >= 15
    missing = [f"{path}::{name}" for path, name in sorted(references)
               if not re.search(rf"^def {name}\(", (ROOT / path).read_text(encoding="utf-8"),
                                re.M)]
    assert missing == []


def test_french_and_english_name_the_same_tests_and_sections():
    french, english = halves()
    assert REFERENCE.findall(french) == REFERENCE.findall(english)
    for heading in ("## Signaler une faille", "## Ce que nous protégeons, et contre qui",
                    "## Chaque promesse et le test qui la tient", "## L’exploitation",
                    "## Ce que nous ne protégeons pas"):
        assert heading in french
    for heading in ("## Reporting a flaw", "## What we protect, and from whom",
                    "## Each promise and the test that holds it", "## Operations",
                    "## What we do not protect"):
        assert heading in english
    for words in ("opinions", "reputation", "honesty", "keys"):
        assert words in english
