"""`make check` and the build agree on every rule of the one list (macros/assembly/rules.py):
one fixture site breaks each rule once; the check and the strict build report the same
problems, in the same words, and refuse (or, for advice, accept) alike."""

from __future__ import annotations

import re
import subprocess

from macros.assembly.rules import ADVICE, ERROR, RULES, UNFINISHED, UNLISTED, Rule, rule_of
from macros.floor.errors import Problem
from support.sites import (
    FIXTURE_ARTICLE,
    ROOT,
    leave_out_of_nav,
    make_site,
    mkdocs_build,
    script,
)


def page(body: str, front: str = "title: Règle") -> str:
    return f"---\n{front}\n---\n\n{body}\n"


def article(**changes: str | None) -> str:
    """The fixture investigation with front matter lines replaced (or removed: None)."""
    lines = []
    for line in FIXTURE_ARTICLE.splitlines():
        key = line.split(":")[0]
        if key in changes:
            if changes[key] is not None:
                lines.append(f"{key}:{changes[key]}")
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


LONG_FACILE = "facile: |\n" + "".join("  Je lis un texte.\n" for _ in range(40))
HARD_FACILE = ("facile: |\n  L’administration départementale réorganise systématiquement "
               "l’accompagnement personnalisé des quatre bénéficiaires particulièrement "
               "vulnérables avec un algorithme, conformément aux recommandations "
               "institutionnelles contemporaines.\n")


def with_fields(fields: str) -> str:
    """The fixture investigation with more front matter fields."""
    return FIXTURE_ARTICLE.replace("tags:\n", f"{fields}\ntags:\n")

# Each rule of the list, broken once: rule id -> {file under docs/: text}. Pages of
# regles/ are outside the navigation on purpose (not_in_nav), except orpheline.md.
BROKEN: dict[str, dict[str, str]] = {
    "en-tete-illisible": {"regles/illisible.md": '---\ntitle: "Règle\nx: [\n---\n\nTexte.\n'},
    "en-tete-non-ferme": {"regles/non-ferme.md": "---\ntitle: Règle\n\nTexte.\n"},
    "en-tete-pas-des-champs": {"regles/liste.md": "---\n- a\n---\n\nTexte.\n"},
    "champ-inconnu": {"regles/inconnu.md": page("Texte.", "title: Règle\nauteur: X")},
    "champ-manquant": {"enquetes/manquant.md": article(summary=None)},
    "date-vide": {"enquetes/date-vide.md": article(date="")},
    "champ-vide": {"enquetes/vide.md": article(summary=' ""')},
    "champ-pas-un-texte": {"regles/titre.md": page("Texte.", "title: 12")},
    "champ-pas-une-liste": {"enquetes/tags.md": article(tags=" x")},
    "date-invalide": {"enquetes/date.md": article(date=" 15/01/2026")},
    "date-future": {"enquetes/futur.md": article(date=" 2999-01-15")},
    "reponse-ou-mise-a-jour": {"enquetes/reponse.md": with_fields("reply: plus tard")},
    "mise-a-jour": {"enquetes/maj.md": with_fields("updates: hier")},
    "champ-inconnu-imbrique": {"enquetes/reponse-signee.md": with_fields(
        "reply:\n  date: 2026-01-20\n  author: X\n  text: Réponse.\n  signature: Y")},
    "fichier-pas-utf8": {},  # written as bytes below
    "texte-provisoire": {"enquetes/provisoire.md": FIXTURE_ARTICLE + "\nTexte à écrire.\n"},
    "espace-ordinaire": {"regles/typo-espace.md": page("Vraiment ?")},
    "espace-manquante": {"regles/typo-manquante.md": page("Un mot: un autre.")},
    "espace-apres-guillemet": {"regles/typo-ouvrant.md": page("Il a dit «non\u00a0».")},
    "espace-avant-guillemet": {"regles/typo-fermant.md": page("Il a dit «\u00a0non».")},
    "apostrophe-droite": {"regles/typo-apostrophe.md": page("C'est ainsi.")},
    "trois-points": {"regles/typo-points.md": page("Et puis...")},
    "guillemets-droits": {"regles/typo-guillemets.md": page('Le "score".')},
    "facile-trop-long": {"regles/facile-long.md": page("Texte.", "title: Règle\n" + LONG_FACILE)},
    "facile-phrases": {"regles/facile-dur.md": page("Texte.", "title: Règle\n" + HARD_FACILE)},
    "facile-difficile": {},  # the same block
    "facile-nombre": {},  # the same block
    "facile-mot": {},  # the same block
    "source-inconnue": {"regles/source.md": page("Un fait [@dubois2021].")},
    "citation-mal-formee": {"regles/citation.md": page("Un fait [@dubois_2021 p. 4].")},
    "citation-non-fermee": {"regles/citation-ouverte.md": page("Un fait [@dubois_2021.")},
    "commentaire-non-ferme": {"regles/commentaire.md": page("Un fait <!-- jamais fermé")},
    "macro-inconnue": {"regles/macro.md": page("{{ nimporte() }}")},
    "appel-de-macro": {"regles/macro-arguments.md": page("{{ investigations() }}")},
    "macro-caractere": {"regles/macro-caractere.md": page("{{ chart(“x”) }}")},
    "macro-accolade": {"regles/macro-accolade.md": page('{{ chart("x" }}')},
    "macro-commentaire": {"regles/macro-commentaire.md": page("Titre {#ancre}")},
    "graphique-inconnu": {"regles/graphique.md": page('{{ chart("zzz") }}')},
    "dossier-inconnu": {"regles/dossier.md": page('{{ investigations("zzz") }}')},
    "champ-de-lettre-inconnu": {"regles/lettre.md": page('{{ letter_field("nomm") }}')},
    "destinataire-inconnu": {"regles/destinataire.md": page('{{ letter_recipient("zzz") }}')},
    "destinataire-sans-lettre": {},  # advice: tests/test_leftovers.py
    "champ-de-lettre-inutilise": {},  # advice: tests/test_leftovers.py
    "dossier-hors-navigation": {},  # advice: tests/test_leftovers.py
    "page-introuvable": {"regles/page.md": page("Voir [la page](zzz.md).")},
    "fichier-introuvable": {"regles/fichier.md": page("Voir [le document](doc.pdf).")},
    "image-introuvable": {"regles/image.md": page("![Un schéma](schema.png)")},
    "lien-non-reconnu": {"regles/lien-dossier.md": page("Voir [le dossier](zzz/).")},
    "lien-absolu": {"regles/absolu.md": page("Voir [l’accueil](/index.md).")},
    "ancre-introuvable": {"regles/ancre.md": page(
        "Voir [les sources](../sources.md#livre) et [les rapports](../sources.md#rapports) "
        "et "
        "[ici](#cachee).\n\n<!-- <span id=\"cachee\"></span> -->")},
    "readme-et-index": {"regles/README.md": page("Présentation."),
                        "regles/index.md": page("Sommaire.")},
    "nav-introuvable": {},  # mkdocs.yml, below
    "hors-navigation": {"orpheline.md": page("Perdue.")},
    "dossier-introuvable": {},  # mkdocs.yml, below
    "source-sans-adresse": {},  # bibliography/, below
    "source-sans-date": {},  # bibliography/, below
    "source-annee-seule": {},  # bibliography/, below
    "source-non-citee": {},  # the fixture's cour_des_comptes_2020
    "bibtex": {},  # bibliography/, below
    "donnees": {},  # data/, below
    "module-de-graphique": {"regles/graphique-casse.md": page('{{ chart("casse") }}')},
    "configuration": {},  # mkdocs.yml, below
}


# Web sources a reader could not find or date (macros/citations/findability.py).
UNFINDABLE = """\
@online{sans_adresse, author = {{Collectif}}, title = {Sans adresse}, date = {2024-05-02}}
@online{sans_date, author = {{Collectif}}, title = {Sans date},
  url = {https://b.example.org/}, urldate = {2024-05-02}}
@online{annee_seule, author = {{Collectif}}, title = {Année seule}, date = {2024},
  url = {https://c.example.org/}, urldate = {2024-05-02}}
"""


def rule_site(tmp_path):
    docs = {name: text for files in BROKEN.values() for name, text in files.items()}
    bib = {"zz.bib": "@report{r, title = {R}}\n" + UNFINDABLE}
    project = make_site(tmp_path, docs=docs, bib=bib,
                        data={"redirections.yml": "ancien.md: zzz.md\n",
                              "casse.csv": "a\n1\n",
                              "lettres.yml": "groupes:\n  - titre: Vous\n    champs:\n"
                                             "      nom: {libellé: Nom, blanc: '[nom]'}\n",
                              "casse.yml": "title: x\n"})
    (project / "docs" / "regles" / "latin1.md").write_bytes(
        "---\ntitle: Règle\n---\n\nÉté.\n".encode("latin-1"))
    # A chart module that does not load: in a private copy of the portal's code.
    (project / "charts" / "casse.py").write_text("COLUMNS = {\n", encoding="utf-8")
    leave_out_of_nav(project, "/regles/")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8")
                      .replace("  - Sources: sources.md\n", "  - Sources: sources.md\n"
                               "  - Perdue: perdue.md\n")
                      .replace("    - enquetes\n", "    - enquetes\n    - absent\n")
                      + "  contact:\n    email: pas-une-adresse\n", encoding="utf-8")
    return project


PROBLEM_LINE = re.compile(r"^\s*((?:docs|bibliography|data|charts|mkdocs\.yml)\S*: .+)$")


def problem_lines(output: str) -> list[str]:
    return sorted({m.group(1) for line in output.splitlines()
                   if (m := PROBLEM_LINE.match(line.replace("WARNING -  [portal] ", "")))})


def rule_named(line: str) -> Rule:
    path, _, rest = line.partition(": ")
    path = path.split(":")[0]
    return rule_of(Problem(path, rest.split(" — ")[0]))


def test_the_list_is_one_table_with_one_verdict_per_rule():
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert {rule.severity for rule in RULES} == {ERROR, UNFINISHED, ADVICE}
    assert set(BROKEN) == set(ids)  # every rule of the list is broken once below
    assert rule_of(Problem("docs/a.md", "champ d’en-tête vide : `date`")).id == "date-vide"
    assert rule_of(Problem("docs/a.md", "champ d’en-tête vide : `summary`")).severity == \
        UNFINISHED
    assert rule_of(Problem("docs/a.md", "apostrophe droite « ' »")).severity == UNFINISHED
    assert rule_of(Problem("docs/a.md", "quelque chose de nouveau")) is UNLISTED


def test_check_and_build_give_every_rule_the_same_verdict(tmp_path):
    project = rule_site(tmp_path)
    checked = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    built = mkdocs_build(project, tmp_path / "site")
    assert checked.returncode == 1 and not built.ok
    assert not (tmp_path / "site").exists() or not any((tmp_path / "site").iterdir())
    from_check = problem_lines(checked.stdout)
    from_build = problem_lines(built.output)
    assert from_check == from_build, (checked.stdout, built.output)
    # Each rule of the list is said, and nothing outside the list.
    said = {}
    for line in from_check:
        said.setdefault(rule_named(line).id, []).append(line)
    assert UNLISTED.id not in said, said.get(UNLISTED.id)
    # Advice is said once nothing is refused (below): with mistakes, it may be their effect.
    assert set(said) == {rule.id for rule in RULES if rule.severity != ADVICE}, said
    # Refused by both: everything but advice is counted in both refusals.
    assert f"{len(from_check)} problèmes à corriger." in checked.stderr
    assert f"{len(from_check)} erreurs de contenu :" in built.output
    for line in [
        "docs/regles/typo-apostrophe.md:5: apostrophe droite « ' » — utilisez l’apostrophe "
        "typographique « ’ »",
        "docs/regles/ancre.md:5: ancre introuvable : `#livre` dans `sources.md` — "
        "vouliez-vous dire `../sources.md#livres` ?",
        "docs/regles/ancre.md:5: ancre introuvable : `#cachee` dans `regles/ancre.md` — "
        "ancres connues : `droit-de-reponse`, `mises-a-jour`, `notes-et-sources`",
        "docs/regles/README.md: `README.md` et `index.md` dans le même dossier : MkDocs "
        "ignorerait `README.md` — fusionnez les deux pages dans `index.md`, ou renommez "
        "`README.md` (par exemple `presentation.md`)",
        "docs/enquetes/provisoire.md:13: texte provisoire « Texte à écrire. » encore en place "
        "— écrivez le texte de cette section, ou supprimez la section",
    ]:
        assert line in from_check, from_check


def test_advice_is_said_by_both_and_refused_by_neither(tmp_path):
    project = make_site(tmp_path)  # cour_des_comptes_2020 is cited nowhere
    checked = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    built = mkdocs_build(project, tmp_path / "site")
    advice = ("bibliography: 1 source(s) citée(s) nulle part : cour_des_comptes_2020 "
              "(bibliography/sources.bib:7) — citez-la dans une page avec [@clé], ou "
              "retirez-la (une construction de publication les refuse)")
    assert checked.returncode == 0 and built.ok, built.output
    assert problem_lines(checked.stdout) == [advice]
    assert advice in problem_lines(built.output)
    # Besides, a local build reminds the organisation's settings left to fill in (they are
    # decided by the kind of build, README « Publier le portail », not by a content rule).
    assert all(line.startswith("mkdocs.yml") for line in problem_lines(built.output)
               if line != advice)
    assert checked.stdout.endswith("Contenu vérifié : aucun problème (1 conseil ci-dessus).\n")


def test_contributing_shows_the_list_and_its_three_verdicts():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Ce que disent les vérifications", 1)[1].split("\n## ", 1)[0]
    assert "`macros/assembly/rules.py`" in section
    verdicts = re.findall(r"^\| (erreur|à terminer|conseil) \|", section, re.M)
    assert verdicts == [ERROR, UNFINISHED, ADVICE]
