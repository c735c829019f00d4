"""Readings kept from one build process to the next (macros/floor/kept_readings.py,
`.cache/reading/`): found again only for the same content, code and context, never trusted
when broken, and never a reason for a mistake to go unreported."""

import pickle
import stat
import subprocess

from macros.floor.kept_readings import KeptReadings, code_version
from support.sites import FIXTURE_ARTICLE, ROOT, make_site, mkdocs_build, script

ARTICLE = "enquetes/une-enquete.md"


def run_check(project):
    result = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout


def kept_files(project):
    return sorted((project / ".cache" / "reading").glob("*.pickle"))


def test_a_reading_is_found_again_only_by_the_same_code_and_key(tmp_path):
    kept = KeptReadings(tmp_path / "reading", "version-1")
    kept.save("pages", "key-a", {"page.md": ("digest", "record", [])})
    assert kept.load("pages", "key-a") == {"page.md": ("digest", "record", [])}
    assert kept.load("pages", "key-b") is None
    assert KeptReadings(kept.folder, "version-2").load("pages", "key-a") is None
    # Private: the folder and the files are the build's own.
    assert stat.S_IMODE(kept.folder.stat().st_mode) == 0o700
    assert [stat.S_IMODE(p.stat().st_mode) for p in kept.folder.iterdir()] == [0o600]


def test_a_broken_or_foreign_file_is_a_reading_not_kept_never_an_error(tmp_path):
    kept = KeptReadings(tmp_path / "reading", "version-1")
    kept.save("pages", "key-a", {"page.md": ("digest",)})
    path = kept.path("pages", "key-a")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # a build killed while another wrote: partial
    assert kept.load("pages", "key-a") is None
    path.write_bytes(b"not a pickle")
    assert kept.load("pages", "key-a") is None
    path.write_bytes(pickle.dumps(("version-1", "key-a")))  # another layout
    assert kept.load("pages", "key-a") is None


def test_a_folder_that_cannot_be_written_only_costs_the_reading_again(tmp_path):
    blocked = tmp_path / "reading"
    blocked.write_text("a file where the folder should be")
    kept = KeptReadings(blocked, "version-1")
    kept.save("pages", "key-a", {"page.md": ("digest",)})  # no exception
    assert kept.load("pages", "key-a") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reading"]  # nothing left beside


def test_the_latest_few_readings_of_a_name_are_kept_and_older_ones_removed(tmp_path):
    kept = KeptReadings(tmp_path / "reading", "version-1")
    for number in range(6):
        kept.save("pages", f"key-{number}", number)
        kept.save("bibliography", "same", number)
    assert [kept.load("pages", f"key-{n}") for n in range(6)] == [None, None, 2, 3, 4, 5]
    assert kept.load("bibliography", "same") == 5
    assert len(list(kept.folder.glob("pages-*.pickle"))) == 4
    assert not list(kept.folder.glob(".*"))  # no temporary file left


def test_the_code_version_changes_with_the_code_that_reads(tmp_path):
    code = tmp_path / "code"
    code.mkdir()
    (code / "reader.py").write_text("RULE = 1\n")
    before = code_version((code,), ())
    assert code_version((code,), ()) == before
    (code / "reader.py").write_text("RULE = 2\n")
    assert code_version((code,), ()) != before
    assert code_version((code,), ("pybtex",)) != code_version((code,), ())


def test_a_second_check_reads_what_changed_and_reports_every_mistake_again(tmp_path):
    """`make check` twice (two processes): the second finds the pages kept by the first,
    and still reports a mistake made in between, in a page or through the bibliography."""
    project = make_site(tmp_path)
    code, out = run_check(project)
    assert code == 0, out
    assert [p.name.split("-")[0] for p in kept_files(project)] == ["bib", "pages"]
    written = {p: p.stat().st_mtime_ns for p in kept_files(project)}
    code, out = run_check(project)
    assert code == 0, out
    # Everything found again: nothing read again, so nothing written again.
    assert {p: p.stat().st_mtime_ns for p in kept_files(project)} == written

    page = project / "docs" / ARTICLE
    page.write_text(FIXTURE_ARTICLE + "\nEt puis...\n", encoding="utf-8")
    code, out = run_check(project)
    assert code == 1
    assert "docs/enquetes/une-enquete.md:13: trois points « ... » — utilisez le caractère " \
           "points de suspension « … »" in out, out
    code, again = run_check(project)  # found in the kept reading: the same words
    assert (code, again) == (1, out)

    # The page unchanged, the entry it cites removed from the bibliography.
    page.write_text(FIXTURE_ARTICLE, encoding="utf-8")
    bib = next((project / "bibliography").glob("*.bib"))
    text = bib.read_text(encoding="utf-8")
    assert "@" in text and "dubois_2021" in text
    start = text.index("dubois_2021")
    start = text.rindex("@", 0, start)
    end = text.find("\n@", start)
    bib.write_text(text[:start] + (text[end + 1:] if end >= 0 else ""), encoding="utf-8")
    code, out = run_check(project)
    assert code == 1
    assert "docs/enquetes/une-enquete.md:11: source inconnue `dubois_2021`" in out, out


def test_a_build_with_the_kept_readings_makes_the_same_site(tmp_path):
    project = make_site(tmp_path)
    sites = []
    for name in ("first", "second"):
        site = tmp_path / name
        result = mkdocs_build(project, site)
        assert result.ok, result.output[-3000:]
        sites.append({p.relative_to(site).as_posix(): p.read_bytes()
                      for p in sorted(site.rglob("*")) if p.is_file()})
    assert kept_files(project)
    assert sites[0] == sites[1]
