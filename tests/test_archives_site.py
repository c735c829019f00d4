"""Issue 27 in the built site: recorded archived copies become Robust Links, a gone original
is shown as such, nothing is guessed, kept documents are published with their hash, the
exports carry the records; a document whose hash changed stops the build; a publishing build
counts the addresses with no copy in one line; data/archives.yml mistakes are told in French."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import textwrap

import pytest

from macros.citations.archives import parse_archives
from macros.floor.errors import ContentError
from support.publishing import publishable_site, publishing_env
from support.sites import (
    FIXTURE_ARTICLE,
    ROOT,
    Site,
    assert_fails_cleanly,
    make_site,
    mkdocs_build,
    script,
)

PDF = b"%PDF-1.4\n% document obtenu par la campagne\n"
DIGEST = hashlib.sha256(PDF).hexdigest()
COPY = "https://web.archive.org/web/20250312101500/https://vivant.example.org/rapport"
GONE_COPY = "https://archive.ph/20240105/https://disparu.example.org/page"

BIB = textwrap.dedent(f"""\
    @online{{vivant,
      author = {{{{Collectif A}}}},
      title = {{Un rapport en ligne}},
      url = {{https://vivant.example.org/rapport}}, date = {{2025-02-20}},
      urldate = {{2025-03-01}},
    }}
    @online{{disparu,
      author = {{{{Collectif B}}}},
      title = {{Une page disparue}},
      url = {{https://disparu.example.org/page}}, date = {{2023-11-30}},
      urldate = {{2024-01-02}},
    }}
    @online{{sans_copie,
      author = {{{{Collectif C}}}},
      title = {{Une page jamais archivée}},
      url = {{https://rien.example.org/page}}, date = {{2024-06-03}},
      urldate = {{2024-07-12}},
    }}
    @unpublished{{note_cada,
      institution = {{Pôle emploi}},
      title = {{[Note obtenue par une demande CADA]}},
      date = {{2024}},
      file = {{documents/cada/note.pdf}},
      sha256 = {{{DIGEST}}},
    }}
    """)

ARCHIVES = textwrap.dedent(f"""\
    "https://vivant.example.org/rapport":
      copy: "{COPY}"
      captured: 2025-03-12
      checked: 2026-12-01
      state: live
      since: 2026-12-01

    "https://disparu.example.org/page":
      copy: "{GONE_COPY}"
      captured: 2024-01-05
      checked: 2026-12-03
      state: gone
      since: 2026-12-03

    "https://ancienne.example.org/retiree":
      checked: 2026-12-03
    """)

ARTICLE = FIXTURE_ARTICLE.replace(
    "Un fait [@dubois_2021].\n",
    "Un fait [@vivant]. Un autre [@disparu]. Un troisième [@sans_copie]. "
    "Un document [@note_cada].\n")


def _project(tmp_path, pdf: bytes | None = PDF, bib: str = BIB, publishable: bool = False):
    make = publishable_site if publishable else make_site
    project = make(tmp_path, docs={"enquetes/une-enquete.md": ARTICLE},
                   bib={"sources.bib": bib}, data={"archives.yml": ARCHIVES})
    if pdf is not None:
        (project / "documents" / "cada").mkdir(parents=True)
        (project / "documents" / "cada" / "note.pdf").write_bytes(pdf)
        (project / "documents" / "cada" / "prive.pdf").write_bytes(b"never published")
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A publishing build, with every setting of a real organisation filled in."""
    tmp = tmp_path_factory.mktemp("archives")
    result = mkdocs_build(_project(tmp, publishable=True), tmp / "site", publishing_env())
    assert result.ok, result.output
    return result


def _note(site: Site, key: str):
    return site.article("enquetes/une-enquete.html").select_one(f"li#note-{key}")


def test_a_recorded_copy_is_a_robust_link_with_the_recorded_values(built):
    note = _note(Site(built.site_dir), "vivant")
    for link in note.select("a.source-url, a.source-archive"):
        assert link["data-originalurl"] == "https://vivant.example.org/rapport"
        assert link["data-versionurl"] == COPY
        assert link["data-versiondate"] == "2025-03-12"
    assert note.select_one("a.source-url")["href"] == "https://vivant.example.org/rapport"
    archive = note.select_one("a.source-archive")
    assert archive["href"] == COPY
    assert archive.get_text() == "copie archivée le 12 mars 2025"
    assert note.select_one("a.source-archive-search") is None


def test_a_gone_original_is_shown_as_gone_behind_its_copy(built):
    note = _note(Site(built.site_dir), "disparu")
    first = note.select("a")[0]
    assert "source-archive" in first["class"] and first["href"] == GONE_COPY
    assert first.get_text() == "Copie archivée le 5 janvier 2024"
    assert first["data-originalurl"] == "https://disparu.example.org/page"
    text = " ".join(note.get_text().split())
    assert "la page d’origine a disparu (constaté le 3 décembre 2026)" in text
    assert not note.select('a[href="https://disparu.example.org/page"]')


def test_no_copy_means_a_search_and_nothing_guessed_anywhere(built):
    site = Site(built.site_dir)
    note = _note(site, "sans_copie")
    assert note.select_one("a.source-archive") is None
    search = note.select_one("a.source-archive-search")
    assert search.get_text() == "chercher une copie archivée"
    assert search["href"] == "https://web.archive.org/web/*/https://rien.example.org/page"
    url = note.select_one("a.source-url")
    assert (url["data-originalurl"], url["data-versiondate"]) == (
        "https://rien.example.org/page", "2024-07-12")
    assert not url.has_attr("data-versionurl")
    guessed = re.compile(r"web\.archive\.org/web/2024\d*/https://rien\.example\.org")
    for page in site.dir.rglob("*"):
        if page.is_file() and page.suffix in (".html", ".json", ".bib", ".xml"):
            assert not guessed.search(page.read_text(encoding="utf-8")), page


def test_a_kept_document_is_published_with_its_hash_and_only_it(built):
    site = Site(built.site_dir)
    note = _note(site, "note_cada")
    link = note.select_one("a.source-document")
    assert link["href"] == "../documents/cada/note.pdf"  # from enquetes/
    assert link.get_text() == "Copie conservée par le portail"
    assert note.select_one("code.source-hash").get_text() == DIGEST
    assert (site.dir / "documents" / "cada" / "note.pdf").read_bytes() == PDF
    assert not (site.dir / "documents" / "cada" / "prive.pdf").exists()
    entry = site.soup("sources.html").select_one("li#source-note_cada a.source-document")
    assert entry["href"] == "documents/cada/note.pdf"  # the bibliography is at the root


def test_the_exports_carry_the_records(built):
    site = Site(built.site_dir)
    bib = (site.dir / "sources" / "bibliographie.bib").read_text(encoding="utf-8")
    assert f"archiveurl   = {{{COPY}}}," in bib and "archivedate  = {2025-03-12}," in bib
    assert "urlstate     = {gone}," in bib and "urlstatedate = {2026-12-03}," in bib
    items = {item["id"]: item for item in json.loads(
        (site.dir / "sources" / "bibliographie.json").read_text(encoding="utf-8"))}
    assert items["vivant"]["archive_location"] == COPY
    assert items["vivant"]["archive"] == "web.archive.org"
    assert "archive_location" not in items["sans_copie"]


def test_a_publishing_build_counts_addresses_without_copy_in_one_line(built):
    lines = [line for line in built.output.splitlines() if "sans copie archivée" in line]
    assert lines == ["WARNING -  [portal] 1 adresse citée sans copie archivée enregistrée dans "
                     "data/archives.yml (leurs notes proposent seulement de chercher une copie) "
                     ": `make archive-sources` les fait archiver, `make check` les liste"]


def test_a_document_whose_hash_changed_or_that_is_missing_stops_the_build(tmp_path):
    project = _project(tmp_path, pdf=PDF + b"retouche")
    changed = hashlib.sha256(PDF + b"retouche").hexdigest()
    extra = textwrap.dedent("""\
        @unpublished{courrier,
          institution = {France Travail},
          title = {[Courrier]},
          file = {documents/courrier.pdf},
          sha256 = {%s},
        }
        """ % ("0" * 64))
    (project / "bibliography" / "sources.bib").write_text(BIB + extra, encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert_fails_cleanly(
        result,
        "bibliography/sources.bib:24: le document « documents/cada/note.pdf » de `note_cada` ne "
        f"correspond plus à son empreinte : attendue {DIGEST}, calculée {changed} — si le "
        "fichier a changé par erreur, rétablissez-le (git checkout -- documents/cada/note.pdf) ; "
        "si un nouveau document le remplace volontairement, écrivez "
        f"sha256 = {{{changed}}}",
        "bibliography/sources.bib:29: document introuvable pour `courrier` : "
        "« documents/courrier.pdf »")
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(("text", "expected"), [
    ('"https://a.example/x":\n  copy: https://web.archive.org/web/2025/x\n',
     "data/archives.yml:2: copie sans date pour « https://a.example/x » (`captured` manquant)"),
    ('"https://a.example/x":\n  state: perdu\n  since: 2026-01-01\n',
     "data/archives.yml:2: état inconnu pour « https://a.example/x » : « perdu » — écrivez live "
     "(en ligne), moved (déplacée), gone (disparue) ou changed (modifiée)"),
    ('"https://a.example/x":\n  copy: https://b.example/y\n  captured: 2025-02-30\n',
     "data/archives.yml:3: `captured` n’est pas une date : « 2025-02-30 »"),
    ('"ftp://a.example/x":\n  checked: 2026-01-01\n',
     "data/archives.yml:1: adresse refusée : « ftp://a.example/x »"),
    ('"https://a.example/x":\n  copie: https://b.example/y\n',
     "data/archives.yml:2: champ inconnu `copie` pour « https://a.example/x » — vouliez-vous "
     "dire `copy` ?"),
    ('"https://a.example/x":\n  state: gone\n',
     "data/archives.yml:2: `state` sans date pour « https://a.example/x » (`since` manquant)"),
    ("- https://a.example/x\n",
     "data/archives.yml:1: le fichier doit associer chaque adresse citée à sa copie"),
])
def test_mistakes_in_the_archive_file_are_told_in_french(text, expected):
    with pytest.raises(ContentError) as caught:
        parse_archives(text, "data/archives.yml")
    assert expected in str(caught.value)


def test_the_archive_field_of_an_entry_is_refused_with_a_pasteable_fix(tmp_path):
    bib = BIB.replace("  urldate = {2024-07-12},\n",
                      "  urldate = {2024-07-12},\n  archive = {https://web.archive.org/web/"
                      "20240712000000/https://rien.example.org/page},\n")
    project = _project(tmp_path, bib=bib)
    result = mkdocs_build(project, tmp_path / "site")
    assert_fails_cleanly(
        result, "bibliography/sources.bib:13: champ `archive` dans `sans_copie` : les copies "
        "archivées s’inscrivent désormais dans data/archives.yml",
        '"https://rien.example.org/page":\n      copy: "https://web.archive.org/web/'
        '20240712000000/https://rien.example.org/page"\n      captured: 2024-07-12')


def test_make_check_lists_the_cited_addresses_without_copy_and_passes(tmp_path):
    project = _project(tmp_path)
    result = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("1 adresse citée sans copie archivée enregistrée dans data/archives.yml (à faire : "
            "make archive-sources) :\n  https://rien.example.org/page — `sans_copie` "
            "(bibliography/sources.bib:13)\n") in result.stdout
    assert "vivant.example.org" not in result.stdout


def test_a_record_no_source_cites_is_named_with_its_line(built):
    assert ("WARNING -  [portal] 1 enregistrement(s) de data/archives.yml pour une adresse "
            "qu’aucune source ne cite plus : data/archives.yml:15 "
            "« https://ancienne.example.org/retiree » — supprimez-les") in built.output


def test_zensical_builds_the_same_notes_and_publishes_the_kept_document(tmp_path):
    from support.sites import zensical_build

    result = zensical_build(_project(tmp_path), tmp_path / "site")
    assert result.ok, result.output
    site = Site(result.site_dir)
    note = _note(site, "note_cada")
    assert note.select_one("a.source-document")["href"] == "../documents/cada/note.pdf"
    assert (site.dir / "documents" / "cada" / "note.pdf").read_bytes() == PDF
    archive = _note(site, "vivant").select_one("a.source-archive")
    assert (archive["href"], archive["data-versiondate"]) == (COPY, "2025-03-12")
    assert "la page d’origine a disparu" in _note(site, "disparu").get_text()
