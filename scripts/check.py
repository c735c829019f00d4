"""Fast content check, without building the site (`make check`).

Runs the collection step the build runs (macros/assembly/collect.py: the same readers, the same
problems, the same words, French typography, the easy-to-read measures and the sources a
reader could not find or date included), and refuses what the build refuses: the one list of
rules is macros/assembly/rules.py. Reports every problem of every file in one run, as
`file:line: message — hint`; advice is said without failing. `--fix-typography` corrects what
can be corrected safely and reports the rest; `--claims` (`make check CLAIMS=1`) also lists,
page by page, the claims of each summary and easy-to-read block next to the cited sentences
of the text that say the same thing. The cited addresses with no archived copy recorded are
listed too (not a mistake: `make archive-sources` fills them in).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import yaml

from common.config import CONFIG_FILE, PortalConfig, read_mkdocs_yml
from macros.assembly.collect import collect
from macros.assembly.page_macros import macro_names
from macros.assembly.rules import TYPOGRAPHY, refused, rule_of
from macros.citations.preserved import without_copy
from macros.floor.errors import ContentError, Problem
from macros.floor.kept_readings import KeptReadings
from macros.floor.language import SOURCE, language_of
from macros.floor.yamldata import config_problem
from macros.pages.claims import claims_report
from macros.pages.typography import check as typography_problems
from macros.pages.typography import fix as fix_typography
from macros.sitewide.placeholders import build_mode
from scripts.words import missing as missing_words

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
    """Every problem the build would stop on (the same collection step, the same words).
    `notices`: receives what is worth knowing but no mistake (the cited addresses with no
    archived copy); `claims`, if given, receives the claims report (`--claims`)."""
    unreadable = config_problem(root / CONFIG_FILE)
    if unreadable:  # nothing else can be read without it
        return [unreadable]
    written = read_mkdocs_yml(root / CONFIG_FILE)
    config = PortalConfig.from_file(written)
    extra = written.data.get("extra") or {}
    docs_dir = config.docs_dir
    docs_label = docs_dir.relative_to(root).as_posix()
    if fix:
        fix_pages(docs_dir, docs_label)
    content, problems = collect(
        root, docs_dir, config, nav=config.nav, not_in_nav=config.not_in_nav,
        today=today or dt.date.today(), known_names=macro_names(extra),
        charts_dir=root / config.charts_dir, draft_specs=True,
        kept=KeptReadings.of_project(root))
    if notices is not None:
        notices += unarchived_lines(content, config.archives_data)
    if claims is not None:
        claims.append(claims_report(content.corpus.texts, docs_label))
    # Issue 29: the strings the code uses that a language's catalogue lacks (make words).
    return [*problems, *missing_words(root)]


def fix_pages(docs_dir: Path, docs_label: str) -> None:
    """French typography corrected in every page where it is safe, before the check."""
    for page in sorted(docs_dir.rglob("*.md")):
        if language_of(page.relative_to(docs_dir).as_posix()) != SOURCE:
            continue  # an edition in another language: French typography does not apply
        try:
            text = page.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the check says why
        fixed = fix_typography(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
            print(f"typographie corrigée : {docs_label}/{page.relative_to(docs_dir).as_posix()}")


def publishing(root: Path) -> bool:
    """Whether the check runs as a publishing build would (`PORTAL_BUILD=publish`): what
    such a build refuses is then refused here too (macros/assembly/rules.py)."""
    try:
        return build_mode(PortalConfig.read(root / CONFIG_FILE).build) == "publish"
    except (OSError, yaml.YAMLError, ContentError):  # unreadable: run() said why
        return False


def mendable(refusals: list[Problem], root: Path) -> int:
    """How many of the refused problems `make fix-typography` would mend: in each page with
    a typography problem, those that the safe fixes make disappear."""
    pages = {p.path for p in refusals if p.path.endswith(".md") and rule_of(p).id in TYPOGRAPHY}
    count = 0
    for page in sorted(pages):
        try:
            text = (root / page).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        count += len(typography_problems(text, page)) - len(
            typography_problems(fix_typography(text), page))
    return count


def mend_hint(count: int) -> str:
    """What `make check` says when `make fix-typography` would mend some of what it lists."""
    if count == 1:
        return ("1 de ces problèmes de typographie se corrige tout seul : lancez "
                "`make fix-typography`, qui le corrige puis revérifie.")
    return (f"{count} de ces problèmes de typographie se corrigent tout seuls : lancez "
            "`make fix-typography`, qui les corrige puis revérifie.")


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
    refusals = refused(problems, publishing(args.root.resolve()))
    # Advice only once nothing is refused (as the build): it may be an effect of a mistake.
    for problem in refusals or problems:
        print(problem)
    if refusals:
        count = len(refusals)
        print(f"\n{count} problème{'s' if count > 1 else ''} à corriger.", file=sys.stderr)
        mended = mendable(refusals, args.root.resolve())
        if mended:
            print(mend_hint(mended), file=sys.stderr)
        return 1
    said = f" ({len(problems)} conseil{'s' if len(problems) > 1 else ''} ci-dessus)" \
        if problems else ""
    print(f"Contenu vérifié : aucun problème{said}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
