"""What ties a page to its other editions (macros/floor/language.py says where they are):
the `hreflang` alternates of its head, the language switcher of its header, and, on a French
page that has no translation yet, the notice the switcher leads to.

The switcher is plain links (no script): to the counterpart when it exists; otherwise to the
same French page at the notice's anchor, shown by CSS (`:target`) in the reader's language.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Callable, Collection, Mapping

from common.words import N_

from ..floor.language import (
    NAMES,
    SOURCE,
    edition_path,
    editions_of,
    language_of,
    versions,
)

Words = Mapping[str, Callable[[str], str]]  # language -> its gettext
UNTRANSLATED = N_("Cette page n’existe pas encore dans cette langue : voici son texte "
                  "original, en français.")


def page_url(path: str) -> str:
    """`a/b.md` -> `a/b.html` (use_directory_urls: false)."""
    return path.removesuffix(".md") + ".html"


def notice_id(lang: str) -> str:
    """The anchor of the « not yet translated » notice for readers of `lang`."""
    return f"pas-encore-traduit-{lang}"


def relative(target_url: str, from_url: str) -> str:
    return posixpath.relpath(target_url, posixpath.dirname(from_url) or ".")


def alternates(path: str, existing: Collection[str], site_url: str) -> str:
    """`<link rel="alternate" hreflang>` for every written edition of the page, itself
    included, and `x-default` (the French page); "" for a page written in one language
    only. Absolute addresses, as search engines ask."""
    found = versions(path, existing)
    if len(found) < 2:
        return ""
    base = site_url.rstrip("/") + "/"
    links = [f'<link rel="alternate" hreflang="{lang}" href="{html.escape(base + page_url(p))}">'
             for lang, p in found.items()]
    links.append(f'<link rel="alternate" hreflang="x-default" '
                 f'href="{html.escape(base + page_url(found[SOURCE]))}">')
    return "\n".join(links)


def switcher(path: str, existing: Collection[str], words: Words) -> str:
    """The header's language links: the page's own language named (not a link), every other
    one a link to the counterpart, or to the notice on the French page. "" on a site
    without editions."""
    if not editions_of(existing):
        return ""
    lang = language_of(path)
    url = page_url(path)
    found = versions(path, existing)
    items = []
    for other in (SOURCE, *editions_of(existing)):
        name = html.escape(NAMES[other])
        if other == lang:
            items.append(f'<li><span class="portal-languages__current" aria-current="page" '
                         f'lang="{other}">{name}</span></li>')
            continue
        if other in found:
            target = relative(page_url(found[other]), url)
        elif lang == SOURCE:  # this French page is not translated: its notice, here
            target = f"{posixpath.basename(url)}#{notice_id(other)}"
        else:  # an edition's page with no French page (should not happen): French home
            target = relative("index.html", url)
        items.append(f'<li><a href="{html.escape(target)}" hreflang="{other}" lang="{other}">'
                     f"{name}</a></li>")
    _ = words[lang]
    label = html.escape(_("Langue de la page"))
    return (f'<nav class="portal-languages" aria-label="{label}"><ul>{"".join(items)}</ul>'
            "</nav>")


def untranslated_notices(path: str, existing: Collection[str], words: Words) -> str:
    """On a French page that an edition lacks: one notice per missing language, in that
    language, hidden until the switcher points at it. "" otherwise."""
    if language_of(path) != SOURCE:
        return ""
    notices = []
    for lang in editions_of(existing):
        if edition_path(path, lang) in existing:
            continue
        _ = words[lang]
        href = html.escape(relative(page_url(edition_path("index.md", lang)), page_url(path)))
        home = (f' <a href="{href}" hreflang="{lang}">'
                f"{html.escape(_('Accueil de l’édition dans cette langue'))}</a>")
        notices.append(
            f'<div class="portal-untranslated" id="{notice_id(lang)}" lang="{lang}" '
            f'data-pagefind-ignore="all"><p><strong>{html.escape(_("Pas encore traduit."))}'
            f"</strong> {html.escape(_(UNTRANSLATED))}{home}</p></div>")
    return "".join(notices)


def notice_anchors(path: str, existing: Collection[str]) -> frozenset[str]:
    """The anchors of the « not yet translated » notices the page at `path` holds."""
    if language_of(path) != SOURCE:
        return frozenset()
    return frozenset(notice_id(lang) for lang in editions_of(existing)
                     if edition_path(path, lang) not in existing)
