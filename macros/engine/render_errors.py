"""A macro call that fails while a page renders (an unknown field: `{{ config.extra.nope.x }}`)
is a content mistake named with its line, not mkdocs-macros' traceback and English exit.

mkdocs-macros renders each page with `env.from_string(markdown).render(...)` and, on any
error, prints a traceback and ends the process. Pages are rendered with this template class
instead, which hands the error to the portal (reported by the page extension) and renders
what the portal returns.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

import jinja2
from jinja2.ext import Extension


def template_line(error: BaseException) -> int | None:
    """The line of the page's template where `error` was raised (Jinja rewrites tracebacks
    so that template frames carry the template's lines)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename == "<template>":
            return frame.lineno
    return getattr(error, "lineno", None)


# The page variable through which a build's session hands its handler to the page templates:
# a variable of the macros' env, which both engines pass to every page's `render`. The
# handler belongs to the build, not to a class. It receives the error and the template
# line, and returns the text that stands for the page; without it, errors propagate.
ON_ERROR = "portal_on_render_error"


def set_error_handler(variables: dict, handler: Callable[[Exception, int | None], str]) -> None:
    """`variables`: the macros' env.variables (mkdocs-macros' or Zensical's)."""
    variables[ON_ERROR] = handler


class PageTemplate(jinja2.Template):
    def render(self, *args, **kwargs) -> str:
        on_error = dict(*args, **kwargs).get(ON_ERROR)
        try:
            return super().render(*args, **kwargs)
        except Exception as error:
            if not callable(on_error):
                raise
            return on_error(error, template_line(error))


class PageTemplates(Extension):
    """Jinja extension (`j2_extensions` of the macros in mkdocs.yml, which mkdocs-macros and
    Zensical both read): the pages' templates are `PageTemplate`s under either engine."""

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        environment.template_class = PageTemplate
