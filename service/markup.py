"""The form markup shared with the static pages: macros/action/form_markup.py, loaded by its path
so that the service never imports the macros package (which needs MkDocs and Altair)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_NAME = "portal_form_markup"
_PATH = Path(__file__).resolve().parents[1] / "macros" / "action" / "form_markup.py"

if _NAME not in sys.modules:
    _spec = importlib.util.spec_from_file_location(_NAME, _PATH)
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[_NAME] = _module
    _spec.loader.exec_module(_module)
_markup = sys.modules[_NAME]

COUNT_BAR_ID = _markup.COUNT_BAR_ID
COUNT_LABEL_ID = _markup.COUNT_LABEL_ID
LIMITS = _markup.LIMITS
PETITION_FIELDS = _markup.PETITION_FIELDS
PRIVACY_ANCHOR = _markup.PRIVACY_ANCHOR
TESTIMONY_FIELDS = _markup.TESTIMONY_FIELDS
error_summary = _markup.error_summary
format_number = _markup.format_number
petition_form = _markup.petition_form
progress_text = _markup.progress_text
testimony_form = _markup.testimony_form
