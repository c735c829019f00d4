"""Fast content check, without building the site (`make check`).

Runs the collection step the build runs (macros/assembly/collect.py: the same readers, the same
problems, the same words), so that what the build would refuse, the check refuses too,
and adds French typography, the measures of the easy-to-read blocks, and the web or press
sources a reader could not find or date (refused by a publishing build: errors here too).
Reports every problem of every file in one run, as `file:line: message — hint`.
`--fix-typography` corrects what can be corrected safely and reports the rest; `--claims`
(`make check CLAIMS=1`) also lists, page by page, the claims of each summary and
easy-to-read block next to the cited sentences of the text that say the same thing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import yaml

from common.config import CONFIG_FILE, InheritError, PortalConfig, label, read_mkdocs_yml
from macros.assembly.collect import collect
from macros.citations.findability import unfindable_sources
from macros.citations.preserved import without_copy
from macros.engine.page_macros import macro_names
from macros.floor.errors import Problem
from macros.floor.yamldata import syntax_problem
from macros.pages.claims import claims_report
from macros.pages.easyread import page_problems as easy_read_problems
from macros.pages.typography import check as check_typography
from macros.pages.typography import fix as fix_typography

ROOT = Path(__file__).resolve().parents[1]


def unarchived_lines(content, label_: str) -> list[str]:
    """Issue 27: each cited address with no archived copy recorded (not a mistake: the build
    only warns, and `make archive-sources` fills them in)."""
    missing = without_copy(content.sources, content.corpus.cited_in())
    if not missing:
        return []
    lines = [f"{len(missing)} adresse{'s' if len(missing) > 1 else ''} citée"
             f"{'s' if len(missing) > 1 else ''} sans copie archivée enregistrée dans "
             f"{label_} (à faire : make archive-sources) :"]
    for url, found in missing.items():
        keys = ", ".join(f"`{s.key}` ({s.path}:{s.line})" for s in found)
        lines.append(f"  {url} — {keys}")
    return lines


def run(root: Path, fix: bool, today: dt.date | None = None,
        notices: list[str] | None = None, claims: list[str] | None = None) -> list[Problem]:
    """Every problem the build would stop on (the same collection step, the same words),
    plus French typography and the sources a publishing build refuses. `notices`: receives
    what is worth knowing but no mistake (the cited addresses with no archived copy);
    `claims`, if given, receives the claims report (`--claims`)."""
    try:
        written = read_mkdocs_yml(root / CONFIG_FILE)
    except yaml.YAMLError as error:  # nothing else can be read without it
        return [syntax_problem(error, CONFIG_FILE)]
    except InheritError as error:
        return [Problem(label(error.file, root), f"{error.reason} : « {error.inherit} »",
                        error.line, "corrigez le chemin écrit après `INHERIT:` (relatif au "
                        "dossier de ce fichier)")]
    config = PortalConfig.from_file(written)
    extra = written.data.get("extra") or {}
    docs_dir = config.docs_dir
    docs_label = docs_dir.relative_to(root).as_posix()
    content, problems = collect(
        root, docs_dir, config, nav=config.nav, not_in_nav=config.not_in_nav,
        today=today or dt.date.today(), known_names=macro_names(extra),
        charts_dir=root / "macros" / "charts", draft_specs=True)
    if notices is not None:
        notices += unarchived_lines(content, config.archives_data)
    for path, text in content.corpus.texts.items():
        if fix:
            fixed = fix_typography(text)
            if fixed != text:
                (docs_dir / path).write_text(fixed, encoding="utf-8")
                print(f"typographie corrigée : {docs_label}/{path}")
                text = fixed
        problems += check_typography(text, f"{docs_label}/{path}")
        problems += easy_read_problems(text, f"{docs_label}/{path}")  # « facile à lire »
    problems += unfindable_sources(content.sources)  # refused by a publishing build
    if claims is not None:
        claims.append(claims_report(content.corpus.texts, docs_label))
    return sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.message))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--fix-typography", action="store_true")
    parser.add_argument("--claims", action="store_true",
                        help="liste les affirmations des résumés et des blocs faciles à lire "
                             "face aux phrases sourcées du texte")
    args = parser.parse_args()
    notices: list[str] = []
    claims: list[str] | None = [] if args.claims else None
    problems = run(args.root.resolve(), args.fix_typography, notices=notices, claims=claims)
    for line in notices:
        print(line)
    if notices:
        print()
    if claims:
        print("Affirmations des résumés et des blocs « facile à lire », face aux phrases "
              "sourcées du texte qui disent la même chose (⚠ : une réserve du texte manque "
              "dans l’affirmation) :\n")
        print(claims[0] or "(aucune page à comparer)")
        print()
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
