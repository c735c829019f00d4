"""The form markup shared with the static pages: common/form_markup.py, the one module of
markup both the site and the service import (the service never imports macros/)."""

from __future__ import annotations

from common.form_markup import (
    COUNT_BAR_ID,
    COUNT_LABEL_ID,
    FRENCH,
    LANGUAGE_FIELD,
    LIMITS,
    PETITION_FIELDS,
    PRIVACY_ANCHOR,
    TESTIMONY_FIELDS,
    error_summary,
    format_day,
    format_number,
    petition_form,
    progress_text,
    testimony_form,
    with_count,
)
from common.goal import goal_for, goal_steps

__all__ = ["COUNT_BAR_ID", "COUNT_LABEL_ID", "FRENCH", "LANGUAGE_FIELD", "LIMITS",
           "PETITION_FIELDS", "PRIVACY_ANCHOR", "TESTIMONY_FIELDS", "error_summary",
           "format_day", "format_number", "goal_for", "goal_steps", "petition_form",
           "progress_text", "testimony_form", "with_count"]
