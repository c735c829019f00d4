"""The legal notice ("Mentions légales") written from `extra.legal` in mkdocs.yml.

A French online publication must name its publisher, its director of publication and its
host (LCEN, article 6). Empty fields are shown as such in local and preview builds, and
refused by a publishing build (macros/sitewide/placeholders.py).
"""

from __future__ import annotations

import html

from .placeholders import LEGAL_FIELDS


def _value(legal: dict, key: str) -> str:
    text = str(legal.get(key) or "").strip()
    if text:
        return "<br>".join(html.escape(line.strip()) for line in text.splitlines())
    variable = LEGAL_FIELDS[key][1]
    return (f'<span class="legal-missing">à compléter : <code>extra.legal.{key}</code> '
            f"dans mkdocs.yml, ou la variable <code>{variable}</code></span>")


def legal_notice_html(legal: dict | None, site_url: str, repo_url: str | None) -> str:
    """The publisher, director of publication and host, as an HTML block."""
    legal = legal or {}
    rows = [
        ("Éditeur", "publisher"), ("Adresse de l’éditeur", "publisher_address"),
        ("Pour joindre l’éditeur", "publisher_contact"),
        ("Directrice ou directeur de la publication", "director"),
        ("Hébergeur", "host"), ("Adresse de l’hébergeur", "host_address"),
        ("Pour joindre l’hébergeur", "host_contact"),
    ]
    items = "\n".join(f"<dt>{label}</dt>\n<dd>{_value(legal, key)}</dd>" for label, key in rows)
    address = html.escape(site_url)
    source = (f'<p>Le code source du portail et l’historique de chaque page sont publics : '
              f'<a href="{html.escape(repo_url)}">{html.escape(repo_url)}</a>.</p>\n'
              if repo_url else "")
    return (f'<p>Le portail publié à l’adresse <span class="legal-url">{address}</span> '
            "est édité par :</p>\n"
            f'<dl class="legal-notice">\n{items}\n</dl>\n{source}')
