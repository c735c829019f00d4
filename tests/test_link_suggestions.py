"""A broken link between pages gets, as its suggestion, the link to write in that very page
(relative to it, as MkDocs reads it), for a relative and for an absolute link alike: pasted
in place of the broken link, it passes `make check` and the strict build."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from support import portal
from support.sites import FIXTURE_ARTICLE, ROOT, make_site, mkdocs_build, script

SECOND = "enquetes/deuxieme-enquete.md"
SECOND_TEXT = FIXTURE_ARTICLE.replace('title: "Une enquête"', 'title: "Deuxième enquête"')

# (file, broken link as written, exact problem, the link suggested)
CASES = [
    (SECOND, "(une-enqute.md)",
     "docs/enquetes/deuxieme-enquete.md:13: lien vers une page introuvable : `une-enqute.md` "
     "— vouliez-vous dire `une-enquete.md` ?", "une-enquete.md"),
    (SECOND, "(/enquetes/une-enqute.md#notes-et-sources)",
     "docs/enquetes/deuxieme-enquete.md:15: lien absolu : `/enquetes/une-enqute.md#notes-et-"
     "sources` — vouliez-vous dire `une-enquete.md#notes-et-sources` ?",
     "une-enquete.md#notes-et-sources"),
    (SECOND, "(/sources.md)",
     "docs/enquetes/deuxieme-enquete.md:17: lien absolu : `/sources.md` — écrivez le lien "
     "relatif à la page : `../sources.md`", "../sources.md"),
    ("index.md", "(enquetes/une-enquete.md#un-fai)",
     "docs/index.md:9: ancre introuvable : `#un-fai` dans `enquetes/une-enquete.md` — "
     "vouliez-vous dire `enquetes/une-enquete.md#un-fait` ?", "enquetes/une-enquete.md#un-fait"),
    ("index.md", "(enquetes/deuxieme.md)",
     "docs/index.md:11: lien vers une page introuvable : `enquetes/deuxieme.md` — vouliez-vous "
     "dire `enquetes/deuxieme-enquete.md` ?", "enquetes/deuxieme-enquete.md"),
]


def check(project) -> tuple[int, str]:
    result = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout


def test_each_suggested_link_works_when_pasted(tmp_path):
    second = SECOND_TEXT + "\nVoir [la première](une-enqute.md).\n\nEt [ses notes]" \
        "(/enquetes/une-enqute.md#notes-et-sources).\n\nEt [les sources](/sources.md).\n"
    index = "---\ntitle: Accueil\n---\n\nBienvenue.\n\n## Un fait\n\nVoir [le fait]" \
        "(enquetes/une-enquete.md#un-fai).\n\nEt [la seconde](enquetes/deuxieme.md).\n"
    project = make_site(tmp_path, docs={SECOND: second, "index.md": index,
                                        "enquetes/une-enquete.md": FIXTURE_ARTICLE.replace(
                                            "\nUn fait", "\n## Un fait\n\nUn fait")})
    code, out = check(project)
    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith("docs/")]
    assert problems == [expected for _, _, expected, _ in CASES], out
    # Each suggestion, as printed, pasted in place of the broken link.
    for name, broken, expected, link in CASES:
        suggested = re.search(r"(?:vouliez-vous dire|à la page :) `([^`]+)`", expected)[1]
        assert suggested == link
        page = project / "docs" / name
        page.write_text(page.read_text(encoding="utf-8").replace(broken, f"({suggested})"),
                        encoding="utf-8")
    code, out = check(project)
    assert code == 0, out
    built = mkdocs_build(project, tmp_path / "site")
    assert built.ok, built.output
    html = (tmp_path / "site" / "enquetes" / "deuxieme-enquete.html").read_text(encoding="utf-8")
    assert 'href="une-enquete.html"' in html and 'href="../sources.html"' in html


def sibling_link() -> tuple[str, str, str]:
    """A page of a dossier with a link, written once, to another page of the same dossier:
    (its file, its dossier, the linked page's name), read from the portal's sources."""
    for dossier in portal.DOSSIERS:
        folder = ROOT / "docs" / dossier
        for page in sorted(folder.glob("*.md")):
            text = page.read_text(encoding="utf-8")
            for other in sorted(folder.glob("*.md")):
                if other != page and text.count(f"({other.name})") == 1:
                    return page.relative_to(ROOT).as_posix(), dossier, other.name
    raise AssertionError("no dossier page links to another page of its dossier")


PAGE, DOSSIER, TARGET = sibling_link()
TYPO = TARGET[:-6] + TARGET[-5:]  # a letter left out: `score-de-suspicon.md`


@pytest.mark.parametrize("typed, expected, suggested", [
    (f"({TYPO})",
     f"lien vers une page introuvable : `{TYPO}` — vouliez-vous dire `{TARGET}` ?", TARGET),
    (f"(/{DOSSIER}/{TYPO})",
     f"lien absolu : `/{DOSSIER}/{TYPO}` — vouliez-vous dire `{TARGET}` ?", TARGET),
    (f"(/{DOSSIER}/{TARGET})",
     f"lien absolu : `/{DOSSIER}/{TARGET}` — écrivez le lien relatif à la page : `{TARGET}`",
     TARGET),
])
def test_the_portal_own_page_gets_the_link_to_write_there(tmp_path, typed, expected,
                                                         suggested):
    """The mistake as it was made, in a copy of the portal: the suggestion is relative to
    the page (not a path from docs/), and pasted, `make check` passes."""
    project = tmp_path / "portail"
    project.mkdir()
    for name in ("docs", "bibliography", "data", "charts"):
        shutil.copytree(ROOT / name, project / name)
    for name in ("macros", "overrides"):
        (project / name).symlink_to(ROOT / name)
    (project / "mkdocs.yml").write_bytes((ROOT / "mkdocs.yml").read_bytes())
    page = project / PAGE
    text = page.read_text(encoding="utf-8")
    assert text.count(f"({TARGET})") == 1
    page.write_text(text.replace(f"({TARGET})", typed), encoding="utf-8")
    line = text[:text.index(f"({TARGET})")].count("\n") + 1
    code, out = check(project)
    assert code == 1
    assert f"{PAGE}:{line}: {expected}" in out.splitlines(), out
    page.write_text(text.replace(f"({TARGET})", f"({suggested})"),
                    encoding="utf-8")
    code, out = check(project)
    assert code == 0, out
