"""The rights letters of the real portal: one letter per printed sheet with no blank page
(Chromium's own PDF), recipients and their addresses from data/destinataires.yml with
sources, no placeholder left without a form field or a "to complete by hand" mark."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

import pypdf
import pytest

from common.config import LETTERS_DATA
from macros.action.letter_fields import load_letter_fields, parse_letter_fields
from macros.action.letters import BY_HAND
from macros.action.recipients import load_recipients, parse_recipients
from macros.floor.errors import ContentError
from support.browser import serve
from support.sites import ROOT, assert_fails_cleanly, leave_out_of_nav, make_site, mkdocs_build

PAGE = "agir/droits.html"
LETTER_FIXTURES = ROOT / "tests" / "fixtures" / "letters"
# The portal's letters page, if its campaign has one (make new-campaign leaves none).
has_letters = pytest.mark.skipif(not (ROOT / "docs" / "agir" / "droits.md").exists(),
                                 reason="this portal has no letters page (docs/agir/droits.md)")
LETTERS = ["lettre-acces", "lettre-algorithme", "lettre-motivation", "lettre-cada"]


def pdf_pages(page) -> list[str]:
    """The text of each sheet of Chromium's A4 PDF of the page as it is now, its white
    space collapsed."""
    reader = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4")))
    return [" ".join(sheet.extract_text().split()) for sheet in reader.pages]


@pytest.fixture(scope="module")
def served(site):
    with serve(site.dir) as base:
        yield base


@has_letters
@pytest.mark.browser
@pytest.mark.parametrize("letter", LETTERS)
def test_each_letter_prints_on_one_sheet(browser, served, letter):
    page = browser.new_page()
    page.goto(served + PAGE)
    page.evaluate("() => { window.print = () => {}; }")  # no dialog in a headless browser
    page.locator(f'.letter-actions[data-letter="{letter}"] .letter-print').click()
    sheets = pdf_pages(page)
    subject = page.locator(f"#{letter} strong").first.inner_text()
    page.close()
    assert len(sheets) == 1, [len(s) for s in sheets]
    text = sheets[0]
    assert " ".join(subject.split())[:40] in text
    assert "Madame, Monsieur" in text and "salutations distinguées" in text


@has_letters
@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False])
def test_the_whole_page_prints_one_letter_a_sheet_and_no_blank_sheet(browser, served,
                                                                    javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(served + PAGE)
    sheets = pdf_pages(page)
    context.close()
    assert all(sheet.strip() for sheet in sheets), [len(s.strip()) for s in sheets]
    openings = [sheet.count("salutations distinguées") for sheet in sheets]  # once a letter
    assert sum(openings) == len(LETTERS) and max(openings) == 1, openings


def pdf_lines(page) -> list[list[str]]:
    """The lines of text of each sheet of Chromium's A4 PDF of the page."""
    reader = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4")))
    return [[" ".join(line.split()) for line in sheet.extract_text().splitlines()
             if line.strip()] for sheet in reader.pages]


@has_letters
@pytest.mark.browser
@pytest.mark.parametrize("javascript", [False, True], ids=["sans-js", "js"])
def test_printed_letters_each_fill_their_own_sheet_and_explanations_print_apart(
        browser, served, site, javascript):
    """Printing the whole page: each letter starts a sheet, ends on it and shares it with
    nothing else; the explanations print before the letters, and no sheet holds only a few
    lines spilled from the one before (a sheet that does not open with a heading or a
    letter holds at least MIN_LINES lines)."""
    min_lines = 8
    article = site.article(PAGE)
    letters = {}
    for section in article.select("section.letter"):
        lines = [" ".join(line.split()) for line in section.get_text("\n").splitlines()
                 if line.strip()]
        subject = " ".join(section.select_one("strong").get_text().split())
        letters[section["id"]] = (lines[0], subject, lines[-1])
    assert list(letters) == LETTERS
    headings = [" ".join(h.get_text().split()).rstrip("#").strip()
                for h in article.select("h1, h2, h3")]
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(served + PAGE)
    sheets = pdf_lines(page)
    context.close()
    letter_sheets = {}
    for number, lines in enumerate(sheets):
        text = " ".join(lines)
        found = [name for name, (_, subject, _) in letters.items() if subject[:40] in text]
        assert len(found) <= 1, f"sheet {number + 1} holds letters {found}"
        if found:
            first, subject, last = letters[found[0]]
            letter_sheets[found[0]] = number
            # The letter opens the sheet and closes it: nothing before nor after it.
            assert lines[0] == first, (found, lines[:3])
            assert lines[-1] == last, (found, lines[-3:])
            assert text.count("salutations distinguées") == 1
        elif not any(lines[0].startswith(heading[:30]) for heading in headings):
            assert len(lines) >= min_lines, f"sheet {number + 1} holds only spilled lines: {lines}"
    assert sorted(letter_sheets) == sorted(LETTERS)  # every letter printed, once
    numbers = [letter_sheets[name] for name in LETTERS]
    assert numbers == list(range(len(sheets) - len(LETTERS), len(sheets)))  # after the text
    assert len(sheets) <= len(LETTERS) + 3, len(sheets)  # the explanations: 3 sheets at most


@has_letters
def test_every_placeholder_has_a_field_or_is_marked_to_complete_by_hand(site):
    article = site.article(PAGE)
    form_fields = {tag["data-fills"] for tag in article.select("#letter-form [data-fills]")}
    assert form_fields == set(load_letter_fields(ROOT, LETTERS_DATA).fields)
    for letter in article.select("section.letter"):
        for field in letter.select(".letter-field"):
            assert field["data-field"] in form_fields
            field.decompose()
        for mark in letter.select(".letter-by-hand"):
            assert f"({BY_HAND})" in mark.get_text()
            mark.decompose()
        left = re.findall(r"\[[^\]]*\]", letter.get_text())
        assert not left, (letter["id"], left)


@has_letters
def test_recipients_and_their_sources_come_from_the_data_file(site):
    recipients = load_recipients(ROOT)
    article = site.article(PAGE)
    for letter, key in (("lettre-acces", "france_travail_dpd"), ("lettre-cada", "cada")):
        block = article.select_one(f"#{letter} .letter-recipient").get_text("\n")
        for line in recipients[key].address:
            assert line in block
    sources = article.select_one("ul.letter-sources")
    for recipient in recipients.values():
        assert sources.select_one(f'a[href="{recipient.source_url}"]') is not None
    # Letters to an agency leave its address to the reader, in a form field.
    assert article.select_one('#lettre-motivation .letter-field[data-field="agence_adresse"]')


@has_letters
def test_the_mail_link_names_its_recipient_where_one_is_known(site):
    article = site.article(PAGE)
    cada = article.select_one('.letter-actions[data-letter="lettre-cada"] .letter-mailto')
    assert cada["href"] == "mailto:cada@cada.fr" and cada["data-to"] == "cada@cada.fr"
    assert "à Commission d’accès aux documents administratifs (CADA) (cada@cada.fr)" in \
        cada.get_text()
    dpd = article.select_one('.letter-actions[data-letter="lettre-acces"] .letter-mailto')
    assert "ajoutez l’adresse du destinataire" in dpd.get_text()


@has_letters
@pytest.mark.browser
def test_the_filled_mail_goes_to_the_recipient(browser, served):
    page = browser.new_page()
    page.goto(served + PAGE)
    fields = load_letter_fields(ROOT, LETTERS_DATA).fields
    page.get_by_label(fields["date_decision"].label).fill("2026-10-01")
    page.get_by_label("Documents demandés").fill("les règles du traitement")
    href = page.locator('.letter-actions[data-letter="lettre-cada"] .letter-mailto') \
        .get_attribute("href")
    motivation = page.locator("#lettre-motivation").inner_text()
    page.close()
    assert href.startswith("mailto:cada@cada.fr?subject=")
    assert "les règles du traitement" in unquote(href)
    assert "décision du 1er octobre 2026" in motivation


def test_a_recipient_without_source_is_refused():
    with pytest.raises(ContentError) as error:
        parse_recipients("cada:\n  nom: CADA\n  adresse: TSA 50730\n", "data/destinataires.yml")
    assert ("data/destinataires.yml:1: destinataire `cada` : `source.url` manquante ou "
            "invalide : «  »") in str(error.value)
    assert "champ `source.titre` manquant" in str(error.value)


def test_an_unknown_recipient_fails_the_build(tmp_path):
    page = "---\ntitle: Lettres\n---\n\n{{ letter_recipient(\"cadda\") }}\n"
    project = make_site(tmp_path, docs={"agir/droits.md": page},
                        data={"destinataires.yml": (LETTER_FIXTURES / "destinataires.yml")
                              .read_text(encoding="utf-8")})
    leave_out_of_nav(project, "/agir/*.md")
    result = mkdocs_build(project, tmp_path / "site")
    assert_fails_cleanly(result, "docs/agir/droits.md:5: destinataire inconnu `cadda`",
                         "vouliez-vous dire `cada` ?")


@has_letters
def test_home_page_action_section_leads_to_the_petition_and_the_letters(site):
    soup = site.soup("index.html")
    heading = soup.find(id="agir")
    links = set()
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        links |= {a["href"] for a in sibling.select("a[href]")}
    assert {"agir/petition.html", "agir/droits.html"} <= links


LETTER_FIELDS = """\
groupes:
  - titre: Vous
    champs:
      nom:
        libellé: Nom et prénom
        blanc: "[nom]"
        autocomplete: name
      numero_allocataire:
        libellé: Numéro d’allocataire CAF
        blanc: "[numéro d’allocataire]"
  - titre: Le contrôle
    champs:
      date_controle:
        libellé: Date du contrôle
        blanc: "[date du contrôle]"
        saisie: date
      motif:
        libellé: Ce que la caisse vous reproche
        blanc: "[motif]"
        saisie: lignes
"""


def test_the_letters_form_is_what_the_data_file_says(tmp_path):
    """Issue 30: another campaign's fields and labels, from its data/lettres.yml: the page
    shows its groups, labels, kinds of input and blanks, and nothing of France Travail."""
    page = ("---\ntitle: Lettres\n---\n\n{{ letter_form() }}\n\n"
            '<section class="letter" id="lettre" markdown>\n\n{{ letter_field("nom") }}, '
            'n° {{ letter_field("numero_allocataire") }}, contrôle du '
            '{{ letter_field("date_controle") }}.\n\n</section>\n')
    project = make_site(tmp_path, docs={"agir/droits.md": page},
                        data={"lettres.yml": LETTER_FIELDS})
    leave_out_of_nav(project, "/agir/*.md")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.ok, result.output
    html = (tmp_path / "site" / "agir" / "droits.html").read_text(encoding="utf-8")
    form = re.search(r'<form class="letter-form".*?</form>', html, re.S).group(0)
    assert re.findall(r"<legend>(.*?)</legend>", form) == ["Vous", "Le contrôle"]
    assert re.findall(r'<label for="letter-[a-z_]+">(.*?)</label>', form) == [
        "Nom et prénom", "Numéro d’allocataire CAF", "Date du contrôle",
        "Ce que la caisse vous reproche"]
    assert 'name="nom" data-fills="nom" autocomplete="name" type="text"' in form
    assert 'name="date_controle" data-fills="date_controle" type="date"' in form
    assert '<textarea id="letter-motif" name="motif" data-fills="motif" rows="3">' in form
    assert 'data-field="numero_allocataire" data-blank="[numéro d’allocataire]"' in html
    letter = re.search(r'<section class="letter".*?</section>', html, re.S).group(0)
    assert "France Travail" not in form + letter


@pytest.mark.parametrize("text, expected", [
    ("champs: {}\n", "data/lettres.yml:1: liste `groupes:` manquante — écrivez `groupes:`, "
     "puis pour chaque groupe `- titre: …` et ses `champs:` ; voir l’en-tête de "
     "macros/action/letter_fields.py pour le format"),
    (LETTER_FIELDS.replace("        blanc: \"[nom]\"\n", ""),
     "data/lettres.yml:4: champ `nom` : `blanc` manquant — écrivez `blanc: …` (libellé : ce "
     "que demande le formulaire ; blanc : ce que montre la lettre imprimée, entre crochets)"),
    (LETTER_FIELDS.replace("saisie: date", "saisie: jour"),
     "data/lettres.yml:13: champ `date_controle` : `saisie` inconnue « jour » — écrivez "
     "`saisie: texte`, `saisie: date` ou `saisie: lignes` (plusieurs lignes)"),
    (LETTER_FIELDS.replace("numero_allocataire:", "Numéro:"),
     "data/lettres.yml:8: champ `Numéro` : nom invalide « Numéro » — lettres minuscules sans "
     "accent, chiffres et `_`, par exemple `date_decision`"),
    (LETTER_FIELDS.replace("libellé: Nom et prénom", "label: Nom et prénom"),
     "data/lettres.yml:4: champ `nom` : clé inconnue `label` — clés possibles : `libellé`, "
     "`blanc`, `saisie`, `autocomplete`"),
    (LETTER_FIELDS.replace("date_controle:", "nom:"),
     "data/lettres.yml:13: champ `nom` : écrit deux fois — gardez un seul champ de ce nom"),
])
def test_a_mistake_in_the_letters_data_is_named_with_its_line(text, expected):
    with pytest.raises(ContentError) as error:
        parse_letter_fields(text, "data/lettres.yml")
    assert expected in str(error.value), str(error.value)
