"""The adapter of the site-wide steps (macros/assembly/site_steps.py): MkDocs runs them from
the macros' `on_post_build` hook with the session of its build; a Zensical build is followed
by `python -m scripts.postbuild site/ [--config-file mkdocs.yml]`, which reads the project
again in its own session."""

from __future__ import annotations

from pathlib import Path

from ..assembly.site_steps import run_site_steps as run_steps
from .session import BuildSession


def run_site_steps(site_dir: Path, session: BuildSession) -> None:
    run_steps(site_dir, session.assembled, session.config, session.started,
              quick=session.preview.quick)
