"""Fast content check, without building the site (`make check`).

Reports every problem of every file in one run, as `file:line: message — hint`:
front matter, citation keys, BibTeX, links and anchors between pages, chart ids,
redirects, French typography and the easy-to-read blocks. `--fix-typography` corrects what can be
corrected safely and reports the rest.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from macros.citations.sources import collect_sources  # noqa: E402
from macros.corpus import collect_docs  # noqa: E402
from macros.easyread import page_problems as easy_read_problems  # noqa: E402
from macros.errors import ContentError, Problem, did_you_mean  # noqa: E402
from macros.links import check_links  # noqa: E402
from macros.mirrors import load_mirrors  # noqa: E402
from macros.petition import load_petition  # noqa: E402
from macros.redirects import load_redirects  # noqa: E402
from macros.typography import check as check_typography  # noqa: E402
from macros.typography import fix as fix_typography  # noqa: E402

_CHART_CALL = re.compile(r"\{\{\s*chart\(\s*[\"']([^\"']+)[\"']")


def load_config(root: Path) -> dict:
    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml uses `!ENV [NAME, default]`: the default is enough here.
    Loader.add_constructor("!ENV", lambda loader, node: None)
    return yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader) or {}


def chart_problems(pages: dict[str, str], root: Path, docs_label: str,
                   sources: dict | None = None) -> list[Problem]:
    known = sorted(p.stem for p in (root / "data").glob("*.csv")) if (root / "data").is_dir() \
        else []
    problems = []
    checked: set[str] = set()
    for path, text in pages.items():
        for m in _CHART_CALL.finditer(text):
            if m.group(1) in known and m.group(1) not in checked and sources is not None:
                checked.add(m.group(1))
                problems += chart_data_problems(m.group(1), root, sources)
            if m.group(1) not in known:
                problems.append(Problem(f"{docs_label}/{path}",
                                        f"graphique inconnu `{m.group(1)}`",
                                        text.count("\n", 0, m.start()) + 1,
                                        did_you_mean(m.group(1), known, "graphiques connus")
                                        or f"ajoutez data/{m.group(1)}.csv (make new-chart)"))
    return problems


def chart_data_problems(chart_id: str, root: Path, sources: dict) -> list[Problem]:
    """The table and metadata of a chart a page shows, checked as the build checks them."""
    from macros.charts._dataset import read_metadata, read_table
    from macros.charts._registry import chart_ids, load_chart_module

    if chart_id not in chart_ids():
        return []  # a CSV without its module: the build names it
    problems = []
    for read in (lambda: read_metadata(root / "data" / f"{chart_id}.yml",
                                       f"data/{chart_id}.yml", sources),
                 lambda: read_table(root / "data" / f"{chart_id}.csv", f"data/{chart_id}.csv",
                                    load_chart_module(chart_id).COLUMNS, sources)):
        try:
            read()
        except ContentError as error:
            problems += error.problems
    return problems


def run(root: Path, fix: bool) -> list[Problem]:
    config = load_config(root)
    extra = config.get("extra") or {}
    docs_dir = root / config.get("docs_dir", "docs")
    docs_label = docs_dir.relative_to(root).as_posix()
    sources, problems = collect_sources(root / extra.get("bibliography_dir", "bibliography"), root)
    _, doc_problems = collect_docs(docs_dir, docs_label, list(extra.get("dossiers", [])),
                                   sources, complete=True)
    problems += doc_problems
    pages = {p.relative_to(docs_dir).as_posix(): p.read_text(encoding="utf-8")
             for p in sorted(docs_dir.rglob("*.md"))}
    problems += check_links(pages, docs_label)
    problems += chart_problems(pages, root, docs_label, sources)
    try:
        load_redirects(root / "data" / "redirections.yml", "data/redirections.yml", set(pages))
    except ContentError as error:
        problems += error.problems
    try:
        load_mirrors(root / "data" / "miroirs.yml", "data/miroirs.yml")
    except ContentError as error:
        problems += error.problems
    petition_file = str((extra.get("action") or {}).get("petition_data", "data/petition.yml"))
    try:
        load_petition(root / petition_file, petition_file)
    except ContentError as error:
        problems += error.problems
    for path, text in pages.items():
        if fix:
            fixed = fix_typography(text)
            if fixed != text:
                (docs_dir / path).write_text(fixed, encoding="utf-8")
                print(f"typographie corrigée : {docs_label}/{path}")
                text = fixed
        problems += check_typography(text, f"{docs_label}/{path}")
        problems += easy_read_problems(text, f"{docs_label}/{path}")  # « facile à lire »
    return sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.message))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--fix-typography", action="store_true")
    args = parser.parse_args()
    problems = run(args.root.resolve(), args.fix_typography)
    for problem in problems:
        print(problem)
    if problems:
        count = len(problems)
        print(f"\n{count} problème{'s' if count > 1 else ''} à corriger.", file=sys.stderr)
        return 1
    print("Contenu vérifié : aucun problème.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
