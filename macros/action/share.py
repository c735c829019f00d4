"""Call to action and share links at the end of an investigation, with no tracking script.

Everything works without JavaScript: the e-mail link and the plain share links are
ordinary links, and the page address is shown as text to copy. A small self-hosted
script (assets/share.js) adds a "copy" button and builds the Mastodon share address
from the instance the reader types.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from common.words import N_

from ..floor.errors import Problem, raise_if_any
from ..floor.markdown_text import inline
from ..floor.stash import HtmlStash
from ..floor.urls import is_web_url


def check_share_links(links, label: str = "mkdocs.yml") -> list[dict]:
    """`extra.action.share_links`: `{name, url}` items, url https with {url} or {text}."""
    if links is None:
        return []
    hint = ("chaque lien est `- name: Nom` suivi de `url: https://…?u={url}` "
            "({url} : adresse de la page, {text} : titre et adresse)")
    if not isinstance(links, list):
        raise_if_any([Problem(label, "`extra.action.share_links` doit être une liste", None, hint)])
    problems = []
    for number, link in enumerate(links, start=1):
        if not (isinstance(link, dict) and isinstance(link.get("name"), str)
                and isinstance(link.get("url"), str)):
            problems.append(Problem(label, f"`extra.action.share_links[{number}]` doit avoir "
                                           "`name` et `url`", None, hint))
            continue
        template = link["url"]
        probe = template.replace("{url}", "u").replace("{text}", "t")
        if (not template.startswith("https://") or not is_web_url(probe)
                or ("{url}" not in template and "{text}" not in template)):
            problems.append(Problem(label, f"adresse de partage refusée : « {template} »", None,
                                    hint))
    raise_if_any(problems)
    return links


def share_text(title: str, url: str) -> str:
    return f"{title} {url}"


# The words assets/share.js shows, handed over as data- attributes in another language.
SCRIPT_WORDS = (
    ("copied", N_("Lien copié.")),
    ("selected", N_("L’adresse est sélectionnée : copiez-la avec Ctrl+C ou un appui long.")),
    ("instance", N_("Indiquez le nom de votre instance, par exemple mastodon.social.")),
)


def share_html(title: str, url: str, links: list[dict], _=str) -> str:
    """Share links for the page at `url` (absolute), as an HTML block; `_`: the words of
    the page's language (common/words.py), also handed to assets/share.js."""
    text = share_text(title, url)
    mailto = f"mailto:?subject={quote(title)}&body={quote(title + chr(10) + chr(10) + url)}"
    items = [f'<li><a href="{html.escape(mailto)}">{_("par courriel")}</a></li>']
    for link in links:
        href = link["url"].replace("{url}", quote(url, safe="")).replace(
            "{text}", quote(text, safe=""))
        items.append(f'<li><a href="{html.escape(href)}" rel="noopener noreferrer" '
                     'data-linkcheck="skip">'
                     f"{_('sur {name}').format(name=html.escape(link['name']))}</a></li>")
    script_words = "".join(
        f' data-{name}="{html.escape(_(message))}"' for name, message in SCRIPT_WORDS
        if _(message) != message)  # French: the script's own
    # No copy of `text` for assets/share.js: it reads the title from og:title, the address
    # from the page.
    return f"""<div class="share"{script_words}>
<p class="share__title">{_("Partager cette page")}</p>
<ul class="share__links">
{chr(10).join(items)}
</ul>
<p class="share__address">{_("Adresse de la page, à copier :")} <span class="share__url">{html.escape(url)}</span>
<button type="button" class="share__copy md-button" hidden>{_("Copier le lien")}</button>
<span class="share__status" role="status"></span></p>
<form class="share__mastodon" hidden>
<label for="share-mastodon-instance">{_("Partager sur Mastodon, depuis votre instance")}</label>
<input id="share-mastodon-instance" name="instance" type="text" inputmode="url" autocomplete="off" spellcheck="false" required placeholder="{_("exemple : mastodon.social")}">
<button type="submit" class="md-button">{_("Partager sur Mastodon")}</button>
</form>
</div>
"""  # noqa: E501


def action_block(title: str, url: str, petition_href: str | None, call_to_action: str,
                 links: list[dict], script_src: str, _=str) -> str:
    """Markdown appended to an investigation: sign the petition, then share."""
    sign = (f"[{inline(_(call_to_action))}]({petition_href}){{ .md-button .md-button--primary }}"
            if petition_href else "")
    return (f'\n\n<aside class="call-to-action" aria-label="{_("Agir")}" markdown>\n\n'
            f"{sign}\n\n{HtmlStash.mark_block(share_html(title, url, links, _))}\n</aside>\n\n"
            f"{HtmlStash.mark_block(script_tag(script_src))}")


def script_tag(src: str) -> str:
    return f'<script src="{html.escape(src)}" defer></script>\n'

