"""Coalitions on the static side: the partners' list checked by the build, the « Partenaires »
page with each partner's form, the stepped goal (pure function and built pages), a mirror's
build signing for its partner (PORTAL_PARTNER), and the snippet valid for the Nu checker and
axe once pasted into a bare page."""

from __future__ import annotations

import json
import textwrap

import pytest

from common.goal import goal_for, goal_steps
from macros.action.partners import Partner, check_partner_setting, parse_partners, snippet
from macros.floor.errors import ContentError
from service.departements import departement
from support import portal
from support.sites import build_env, leave_out_of_nav, make_site, mkdocs_build

KEY = "Jm3RYS1Bx1WJnZq3Nmy3gBG5+4c3k7XWyw7WyL1WL2c="  # any 32 bytes in base64
PARTNERS = textwrap.dedent(f"""\
    - nom: Association Lumière
      code: lumiere
      site: https://lumiere.example.org/
      contact: petition@lumiere.example.org
      origines:
        - https://lumiere.example.org
        - http://127.0.0.2:8080
      cle_publique: "{KEY}"
    - nom: Collectif Sans Clé
      code: sans-cle
      site: https://sanscle.example.net/
      contact: contact@sanscle.example.net
      origines:
        - https://sanscle.example.net
    """)
PETITION = textwrap.dedent("""\
    title: "Une pétition de coalition"
    addressee: "la direction"
    text: "Le texte **complet**."
    demands:
      - "Première demande, avec [un lien](https://exemple.org/)"
      - "Deuxième demande"
    goal: [10000, 20000, 50000]
    count: 12000
    count_date: 2026-12-01
    privacy: "Vos données restent chez nous."
    service:
      url: "https://agir.fixture.example.org/"
      link_days: 7
      unconfirmed_days: 10
      testimony_days: 365
      delete_after: 2027-12-31
    """)
LABEL = "data/partenaires.yml"


# -- the goal that steps up -----------------------------------------------------------------

@pytest.mark.parametrize("count, expected", [
    (0, 10000), (9999, 10000), (10000, 20000), (19999, 20000), (20000, 50000),
    (50000, 50000), (120000, 50000)])
def test_the_goal_steps_up_at_each_threshold(count, expected):
    assert goal_for(count, (10000, 20000, 50000)) == expected


def test_a_single_goal_still_works():
    assert goal_steps(10000) == (10000,)
    assert goal_for(3, goal_steps(10000)) == 10000
    assert goal_for(12000, goal_steps(10000)) == 10000


@pytest.mark.parametrize("value", [0, -3, "dix mille", [], [10000, 10000], [20000, 10000],
                                   [10000, "vingt mille"], True])
def test_bad_goals_are_refused(value):
    assert goal_steps(value) is None


# -- the partners' list ---------------------------------------------------------------------

def problems_of(text: str) -> list[str]:
    with pytest.raises(ContentError) as caught:
        parse_partners(text, LABEL)
    return [str(p) for p in caught.value.problems]


def test_partners_are_read():
    lumiere, sans_cle = parse_partners(PARTNERS, LABEL)
    assert lumiere == Partner("Association Lumière", "lumiere", "https://lumiere.example.org/",
                              "petition@lumiere.example.org",
                              ("https://lumiere.example.org", "http://127.0.0.2:8080"), KEY)
    assert lumiere.takes_news and not sans_cle.takes_news
    assert parse_partners("[]\n", LABEL) == []


@pytest.mark.parametrize("change, expected", [
    (("  code: lumiere", "  code: Lumière!"),
     "data/partenaires.yml:2: code refusé : « Lumière! » — de 1 à 30 lettres minuscules sans "
     "accent, chiffres ou tirets, par exemple `asso-exemple`"),
    (("  site: https://lumiere.example.org/", "  site: http://lumiere.example.org/"),
     "data/partenaires.yml:3: adresse refusée : « http://lumiere.example.org/ » — une adresse "
     "complète en https://, par exemple https://exemple.org/"),
    (("    - https://lumiere.example.org\n", "    - https://lumiere.example.org/page\n"),
     "data/partenaires.yml:6: origine refusée : « https://lumiere.example.org/page » — une "
     "origine seule, sans chemin : https://exemple.org (ou https://exemple.org:8443) ; une "
     "ligne `- …` par origine"),
    (("    - http://127.0.0.2:8080", "    - http://partenaire.example.org"),
     "data/partenaires.yml:7: origine refusée : « http://partenaire.example.org »"),
    (("  contact: petition@lumiere.example.org", "  contact: pas une adresse"),
     "data/partenaires.yml:4: adresse électronique refusée : « pas une adresse » — l’adresse "
     "où l’équipe joint le partenaire, par exemple petition@exemple.org"),
    ((f'  cle_publique: "{KEY}"', '  cle_publique: "abc"'),
     "data/partenaires.yml:8: clé publique illisible : « abc » — collez le contenu du fichier "
     "cle-publique.txt écrit par `python -m service generer-cles DOSSIER` (32 octets en "
     "base64), entre guillemets droits"),
    (("  contact: petition@lumiere.example.org", "  contcat: petition@lumiere.example.org"),
     "data/partenaires.yml:4: champ inconnu `contcat` — vouliez-vous dire `contact` ?"),
    (("  code: sans-cle", "  code: lumiere"),
     "data/partenaires.yml:10: code `lumiere` déjà pris par un autre partenaire — chaque "
     "partenaire a son propre code : il attribue les signatures"),
    (("    - https://sanscle.example.net", "    - https://lumiere.example.org"),
     "data/partenaires.yml:14: origine « https://lumiere.example.org » déjà déclarée par "
     "« Association Lumière » — une origine n’appartient qu’à un partenaire"),
])
def test_partner_mistakes_name_file_line_value_and_fix(change, expected):
    old, new = change
    assert old in PARTNERS
    found = problems_of(PARTNERS.replace(old, new, 1))
    assert any(p.startswith(expected) for p in found), found


def test_partner_file_shape_mistakes():
    assert problems_of("nom: X\n") == [
        "data/partenaires.yml:1: le fichier doit être une liste de partenaires (lignes "
        "commençant par « - ») — exemple :\n    - nom: Association Exemple\n      code: "
        "exemple\n      site: https://exemple.org/\n      contact: petition@exemple.org\n"
        "      origines:\n        - https://exemple.org"]
    assert problems_of("- nom: X\n")[0].startswith(
        "data/partenaires.yml:1: champ `code` manquant ou vide")


# -- départements ---------------------------------------------------------------------------

@pytest.mark.parametrize("postcode, expected", [
    ("35000", "35"), ("01000", "01"), ("75011", "75"), ("20000", "2A"), ("20190", "2A"),
    ("20200", "2B"), ("20600", "2B"), ("97100", "971"), ("97200", "972"), ("97300", "973"),
    ("97400", "974"), ("97500", "975"), ("97600", "976"), ("98800", "988"), ("00000", "??"),
    ("96000", "??"), ("3500", "??")])
def test_departement_from_postcode(postcode, expected):
    assert departement(postcode) == expected


# -- the snippet ----------------------------------------------------------------------------

def lumiere_snippet() -> str:
    partner = parse_partners(PARTNERS, LABEL)[0]
    return snippet(partner, action="http://127.0.0.1:8001/signer",
                   title="Une pétition <de> coalition",
                   demands=("Première demande, avec [un lien](https://exemple.org/)",
                            "Deuxième **demande**"),
                   petition_url="https://portail.example.org/agir/petition.html")


def test_snippet_is_a_plain_form_with_the_partner_code():
    text = lumiere_snippet()
    assert text.startswith('<form method="post" action="http://127.0.0.1:8001/signer"')
    assert '<input type="hidden" name="partenaire" value="lumiere">' in text
    for absent in ("<script", "style=", "class=", "<iframe", "<link", "<img", "onclick"):
        assert absent not in text
    assert "Une pétition &lt;de&gt; coalition" in text  # escaped
    assert "<li>Première demande, avec un lien</li>" in text and "<li>Deuxième demande</li>" \
        in text
    assert 'href="https://portail.example.org/agir/petition.html">Lire le texte complet' in text
    assert 'href="https://portail.example.org/agir/petition.html#donnees-personnelles"' in text
    # Every box but the consent to sign is left unticked.
    assert text.count(" checked") == 0 and text.count(" required>") >= 1
    assert "Je souhaite recevoir des nouvelles de Association Lumière" in text
    assert "J’accepte que mon nom et les 5 chiffres de ma commune figurent" in text
    partner_without_key = parse_partners(PARTNERS, LABEL)[1]
    other = snippet(partner_without_key, action="https://a.example.org/signer", title="T",
                    demands=("D",), petition_url="https://p.example.org/p.html")
    assert "nouvelles_partenaire" not in other and 'value="sans-cle"' in other


# -- the built portal -----------------------------------------------------------------------

PAGES = {
    "index.md": "---\ntitle: Accueil\n---\n\nBienvenue.\n",  # the sign box comes first
    "agir/petition.md": "---\ntitle: Pétition\n---\n\n{{ petition() }}\n",
    "agir/partenaires.md": "---\ntitle: Partenaires\n---\n\n{{ partners() }}\n",
}


@pytest.fixture(scope="module")
def coalition_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("coalition")
    project = make_site(tmp, docs=PAGES, data={"petition.yml": PETITION,
                                               "partenaires.yml": PARTNERS})
    leave_out_of_nav(project, "/agir/*.md")
    result = mkdocs_build(project, tmp / "site", build_env(PORTAL_PARTNER="lumiere"))
    assert result.ok, result.output
    return tmp / "site"


def test_partners_page_shows_each_snippet_ready_to_copy(coalition_site):
    from bs4 import BeautifulSoup
    page = BeautifulSoup((coalition_site / "agir" / "partenaires.html").read_text(), "html.parser")
    blocks = page.select("pre.partner-snippet code")
    assert len(blocks) == 2
    copied = blocks[0].get_text()  # what a reader copies: the form as HTML text
    assert copied.startswith('<form method="post" action="https://agir.fixture.example.org/'
                             'signer"')
    assert '<input type="hidden" name="partenaire" value="lumiere">' in copied
    assert "https://fixture.example.org/agir/petition.html" in copied
    assert not page.select("main form")  # shown as text, not as a live form
    assert page.select_one("#partenaire-lumiere-nom a")["href"] == "https://lumiere.example.org/"
    assert 'value="sans-cle"' in blocks[1].get_text()


def test_the_stepped_goal_on_the_built_pages(coalition_site):
    """Count 12 000 with steps 10 000, 20 000, 50 000: the bar shows the second step."""
    for page in ("agir/petition.html", "index.html"):
        text = (coalition_site / page).read_text()
        assert ('id="petition-progress-label">12\u202f000 signatures sur un objectif de '
                '20\u202f000, au 1er décembre 2026</p>') in text, page
        from bs4 import BeautifulSoup
        bar = BeautifulSoup(text, "html.parser").select_one("progress#petition-progress-bar")
        assert (bar["max"], bar["value"], bar.get_text()) == ("20000", "12000", "12\u202f000")
    home = (coalition_site / "index.html").read_text()
    assert 'data-count-url="agir/compteur.json"' in home  # the count published beside it
    published = json.loads((coalition_site / "agir" / "compteur.json").read_text())
    assert published == {"count": 12000, "goal": 20000, "date": "2026-12-01"}


def test_a_mirror_build_signs_for_its_partner(coalition_site):
    text = (coalition_site / "agir" / "petition.html").read_text()
    form = text[text.index('<form class="petition-form"'):]
    form = form[:form.index("</form>")]
    assert '<input type="hidden" name="partenaire" value="lumiere">' in form
    assert "Je souhaite recevoir des nouvelles de Association Lumière" in form
    assert 'name="liste" type="checkbox" value="oui">' in form


def test_the_partners_list_travels_with_every_copy(coalition_site):
    listed = json.loads((coalition_site / "agir" / "partenaires.json").read_text())
    assert listed == [
        {"nom": "Association Lumière", "code": "lumiere", "site": "https://lumiere.example.org/",
         "origines": ["https://lumiere.example.org", "http://127.0.0.2:8080"],
         "abonnements": True},
        {"nom": "Collectif Sans Clé", "code": "sans-cle", "site": "https://sanscle.example.net/",
         "origines": ["https://sanscle.example.net"], "abonnements": False}]
    assert "petition@" not in json.dumps(listed)  # no contact address published


def test_bad_partners_file_and_unknown_partner_code_fail_the_build(tmp_path):
    project = make_site(tmp_path, docs=PAGES, data={
        "petition.yml": PETITION,
        "partenaires.yml": PARTNERS.replace("  code: sans-cle", "  code: Sans Clé")})
    leave_out_of_nav(project, "/agir/*.md")
    result = mkdocs_build(project, tmp_path / "site", build_env(PORTAL_PARTNER="lumire"))
    assert not result.ok
    assert "Traceback" not in result.output
    assert ("data/partenaires.yml:10: code refusé : « Sans Clé » — de 1 à 30 lettres "
            "minuscules sans accent, chiffres ou tirets") in result.output
    assert ("PORTAL_PARTNER: code de partenaire inconnu : « lumire » — ajoutez ce partenaire "
            "à data/partenaires.yml, ou videz PORTAL_PARTNER") in result.output, result.output


def test_make_check_reports_a_bad_partners_file(tmp_path):
    import subprocess

    from support.sites import ROOT, script
    project = make_site(tmp_path, docs=PAGES, data={
        "petition.yml": PETITION,
        "partenaires.yml": PARTNERS.replace("    - https://sanscle.example.net",
                                            "    - https://sanscle.example.net/signer")})
    leave_out_of_nav(project, "/agir/*.md")
    result = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert ("data/partenaires.yml:14: origine refusée : « https://sanscle.example.net/signer » "
            "— une origine seule, sans chemin") in result.stdout, result.stdout


def test_a_misspelt_partner_code_gets_a_suggestion():
    partners = parse_partners(PARTNERS, LABEL)
    assert [str(p) for p in check_partner_setting(partners, {"PORTAL_PARTNER": "lumire"})] == [
        "PORTAL_PARTNER: code de partenaire inconnu : « lumire » — vouliez-vous dire "
        "`lumiere` ?"]
    assert check_partner_setting(partners, {"PORTAL_PARTNER": "lumiere"}) == []
    assert check_partner_setting(partners, {}) == []


# -- the snippet pasted into a bare page: Nu checker and axe -------------------------------

def bare_page(body: str) -> str:
    return ('<!doctype html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
            "<title>Page d’un partenaire</title>\n</head>\n<body>\n<main>\n"
            f"<h1>Signez avec nous</h1>\n{body}</main>\n</body>\n</html>\n")


def test_snippet_pasted_into_a_bare_page_is_valid_html(tmp_path):
    from test_html_valid import vnu_errors
    page = tmp_path / "partenaire.html"
    page.write_text(bare_page(lumiere_snippet()), encoding="utf-8")
    assert vnu_errors([page]) == []


@pytest.mark.browser
def test_snippet_pasted_into_a_bare_page_passes_axe(tmp_path, browser):
    from axe_playwright_python.sync_playwright import Axe

    from support.browser import serve
    (tmp_path / "partenaire.html").write_text(bare_page(lumiere_snippet()), encoding="utf-8")
    with serve(tmp_path) as url:
        for scheme in ("light", "dark"):
            context = browser.new_context(color_scheme=scheme)
            page = context.new_page()
            page.goto(url + "partenaire.html")
            results = Axe().run(page, options={"runOnly": {
                "type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
            context.close()
            assert results.violations_count == 0, results.generate_report()


def test_the_real_portal_shows_the_count_on_its_home_page_and_lists_partners(site):
    """The portal as built from the repository: the home page carries the same bar as the
    petition page (count published beside the petition page), the Partenaires page says
    none is declared yet, and the empty list travels with the site."""
    home = site.article("index.html")
    assert home.select_one("#petition-progress-label").get_text() == portal.progress_label()
    assert home.select_one(".petition-progress")["data-count-url"] == "agir/compteur.json"
    bar = home.select_one("progress#petition-progress-bar")
    assert (bar["max"], bar["value"]) == (str(portal.first_goal()), "0")
    partners_page = site.article("agir/partenaires.html").get_text(" ")
    assert "Aucun partenaire n’est encore déclaré." in partners_page
    assert json.loads(site.path("agir/partenaires.json").read_text()) == []


# -- migration 4 on a database made by version 1 -------------------------------------------

@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migration_4_adds_the_coalition_columns_to_a_version_1_database(backend, request,
                                                                        tmp_path):
    """A database in production since version 1 (signatures without the new columns)
    gets them, its signatures unattributed, unlisted, without partner news."""
    from sqlalchemy import insert, inspect, select, text

    from service import migrations, storage
    url = (f"sqlite:///{tmp_path / 'v1.db'}" if backend == "sqlite"
           else request.getfixturevalue("postgres").create_database())
    engine = storage.make_engine(url)
    with engine.begin() as conn:  # the schema as version 1 wrote it (migrations.py)
        storage.schema_version.create(conn)
        migrations._v1_initial(conn)
        conn.execute(insert(storage.schema_version).values(
            version=1, name="signatures, outbox, testimonies", applied_at=storage.utcnow()))
        conn.execute(text("INSERT INTO signatures (email_key, email_sealed, name, postcode, "
                          "newsletter, origin, created_at) VALUES ('k', 's', 'Ancienne', "
                          "'35000', FALSE, '', CURRENT_TIMESTAMP)"))
    try:
        assert migrations.migrate(engine) == [2, 3, 4]
        columns = {c["name"] for c in inspect(engine).get_columns("signatures")}
        assert {"partner", "partner_news", "partner_sealed", "listed"} <= columns
        with engine.connect() as conn:
            row = conn.execute(select(storage.signatures.c.name, storage.signatures.c.partner,
                                      storage.signatures.c.partner_news,
                                      storage.signatures.c.partner_sealed,
                                      storage.signatures.c.listed)).one()
        assert tuple(row) == ("Ancienne", "", False, None, False)
        assert migrations.migrate(engine) == []
    finally:
        engine.dispose()
