"""Fast content check, without building the site (`make check`).

Runs the collection step the build runs (macros/build/collect.py: the same readers, the same
problems, the same words), so that what the build would refuse, the check refuses too,
and adds French typography and the measures of the easy-to-read blocks. Reports every
problem of every file in one run, as `file:line: message — hint`. `--fix-typography`
corrects what can be corrected safely and reports the rest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from macros.build.collect import collect
from macros.engine.page_macros import macro_names
from macros.floor.config import CONFIG_FILE, PortalConfig, read_mkdocs_yml
from macros.floor.errors import Problem
from macros.floor.yamldata import config_problem
from macros.pages.easyread import page_problems as easy_read_problems
from macros.pages.typography import check as check_typography
from macros.pages.typography import fix as fix_typography

ROOT = Path(__file__).resolve().parents[1]


def run(root: Path, fix: bool, today: dt.date | None = None) -> list[Problem]:
    """Every problem the build would stop on (the same collection step, the same words),
    plus French typography."""
    unreadable = config_problem(root / CONFIG_FILE)
    if unreadable:  # nothing else can be read without it
        return [unreadable]
    written = read_mkdocs_yml(root / CONFIG_FILE)
    config = PortalConfig.from_file(written)
    extra = written.data.get("extra") or {}
    docs_dir = config.docs_dir
    docs_label = docs_dir.relative_to(root).as_posix()
    content, problems = collect(
        root, docs_dir, config, nav=config.nav, not_in_nav=config.not_in_nav,
        today=today or dt.date.today(), known_names=macro_names(extra),
        charts_dir=root / "macros" / "charts", draft_specs=True)
    for path, text in content.corpus.texts.items():
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
