"""Fast content check, without building the site (`make check`).

Runs the collection step the build runs (macros/build/collect.py: the same readers, the same
problems, the same words, French typography and the easy-to-read measures included), and
refuses what the build refuses: the one list of rules is macros/build/rules.py. Reports every
problem of every file in one run, as `file:line: message — hint`; advice is said without
failing. `--fix-typography` corrects what can be corrected safely and reports the rest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from macros.build.collect import collect
from macros.build.rules import refused
from macros.engine.page_macros import macro_names
from macros.floor.config import CONFIG_FILE, PortalConfig, read_mkdocs_yml
from macros.floor.errors import Problem
from macros.floor.yamldata import config_problem
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
    if fix:
        fix_pages(docs_dir, docs_dir.relative_to(root).as_posix())
    _, problems = collect(
        root, docs_dir, config, nav=config.nav, not_in_nav=config.not_in_nav,
        today=today or dt.date.today(), known_names=macro_names(extra),
        charts_dir=root / "macros" / "charts", draft_specs=True)
    return problems


def fix_pages(docs_dir: Path, docs_label: str) -> None:
    """French typography corrected in every page where it is safe, before the check."""
    for page in sorted(docs_dir.rglob("*.md")):
        try:
            text = page.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the check says why
        fixed = fix_typography(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
            print(f"typographie corrigée : {docs_label}/{page.relative_to(docs_dir).as_posix()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--fix-typography", action="store_true")
    args = parser.parse_args()
    problems = run(args.root.resolve(), args.fix_typography)
    refusals = refused(problems)
    # Advice only once nothing is refused (as the build): it may be an effect of a mistake.
    for problem in refusals or problems:
        print(problem)
    if refusals:
        count = len(refusals)
        print(f"\n{count} problème{'s' if count > 1 else ''} à corriger.", file=sys.stderr)
        return 1
    said = f" ({len(problems)} conseil{'s' if len(problems) > 1 else ''} ci-dessus)" \
        if problems else ""
    print(f"Contenu vérifié : aucun problème{said}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
