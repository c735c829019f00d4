"""Letter templates to exercise one's rights, and the contact details of the team.

A letter is written in the page (Markdown), with `{{ letter_field("nom") }}` where the
reader's details go (the fields and their labels: data/lettres.yml, letter_fields.py),
`{{ letter_recipient("cada") }}` for a recipient of data/destinataires.yml
(macros/action/recipients.py) and `{{ by_hand("…") }}` for what only the reader can write
on paper. Without JavaScript the fields print as blanks; with it, the form
rendered by `{{ letter_form() }}` fills them in the browser (assets/letters.js) and
prepares a mailto link, to the recipient when their e-mail is known. Nothing is sent.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

from common.config import LETTERS_DATA, RECIPIENTS_DATA

from ..floor.errors import ContentError, Problem
from ..floor.french import format_day
from .letter_check import missing_form, unknown_field_hint, unknown_recipient_hint
from .letter_fields import LetterField, LetterForm

if TYPE_CHECKING:
    from .recipients import Recipient

EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")
BY_HAND = "à compléter à la main"


def _no_form(page: str, letters_data: str) -> ContentError:
    return ContentError([missing_form(letters_data, page, None)])


def letter_field(name: str, page: str, form: LetterForm | None,
                 letters_data: str = LETTERS_DATA) -> str:
    """A blank of a letter, filled by the form in the browser (data/lettres.yml)."""
    if form is None:
        raise _no_form(page, letters_data)
    fields = form.fields
    if name not in fields:
        raise ContentError([Problem(page, f"champ de lettre inconnu `{name}`", None,
                                    unknown_field_hint(name, fields, letters_data))])
    blank = fields[name].blank
    return (f'<span class="letter-field" data-field="{name}" '
            f'data-blank="{html.escape(blank)}">{html.escape(blank)}</span>')


def _control(field: LetterField) -> str:
    name = field.name
    attrs = f'id="letter-{name}" name="{name}" data-fills="{name}"'
    if field.autocomplete:
        attrs += f' autocomplete="{html.escape(field.autocomplete)}"'
    if field.kind == "lignes":
        return f'<textarea {attrs} rows="3"></textarea>'
    return f'<input {attrs} type="{"date" if field.kind == "date" else "text"}">'


def letter_form(script_src: str, form: LetterForm | None, page: str = "",
                letters_data: str = LETTERS_DATA) -> str:
    """The form that fills the letters, group by group as data/lettres.yml says; hidden
    until the script runs."""
    if form is None:
        raise _no_form(page, letters_data)
    groups = []
    for legend, fields in form.groups:
        rows = [f'<p><label for="letter-{f.name}">{html.escape(f.label, quote=False)}</label>'
                f"\n{_control(f)}</p>" for f in fields]
        groups.append(f"<fieldset>\n<legend>{html.escape(legend, quote=False)}</legend>\n"
                      + "\n".join(rows) + "\n</fieldset>")
    return (
        '<form class="letter-form" id="letter-form" hidden>\n'
        '<p class="letter-form__note">Ces informations restent dans votre navigateur : '
        "elles ne sont envoyées nulle part et disparaissent quand vous fermez la page. "
        "Remplissez seulement ce qui sert à votre lettre.</p>\n"
        + "\n".join(groups) + "\n</form>\n"
        f'<script src="{html.escape(script_src)}" defer></script>\n'
    )


def by_hand(text: str) -> str:
    """A passage the reader completes on paper: "[text] (à compléter à la main)"."""
    return (f'<span class="letter-by-hand">[{html.escape(text, quote=False)}] '
            f"<em>({BY_HAND})</em></span>")


def letter_recipient(recipient: Recipient) -> str:
    """The recipient's block of a letter: name, service and postal address."""
    lines = [recipient.name, *([recipient.service] if recipient.service else []),
             *recipient.address]
    email = f' data-email="{html.escape(recipient.email)}"' if recipient.email else ""
    return (f'<p class="letter-recipient"{email}>'
            + "<br>".join(html.escape(line, quote=False) for line in lines) + "</p>")


def letter_actions(letter_id: str, recipient: Recipient | None = None) -> str:
    """Print and e-mail buttons under a letter, shown only when the script runs. The mail
    link writes to the recipient when their e-mail is known, and says so."""
    target = html.escape(letter_id)
    to = ""
    if recipient and recipient.email:
        to = f' data-to="{html.escape(recipient.email)}"'
        href = f"mailto:{recipient.email}"
        label = (f"Préparer un courriel à {html.escape(recipient.name, quote=False)} "
                 f"({html.escape(recipient.email, quote=False)})")
    else:
        href = "mailto:"
        label = "Préparer un courriel avec cette lettre (ajoutez l’adresse du destinataire)"
    return (f'<p class="letter-actions" data-letter="{target}" hidden>'
            f'<button type="button" class="md-button letter-print">Imprimer cette lettre</button> '
            f'<a class="md-button letter-mailto" href="{html.escape(href)}"{to}>{label}</a></p>')


def recipient_sources(recipients: list[Recipient]) -> str:
    """Where each recipient's address comes from, under the letters."""
    items = []
    for recipient in recipients:
        when = f", page datée du {format_day(recipient.source_date)}" \
            if recipient.source_date else ""
        items.append(f"<li>{html.escape(recipient.name, quote=False)} : "
                     f'<a href="{html.escape(recipient.source_url)}" rel="noreferrer">'
                     f"{html.escape(recipient.source_title, quote=False)}</a>{when}.</li>")
    return ('<ul class="letter-sources">\n' + "\n".join(items) + "\n</ul>\n")


def check_contact(contact, label: str = "mkdocs.yml") -> dict:
    """`extra.contact`: an e-mail address (required) and a postal address (optional)."""
    hint = ("ajoutez dans mkdocs.yml, sous `extra:`, `contact:` puis `email: …` "
            "(et `postal: …` si vous recevez du courrier)")
    if not isinstance(contact, dict) or not contact.get("email"):
        raise ContentError([Problem(label, "adresse de contact manquante : `extra.contact.email`",
                                    None, hint)])
    email = str(contact["email"]).strip()
    if not EMAIL.match(email):
        raise ContentError([Problem(label, f"adresse de contact invalide : « {email} »", None,
                                    "écrivez une adresse électronique complète, "
                                    "par exemple temoignages@exemple.fr")])
    return {"email": email, "postal": str(contact.get("postal") or "").strip()}


def contact_html(contact: dict, subject: str = "", _=str) -> str:
    """How to reach the team: e-mail, and post when an address is configured; `_`: the
    words of the page's language (French as written)."""
    href = f"mailto:{contact['email']}"
    if subject:
        href += f"?subject={quote(subject)}"
    by_mail, by_post = _("par courriel\u00a0:"), _("par courrier\u00a0:")
    lines = [f'<li>{by_mail} <a href="{html.escape(href)}">'
             f"{html.escape(contact['email'])}</a></li>"]
    if contact["postal"]:
        postal = "<br>".join(html.escape(line.strip()) for line in contact["postal"].splitlines())
        lines.append(f"<li>{by_post} <address>{postal}</address></li>")
    return '<ul class="contact">\n' + "\n".join(lines) + "\n</ul>\n"


def register_letter_macros(env, deferred, recipients: Callable[[], dict[str, Recipient]],
                           page: Callable[[], str]) -> None:
    """`letter_recipient(key)`, `letter_actions(id, key)`, `recipient_sources(keys…)` and
    `by_hand(text)`. `recipients()` loads data/destinataires.yml on first use, so that a
    mistake in it is reported by the page that uses it."""
    def find(key: str) -> Recipient:
        known = recipients()
        if key not in known:
            raise ContentError([Problem(page(), f"destinataire inconnu `{key}`", None,
                                        unknown_recipient_hint(key, known, RECIPIENTS_DATA))])
        return known[key]

    def actions(letter_id: str, recipient: str | None = None) -> str:
        return letter_actions(letter_id, find(recipient) if recipient else None)

    for name, macro in (("letter_recipient", lambda key: letter_recipient(find(key))),
                        ("letter_actions", actions),
                        ("recipient_sources",
                         lambda *keys: recipient_sources([find(k) for k in keys]))):
        env.macro(deferred(macro), name)
    env.macro(by_hand, "by_hand")
