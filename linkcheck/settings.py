"""The portal's MkDocs configuration, read the way MkDocs reads it (with !ENV overrides)."""

from __future__ import annotations

import logging
from pathlib import Path


def mkdocs_config(config_file: Path):
    from mkdocs.config import load_config

    # load_config logs at INFO; the reports say what matters.
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    return load_config(str(config_file))
