"""Modules of the portal the service shares, loaded by their path: the service never imports
the macros package (which needs MkDocs and Altair). Each is standalone (standard library
and PyYAML) and copied alone into the service's image (service/deploy/Containerfile)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

MACROS = Path(__file__).resolve().parents[1] / "macros"


def portal_module(file_name: str):
    """macros/<file_name> (`floor/config.py`), loaded once as `portal_<stem>`."""
    name = f"portal_{Path(file_name).stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, MACROS / file_name)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # before running it: dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]
