"""The service's answers: short pages in the portal's colours, with no script, no external
resource, no cookie, in the language the form was sent in (`words`: the catalogue of that
language, common/words.py; French, the source, by default). Every value that came from a
reader is escaped; the translated texts come from the repository's catalogue."""

from __future__ import annotations

import gettext
import html

from common.words import N_, SOURCE_LANGUAGE, language_of

from .markup import (
    FRENCH,
    LANGUAGE_FIELD,
    PRIVACY_ANCHOR,
    error_summary,
    format_number,
    petition_form,
    testimony_form,
)

Words = gettext.NullTranslations

STYLE = """
:root { --primary: #7a1631; --ink: #1d1d1f; --soft: #5c5c66; --bg: #fff; --warn: #a61b1b; }
@media (prefers-color-scheme: dark) {
  :root { --primary: #f0a6b8; --ink: #eceff4; --soft: #b8bcc8; --bg: #1e2129; --warn: #ff9b9b; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: var(--bg); }
header { background: #7a1631; color: #fff; padding: .75rem 1rem; }
header a { color: #fff; text-decoration: none; font-weight: 600; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; }
a { color: var(--primary); }
label { display: block; font-weight: 600; }
.petition-form__check label { display: inline; font-weight: normal; }
input[type=text], input[type=email], textarea { width: 100%; font: inherit; padding: .4rem;
  border: 1px solid var(--soft); border-radius: 3px; background: var(--bg); color: var(--ink); }
[aria-invalid=true] { border: 2px solid var(--warn) !important; outline-color: var(--warn); }
.form-error { display: block; color: var(--warn); font-weight: 600; }
.form-errors { border-left: .3rem solid var(--warn); padding: .25rem 1rem; margin: 1rem 0; }
.petition-form__hint { font-weight: normal; color: var(--soft); }
.petition-hp { visibility: hidden; position: absolute; left: -10000px; width: 1px; height: 1px;
  overflow: hidden; }
.petition-form__check input { width: 1.5rem; height: 1.5rem; vertical-align: middle; }
button { font: inherit; font-weight: 600; background: #7a1631; color: #fff; border: 0;
  border-radius: 3px; padding: .6rem 1.2rem; cursor: pointer; }
.count { font-size: 1.25rem; }
footer { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: var(--soft);
  font-size: .9rem; }
"""

PETITION_BACK = N_("Retour à la pétition")
TESTIMONY_BACK = N_("Retour à l’appel à témoignages")


def page(title: str, body: str, portal_url: str, back: str = PETITION_BACK,
         words: Words = FRENCH) -> str:
    """A whole page: `title` and `back` are catalogue ids (translated here), `body` is HTML
    already in the page's language."""
    _ = words.gettext
    title, back = _(title), _(back)
    footer = _("Ce service ne dépose aucun cookie et n’enregistre pas votre adresse IP.")
    return f"""<!doctype html>
<html lang="{language_of(words)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<header><a href="{html.escape(portal_url)}">← {html.escape(back)}</a></header>
<main>
<h1>{html.escape(title)}</h1>
{body}
</main>
<footer>{html.escape(footer)}</footer>
</body>
</html>
"""


def _privacy(portal_url: str) -> str:
    return f"{portal_url}#{PRIVACY_ANCHOR}"


def _link(url: str, text: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(text)}</a>'


def signature_form_page(portal_url: str, values, errors, refusal: str = "",
                        partner: tuple[str, str, bool] | None = None,
                        words: Words = FRENCH) -> str:
    notice = error_summary({"form": refusal}, "petition", words).replace(
        'href="#petition-form"', 'href="#petition-name"') if refusal else ""
    form = petition_form("signer", values=values, errors=errors,
                         privacy_href=_privacy(portal_url), partner=partner, words=words)
    return page(N_("Signer la pétition"), notice + form, portal_url, words=words)


def testimony_form_page(portal_url: str, testimony_url: str, values, errors,
                        refusal: str = "", words: Words = FRENCH) -> str:
    notice = error_summary({"form": refusal}, "testimony", words).replace(
        'href="#testimony-form"', 'href="#testimony-testimony"') if refusal else ""
    form = testimony_form("temoigner", values=values, errors=errors,
                          privacy_href=_privacy(testimony_url), words=words)
    return page(N_("Envoyer un témoignage"), notice + form, testimony_url, TESTIMONY_BACK,
                words)


def check_your_mail(portal_url: str, link_days: int, words: Words = FRENCH) -> str:
    _ = words.gettext
    step = _("<strong>Il reste une étape\u00a0:</strong> nous venons de vous écrire. Ouvrez ce "
             "message et suivez le lien qu’il contient (il reste valable {days} jours). Votre "
             "signature ne sera comptée qu’à ce moment-là.").format(days=link_days)
    nothing = _("Rien reçu d’ici quelques minutes\u202f? Regardez dans le dossier des "
                "indésirables, ou signez à nouveau avec la même adresse\u00a0: nous vous "
                "renverrons un lien, et votre signature ne sera jamais comptée deux fois.")
    back = _link(portal_url, _("Revenir à la pétition"))
    return page(N_("Vérifiez votre messagerie"), f"""
<p>{step}</p>
<p>{nothing}</p>
<p>{back}</p>
""", portal_url, words=words)


def count_sentence(count: int, goal: int, words: Words = FRENCH) -> str:
    """« 1 234 personnes ont signé et confirmé, pour un objectif de 10 000 signatures. »"""
    return words.ngettext(
        "{count} personne a signé et confirmé, pour un objectif de {goal} signatures.",
        "{count} personnes ont signé et confirmé, pour un objectif de {goal} signatures.",
        count).format(count=format_number(count, words), goal=format_number(goal, words))


def confirm_button(portal_url: str, token: str, words: Words = FRENCH) -> str:
    """The page a confirmation link opens: one button, a plain form. Opening the link
    changes nothing (mail scanners and previews open links); only pressing confirms. The
    form carries the language on, so that the page after the button speaks it too."""
    _ = words.gettext
    lang = language_of(words)
    carried = "" if lang == SOURCE_LANGUAGE else (
        f'<input type="hidden" name="{LANGUAGE_FIELD}" value="{html.escape(lang)}">\n')
    gesture = _("Il ne reste qu’un geste\u00a0: appuyez sur le bouton ci-dessous pour que "
                "votre signature soit comptée. Tant que vous ne l’avez pas fait, rien n’est "
                "enregistré comme confirmé.")
    button = _("Je confirme ma signature")
    not_you = _("Vous n’avez rien signé\u00a0? Fermez simplement cette page\u00a0: sans "
                "confirmation, la signature et votre adresse seront effacées.")
    return page(N_("Confirmez votre signature"), f"""
<p>{gesture}</p>
<form method="post" action="confirmer">
<input type="hidden" name="jeton" value="{html.escape(token)}">
{carried}<p><button type="submit">{html.escape(button)}</button></p>
</form>
<p>{not_you}</p>
""", portal_url, words=words)


def token_answer(portal_url: str, outcome: str, count: int, goal: int, link_days: int,
                 words: Words = FRENCH) -> str:
    _ = words.gettext
    again = _link(f"{portal_url}#signer", _("Signer à nouveau"))
    if outcome == "already":
        used = _("Ce lien a déjà servi\u00a0: votre signature est confirmée et comptée une "
                 "seule fois. Vous n’avez rien d’autre à faire.")
        return page(N_("Signature déjà confirmée"), f"""
<p>{used}</p>
<p class="count" id="signature-count">{html.escape(count_sentence(count, goal, words))}</p>
""", portal_url, words=words)
    if outcome == "expired":
        expired = _("Ce lien de confirmation a expiré\u00a0: il n’était valable que {days} "
                    "jours. Signez à nouveau avec la même adresse\u00a0: vous recevrez un "
                    "nouveau lien.").format(days=link_days)
        return page(N_("Lien expiré"), f"""
<p>{expired}</p>
<p>{again}</p>
""", portal_url, words=words)
    invalid = _("Ce lien de confirmation n’est pas valable. Vérifiez qu’il a été copié en "
                "entier depuis le message reçu\u202f; sinon, signez à nouveau avec la même "
                "adresse pour en recevoir un autre.")
    return page(N_("Lien non valable"), f"""
<p>{invalid}</p>
<p>{again}</p>
""", portal_url, words=words)


def unavailable(portal_url: str, words: Words = FRENCH) -> str:
    text = words.gettext("Nous n’avons pas pu traiter votre demande\u00a0: le service a un "
                         "problème passager de son côté. Rouvrez le lien du message dans "
                         "quelques minutes.")
    return page(N_("Service momentanément indisponible"), f"""
<p>{text}</p>
""", portal_url, words=words)


def testimony_received(testimony_url: str, reference: str, days: int,
                       words: Words = FRENCH) -> str:
    _ = words.gettext
    sealed = _("Votre témoignage a été chiffré dès son arrivée\u00a0: seule l’équipe, avec une "
               "clé gardée hors de ce serveur, peut le lire. Rien ne sera publié sans votre "
               "accord.")
    kept = _("Sa référence est {reference}. Notez-la\u00a0: elle suffit pour nous demander de "
             "l’effacer, à tout moment. Sans demande de votre part, il est effacé au bout de "
             "{days} jours.").format(
        reference=f'<strong id="testimony-reference">{html.escape(reference)}</strong>',
        days=days)
    back = _link(testimony_url, _("Revenir à la page des témoignages"))
    return page(N_("Merci, votre témoignage est arrivé"), f"""
<p>{sealed}</p>
<p>{kept}</p>
<p>{back}</p>
""", testimony_url, TESTIMONY_BACK, words)


def too_big(url: str, message: str, back: str = PETITION_BACK, words: Words = FRENCH) -> str:
    return page(N_("Envoi trop volumineux"), f"<p>{html.escape(message)}</p>", url, back,
                words)


def home(portal_url: str, words: Words = FRENCH) -> str:
    text = words.gettext("Ce service reçoit les signatures de la pétition et les témoignages "
                         "envoyés depuis le portail. {link}").format(
        link=_link(portal_url, words.gettext("Lire et signer la pétition")) + ".")
    return page(N_("Service de signature du portail"), f"""
<p>{text}</p>
""", portal_url, words=words)
