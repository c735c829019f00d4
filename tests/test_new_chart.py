"""`make new-chart ID=… SOURCE=…`: three files from a template that build as they are,
and nothing overwritten."""

import subprocess

from support.sites import FIXTURE_ARTICLE, ROOT, make_site, mkdocs_build, script

NEW_CHART = script("new_chart")
FILES = ("data/mon-graphique.csv", "data/mon-graphique.yml", "charts/mon-graphique.py")


def project_with_own_macros(tmp_path):
    """A fixture site (its charts/ folder is its own: the template writes a module there)."""
    return make_site(tmp_path)


def new_chart(project, *args):
    result = subprocess.run([*NEW_CHART, *args, "--root", str(project)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


def test_new_chart_creates_files_that_build(tmp_path):
    project = project_with_own_macros(tmp_path)
    code, out = new_chart(project, "mon-graphique", "--source", "dubois_2021")
    assert code == 0, out
    for name in FILES:
        assert (project / name).exists(), name
    page = FIXTURE_ARTICLE + '\n{{ chart("mon-graphique") }}\n'
    (project / "docs" / "enquetes" / "une-enquete.md").write_text(page, encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.ok, result.output
    html = (tmp_path / "site" / "enquetes" / "une-enquete.html").read_text("utf-8")
    assert 'id="graphique-mon-graphique"' in html and "<svg" in html
    assert (tmp_path / "site" / "donnees" / "mon-graphique.csv").exists()


def test_new_chart_never_overwrites(tmp_path):
    project = project_with_own_macros(tmp_path)
    (project / "data").mkdir()
    (project / "data" / "mon-graphique.yml").write_text("title: à garder\n", encoding="utf-8")
    code, out = new_chart(project, "mon-graphique", "--source", "dubois_2021")
    assert code == 2
    assert "data/mon-graphique.yml existe déjà : rien n’a été écrit" in out
    assert (project / "data" / "mon-graphique.yml").read_text("utf-8") == "title: à garder\n"
    assert not (project / "data" / "mon-graphique.csv").exists()
    assert not (project / "charts" / "mon-graphique.py").exists()


def test_new_chart_refuses_a_bad_id_or_an_unknown_source(tmp_path):
    project = project_with_own_macros(tmp_path)
    code, out = new_chart(project, "Mon Graphique", "--source", "dubois_2021")
    assert code == 2 and "identifiant refusé : « Mon Graphique »" in out
    code, out = new_chart(project, "mon-graphique", "--source", "dubois2021")
    assert code == 2
    assert "source inconnue : « dubois2021 » — vouliez-vous dire `dubois_2021` ?" in out
    assert not (project / "data").exists()


def test_make_new_chart_requires_an_id():
    result = subprocess.run(["make", "-s", "new-chart"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "Usage : make new-chart ID=mon-graphique SOURCE=cle_bibtex" in result.stdout
