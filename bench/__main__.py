"""`python -m bench`: the scale benchmark (see README, « Banc d’essai »)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from . import engines, generate, service_load
from .run import format_report, run_bench


def profile(n: int, work: Path, out: Path, seed: int, charts: bool) -> Path:
    """One portal build of N investigations under pyinstrument, as text."""
    project = generate.write_project(generate.portal_project(n, seed, charts),
                                     work / f"profile-n{n}")
    target = out.parent / f"profile-n{n}.txt"
    subprocess.run([sys.executable, "-m", "pyinstrument", "-o", str(target), "-m", "mkdocs",
                    "build", "--site-dir", str(work / f"profile-site-n{n}")],
                   cwd=project, check=True, capture_output=True)
    return target


def _engines(text: str) -> tuple[str, ...]:
    try:
        return engines.parse_engines(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--n", type=int, action="append",
                        help="number of investigations (repeatable; default 100 and 1000)")
    # Five: the median of five paired ratios moves less with the machine's drift than of
    # three (on a quiet 2-core machine, one ratio of three ranged 1.00-1.44).
    parser.add_argument("--repeats", type=int, default=5,
                        help="repetitions of every build, each paired with its baseline")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-charts", dest="charts", action="store_false",
                        help="leave out the chart of every 10th investigation")
    parser.add_argument("--out", type=Path, default=Path("bench/results/bench.json"))
    parser.add_argument("--work", type=Path, help="keep the generated projects here")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="also profile one portal build of N investigations (pyinstrument)")
    parser.add_argument("--signatures", type=int, default=20_000,
                        help="signatures sent to the action service under load (0: skip)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--service-only", action="store_true",
                        help="only the action service's load and fault run")
    parser.add_argument("--engines", type=_engines, default=engines.ENGINES,
                        help="other engines built from the same Markdown, comma-separated: "
                        f"{', '.join(engines.ENGINES)}, all (default) or none")
    args = parser.parse_args(argv)
    if args.signatures:
        report = service_load.run(args.signatures, args.clients,
                                  args.out.resolve().parent / "service-load.json")
        print(service_load.format_service_report(report))
    if args.service_only:
        return 0
    out = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = args.work or Path(tmp)
        report = run_bench(args.n or [100, 1000], work, args.repeats, args.warmup, args.seed,
                           args.charts, engines=args.engines)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(format_report(report))
        print(f"\nReport: {out}")
        if args.profile:
            print(f"Profile: {profile(args.profile, work, out, args.seed, args.charts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
