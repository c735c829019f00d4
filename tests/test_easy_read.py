"""« L’essentiel, facile à lire »: every investigation and the petition open with it; it is
short and easy by the measures of macros/pages/easyread.py, shown first, labelled for screen
readers, printed, and found by search; `make check` names the file and line of a block
that is too hard."""

from __future__ import annotations

import subprocess

import pytest

from macros.pages.easyread import (
    HEADING,
    MAX_SENTENCE_WORDS,
    MAX_WORDS,
    MIN_KANDEL_MOLES,
    measure,
    page_problems,
    syllables,
    unexplained,
)
from macros.pages.frontmatter import split_front_matter
from support import portal
from support.browser import serve
from support.reader import run_query
from support.sites import FIXTURE_ARTICLE, ROOT, make_site, script

# The investigations and the petition, once written: make new-campaign's skeleton (« À
# REMPLIR ») has no block yet, and is refused at publication until it is written.
PAGES = [p for p in [*portal.investigations(), ROOT / "docs" / "agir" / "petition.md"]
         if "À REMPLIR" not in p.read_text(encoding="utf-8")]


def block_of(path):
    front, _ = split_front_matter(path.read_text(encoding="utf-8"), str(path))
    return front.meta.get("facile")


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_each_investigation_and_the_petition_has_an_easy_block_within_the_measures(path):
    text = block_of(path)
    assert text, f"{path} has no `facile:` block"
    found = measure(text)
    assert found.words <= MAX_WORDS
    assert found.words_per_sentence <= MAX_SENTENCE_WORDS
    assert found.kandel_moles >= MIN_KANDEL_MOLES
    assert unexplained(text) == []
    assert page_problems(path.read_text(encoding="utf-8"), str(path)) == []


def test_the_block_is_shown_first_and_labelled(site):
    for path in PAGES:
        url = path.relative_to(ROOT / "docs").with_suffix(".html").as_posix()
        article = site.article(url)
        first = article.find("h1").find_next_sibling()  # the title, then the block
        if "portal-untranslated" in first.get("class", []):  # hidden until the language
            first = first.find_next_sibling()  # switcher points at it (issue 29)
        if "petition-box" in first.get("class", []):  # the petition's count and sign link
            first = first.find_next_sibling()  # come first (a phone's first screen)
        assert first.name == "section" and "easy-read" in first["class"], (url, first)
        heading = first.find("h2")
        assert heading.get_text() == HEADING and first["aria-labelledby"] == heading["id"]
        shown = " ".join(first.get_text(" ").split())
        for sentence in block_of(path).split("\n")[:3]:
            assert " ".join(sentence.split()) in shown


def test_hard_words_are_measured_as_french_is_written():
    assert syllables("algorithme") == 3
    assert syllables("dématérialisation") == 7
    assert syllables("France") == 1 and syllables("quatre") == 1 and syllables("2025") == 1
    hard = ("Le recours généralisé à des traitements algorithmiques d’évaluation "
            "comportementale des demandeurs d’emploi constitue une transformation "
            "institutionnelle considérable de l’accompagnement.")
    assert measure(hard).kandel_moles < MIN_KANDEL_MOLES
    assert unexplained("Un algorithme calcule la note. Un algorithme est un programme.") == \
        ["algorithme"]
    assert unexplained("Le RSA (revenu de solidarité active) aide. Le RSA baisse.") == []
    numbers = [p.message for p in page_problems(
        "---\nfacile: Vous avez trois notes. Et 4 autres.\n---\n", "docs/x.md")]
    assert numbers == ["nombre écrit en lettres dans le bloc « facile à lire » : « trois »"]


@pytest.mark.browser
def test_the_block_is_a_region_printed_and_found_by_search(site, browser):
    with_block = [p for p in PAGES if p.parent.name in portal.DOSSIERS]
    if not with_block:
        pytest.skip("no investigation written yet (make new-campaign's skeleton)")
    path = with_block[0]
    url = path.relative_to(ROOT / "docs").with_suffix(".html").as_posix()
    # A sentence of its block, found by the search on that page first.
    query = max(block_of(path).replace("\n", " ").split(". "), key=len)
    with serve(site.dir) as base:
        page = browser.new_page()
        page.goto(base + url)
        region = page.get_by_role("region", name=HEADING)
        assert region.is_visible()
        page.emulate_media(media="print")
        assert region.is_visible()
        page.emulate_media(media="screen")
        page.goto(base + "rechercher.html")
        found = run_query(page, query)
        page.close()
    assert found and found[0].endswith(url), (query, found)


def test_make_check_names_the_file_and_line_of_a_hard_block(tmp_path):
    hard = ("Le recours généralisé à des traitements algorithmiques d’évaluation "
            "comportementale des demandeurs d’emploi constitue une transformation "
            "institutionnelle considérable de l’accompagnement proposé aux personnes.")
    article = FIXTURE_ARTICLE.replace('summary: "Résumé."',
                                      f'summary: "Résumé."\nfacile: "{hard}"')
    project = make_site(tmp_path, docs={"enquetes/une-enquete.md": article})
    result = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    code, out = result.returncode, result.stdout
    assert code == 1
    assert ("docs/enquetes/une-enquete.md:7: phrases trop longues dans le bloc « facile à "
            "lire » : 22.0 mots par phrase en moyenne (au plus 12)") in out
    assert "docs/enquetes/une-enquete.md:7: bloc « facile à lire » trop difficile : score de " \
        "Kandel-Moles" in out
