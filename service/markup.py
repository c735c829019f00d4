"""The form markup shared with the static pages: macros/action/form_markup.py, loaded by its path
so that the service never imports the macros package (which needs MkDocs and Altair)."""

from __future__ import annotations

from .portal_files import portal_module

_markup = portal_module("action/form_markup.py")
_goal = portal_module("action/goal.py")

COUNT_BAR_ID = _markup.COUNT_BAR_ID
COUNT_LABEL_ID = _markup.COUNT_LABEL_ID
LIMITS = _markup.LIMITS
PETITION_FIELDS = _markup.PETITION_FIELDS
PRIVACY_ANCHOR = _markup.PRIVACY_ANCHOR
TESTIMONY_FIELDS = _markup.TESTIMONY_FIELDS
error_summary = _markup.error_summary
format_day = _markup.format_day
format_number = _markup.format_number
petition_form = _markup.petition_form
progress_text = _markup.progress_text
testimony_form = _markup.testimony_form
with_count = _markup.with_count
goal_for = _goal.goal_for
goal_steps = _goal.goal_steps
