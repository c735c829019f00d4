"""Reading and checking a form post. Every refusal is a sentence that says what to fix, in the
form's language (French, the source, unless the form says otherwise: `language_of_form`);
the values come back as typed so the form can be shown again with them."""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from common.words import N_, language

from .markup import FRENCH, LANGUAGE_FIELD, LIMITS, PETITION_FIELDS, TESTIMONY_FIELDS, format_number

# The French texts are the catalogue's ids; `{limit}` is the field's longest length.
_MESSAGES = {
    "name_missing": N_("Indiquez votre nom et votre prénom."),
    "name_long": N_("Votre nom compte plus de {limit} caractères : raccourcissez-le."),
    "name_control": N_("Écrivez votre nom sur une seule ligne, sans retour à la ligne ni "
                      "caractère invisible."),
    "email_missing": N_("Indiquez votre adresse électronique : elle sert à confirmer votre "
                       "signature."),
    "email_long": N_("Votre adresse électronique compte plus de {limit} caractères : "
                    "vérifiez-la."),
    "email_invalid": N_("Cette adresse électronique n’est pas valide : vérifiez-la (elle "
                       "s’écrit comme prenom@exemple.fr)."),
    "postcode": N_("Le code postal s’écrit avec 5 chiffres, par exemple 69003."),
    "consent": N_("Cochez la case d’accord : sans elle, nous ne pouvons pas enregistrer votre "
                 "signature."),
    "encoding": N_("Ce champ contenait des caractères illisibles (le texte reçu n’était pas en "
                  "UTF-8), remplacés ici par « \ufffd » : corrigez-le puis renvoyez le "
                  "formulaire."),
    "testimony_missing": N_("Écrivez votre témoignage avant de l’envoyer."),
    "testimony_long": N_("Votre témoignage compte plus de {limit} caractères : "
                        "raccourcissez-le, ou envoyez-le en deux fois."),
    "contact_long": N_("Le moyen de vous joindre compte plus de {limit} "
                      "caractères : raccourcissez-le."),
    "contact_control": N_("Écrivez le moyen de vous joindre sur une seule ligne."),
    "testimony_consent": N_("Cochez la case d’accord : sans elle, nous ne pouvons pas recevoir "
                           "votre témoignage."),
}
# Whole-form refusals (shown above the form, which keeps what was typed).
_REFUSALS = {
    "origin": N_("Ce formulaire nous arrive d’un site que nous ne connaissons pas. Vérifiez "
                "l’adresse de la page où vous l’avez rempli : seuls le portail, ses miroirs et ses "
                "partenaires déclarés peuvent l’envoyer. Vous pouvez aussi le renvoyer "
                "d’ici."),
    "rate": N_("Trop d’envois sont partis de votre connexion en peu de temps. Patientez "
              "quelques minutes, puis renvoyez le formulaire : ce que vous avez tapé est "
              "conservé ci-dessous."),
    "unavailable": N_("Votre envoi n’a pas pu être enregistré : le service a un problème "
                     "passager de son côté. Réessayez dans quelques minutes ; ce que vous avez "
                     "tapé est conservé ci-dessous."),
    "too_big": N_("Votre envoi est trop volumineux pour être reçu (plus de {size} Ko). "
                 "Raccourcissez le texte, puis renvoyez le formulaire."),
}

_LIMITED = {"name_long": "name", "email_long": "email", "testimony_long": "testimony",
            "contact_long": "contact"}


def message(key: str, words: gettext.NullTranslations = FRENCH) -> str:
    """What to fix in a field, in the language of `words`."""
    limit = _LIMITED.get(key)
    text = words.gettext(_MESSAGES[key])
    return text.format(limit=format_number(LIMITS[limit], words)) if limit else text


def refusal(key: str, words: gettext.NullTranslations = FRENCH, **values) -> str:
    """A whole-form refusal (shown above the form, which keeps what was typed)."""
    return words.gettext(_REFUSALS[key]).format(**values)


# The French texts, as the service shows them (tests quote them).
MESSAGES = {key: message(key) for key in _MESSAGES}
REFUSALS = dict(_REFUSALS)  # "too_big" keeps its `{size}` (kilobytes)


def language_of_form(body: bytes) -> str:
    """The language a form was sent in: its hidden `lang` field, French when absent or
    unknown. Works on the start of a body too (common/form_markup.py puts the field first),
    so that a post too large to be read whole is refused in its language."""
    for pair in body.decode("utf-8", "replace").split("&"):
        name, _, value = pair.partition("=")
        if name == LANGUAGE_FIELD:
            return language(value)
    return language("")


_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_POSTCODE = re.compile(r"^[0-9]{5}$")


def read_form(body: bytes) -> tuple[dict[str, str], bool]:
    """The fields of an urlencoded body (first value of each name), and whether some bytes
    were not UTF-8 (replaced by U+FFFD so the reader sees where)."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                          encoding="utf-8", errors="strict")
        bad = False
    except UnicodeDecodeError:
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True,
                          encoding="utf-8", errors="replace")
        bad = True
    values: dict[str, str] = {}
    for key, value in pairs:
        values.setdefault(key, value)
    return values, bad


def _has_control(value: str) -> bool:
    """Line breaks, control or invisible formatting characters (CR/LF header injection…)."""
    if value.isprintable():  # the usual case, checked in C
        return False
    return any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value)


def normalise_email(value: str) -> str | None:
    """The address as typed, without surrounding spaces and with its domain in lower-case
    ASCII (IDNA), or None if invalid. Mail goes to it; `mailbox.mailbox_key` is what
    recognises the same mailbox written differently."""
    value = value.strip()
    if not value or _has_control(value) or any(c.isspace() for c in value):
        return None
    local, at, domain = value.rpartition("@")
    if not at or not local or len(local) > 64 or not _LOCAL.match(local):
        return None
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    if labels[-1].isdigit():
        return None
    return f"{local}@{domain}"


@dataclass
class Checked:
    values: dict[str, str]                   # as typed, for the form shown again
    errors: dict[str, str] = field(default_factory=dict)
    clean: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _encoding_errors(values: dict[str, str], keys, errors: dict[str, str],
                     words: gettext.NullTranslations) -> None:
    for key in keys:
        if "\ufffd" in values.get(key, ""):
            errors.setdefault(key, message("encoding", words))


def check_signature(form: dict[str, str], words: gettext.NullTranslations = FRENCH) -> Checked:
    f = PETITION_FIELDS
    values = {key: form.get(f[key], "") for key in ("name", "email", "postcode")}
    values.update({key: "oui" if form.get(f[key]) else ""
                   for key in ("consent", "newsletter")})
    errors: dict[str, str] = {}
    _encoding_errors(values, ("name", "email", "postcode"), errors, words)
    name = values["name"].strip()
    if "name" in errors:
        pass
    elif not name:
        errors["name"] = message("name_missing", words)
    elif len(values["name"]) > LIMITS["name"]:
        errors["name"] = message("name_long", words)
    elif _has_control(values["name"]):
        errors["name"] = message("name_control", words)
    email = None
    if "email" in errors:
        pass
    elif not values["email"].strip():
        errors["email"] = message("email_missing", words)
    elif len(values["email"]) > LIMITS["email"]:
        errors["email"] = message("email_long", words)
    elif _has_control(values["email"]):
        errors["email"] = message("email_invalid", words)
    else:
        email = normalise_email(values["email"])
        if email is None:
            errors["email"] = message("email_invalid", words)
    postcode = values["postcode"].strip()
    if "postcode" not in errors and not _POSTCODE.match(postcode):
        errors["postcode"] = message("postcode", words)
    if not values["consent"]:
        errors["consent"] = message("consent", words)
    clean = {"name": " ".join(name.split()), "email": email, "postcode": postcode,
             "newsletter": bool(values["newsletter"])}
    return Checked(values, errors, clean)


def check_testimony(form: dict[str, str], words: gettext.NullTranslations = FRENCH) -> Checked:
    f = TESTIMONY_FIELDS
    values = {key: form.get(f[key], "") for key in ("testimony", "contact")}
    values["consent"] = "oui" if form.get(f["consent"]) else ""
    errors: dict[str, str] = {}
    _encoding_errors(values, ("testimony", "contact"), errors, words)
    text = values["testimony"].replace("\r\n", "\n").strip()
    if "testimony" in errors:
        pass
    elif not text:
        errors["testimony"] = message("testimony_missing", words)
    elif len(text) > LIMITS["testimony"]:
        errors["testimony"] = message("testimony_long", words)
    contact = values["contact"].strip()
    if "contact" in errors:
        pass
    elif len(contact) > LIMITS["contact"]:
        errors["contact"] = message("contact_long", words)
    elif _has_control(values["contact"]):
        errors["contact"] = message("contact_control", words)
    if not values["consent"]:
        errors["consent"] = message("testimony_consent", words)
    return Checked(values, errors, {"testimony": text, "contact": contact})


def is_bot(form: dict[str, str], fields: dict[str, str]) -> bool:
    """The hidden field is filled: a robot, answered as if all went well, nothing stored."""
    return bool(form.get(fields["honeypot"], "").strip())
