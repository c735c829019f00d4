"""A web or press source a reader cannot find (no address) or, read online, cannot date
(a year alone, or no date on a page that is not declared as kept up to date): refused by a
publishing build in one French message, reported by `make check` as errors, a warning in
a local build. The portal's own bibliography passes."""

from __future__ import annotations

import subprocess
import textwrap

import pytest

from macros.citations.findability import unfindable_sources
from macros.citations.sources import load_sources
from support.publishing import publishing_env
from support.sites import ROOT, build_env, make_site, mkdocs_build, script

ADDRESS_HINT = ("ajoutez à l’entrée son adresse et le jour où vous l’avez consultée, par "
                "exemple `url = {https://www.laquadrature.net/france-travail},` et "
                "`urldate = {2026-12-07},` ; si l’adresse reste introuvable, citez à sa place "
                "la source qui la rapporte (« d’après … ») et retirez cette entrée")
DATE_HINT = ("indiquez le jour de publication que la page affiche (au moins le mois), par "
             "exemple `date = {2024-07-12},` ; s’il reste introuvable, citez à sa place la "
             "source qui la rapporte (« d’après … »)")

BIB = textwrap.dedent("""\
    @online{sans_adresse,
      author  = {{Basta!}},
      title   = {Un article},
      date    = {2025-06-02},
    }

    @online{annee_seule,
      author  = {{Basta!}},
      title   = {Un autre article},
      date    = {2025},
      url     = {https://basta.media/un-autre-article},
      urldate = {2026-12-07},
    }

    @online{sans_date,
      author  = {{La Quadrature du Net}},
      title   = {Une page},
      url     = {https://www.laquadrature.net/une-page},
      urldate = {2026-12-07},
    }

    @online{page_de_dossier,
      author  = {{La Quadrature du Net}},
      title   = {France Travail},
      type    = {Page de dossier},
      url     = {https://www.laquadrature.net/france-travail},
      urldate = {2026-12-07},
    }

    @article{imprime,
      author       = {Brahan, Keltoum},
      title        = {Déshumaniser le travail social},
      journaltitle = {CQFD},
      date         = {2017},
    }

    @online{au_mois,
      author  = {{Human Rights Watch}},
      title   = {Questions et réponses},
      date    = {2021-11},
      url     = {https://www.hrw.org/news/2021/11/10/x},
      urldate = {2026-11-23},
    }

    @report{rapport_en_ligne,
      author  = {{Cour des comptes}},
      title   = {Un rapport},
      date    = {2020},
      url     = {https://www.ccomptes.fr/un-rapport},
      urldate = {2026-11-23},
    }
    """)

EXPECTED = [
    f"bibliography/presse.bib:1: `sans_adresse` (@online) : source en ligne sans adresse, "
    f"qu’un lecteur ne peut pas retrouver — {ADDRESS_HINT}",
    f"bibliography/presse.bib:7: `annee_seule` (@online) : source en ligne datée de l’année "
    f"seule (« 2025 ») — {DATE_HINT}",
    f"bibliography/presse.bib:15: `sans_date` (@online) : source en ligne sans date — "
    f"{DATE_HINT} ; une page tenue à jour sans date (page de dossier, d’accueil) se déclare "
    "comme telle, par exemple `type = {Page de dossier},`",
]


def bib_project(tmp_path, text: str = BIB):
    folder = tmp_path / "bibliography"
    folder.mkdir()
    (folder / "presse.bib").write_text(text, encoding="utf-8")
    return tmp_path


def test_each_unfindable_source_is_named_with_its_line_key_and_a_pastable_fix(tmp_path):
    root = bib_project(tmp_path)
    problems = unfindable_sources(load_sources(root / "bibliography", root))
    assert [str(p) for p in problems] == EXPECTED


def test_the_examples_of_the_hints_work_when_pasted(tmp_path):
    """The fields the hints give, pasted into the refused entries, make them pass."""
    fixed = (BIB.replace("  date    = {2025-06-02},\n", "  date    = {2025-06-02},\n"
                         "  url = {https://www.laquadrature.net/france-travail},\n"
                         "  urldate = {2026-12-07},\n")
             .replace("  date    = {2025},\n", "  date = {2024-07-12},\n")
             .replace("  title   = {Une page},\n",
                      "  title   = {Une page},\n  type = {Page de dossier},\n"))
    root = bib_project(tmp_path, fixed)
    assert unfindable_sources(load_sources(root / "bibliography", root)) == []


def test_the_portals_bibliography_lets_every_reader_find_and_date_its_sources():
    sources = load_sources(ROOT / "bibliography", ROOT)
    assert unfindable_sources(sources) == []


def test_make_check_reports_them_as_errors(tmp_path):
    project = make_site(tmp_path, bib={"presse.bib": BIB})
    result = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout
    for line in EXPECTED:
        assert line in result.stdout.splitlines(), result.stdout


def test_the_build_refuses_them_as_make_check_does(tmp_path):
    """One rule, one verdict (macros/assembly/rules.py: « à terminer »): the build refuses what
    `make check` refuses; only the preview serves such a draft, with its banner."""
    project = make_site(tmp_path, bib={"presse.bib": BIB})
    result = mkdocs_build(project, project / "site", build_env())
    assert not result.ok
    for line in EXPECTED:
        assert line in result.output, result.output
    assert not (project / "site").exists()


def test_the_real_portal_passes_a_publishing_build(tmp_path):
    """Once the organisation's settings are given, the portal's content itself (its
    bibliography included) is publishable: nothing of it is refused."""
    if any("À REMPLIR" in page.read_text(encoding="utf-8")
           for page in (ROOT / "docs").rglob("*.md")):
        pytest.skip("make new-campaign's skeleton: refused until written (test_new_campaign)")
    env = publishing_env(PORTAL_SERVICE_URL="https://agir.collectif-droits.fr/")
    result = mkdocs_build(ROOT, tmp_path / "site", env)
    assert result.ok, result.output
    assert "ne peut pas être retrouvée" not in result.output
    assert "ne peuvent pas être retrouvées" not in result.output
