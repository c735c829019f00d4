"""Keep old addresses working: `data/redirections.yml` maps an old page to its new one.

Each old address gets a small HTML page that sends the reader on (meta refresh, a
link for when it is blocked) and tells search engines the canonical address.
"""

from __future__ import annotations

import html
import posixpath
from pathlib import Path

from ..floor.errors import Problem, did_you_mean, raise_if_any
from ..floor.language import language_of
from ..floor.textfile import read_text
from ..floor.yamldata import parse_yaml


def load_redirects(path: Path, label: str, pages: set[str]) -> dict[str, str]:
    """`{old .md path: new .md path}`, checked: targets exist, old paths are free."""
    if not path.exists():
        return {}
    text, problems = read_text(path, label)
    raise_if_any(problems)
    doc, problems = parse_yaml(text, label)
    raise_if_any(problems)
    data = doc.data or {}
    if not isinstance(data, dict):
        raise_if_any([Problem(label, "le fichier doit associer des chemins `ancien.md: nouveau.md`",
                              1, "une ligne par redirection")])
    for old, new in data.items():
        line = doc.line(old)
        if not str(old).endswith(".md") or not str(new).endswith(".md"):
            problems.append(Problem(label, f"redirection `{old}` → `{new}` : chemins .md attendus",
                                    line, "exemple : `enquetes/ancien-nom.md: "
                                          "france-travail/nouveau-nom.md`"))
        elif new not in pages:
            problems.append(Problem(label, f"la page cible `{new}` n’existe pas", line,
                                    did_you_mean(new, pages, "pages connues")))
        elif old in pages:
            problems.append(Problem(label, f"`{old}` existe encore : elle ne peut pas être "
                                           "redirigée", line,
                                    "supprimez la redirection ou la page"))
    raise_if_any(problems)
    return {str(k): str(v) for k, v in data.items()}


def page_url(src: str) -> str:
    """URL of a page (use_directory_urls: false): `a/b.md` -> `a/b.html`."""
    return src.removesuffix(".md") + ".html"


def redirect_html(old: str, target_url: str, canonical: str, _=str) -> str:
    """The stub written at the old address; `target_url` is site-relative; `_`: the words
    of the old page's language (common/words.py)."""
    href = html.escape(posixpath.relpath(target_url, posixpath.dirname(page_url(old)) or "."))
    return (
        f'<!doctype html>\n<html lang="{language_of(old)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_('Page déplacée')}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        f'<link rel="canonical" href="{html.escape(canonical)}">\n'
        '<meta name="robots" content="noindex">\n</head>\n<body>\n'
        f"<p>{_('Cette page a changé d’adresse :')} <a href=\"{href}\">"
        f"{_('suivre ce lien')}</a>.</p>\n"
        "</body>\n</html>\n"
    )
