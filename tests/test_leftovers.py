"""Issue 30: what a new campaign leaves behind is said while one works, and refused by a
publishing build (macros/assembly/rules.py, `publish` verdicts): a source cited nowhere, a
recipient no letter writes to, pages of a folder the navigation no longer lists; and a
letter naming a recipient or a field the campaign does not have is refused by every build,
with its page and line, by `make check` as by the build."""

from __future__ import annotations

import subprocess

from support.sites import (
    FIXTURE_ARTICLE,
    ROOT,
    assert_fails_cleanly,
    build_env,
    leave_out_of_nav,
    make_site,
    mkdocs_build,
    script,
)

UNCITED = ("bibliography: 1 source(s) citée(s) nulle part : cour_des_comptes_2020 "
           "(bibliography/sources.bib:7) — citez-la dans une page avec [@clé], ou retirez-la "
           "(une construction de publication les refuse)")
LETTERS = ("groupes:\n  - titre: Vous\n    champs:\n"
           "      nom: {libellé: Nom et prénom, blanc: '[nom]'}\n")
RECIPIENTS = """\
cada:
  nom: CADA
  adresse: TSA 50730
  source: {titre: Annuaire, url: "https://lannuaire.service-public.fr/cada"}
ancien:
  nom: L’ancien organisme
  adresse: 1 rue de l’Ancien
  source: {titre: Annuaire, url: "https://lannuaire.service-public.fr/ancien"}
"""
LETTER_PAGE = ("---\ntitle: Lettres\n---\n\n{{ letter_form() }}\n\n"
               '{{ letter_field("nom") }}\n\n{{ letter_recipient("cada") }}\n')


def check(project, publishing=False):
    env = build_env(**({"PORTAL_BUILD": "publish"} if publishing else {}))
    result = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout, result.stderr


def test_a_source_cited_nowhere_is_advice_and_refused_when_publishing(tmp_path):
    project = make_site(tmp_path)  # cour_des_comptes_2020 is cited nowhere
    code, out, _ = check(project)
    assert code == 0 and UNCITED in out.splitlines()
    code, out, err = check(project, publishing=True)
    assert code == 1 and UNCITED in out.splitlines() and "1 problème à corriger." in err
    built = mkdocs_build(project, tmp_path / "site", build_env(PORTAL_BUILD="publish"))
    assert_fails_cleanly(built, UNCITED)


def test_a_recipient_no_letter_writes_to_is_refused_when_publishing(tmp_path):
    project = make_site(tmp_path, docs={"agir/droits.md": LETTER_PAGE},
                        data={"lettres.yml": LETTERS, "destinataires.yml": RECIPIENTS})
    leave_out_of_nav(project, "/agir/*.md")
    expected = ("data/destinataires.yml:5: destinataire `ancien` : aucune lettre ne lui écrit "
                "— nommez-le dans une lettre avec {{ letter_recipient(\"ancien\") }}, ou "
                "retirez-le de ce fichier (une construction de publication le refuse)")
    code, out, _ = check(project)
    assert code == 0 and expected in out.splitlines(), out
    code, out, _ = check(project, publishing=True)
    assert code == 1 and expected in out.splitlines(), out


def test_an_old_letter_field_no_letter_uses_is_refused_when_publishing(tmp_path):
    """The old campaign's labels left in data/lettres.yml (an « Identifiant France Travail »
    no letter asks for any more) are named, with their line."""
    old = LETTERS + "      identifiant: {libellé: Identifiant de l’ancien organisme, " \
                    "blanc: '[identifiant]'}\n"
    project = make_site(tmp_path, docs={"agir/droits.md": LETTER_PAGE},
                        data={"lettres.yml": old, "destinataires.yml": RECIPIENTS
                              .split("ancien:")[0]})
    leave_out_of_nav(project, "/agir/*.md")
    expected = ("data/lettres.yml:5: champ de lettre `identifiant` : aucune lettre ne "
                "l’utilise — nommez-le dans une lettre avec {{ letter_field(\"identifiant\") }}, "
                "ou retirez-le de ce fichier (une construction de publication le refuse)")
    code, out, _ = check(project)
    assert code == 0 and expected in out.splitlines(), out
    code, out, _ = check(project, publishing=True)
    assert code == 1 and expected in out.splitlines(), out


def test_a_letter_naming_an_unknown_recipient_or_field_is_refused_with_its_line(tmp_path):
    page = LETTER_PAGE.replace('letter_recipient("cada")', 'letter_recipient("ancien")') \
        .replace('letter_field("nom")', 'letter_field("identifiant")')
    project = make_site(tmp_path, docs={"agir/droits.md": page},
                        data={"lettres.yml": LETTERS, "destinataires.yml": RECIPIENTS
                              .split("ancien:")[0]})
    leave_out_of_nav(project, "/agir/*.md")
    field = ("docs/agir/droits.md:7: champ de lettre inconnu `identifiant` — champs connus : "
             "`nom` ; sinon, ajoutez-le dans data/lettres.yml")
    recipient = ("docs/agir/droits.md:9: destinataire inconnu `ancien` — destinataires connus : "
                 "`cada` ; sinon, ajoutez-le dans data/destinataires.yml, ou retirez la lettre")
    code, out, _ = check(project)
    assert code == 1 and field in out.splitlines() and recipient in out.splitlines(), out
    assert_fails_cleanly(mkdocs_build(project, tmp_path / "site"), field, recipient)


def test_letters_without_their_form_file_are_refused(tmp_path):
    project = make_site(tmp_path, docs={"agir/droits.md": LETTER_PAGE},
                        data={"destinataires.yml": RECIPIENTS.split("ancien:")[0]})
    leave_out_of_nav(project, "/agir/*.md")
    code, out, _ = check(project)
    assert code == 1
    assert ("data/lettres.yml: fichier introuvable, alors que docs/agir/droits.md:5 a des "
            "lettres à remplir — créez ce fichier avec les champs des lettres (voir l’en-tête "
            "de macros/action/letter_fields.py), ou retirez les lettres") in out.splitlines(), out


def test_pages_of_a_folder_the_navigation_no_longer_lists_are_refused_when_publishing(
        tmp_path):
    """The old dossier is still declared in `extra.dossiers` and hidden by `not_in_nav`,
    but the navigation leads to it no more."""
    old = FIXTURE_ARTICLE.replace("dubois_2021", "cour_des_comptes_2020")
    project = make_site(tmp_path, docs={"ancien-dossier/index.md": "---\ntitle: Ancien\n---\n"
                                        "\nAncien dossier.\n",
                                        "ancien-dossier/une-page.md": old})
    leave_out_of_nav(project, "/ancien-dossier/")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "    - enquetes\n", "    - enquetes\n    - ancien-dossier\n"), encoding="utf-8")
    expected = ("mkdocs.yml:3: page(s) d’un dossier que la navigation ne liste pas : "
                "`ancien-dossier/` (2 pages : `ancien-dossier/index.md`, "
                "`ancien-dossier/une-page.md`) — ajoutez `ancien-dossier/index.md` à `nav`, ou "
                "retirez le dossier docs/ancien-dossier/ (une construction de publication le "
                "refuse)")
    code, out, _ = check(project)
    assert code == 0 and expected in out.splitlines(), out
    code, out, _ = check(project, publishing=True)
    assert code == 1 and expected in out.splitlines(), out
