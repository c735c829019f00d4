"""Valid HTML where Material's base.html is at fault (the Nu Html Checker finds it).

base.html writes its drawer and search toggles as `<input type="checkbox" …
autocomplete="off">`: `autocomplete` is not allowed on a checkbox. The inputs sit outside
any template block, so they are corrected on the page's final HTML instead of copying the
whole base template. tests/test_html_valid.py runs the checker on every built page.
"""

from __future__ import annotations

import re

_TOGGLE_AUTOCOMPLETE = re.compile(
    r'(<input class="md-toggle" data-md-toggle="\w+" type="checkbox" id="__\w+")'
    r' autocomplete="off">')


def valid_theme_markup(html: str) -> str:
    return _TOGGLE_AUTOCOMPLETE.sub(r"\1>", html)
