"""The site-wide steps on a built folder, for an engine that has no hook to run them
(Zensical): `python -m scripts.postbuild site/ [--config-file mkdocs.yml]`. The steps
themselves are macros/assembly/site_steps.py's, which MkDocs runs from the macros'
`on_post_build` hook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from macros.assembly.page_macros import macro_names
from macros.engine.engines import ZENSICAL, read_config
from macros.engine.postbuild import run_site_steps
from macros.engine.preview import Preview
from macros.engine.session import BuildSession


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0].rstrip(","))
    parser.add_argument("site_dir", type=Path)
    parser.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"))
    args = parser.parse_args(argv)
    conf = read_config(args.config_file)
    session = BuildSession(conf, ZENSICAL, Preview(serving=False))
    session.read(macro_names(conf["extra"]))  # a content mistake ends it, in French
    run_site_steps(args.site_dir, session)
    return 0


if __name__ == "__main__":
    sys.exit(main())
