"""No state on classes or modules that a second build could see: builds run one after the
other in one process (two different small sites, then the first again) give the sites that
separate processes give, byte for byte."""

from __future__ import annotations

import gzip
import subprocess
import sys
import textwrap

from support.sites import ROOT, build_env, make_site, mkdocs_build

OTHER_BIB = textwrap.dedent("""\
    @report{autre2023,
      author = {{Cour des comptes}},
      title = {Un autre rapport sur les contrôles},
      date = {2023-05-02},
      url = {https://example.org/autre-rapport},
      urldate = {2024-01-10},
    }
    """)

OTHER_ARTICLE = textwrap.dedent("""\
    ---
    title: Une autre enquête
    summary: Un autre résumé, pour un autre site.
    date: 2024-03-04
    authors: [Collectif]
    tags: [contrôles]
    ---

    # Une autre enquête

    Un autre texte, qui cite un autre rapport [@autre2023, p. 4].
    """)

# One process, three builds: MkDocs' own public API (load_config, then build), as a tool
# embedding MkDocs would call it.
IN_ONE_PROCESS = textwrap.dedent("""\
    import sys
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    for config_file, site_dir in zip(sys.argv[1::2], sys.argv[2::2], strict=True):
        build(load_config(config_file=config_file, site_dir=site_dir, strict=True))
    """)


def _files(root):
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            # The gzipped sitemap's header carries the build's time: its content compared.
            found[path.relative_to(root).as_posix()] = (
                gzip.decompress(data) if path.suffix == ".gz" else data)
    return found


def test_builds_in_one_process_are_the_builds_of_separate_processes(tmp_path):
    first = make_site(tmp_path / "a")
    second = make_site(tmp_path / "b", docs={"enquetes/une-enquete.md": None,
                                             "enquetes/une-autre-enquete.md": OTHER_ARTICLE},
                       bib={"sources.bib": OTHER_BIB})
    alone = {name: mkdocs_build(project, tmp_path / f"alone-{name}")
             for name, project in (("a", first), ("b", second))}
    assert all(result.ok for result in alone.values()), [r.output for r in alone.values()]
    runs = [(first, tmp_path / "one-a"), (second, tmp_path / "one-b"),
            (first, tmp_path / "one-a-again")]
    result = subprocess.run(
        [sys.executable, "-c", IN_ONE_PROCESS,
         *(str(arg) for project, site in runs for arg in (project / "mkdocs.yml", site))],
        cwd=ROOT, env=build_env(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    site_a, site_b = _files(tmp_path / "alone-a"), _files(tmp_path / "alone-b")
    assert site_a != site_b  # two different sites: a state carried over would show
    assert "enquetes/une-autre-enquete.html" in site_b
    assert "enquetes/une-autre-enquete.html" not in site_a
    for (_, site), expected in zip(runs, (site_a, site_b, site_a), strict=True):
        got = _files(site)
        assert sorted(got) == sorted(expected), site.name
        assert [name for name in expected if got[name] != expected[name]] == [], site.name


# Counts the files opened by a build (Python's audit hook, a public interface of the runtime):
# the content files are read once per build, data/petition.yml included.
COUNT_OPENS = textwrap.dedent("""\
    import collections, sys
    from pathlib import Path
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    opened = collections.Counter()
    watched = {str(Path(sys.argv[1]).parent / "data" / "petition.yml")}

    def hook(event, args):
        if event == "open" and str(args[0]) in watched and "w" not in str(args[1] or "r"):
            opened[str(args[0])] += 1

    sys.addaudithook(hook)
    build(load_config(config_file=sys.argv[1], site_dir=sys.argv[2], strict=True))
    print("OPENED", sum(opened.values()))
    """)


def test_a_build_reads_the_petition_file_once(tmp_path):
    petition = (ROOT / "data" / "petition.yml").read_text(encoding="utf-8")
    project = make_site(tmp_path, data={"petition.yml": petition})
    result = subprocess.run(
        [sys.executable, "-c", COUNT_OPENS, str(project / "mkdocs.yml"), str(tmp_path / "site")],
        cwd=ROOT, env=build_env(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OPENED 1\n" in result.stdout, result.stdout[-2000:]
