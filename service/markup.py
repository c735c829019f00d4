"""The form markup shared with the static pages: common/form_markup.py, the one module of
markup both the site and the service import (the service never imports macros/)."""

from __future__ import annotations

from common.form_markup import (
    COUNT_BAR_ID,
    COUNT_LABEL_ID,
    LIMITS,
    PETITION_FIELDS,
    PRIVACY_ANCHOR,
    TESTIMONY_FIELDS,
    error_summary,
    format_number,
    petition_form,
    progress_text,
    testimony_form,
    with_count,
)

__all__ = ["COUNT_BAR_ID", "COUNT_LABEL_ID", "LIMITS", "PETITION_FIELDS", "PRIVACY_ANCHOR",
           "TESTIMONY_FIELDS", "error_summary", "format_number", "petition_form",
           "progress_text", "testimony_form", "with_count"]
