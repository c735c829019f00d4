"""README and CONTRIBUTING describe the repository as it is."""

import re

from scripts.new_campaign import already_converted
from support.sites import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_every_bib_file_named_exists_and_every_bib_file_is_named():
    named = set(re.findall(r"`([\w-]+\.bib)`", CONTRIBUTING))
    real = {path.name for path in (ROOT / "bibliography").glob("*.bib")}
    if already_converted(ROOT):  # a new campaign has only some of the guide's files yet
        assert real and real <= named
    else:
        assert named == real


def test_readme_links_nothing_outside_the_repository():
    for doc in (README, CONTRIBUTING):
        for target in re.findall(r"\]\(([^)\s]+)\)", doc) + re.findall(r"`(\.\./[^`]+)`", doc):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue
            resolved = (ROOT / target.split("#")[0]).resolve()
            assert resolved.is_relative_to(ROOT) and resolved.exists(), target
