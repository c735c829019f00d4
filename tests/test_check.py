"""`make check`: every problem of every file in one run, as `file:line: message — hint`."""

import subprocess
import textwrap

import pytest

from macros.pages.typography import NBSP, NNBSP, check, fix
from support.sites import FIXTURE_ARTICLE, ROOT, make_site, script

CHECK = script("check")


def run_check(project, *args):
    result = subprocess.run([*CHECK, "--root", str(project), *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout


def test_fixture_is_clean(tmp_path):
    code, out = run_check(make_site(tmp_path))
    assert code == 0, out
    assert "aucun problème" in out


ARTICLE = "enquetes/une-enquete.md"


@pytest.mark.parametrize("edit, expected", [
    (lambda t: t.replace("date: 2026-01-15", "date: 15/01/2026"),
     "docs/enquetes/une-enquete.md:3: `date` n’est pas une date : « 15/01/2026 » — écrivez une "
     "date qui existe, sous la forme AAAA-MM-JJ"),
    (lambda t: t.replace("Un fait [@dubois_2021].", "Un fait [@dubois2021]."),
     "docs/enquetes/une-enquete.md:11: source inconnue `dubois2021` — vouliez-vous dire "
     "`dubois_2021` ?"),
    # A citation followed by a colon is a citation: its key is checked (it was left raw).
    (lambda t: t.replace("Un fait [@dubois_2021].", "Un fait [@dubois2021]: la suite."),
     "docs/enquetes/une-enquete.md:11: source inconnue `dubois2021` — vouliez-vous dire "
     "`dubois_2021` ?"),
    (lambda t: t + "\n[@dubois_2021]: voir.\n",
     "docs/enquetes/une-enquete.md:13: « [@dubois_2021]: voir. » en début de ligne : Markdown "
     "le lit comme la définition d’un lien et retire la ligne de la page — placez la citation "
     "après le texte qu’elle source (« Selon le rapport [@clé] : la suite »)"),
    (lambda t: t + "\nVoir [les sources](../source.md).\n",
     "docs/enquetes/une-enquete.md:13: lien vers une page introuvable : `../source.md` — "
     "vouliez-vous dire `../sources.md` ?"),
    (lambda t: t + "\nVoir [la page](../zzz.md).\n",
     "docs/enquetes/une-enquete.md:13: lien vers une page introuvable : `../zzz.md` — "
     "pages connues : `../index.md`, `../rechercher.md`, `../sources.md`, `index.md`"),
    (lambda t: t + "\nVoir [plus bas](#suite).\n\n## La suite\n",
     "docs/enquetes/une-enquete.md:13: ancre introuvable : `#suite` dans "
     "`enquetes/une-enquete.md` — vouliez-vous dire `#la-suite` ?"),
    (lambda t: t + '\n{{ chart("fraude") }}\n',
     "docs/enquetes/une-enquete.md:13: graphique inconnu `fraude` — vouliez-vous dire "
     "`fraude-sociale-fiscale` ?"),
    (lambda t: t + "\nUn mot: un autre.\n",
     "docs/enquetes/une-enquete.md:13: espace manquante avant « : » — ajoutez une espace "
     "insécable avant « : »"),
    (lambda t: t + "\nVraiment ?\n",
     "docs/enquetes/une-enquete.md:13: espace ordinaire avant « ? » — remplacez-la par une "
     "espace fine insécable"),
    (lambda t: t + "\nIl a dit «non».\n",
     "docs/enquetes/une-enquete.md:13: espace insécable manquante après « « » — les guillemets "
     "français s’écrivent «\u00a0texte\u00a0»"),
    (lambda t: t + "\nC'est ainsi.\n",
     "docs/enquetes/une-enquete.md:13: apostrophe droite « ' » — utilisez l’apostrophe "
     "typographique « ’ »"),
    (lambda t: t + "\nEt puis...\n",
     "docs/enquetes/une-enquete.md:13: trois points « ... » — utilisez le caractère points de "
     "suspension « … »"),
    (lambda t: t + '\nLe "score".\n',
     "docs/enquetes/une-enquete.md:13: guillemets droits « \" » — utilisez les guillemets "
     "français"),
])
def test_each_problem_is_reported_with_file_line_and_hint(tmp_path, edit, expected):
    project = make_site(tmp_path, docs={ARTICLE: edit(FIXTURE_ARTICLE)})
    code, out = run_check(project)
    assert code == 1
    assert expected in out, out


def test_bibtex_problems_are_reported_too(tmp_path):
    project = make_site(tmp_path, bib={"zz.bib": "@report{r, title = {R}}\n"})
    code, out = run_check(project)
    assert code == 1
    assert "bibliography/zz.bib:1: l’entrée `r` (@report) n’a pas de champ `author` ou " \
           "`institution`" in out


def test_every_problem_of_every_file_in_one_run(tmp_path):
    bad = FIXTURE_ARTICLE.replace("[@dubois_2021]", "[@nope]") + "\nEt puis...\n"
    project = make_site(tmp_path, docs={ARTICLE: bad, "enquetes/autre.md": bad.replace(
        "date: 2026-01-15", "date: hier")}, bib={"zz.bib": "@onlin{x, author={A}, title={T}}\n"})
    code, out = run_check(project)
    lines = [line for line in out.splitlines() if line.startswith(("docs/", "bibliography/"))]
    assert code == 1
    assert len(lines) == 6, out
    assert {line.split(":")[0] for line in lines} == {
        "docs/enquetes/une-enquete.md", "docs/enquetes/autre.md", "bibliography/zz.bib"}


TYPO = textwrap.dedent("""\
    ---
    title: "L'enquête: un titre"
    summary: "Résumé..."
    ---

    Le "score" de l'agence ; vraiment ? Oui: «non» ...

    ```python
    x = "a" ; print('b')...
    ```

    Voir `code: "x"` et https://example.org/a?b=1;c et [lien](https://example.org/?q=1).
    """)


def test_fix_typography_fixes_prose_and_leaves_code_urls_and_keys(tmp_path):
    fixed = fix(TYPO)
    assert fixed.splitlines()[1] == f'title: "L’enquête{NBSP}: un titre"'
    assert fixed.splitlines()[2] == 'summary: "Résumé…"'
    assert fixed.splitlines()[5] == (f"Le «{NBSP}score{NBSP}» de l’agence{NNBSP}; vraiment{NNBSP}? "
                                     f"Oui{NBSP}: «{NBSP}non{NBSP}» …")
    for untouched in ('x = "a" ; print(\'b\')...', 'code: "x"', "https://example.org/a?b=1;c",
                      "(https://example.org/?q=1)", "---\ntitle:"):
        assert untouched in fixed
    assert check(fixed, "x.md") == []


def test_make_fix_typography_rewrites_files_then_check_is_clean(tmp_path):
    project = make_site(tmp_path, docs={ARTICLE: FIXTURE_ARTICLE + "\nC'est ainsi...\n"})
    code, _ = run_check(project)
    assert code == 1
    code, out = run_check(project, "--fix-typography")
    assert code == 0, out
    assert "typographie corrigée : docs/enquetes/une-enquete.md" in out
    assert "C’est ainsi…" in (project / "docs" / ARTICLE).read_text()


def test_check_says_when_fix_typography_would_mend_what_it_lists(tmp_path):
    """Four problems `make fix-typography` mends, one it leaves (an unbalanced straight
    quote), one it cannot (an unknown source): the check counts the four and names the
    command; with nothing to mend, it does not mention it."""
    text = (FIXTURE_ARTICLE.replace("[@dubois_2021]", "[@nope]")
            + "\nC'est ainsi... Il a dit «non».\n\nUn \"mot.\n")
    project = make_site(tmp_path, docs={ARTICLE: text})
    result = subprocess.run([*CHECK, "--root", str(project)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "4 de ces problèmes de typographie se corrigent tout seuls : lancez "
        "`make fix-typography`, qui les corrige puis revérifie."), result.stderr
    (project / "docs" / ARTICLE).write_text(FIXTURE_ARTICLE.replace("[@dubois_2021]", "[@nope]")
                                            + "\nUn \"mot.\n", encoding="utf-8")
    result = subprocess.run([*CHECK, "--root", str(project)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    assert "fix-typography" not in result.stdout + result.stderr


NEW_ARTICLE = script("new_article")


def test_new_article_is_refused_until_written_and_is_never_overwritten(tmp_path):
    """The skeleton of `make new-article` is refused by the check and by the build, with the
    line of each placeholder and what to do."""
    from support.sites import assert_fails_cleanly, mkdocs_build

    project = make_site(tmp_path)
    title = "Les « robots » de contrôle : l’été 2025"
    made = subprocess.run([*NEW_ARTICLE, title, "--root", str(project)], cwd=ROOT,
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    path = project / "docs" / "enquetes" / "les-robots-de-controle-l-ete-2025.md"
    text = path.read_text()
    assert f'title: "{title}"' in text and "summary: \"\"" in text and "tags: []" in text
    placeholder = text.splitlines().index("Texte à écrire.") + 1
    expected = (f"docs/enquetes/les-robots-de-controle-l-ete-2025.md:{placeholder}: texte "
                "provisoire « Texte à écrire. » encore en place — écrivez le texte de cette "
                "section, ou supprimez la section")
    code, out = run_check(project)
    assert code == 1
    assert expected in out, out
    assert "champ d’en-tête vide : `summary`" in out and "champ d’en-tête vide : `tags`" in out
    result = mkdocs_build(project, tmp_path / "site")
    assert_fails_cleanly(result, expected, "champ d’en-tête vide : `summary`")

    path.write_text("modifié")
    again = subprocess.run([*NEW_ARTICLE, title, "--root", str(project)], cwd=ROOT,
                           capture_output=True, text=True)
    assert again.returncode == 2
    assert "existe déjà : rien n’a été écrasé" in again.stderr
    assert path.read_text() == "modifié"


def test_new_article_sections_come_from_the_configuration(tmp_path):
    """Issue 30: the skeleton's sections are `extra.campaign.article_sections`, in order; a
    wrong setting is refused with its file and line, and nothing is written."""
    project = make_site(tmp_path)
    config = project / "mkdocs.yml"
    written = config.read_text(encoding="utf-8")
    config.write_text(written.replace("extra:\n", "extra:\n  campaign:\n    article_sections:\n"
                                      "      - Les faits\n      - La réponse de la caisse\n",
                                      1), encoding="utf-8")
    made = subprocess.run([*NEW_ARTICLE, "Le score", "--root", str(project)], cwd=ROOT,
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    text = (project / "docs" / "enquetes" / "le-score.md").read_text(encoding="utf-8")
    body = text.split("-->\n", 1)[1]
    assert body == "\n## Les faits\n\nTexte à écrire.\n\n## La réponse de la caisse\n\n" \
        "Texte à écrire.\n"
    config.write_text(written.replace("extra:\n", "extra:\n  campaign:\n    article_sections:\n"
                                      "      - Les faits\n      -\n", 1), encoding="utf-8")
    refused = subprocess.run([*NEW_ARTICLE, "Autre", "--root", str(project)], cwd=ROOT,
                             capture_output=True, text=True)
    assert refused.returncode == 2
    assert refused.stderr == (
        "mkdocs.yml:14: titre de section vide ou invalide : «  » — écrivez une liste de titres, "
        "un par ligne : `- Ce que l’on sait` (sans « ## », la commande les ajoute)\n")
    assert not (project / "docs" / "enquetes" / "autre.md").exists()
    code, out = run_check(project)  # the check refuses it too, in the same words
    assert code == 1 and refused.stderr.strip() in out


def test_missing_inherited_configuration_is_reported(tmp_path):
    project = make_site(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text("site_name: x\nINHERIT: ../absent/mkdocs.yml\n", encoding="utf-8")
    code, out = run_check(project)
    assert code == 1
    assert out.splitlines()[0] == (
        "mkdocs.yml:2: fichier hérité introuvable : « ../absent/mkdocs.yml » — corrigez le "
        "chemin écrit après `INHERIT:` (relatif au dossier de ce fichier)")
