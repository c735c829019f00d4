"""The service's answers: short French pages in the portal's colours, with no script, no
external resource, no cookie. Every value that came from a reader is escaped."""

from __future__ import annotations

import html

from .markup import PRIVACY_ANCHOR, error_summary, petition_form, testimony_form

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


def page(title: str, body: str, portal_url: str,
         back: str = "Retour à la pétition") -> str:
    return f"""<!doctype html>
<html lang="fr">
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
<footer>Ce service ne dépose aucun cookie et n’enregistre pas votre adresse IP.</footer>
</body>
</html>
"""


TESTIMONY_BACK = "Retour à l’appel à témoignages"


def _privacy(portal_url: str) -> str:
    return f"{portal_url}#{PRIVACY_ANCHOR}"


def signature_form_page(portal_url: str, values, errors, refusal: str = "",
                        partner: tuple[str, str, bool] | None = None) -> str:
    notice = error_summary({"form": refusal}, "petition").replace(
        'href="#petition-form"', 'href="#petition-name"') if refusal else ""
    form = petition_form("signer", values=values, errors=errors,
                         privacy_href=_privacy(portal_url), partner=partner)
    return page("Signer la pétition", notice + form, portal_url)


def testimony_form_page(portal_url: str, testimony_url: str, values, errors,
                        refusal: str = "") -> str:
    notice = error_summary({"form": refusal}, "testimony").replace(
        'href="#testimony-form"', 'href="#testimony-testimony"') if refusal else ""
    form = testimony_form("temoigner", values=values, errors=errors,
                          privacy_href=_privacy(testimony_url))
    return page("Envoyer un témoignage", notice + form, testimony_url, TESTIMONY_BACK)


def check_your_mail(portal_url: str, link_days: int) -> str:
    return page("Vérifiez votre messagerie", f"""
<p><strong>Il reste une étape :</strong> nous venons de vous écrire. Ouvrez ce message et
suivez le lien qu’il contient (il reste valable {link_days} jours). Votre signature ne sera
comptée qu’à ce moment-là.</p>
<p>Rien reçu d’ici quelques minutes ? Regardez dans le dossier des indésirables, ou signez à
nouveau avec la même adresse : nous vous renverrons un lien, et votre signature ne sera
jamais comptée deux fois.</p>
<p><a href="{html.escape(portal_url)}">Revenir à la pétition</a></p>
""", portal_url)


def _count_sentence(count: int, goal: int) -> str:
    number = f"{count:,}".replace(",", "\u202f")
    noun = "personne a" if count < 2 else "personnes ont"
    target = f"{goal:,}".replace(",", "\u202f")
    return (f'<p class="count" id="signature-count">{number} {noun} signé et confirmé, '
            f"pour un objectif de {target} signatures.</p>")


def confirmed(portal_url: str, count: int, goal: int) -> str:
    return page("Merci, votre signature est confirmée", f"""
<p>Votre signature compte désormais.</p>
{_count_sentence(count, goal)}
<p>Pour aller plus loin, faites connaître la pétition autour de vous :
<a href="{html.escape(portal_url)}#partager">liens de partage</a>.</p>
""", portal_url)


def confirm_button(portal_url: str, token: str) -> str:
    """The page a confirmation link opens: one button, a plain form. Opening the link
    changes nothing (mail scanners and previews open links); only pressing confirms."""
    return page("Confirmez votre signature", f"""
<p>Il ne reste qu’un geste : appuyez sur le bouton ci-dessous pour que votre signature
soit comptée. Tant que vous ne l’avez pas fait, rien n’est enregistré comme confirmé.</p>
<form method="post" action="confirmer">
<input type="hidden" name="jeton" value="{html.escape(token)}">
<p><button type="submit">Je confirme ma signature</button></p>
</form>
<p>Vous n’avez rien signé ? Fermez simplement cette page : sans confirmation, la signature
et votre adresse seront effacées.</p>
""", portal_url)


def token_answer(portal_url: str, outcome: str, count: int, goal: int, link_days: int) -> str:
    if outcome == "already":
        return page("Signature déjà confirmée", f"""
<p>Ce lien a déjà servi : votre signature est confirmée et comptée une seule fois. Vous
n’avez rien d’autre à faire.</p>
{_count_sentence(count, goal)}
""", portal_url)
    if outcome == "expired":
        return page("Lien expiré", f"""
<p>Ce lien de confirmation a expiré : il n’était valable que {link_days} jours. Signez à
nouveau avec la même adresse : vous recevrez un nouveau lien.</p>
<p><a href="{html.escape(portal_url)}#signer">Signer à nouveau</a></p>
""", portal_url)
    return page("Lien non valable", f"""
<p>Ce lien de confirmation n’est pas valable. Vérifiez qu’il a été copié en entier depuis
le message reçu ; sinon, signez à nouveau avec la même adresse pour en recevoir un autre.</p>
<p><a href="{html.escape(portal_url)}#signer">Signer à nouveau</a></p>
""", portal_url)


def unavailable(portal_url: str) -> str:
    return page("Service momentanément indisponible", """
<p>Nous n’avons pas pu traiter votre demande : le service a un problème passager de son
côté. Rouvrez le lien du message dans quelques minutes.</p>
""", portal_url)


def testimony_received(testimony_url: str, reference: str, days: int) -> str:
    return page("Merci, votre témoignage est arrivé", f"""
<p>Votre témoignage a été chiffré dès son arrivée : seule l’équipe, avec une clé gardée
hors de ce serveur, peut le lire. Rien ne sera publié sans votre accord.</p>
<p>Sa référence est <strong id="testimony-reference">{html.escape(reference)}</strong>.
Notez-la : elle suffit pour nous demander de l’effacer, à tout moment. Sans demande de
votre part, il est effacé au bout de {days} jours.</p>
<p><a href="{html.escape(testimony_url)}">Revenir à la page des témoignages</a></p>
""", testimony_url, TESTIMONY_BACK)


def too_big(url: str, message: str, back: str = "Retour à la pétition") -> str:
    return page("Envoi trop volumineux", f"<p>{html.escape(message)}</p>", url, back)


def home(portal_url: str) -> str:
    return page("Service de signature du portail", f"""
<p>Ce service reçoit les signatures de la pétition et les témoignages envoyés depuis le
portail. <a href="{html.escape(portal_url)}">Lire et signer la pétition</a>.</p>
""", portal_url)
