"""Letter templates to exercise one's rights, and the contact details of the team.

A letter is written in the page (Markdown), with `{{ letter_field("nom") }}` where the
reader's details go. Without JavaScript the fields print as blanks; with it, the form
rendered by `{{ letter_form() }}` fills them in the browser (assets/letters.js) and
prepares a mailto link. Nothing is sent anywhere.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from .errors import ContentError, Problem, did_you_mean

# name -> (label of the form field, blank printed in the letter)
FIELDS = {
    "nom": ("Nom et prénom", "[nom et prénom]"),
    "identifiant": ("Identifiant France Travail", "[identifiant France Travail]"),
    "adresse": ("Adresse postale", "[adresse postale]"),
    "agence": ("Agence France Travail", "[agence France Travail]"),
    "date": ("Date de la lettre", "[date]"),
}
_AUTOCOMPLETE = {"nom": "name", "adresse": "street-address"}
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")


def letter_field(name: str, page: str) -> str:
    if name not in FIELDS:
        raise ContentError([Problem(page, f"champ de lettre inconnu `{name}`", None,
                                    did_you_mean(name, FIELDS, "champs connus"))])
    blank = FIELDS[name][1]
    return (f'<span class="letter-field" data-field="{name}" '
            f'data-blank="{html.escape(blank)}">{html.escape(blank)}</span>')


def letter_form(script_src: str) -> str:
    """The form that fills the letters; hidden until the script runs."""
    rows = []
    for name, (label, _) in FIELDS.items():
        attrs = f'id="letter-{name}" name="{name}" data-fills="{name}"'
        if name in _AUTOCOMPLETE:
            attrs += f' autocomplete="{_AUTOCOMPLETE[name]}"'
        if name == "adresse":
            control = f"<textarea {attrs} rows=\"3\"></textarea>"
        elif name == "date":
            control = f'<input {attrs} type="date">'
        else:
            control = f'<input {attrs} type="text">'
        rows.append(f'<p><label for="letter-{name}">{label}</label>\n{control}</p>')
    return (
        '<form class="letter-form" id="letter-form" hidden>\n'
        '<p class="letter-form__note">Ces informations restent dans votre navigateur : '
        "elles ne sont envoyées nulle part et disparaissent quand vous fermez la page.</p>\n"
        + "\n".join(rows) + "\n</form>\n"
        f'<script src="{html.escape(script_src)}" defer></script>\n'
    )


def letter_actions(letter_id: str) -> str:
    """Print and e-mail buttons under a letter, shown only when the script runs."""
    target = html.escape(letter_id)
    return (f'<p class="letter-actions" data-letter="{target}" hidden>'
            f'<button type="button" class="md-button letter-print">Imprimer cette lettre</button> '
            f'<a class="md-button letter-mailto" href="mailto:">Préparer un courriel '
            f"avec cette lettre</a></p>")


def check_contact(contact, label: str = "mkdocs.yml") -> dict:
    """`extra.contact`: an e-mail address (required) and a postal address (optional)."""
    hint = ("ajoutez dans mkdocs.yml, sous `extra:`, `contact:` puis `email: …` "
            "(et `postal: …` si vous recevez du courrier)")
    if not isinstance(contact, dict) or not contact.get("email"):
        raise ContentError([Problem(label, "adresse de contact manquante : `extra.contact.email`",
                                    None, hint)])
    email = str(contact["email"]).strip()
    if not _EMAIL.match(email):
        raise ContentError([Problem(label, f"adresse de contact invalide : « {email} »", None,
                                    "écrivez une adresse électronique complète, "
                                    "par exemple temoignages@exemple.fr")])
    return {"email": email, "postal": str(contact.get("postal") or "").strip()}


def contact_html(contact: dict, subject: str = "") -> str:
    """How to reach the team: e-mail, and post when an address is configured."""
    href = f"mailto:{contact['email']}"
    if subject:
        href += f"?subject={quote(subject)}"
    lines = [f'<li>par courriel : <a href="{html.escape(href)}">'
             f"{html.escape(contact['email'])}</a></li>"]
    if contact["postal"]:
        postal = "<br>".join(html.escape(line.strip()) for line in contact["postal"].splitlines())
        lines.append(f"<li>par courrier : <address>{postal}</address></li>")
    return '<ul class="contact">\n' + "\n".join(lines) + "\n</ul>\n"
