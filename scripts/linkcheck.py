"""Check the links of the built site.

    python -m scripts.linkcheck internal site      # offline: links, anchors, feeds, sitemap
    python -m scripts.linkcheck external site      # over HTTP: site and bibliography sources

Both print a report and exit 1 when a link is broken (2 on a configuration mistake).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from common.config import PortalConfig
from linkcheck.internal import check_site, render_problems


def internal(args) -> int:
    problems = check_site(args.site_dir, PortalConfig.read(args.config_file).site_url)
    print(render_problems(problems))
    return 1 if problems else 0


def external(args) -> int:
    from linkcheck.external import run  # imported here: urllib3 is only needed for this one
    return run(args)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("internal", "external"):
        command = commands.add_parser(name)
        command.add_argument("site_dir", type=Path, nargs="?", default=Path("site"))
        command.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"))
    ext = commands.choices["external"]
    ext.add_argument("--report-dir", type=Path, default=Path("linkcheck-report"))
    ext.add_argument("--cache-file", type=Path, default=Path(".cache/linkcheck-external.json"))
    ext.add_argument("--ignore-file", type=Path, default=Path("data/linkcheck-ignore.yml"))
    ext.add_argument("--max-age", type=float, default=3 * 24 * 3600,
                     help="seconds a cached result stays valid (default: 3 days)")
    ext.add_argument("--timeout", type=float, default=15.0)
    ext.add_argument("--retries", type=int, default=3)
    ext.add_argument("--concurrency", type=int, default=8)
    ext.add_argument("--host-interval", type=float, default=1.0,
                     help="seconds between two requests to the same host")
    args = parser.parse_args(argv)
    return internal(args) if args.command == "internal" else external(args)


if __name__ == "__main__":
    sys.exit(main())
