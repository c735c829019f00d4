"""The scale benchmark at small N: the generator, the builds and the report keep working.

Figures are printed, never asserted: tests do not time anything (see `make bench`).
"""

from __future__ import annotations

import json
import re

import pytest

from bench import engines, generate
from bench.run import (
    build_once,
    compare_builds,
    format_engines,
    format_report,
    paired_ratios,
    run_bench,
)

N = 20


def test_generator_is_deterministic_and_seeded():
    assert generate.portal_project(5, seed=3).files == generate.portal_project(5, seed=3).files
    assert generate.portal_project(5, seed=3).files != generate.portal_project(5, seed=4).files
    assert generate.baseline_project(5, seed=3).files == generate.baseline_project(5, seed=3).files


def test_the_second_baseline_is_the_first_without_search():
    files = generate.baseline_project(5, seed=3).files
    with_search, without = files["mkdocs.yml"], files["mkdocs-no-search.yml"]
    assert "  - search:" in with_search and "search" not in without
    assert without == with_search.replace("  - search:\n      lang: fr\n", "").replace(
        "plugins:\n", "plugins: []\n")


def test_investigation_has_the_announced_shape():
    entries, pages = generate.investigations(12, seed=1, charts=True)
    assert len(entries) == generate.BIB_ENTRIES == len({e.key for e in entries})
    page = pages[3]
    body = page.markdown.split("---", 2)[2]
    assert 1300 <= generate.word_count(page.markdown) <= 1800
    assert len(re.findall(r"^## ", body, re.M)) == 3
    assert len(re.findall(r"^\| --- ", body, re.M)) == 1
    assert len(re.findall(r"\]\(enquete-\d{4}\.md\)", body)) == 5
    assert len(re.findall(r"@[a-z]+_\d{4}_\d{4}", body)) == 10 == len(set(page.cited))
    assert [p.chart for p in pages if p.chart] == ["serie-0000", "serie-0010"]


def test_charts_come_with_metadata_and_a_module_in_the_charts_folder(tmp_path):
    project = generate.portal_project(20, seed=1, charts=True)
    ids = ["serie-0000", "serie-0010"]
    assert sorted(p for p in project.files if p.startswith("data/")) == \
        [f"data/{i}.{ext}" for i in ids for ext in ("csv", "yml")]
    assert [p for p in project.files if p.startswith("charts/")] == \
        [f"charts/{i}.py" for i in ids]
    _, pages = generate.investigations(20, seed=1, charts=True)
    # The chart's source is a generated key, cited on the page that shows the chart.
    assert f"source: {pages[10].cited[0]}\n" in project.files["data/serie-0010.yml"]
    root = generate.write_project(project, tmp_path / "portal")
    assert (root / "charts" / "serie-0010.py").is_file()
    assert not (generate.ROOT / "charts" / "serie-0010.py").exists()
    # The real package is linked, never written into.
    assert (root / "macros").is_symlink()


def test_baseline_turns_citations_into_footnotes():
    entries, pages = generate.investigations(3, seed=1)
    text = generate.to_footnotes(pages[0].markdown, {e.key: e for e in entries})
    assert "[@" not in text
    assert len(re.findall(r"^\[\^\d+\]: ", text, re.M)) == 10
    assert len(set(re.findall(r"\[\^(\d+)\](?!:)", text))) == 10
    assert ", p. 53." in text


def test_ratios_pair_the_builds_of_each_repetition():
    """A slow moment weighs on the baseline and the portal built just after it alike."""
    def variant(seconds):
        return {"seconds": {"runs": seconds}, "cpu_seconds": {"runs": [s * 2 for s in seconds]}}

    out = {"baseline": variant([10, 14, 10]), "portal_first": variant([15, 21, 15]),
           "portal_cold": variant([11, 15.4, 11.5]), "portal_warm": variant([10, 14, 10.5])}
    ratios = paired_ratios(out)
    assert ratios["ratio_cold_runs"] == pytest.approx([1.1, 1.1, 1.15])
    assert ratios["ratio_cold"] == pytest.approx(1.1)  # medians' ratio: 11.5 / 10 = 1.15
    assert ratios["ratio_first"] == pytest.approx(1.5)
    assert ratios["ratio_warm"] == ratios["ratio_warm_cpu"] == pytest.approx(1.0)


@pytest.mark.bench
def test_small_benchmark_report(tmp_path):
    report = run_bench([N], tmp_path / "work", repeats=1, warmup=0, citation_repeats=1)
    out = tmp_path / "bench.json"
    out.write_text(json.dumps(report))
    print("\n" + format_report(report))

    (run,) = report["runs"]
    assert run["n"] == N and run["pages"] == N + 3
    for variant in ("baseline", "baseline_no_search", "portal_first", "portal_cold",
                    "portal_warm"):
        for measure in ("seconds", "cpu_seconds", "peak_mb"):
            assert set(run[variant][measure]) >= {"median", "min", "max", "runs"}
            assert len(run[variant][measure]["runs"]) == 1
    assert run["ratio_warm_no_search_runs"] == [
        run["portal_warm"]["seconds"]["runs"][0] / run["baseline_no_search"]["seconds"]["runs"][0]]
    for variant in ("first", "cold", "warm"):
        assert run[f"ratio_{variant}_runs"] == [
            run[f"portal_{variant}"]["seconds"]["runs"][0] / run["baseline"]["seconds"]["runs"][0]]

    portal, baseline = run["portal_counts"], run["baseline_counts"]
    # One chart per 10 investigations, drawn by every cold build, by no warm one (the
    # renders are counted from the build log, never timed).
    assert report["settings"]["charts"] is True
    assert portal["charts"] == portal["chart_figures"] == N // generate.CHART_EVERY == 2
    assert baseline["chart_figures"] == 0
    assert run["portal_first"]["chart_renders"] == run["portal_cold"]["chart_renders"] == [2]
    assert run["portal_warm"]["chart_renders"] == [0]
    # The search bundle: made by Pagefind in a first build, then taken from the cache while
    # the pages are the same (a cold build empties the chart cache only).
    assert run["portal_first"]["search_from_cache"] == [False]
    assert run["portal_cold"]["search_from_cache"] == run["portal_warm"]["search_from_cache"] \
        == [True]
    assert run["portal_first"]["emptied_before_each_build"] == [".cache"]
    assert run["portal_cold"]["emptied_before_each_build"] == [".cache/charts"]
    assert run["portal_warm"]["emptied_before_each_build"] == []
    # The portal also has the search page its header's form leads to (Material's is a dialog).
    search_page = int((generate.ROOT / "docs" / "rechercher.md").is_file())
    assert baseline["markdown_pages"] == baseline["html_pages"] == N + 3
    assert portal["markdown_pages"] == portal["html_pages"] == N + 3 + search_page
    assert portal["bib_entries"] == generate.BIB_ENTRIES
    # 10 sources cited on the page: our numbered notes, and the baseline's footnotes.
    assert portal["notes_on_sample_page"] == baseline["notes_on_sample_page"] == 10
    assert portal["sample_tables"] == baseline["sample_tables"] == 1
    assert portal["sample_internal_links"] == baseline["sample_internal_links"] == 5
    assert baseline["sample_h2"] == 3 and portal["sample_h2"] == 4  # + « Notes et sources »

    for variant in ("portal", "baseline"):
        sizes = run[f"{variant}_sizes"]
        assert 0 < sizes["page_gzip_bytes"] < sizes["page_bytes"] < sizes["site_bytes"]
        assert sizes["page_bytes"] <= sizes["largest_page_bytes"] < sizes["site_bytes"]
        assert sizes["first_load"]["gzip_bytes"] > sizes["page_gzip_bytes"]
        assert sizes["first_search"]["engine"] in ("lunr", "pagefind")
    chart_pages = [f"{generate.DOSSIER}/{generate.slug(i)}.html"
                   for i in range(0, N, generate.CHART_EVERY)]
    assert run["portal_sizes"]["largest_chart_page"] in chart_pages
    assert run["portal_sizes"]["largest_page"] not in chart_pages
    assert run["baseline_sizes"]["largest_chart_page_bytes"] == 0  # no chart in the baseline

    citations = report["citation_stage"]
    assert citations["pages"] == N
    assert "speedup" in citations or "not installed" in citations["mkdocs_bibtex"]
    assert set(report["targets"]) >= {"ratio_cold", "ratio_warm", "page_html_bytes",
                                      "search_index_on_page_load"}
    assert all(isinstance(t["met"], bool) for t in report["targets"].values())
    # `make check` and the preview were run on the synthetic portal (times are not judged).
    assert len(run["check"]["seconds"]) == 1 and len(run["preview"]["seconds"]) == 1
    assert "preview_seconds" in report["targets"]
    assert "make check" in format_report(report)
    # The other engines were built in the same run (tested apart below, at N = 3).
    assert run["engines"] == list(engines.ENGINES)
    assert set(report["settings"]["engine_versions"]) == {
        "mkdocs", "mkdocs-material", "zensical", "hugo"}
    assert "Zensical, cache kept" in format_report(report)


@pytest.mark.bench
def test_service_load_run_keeps_every_acknowledged_signature_and_mail(tmp_path):
    """A small load and fault run (SIGKILL, SMTP down for the first half): the counts are
    checked, never the timings."""
    from bench import service_load

    report = service_load.run(300, 20, tmp_path / "service-load.json")
    assert report["acknowledged"] == 300
    assert report["missing_acknowledged_in_database"] == 0
    assert report["mails_missing"] == 0 and report["same_mail_delivered_twice"] == 0
    assert "killed_at_s" in report and "smtp_started_at_s" in report
    assert "signatures/s" in service_load.format_service_report(report)
    assert json.loads((tmp_path / "service-load.json").read_text())["signatures"] == 300


def test_engines_are_chosen_by_name():
    assert engines.parse_engines("hugo,zensical") == ("zensical", "hugo")
    assert engines.parse_engines("all") == engines.ENGINES
    assert engines.parse_engines("none") == ()
    with pytest.raises(ValueError, match=r"unknown engine\(s\) \['jekyll'\]"):
        engines.parse_engines("hugo,jekyll")


@pytest.mark.bench
def test_every_engine_builds_the_same_markdown_and_is_compared(tmp_path):
    """Zensical (cache emptied, then kept) and Hugo build the baseline's pages in the
    portal's repetition; each build is counted and its ratios computed (never judged)."""
    out = compare_builds(3, tmp_path, repeats=1, warmup=0, seed=1, charts=False)
    variants = ["zensical_cold", "zensical_warm", "hugo"]
    assert list(out["engine_ratios"]) == variants
    baseline_docs = tmp_path / "baseline" / "docs" / generate.DOSSIER
    for variant, content in zip(variants, ("zensical/docs", "zensical/docs", "hugo/content"),
                                strict=True):
        # The same Markdown as bare Material's, investigation by investigation.
        for page in sorted(baseline_docs.glob("enquete-*.md")):
            twin = tmp_path / content / generate.DOSSIER / page.name
            assert twin.read_bytes() == page.read_bytes()
        built = out[f"{variant}_counts"]
        assert built["markdown_pages"] == built["html_pages"] == 3 + 3
        assert built["notes_on_sample_page"] == 10  # the footnotes, rendered
        assert built["sample_h2"] == 3 and built["sample_tables"] == 1
        assert built["sample_internal_links"] == 2  # `.md` links became `.html` links
        assert 0 < built["page_bytes"] < built["site_bytes"]
        seconds = out[variant]["seconds"]["runs"]
        assert len(seconds) == 1
        cpu = out[variant]["cpu_seconds"]["runs"]
        for other in engines.COMPARED_WITH:
            ratio = out["engine_ratios"][variant][other]
            assert ratio["runs"] == [seconds[0] / out[other]["seconds"]["runs"][0]]
            assert ratio["median"] == ratio["runs"][0] > 0
            ratio = out["engine_ratios_cpu"][variant][other]
            assert ratio["runs"] == [cpu[0] / out[other]["cpu_seconds"]["runs"][0]]
            assert ratio["median"] == ratio["runs"][0] > 0
    assert out["zensical_cold"]["emptied_before_each_build"] == [".cache"]
    assert out["zensical_warm"]["emptied_before_each_build"] == []
    assert (tmp_path / "zensical" / ".cache").is_dir()  # what the warm build found
    assert len(out["load_average"]["before"]) == len(out["load_average"]["after"]) == 3
    text = "\n".join(format_engines(out))
    for label in ("Zensical, cache emptied", "Zensical, cache kept", "Hugo, plain theme",
                  "÷ Material", "÷ portal warm", "CPU time"):
        assert label in text


@pytest.mark.bench
def test_a_build_that_leaves_a_page_out_stops_the_bench(tmp_path):
    """Hugo skips a draft page without a word: the bench must not time such a build."""
    project = generate.hugo_project(3, seed=1)
    page = f"content/{generate.DOSSIER}/{generate.slug(1)}.md"
    project.files[page] = project.files[page].replace("---\n", "---\ndraft: true\n", 1)
    jobs = engines.engine_jobs(("hugo",), 3, 1, tmp_path)
    generate.write_project(project, jobs["hugo"].project)
    build_once(jobs["hugo"])  # exits without error
    with pytest.raises(engines.IncompleteBuild) as failure:
        engines.check_built(jobs["hugo"], 3, "hugo")
    message = str(failure.value)
    assert message.startswith("hugo: 5 HTML pages in ")
    assert "for 6 Markdown pages" in message
    assert f"investigations missing: 1 ['{generate.DOSSIER}/{generate.slug(1)}.html']" in message
