"""The page a signer sees once the signature is confirmed: thanks, the count against the goal
(a `<progress>` bar with its sentence, readable without script and by screen readers), the
portal's share links (plain links, nothing loaded from those sites), the campaign's other
action (`after_signing` of data/petition.yml), and, when the signer asked for a partner's
news, that partner named as a recipient."""

from __future__ import annotations

import gettext
import html
from urllib.parse import quote, urljoin

from common.words import N_

from .markup import FRENCH, format_number
from .pages import count_sentence, page
from .partners import Attribution
from .settings import Settings

Words = gettext.NullTranslations


def progress_block(count: int, goal: int, words: Words = FRENCH) -> str:
    label = html.escape(count_sentence(count, goal, words))
    return (f'<p class="count" id="signature-count">{label}</p>\n'
            f'<progress id="signature-progress" max="{goal}" value="{min(count, goal)}" '
            f'aria-labelledby="signature-count">{html.escape(format_number(count, words))}'
            f"</progress>\n")


def share_block(settings: Settings, portal_url: str, words: Words = FRENCH) -> str:
    _ = words.gettext
    url, title = portal_url, settings.campaign.title_in(words)
    text = f"{title} {url}"
    mailto = f"mailto:?subject={quote(title)}&body={quote(title + chr(10) + chr(10) + url)}"
    by_mail = _("par courriel")
    items = [f'<li><a href="{html.escape(mailto)}">{html.escape(by_mail)}</a></li>']
    for link in settings.campaign.share_links:
        href = str(link["url"]).replace("{url}", quote(url, safe="")).replace(
            "{text}", quote(text, safe=""))
        on = _("sur {site}").format(site=str(link.get("name", "")))
        items.append(f'<li><a href="{html.escape(href)}" rel="noopener noreferrer">'
                     f"{html.escape(on)}</a></li>")
    heading = _("Faites connaître la pétition")
    copy = _("Ou copiez son adresse\u00a0:")
    return (f"<h2>{html.escape(heading)}</h2>\n<ul>\n" + "\n".join(items)
            + f"\n</ul>\n<p>{html.escape(copy)} <code>{html.escape(url)}</code></p>\n")


def after_signing_block(settings: Settings, words: Words = FRENCH) -> str:
    """The other action the campaign offers (`after_signing` of data/petition.yml), in the
    signer's language; its page is the French one (letters, for one, are written in French)."""
    if not settings.campaign.after_signing:
        return ""
    title, text, link, page = settings.campaign.after_signing
    _ = words.gettext
    href = urljoin(settings.portal_url, page)
    return (f"<h2>{html.escape(_(title))}</h2>\n<p>{html.escape(_(text))} "
            f'<a href="{html.escape(href)}">{html.escape(_(link))}</a></p>\n')


def partner_block(settings: Settings, choice: Attribution | None,
                  words: Words = FRENCH) -> str:
    """Names the partner as a recipient when, and only when, its box was ticked."""
    if choice is None or not choice.partner_news:
        return ""
    partner = settings.campaign.partners.get(choice.partner)
    if partner is None:
        return ""
    text = words.gettext(
        "Vous avez demandé à recevoir des nouvelles de {name}\u00a0: cette organisation est "
        "destinataire de votre nom et de votre adresse électronique, qu’elle reçoit dans un "
        "fichier chiffré pour elle seule (l’équipe de la campagne ne peut pas le lire). Pour "
        "ne plus recevoir ses nouvelles, adressez-vous à {name}.").format(
        name=html.escape(partner.name))
    return f'<p id="partner-recipient">{text}</p>\n'


def confirmed(settings: Settings, count: int, choice: Attribution | None,
              words: Words = FRENCH, portal_url: str | None = None) -> str:
    """The page after the button; `portal_url`: the petition page in the signer's
    language (settings.portal_url, the French one, by default)."""
    _ = words.gettext
    portal_url = portal_url or settings.portal_url
    goal = settings.campaign.goal_at(count)
    counts = _("Votre signature compte désormais.")
    return page(N_("Merci, votre signature est confirmée"), f"""
<p>{counts}</p>
{progress_block(count, goal, words)}{partner_block(settings, choice, words)}\
{share_block(settings, portal_url, words)}{after_signing_block(settings, words)}""",
                portal_url, words=words)
