"""The page a signer sees once the signature is confirmed: thanks, the count against the goal
(a `<progress>` bar with its sentence, readable without script and by screen readers), the
portal's share links (plain links, nothing loaded from those sites), one of the letters to
write, and, when the signer asked for a partner's news, that partner named as a recipient."""

from __future__ import annotations

import html
from urllib.parse import quote

from .markup import format_number
from .pages import page
from .partners import Attribution
from .settings import Settings


def count_sentence(count: int, goal: int) -> str:
    """« 1 234 personnes ont signé et confirmé, pour un objectif de 10 000 signatures. »"""
    noun = "personne a" if count < 2 else "personnes ont"
    return (f"{format_number(count)} {noun} signé et confirmé, pour un objectif de "
            f"{format_number(goal)} signatures.")


def progress_block(count: int, goal: int) -> str:
    label = html.escape(count_sentence(count, goal))
    return (f'<p class="count" id="signature-count">{label}</p>\n'
            f'<progress id="signature-progress" max="{goal}" value="{min(count, goal)}" '
            f'aria-labelledby="signature-count">{html.escape(format_number(count))}'
            f"</progress>\n")


def share_block(settings: Settings) -> str:
    url, title = settings.portal_url, settings.campaign.title
    text = f"{title} {url}"
    mailto = f"mailto:?subject={quote(title)}&body={quote(title + chr(10) + chr(10) + url)}"
    items = [f'<li><a href="{html.escape(mailto)}">par courriel</a></li>']
    for link in settings.campaign.share_links:
        href = str(link["url"]).replace("{url}", quote(url, safe="")).replace(
            "{text}", quote(text, safe=""))
        items.append(f'<li><a href="{html.escape(href)}" rel="noopener noreferrer">'
                     f"sur {html.escape(str(link.get('name', '')))}</a></li>")
    return ("<h2>Faites connaître la pétition</h2>\n<ul>\n" + "\n".join(items)
            + f"\n</ul>\n<p>Ou copiez son adresse\u00a0: <code>{html.escape(url)}</code></p>\n")


def letters_url(settings: Settings) -> str:
    return settings.portal_url.rsplit("/", 1)[0] + "/droits.html"


def partner_block(settings: Settings, choice: Attribution | None) -> str:
    """Names the partner as a recipient when, and only when, its box was ticked."""
    if choice is None or not choice.partner_news:
        return ""
    partner = settings.campaign.partners.get(choice.partner)
    if partner is None:
        return ""
    name = html.escape(partner.name)
    return (f'<p id="partner-recipient">Vous avez demandé à recevoir des nouvelles de '
            f"{name}\u00a0: cette organisation est destinataire de votre nom et de votre adresse "
            f"électronique, qu’elle reçoit dans un fichier chiffré pour elle seule (l’équipe "
            f"de la campagne ne peut pas le lire). Pour ne plus recevoir ses nouvelles, "
            f"adressez-vous à {name}.</p>\n")


def confirmed(settings: Settings, count: int, choice: Attribution | None) -> str:
    goal = settings.campaign.goal_at(count)
    return page("Merci, votre signature est confirmée", f"""
<p>Votre signature compte désormais.</p>
{progress_block(count, goal)}{partner_block(settings, choice)}{share_block(settings)}
<h2>Écrivez à France Travail</h2>
<p>Vous pouvez aussi demander vos données et vos scores, ou l’explication d’une décision\u00a0:
<a href="{html.escape(letters_url(settings))}">choisissez l’un de nos modèles de lettres</a>,
prêts à remplir et à imprimer.</p>
""", settings.portal_url)
