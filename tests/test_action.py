"""Petition data, share links and letters: pure functions, the built portal, must-fail builds."""

import datetime as dt
import json
import re
import subprocess
import textwrap

import pytest

from macros.action.letter_fields import load_letter_fields
from macros.action.letters import check_contact, letter_field
from macros.action.petition import is_allowed_url, parse_petition, progress_text, render_petition
from macros.action.share import action_block, check_share_links
from macros.floor.errors import ContentError
from macros.floor.french import format_date
from support import portal
from support.sites import ROOT, leave_out_of_nav, make_site, mkdocs_build, script

VALID = textwrap.dedent("""\
    title: "Une pétition"
    addressee: "la direction"
    text: "Le texte."
    demands:
      - "Première demande"
      - "Deuxième demande"
    goal: 10000
    count: 1234
    count_date: 2026-12-01
    endpoint: "https://signer.example.org/petition"
    privacy: "Vos données restent chez nous."
    """)


def problems_of(text: str) -> list[str]:
    with pytest.raises(ContentError) as caught:
        parse_petition(text, "data/petition.yml")
    return [str(p) for p in caught.value.problems]


def test_valid_petition_is_read():
    petition = parse_petition(VALID, "data/petition.yml")
    assert petition.demands == ("Première demande", "Deuxième demande")
    assert petition.count_date == dt.date(2026, 12, 1)
    assert petition.call_to_action == "Signer la pétition"
    assert petition.field_names["honeypot"] == "website"


def test_progress_text_in_french():
    assert progress_text(1234, 10000, dt.date(2026, 12, 1)) == (
        "1\u202f234 signatures sur un objectif de 10\u202f000, au 1er décembre 2026")
    assert progress_text(0, 500, dt.date(2026, 11, 23)) == (
        "0 signature sur un objectif de 500, au 23 novembre 2026")


@pytest.mark.parametrize("url, allowed", [
    ("https://signer.example.org/p", True),
    ("http://127.0.0.1:8123/signer", True),
    ("http://localhost/signer", True),
    ("http://signer.example.org/p", False),
    ("http://127.0.0.1.evil.example/p", False),
    ("javascript:alert(1)", False),
    ('https://x.org/"onmouseover=', False),
])
def test_endpoint_urls(url, allowed):
    assert is_allowed_url(url) is allowed


@pytest.mark.parametrize("change, expected", [
    (("endpoint: \"https://signer.example.org/petition\"", "endpoint: \"http://signer.example.org/p\""),
     "data/petition.yml:10: adresse refusée pour `endpoint` : « http://signer.example.org/p » — "
     "seules les adresses https:// complètes sont acceptées (http:// uniquement vers 127.0.0.1 "
     "ou localhost, pour les essais)"),
    (("goal: 10000", "goal: dix mille"),
     "data/petition.yml:7: `goal` doit être un nombre entier positif ou une liste de paliers "
     "croissants : « dix mille » — écrivez un nombre entier positif (`goal: 10000`) ou une "
     "liste de paliers croissants (`goal: [10000, 20000, 50000]`), sans espace dans les "
     "nombres"),
    (("goal: 10000", "goal: [10000, 5000]"),
     "data/petition.yml:7: `goal` doit être un nombre entier positif ou une liste de paliers "
     "croissants : « [10000, 5000] » — écrivez un nombre entier positif"),
    (("count_date: 2026-12-01", "count_date: 01/12/2026"),
     "data/petition.yml:9: `count_date` n’est pas une date : « 01/12/2026 » — écrivez la date du "
     "relevé sous la forme AAAA-MM-JJ, sans guillemets"),
    (("demands:\n  - \"Première demande\"\n  - \"Deuxième demande\"", "demands: []"),
     "data/petition.yml:4: `demands` doit être une liste de revendications (textes)"),
    (("privacy:", "privacyy:"),
     "data/petition.yml:11: champ inconnu `privacyy` — vouliez-vous dire `privacy` ?"),
    (("endpoint: \"https://signer.example.org/petition\"", "endpoint: \"\""),
     "data/petition.yml:10: sans `endpoint`, `how_to_sign` est obligatoire"),
])
def test_schema_errors(change, expected):
    old, new = change
    assert old in VALID
    assert any(p.startswith(expected) for p in problems_of(VALID.replace(old, new))), \
        problems_of(VALID.replace(old, new))


def test_missing_field_is_named():
    text = VALID.replace("addressee: \"la direction\"\n", "")
    assert "data/petition.yml:1: champ obligatoire manquant : `addressee` — ajoutez " \
           "`addressee:` au fichier" in problems_of(text)


def test_rendering_escapes_content():
    text = VALID.replace("Première demande", "<script>alert(1)</script>").replace(
        "title: \"Une pétition\"", "title: \"<b>x</b>\"")
    out = render_petition(parse_petition(text, "p.yml"))
    assert "<script>alert" not in out and "&lt;script&gt;" in out
    assert "<b>x</b>" not in out


def test_form_fields_and_honeypot():
    out = render_petition(parse_petition(VALID, "p.yml"))
    assert 'method="post" action="https://signer.example.org/petition"' in out
    assert 'autocomplete="postal-code" inputmode="numeric" pattern="[0-9]{5}"' in out
    assert 'name="newsletter" type="checkbox" value="oui">' in out  # never pre-ticked
    assert 'name="consent" type="checkbox" value="oui" required>' in out
    assert '<div class="petition-hp" aria-hidden="true">' in out
    assert 'href="#donnees-personnelles"' in out


def test_share_links_are_checked():
    with pytest.raises(ContentError, match=re.escape("adresse de partage refusée : « http://x.org/")):
        check_share_links([{"name": "X", "url": "http://x.org/?u={url}"}])
    block = action_block("Titre & co", "https://p.org/a.html", "../agir/petition.md",
                         "Signer la pétition", check_share_links(
                             [{"name": "B", "url": "https://b.org/?t={text}"}]), "../s.js")
    assert "[Signer la pétition](../agir/petition.md){ .md-button .md-button--primary }" in block
    assert 'href="https://b.org/?t=Titre%20%26%20co%20https%3A%2F%2Fp.org%2Fa.html"' in block
    assert 'href="mailto:?subject=Titre%20%26%20co&amp;body=' in block


def test_contact_and_letter_field_errors():
    with pytest.raises(ContentError, match="adresse de contact invalide : « pas-une-adresse »"):
        check_contact({"email": "pas-une-adresse"})
    with pytest.raises(ContentError, match=re.escape(
            "champ de lettre inconnu `nome` — vouliez-vous dire `nom` ?")):
        letter_field("nome", "docs/agir/droits.md",
                     load_letter_fields(ROOT / "tests" / "fixtures" / "letters", "lettres.yml"))


# --- The real portal ----------------------------------------------------------------------

def test_nav_has_one_action_entry(site):
    labels = [a.get_text(strip=True) for a in site.soup("index.html").select(
        ".md-nav--primary > .md-nav__list > .md-nav__item > .md-nav__link")]
    assert labels.count("Agir") == 1


def test_real_petition_posts_to_the_action_service(site):
    article = site.article("agir/petition.html")
    form = article.select_one("form.petition-form")
    assert form["action"] == f"{portal.SERVICE_URL}signer"
    assert form["method"] == "post"
    assert article.select(".petition-how") == []
    label = article.select_one("#petition-progress-label").get_text()
    petition = portal.petition()  # its first goal and the count's date, whatever they are
    goal = petition["goal"][0] if isinstance(petition["goal"], list) else petition["goal"]
    day = petition["count_date"]
    goal_text = f"{goal:,}".replace(",", "\u202f")
    assert label == (f"0 signature sur un objectif de {goal_text}, au "
                     + format_date(day.year, day.month, day.day))
    bar = article.select_one("progress")
    assert (bar["value"], bar["max"], bar["aria-labelledby"]) == (
        "0", str(goal), "petition-progress-label")
    # The fresher count is the one published beside the page, never the service's.
    assert article.select_one(".petition-progress")["data-count-url"] == "compteur.json"
    assert article.select("script[src*=petition-count]")
    published = json.loads(site.path("agir/compteur.json").read_text(encoding="utf-8"))
    assert published == {"count": 0, "goal": goal, "date": day.isoformat()}


def test_service_block_is_checked():
    block = ("service:\n  url: \"https://agir.example.org\"\n  link_days: 7\n"
             "  unconfirmed_days: 10\n  testimony_days: 365\n  delete_after: 2027-12-31\n")
    text = VALID.replace('endpoint: "https://signer.example.org/petition"\n', "") + block
    petition = parse_petition(text, "p.yml")
    assert petition.form_action == "https://agir.example.org/signer"
    assert petition.testimony_action == "https://agir.example.org/temoigner"
    assert petition.retention.unconfirmed_days == 10
    local = petition.with_service_url("http://127.0.0.1:8001")
    assert local.form_action == "http://127.0.0.1:8001/signer"
    assert local.live_count_url == "http://127.0.0.1:8001/count.json"
    assert petition.with_service_url("https://autre.example.org/").live_count_url == \
        "compteur.json"
    assert problems_of(text.replace("link_days: 7", "link_days: 12"))[0].startswith(
        "data/petition.yml:14: `service.unconfirmed_days` est plus court que "
        "`service.link_days` — une signature non confirmée doit être gardée")
    assert "`service.delete_after` n’est pas une date : « bientôt »" in problems_of(
        text.replace("2027-12-31", "bientôt"))[0]
    assert "adresse refusée pour `service.url` : « http://agir.example.org »" in problems_of(
        text.replace("https://agir", "http://agir"))[0]
    assert "`endpoint` et `service.url` sont tous deux remplis" in problems_of(VALID + block)[0]
    assert petition.retention.mail_days == 3  # optional: undelivered mails given up after
    assert parse_petition(text + "  mail_days: 5\n", "p.yml").retention.mail_days == 5
    assert "`service.mail_days` doit être un nombre de jours supérieur à 0 : « 0 »" in \
        problems_of(text + "  mail_days: 0\n")[0]


def test_an_http_service_address_is_named_at_its_url_line_alone():
    """At the `url:` line, not the `service:` line, and without the knock-on « sans
    `endpoint`, `how_to_sign` est obligatoire » at line 1."""
    block = ("service:\n  url: \"http://agir.example.org\"\n  link_days: 7\n"
             "  unconfirmed_days: 10\n  testimony_days: 365\n  delete_after: 2027-12-31\n")
    text = VALID.replace('endpoint: "https://signer.example.org/petition"\n', "") + block
    assert problems_of(text) == [
        "data/petition.yml:12: adresse refusée pour `service.url` : « http://agir.example.org » "
        "— l’adresse https:// du service de signature du portail (http:// uniquement vers "
        "127.0.0.1 ou localhost, pour les essais)"]


def test_action_pages_cite_the_law(site):
    if (ROOT / "docs" / "agir" / "droits.md").exists():  # the letters, if the campaign has any
        article = site.article("agir/droits.html")
        notes = article.select_one("ol.notes-sources").get_text()
        for text in ("article 15", "L311-3-1", "L211-5"):
            assert text in notes
        assert len(article.select("section.letter")) == 4
        assert article.select_one('.letter-field[data-field="nom"]').get_text() == \
            "[nom et prénom]"
    testimonies = site.article("agir/temoignages.html")
    form = testimonies.select_one("form.testimony-form")
    assert form["action"] == f"{portal.SERVICE_URL}temoigner"
    assert testimonies.select_one('a[href^="mailto:contact@example.org"]') is not None


# --- Must-fail builds ---------------------------------------------------------------------

def test_broken_petition_fails_the_build(tmp_path):
    project = make_site(tmp_path, docs={"agir/petition.md": "---\ntitle: P\n---\n\n"
                                                         "{{ petition() }}\n"})
    leave_out_of_nav(project, "/agir/*.md")
    (project / "data").mkdir()
    (project / "data" / "petition.yml").write_text(
        VALID.replace("https://signer.example.org/petition", "ftp://signer.example.org")
        .replace("goal: 10000", "goal: -3"), encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert not result.ok
    assert "Traceback" not in result.output
    assert "2 erreurs de contenu" in result.output, result.output
    assert ("data/petition.yml:10: adresse refusée pour `endpoint` : « ftp://signer.example.org »"
            in result.output)
    assert ("data/petition.yml:7: `goal` doit être un nombre entier positif ou une liste de "
            "paliers croissants : « -3 »") \
        in result.output


def test_missing_petition_file_fails_the_petition_page(tmp_path):
    project = make_site(tmp_path, docs={"agir/petition.md": "---\ntitle: P\n---\n\n"
                                                         "{{ petition() }}\n"})
    leave_out_of_nav(project, "/agir/*.md")
    result = mkdocs_build(project, tmp_path / "site")
    assert not result.ok
    assert "Traceback" not in result.output
    assert ("data/petition.yml: fichier de la pétition introuvable — créez data/petition.yml"
            in result.output), result.output


def test_make_check_reports_petition_errors(tmp_path):
    project = make_site(tmp_path)
    (project / "data").mkdir()
    (project / "data" / "petition.yml").write_text(VALID.replace("count: 1234", "count: -1"),
                                                   encoding="utf-8")
    result = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "data/petition.yml:8: `count` doit être un nombre entier positif ou nul : « -1 »" \
        in result.stdout


def test_field_names_follow_the_signature_service():
    text = VALID + "field_names:\n  email: email_address\n  honeypot: url-check\n"
    out = render_petition(parse_petition(text, "p.yml"))
    assert 'name="email_address" type="email"' in out
    assert 'name="url-check" type="text" tabindex="-1"' in out
    assert "champ de formulaire inconnu `field_names.mail` — vouliez-vous dire `email` ?" in \
        problems_of(VALID + "field_names:\n  mail: x\n")[0]
    assert "nom de champ refusé pour `field_names.email` : « a\"b »" in \
        problems_of(VALID + "field_names:\n  email: 'a\"b'\n")[0]


AFTER_SIGNING = textwrap.dedent("""\
    after_signing:
      title: "Écrivez à la caisse"
      text: "Demandez vos données :"
      link: "nos modèles de lettres"
      page: agir/droits.md
    """)


def test_the_action_after_signing_is_checked():
    """`after_signing` (the service's confirmation page, service/momentum.py): four texts, a
    page of docs/; every mistake named at its line."""
    assert parse_petition(VALID + AFTER_SIGNING, "p.yml").title == "Une pétition"
    assert problems_of(VALID + AFTER_SIGNING.replace("  page: agir/droits.md\n",
                                                     "  page: https://ailleurs.example/\n"
                                                     "  titel: x\n")) == [
        "data/petition.yml:17: champ inconnu `after_signing.titel` — vouliez-vous dire "
        "`title` ?",
        "data/petition.yml:16: `after_signing.page` doit être une page du portail : "
        "« https://ailleurs.example/ » — écrivez son chemin dans docs/, par exemple "
        "`page: agir/droits.md`"]
    assert problems_of(VALID + AFTER_SIGNING.replace('  link: "nos modèles de lettres"\n',
                                                     "")) == [
        "data/petition.yml:12: champ manquant : `after_signing.link` — écrivez `link: …` "
        "sous `after_signing:`"]
    assert problems_of(VALID + "after_signing: oui\n") == [
        "data/petition.yml:12: `after_signing` doit être un bloc de champs : `title`, `text`, "
        "`link`, `page` — écrivez `after_signing:` puis, en retrait, `title: …`, `text: …`, "
        "`link: …` et `page: agir/droits.md`, ou retirez le bloc"]
