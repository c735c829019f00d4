"""The petition: `data/petition.yml` read and checked once, rendered to the petition page.

Everything is rendered at build time: the text, the demands, a `<progress>` bar with the
count and its date, and a plain HTML form that POSTs to the organisation's own signature
service. Without an endpoint, the page explains how to sign instead of showing a dead form.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .citations.sources import is_web_url
from .errors import ContentError, Problem, did_you_mean, raise_if_any
from .french import format_day
from .markdown_text import inline, markdown_block
from .textfile import read_text
from .yamldata import is_day, parse_yaml

# Names of the form fields as the signature service expects them (CiviCRM, Framaforms…
# each have their own); `field_names` in the data file overrides any of them.
DEFAULT_FIELD_NAMES = {
    "name": "name",
    "email": "email",
    "postcode": "postcode",
    "consent": "consent",
    "newsletter": "newsletter",
    "honeypot": "website",
}

TEXT_KEYS = ("title", "addressee", "text", "privacy")
OPTIONAL_TEXT_KEYS = ("call_to_action", "how_to_sign", "count_note")
KNOWN_KEYS = set(TEXT_KEYS) | set(OPTIONAL_TEXT_KEYS) | {
    "demands", "goal", "count", "count_date", "endpoint", "count_url", "field_names"}
DEFAULT_CALL_TO_ACTION = "Signer la pétition"
PRIVACY_ANCHOR = "donnees-personnelles"


@dataclass(frozen=True)
class Petition:
    title: str
    addressee: str
    text: str
    demands: tuple[str, ...]
    goal: int
    count: int
    count_date: dt.date
    privacy: str
    endpoint: str = ""
    count_url: str = ""
    call_to_action: str = DEFAULT_CALL_TO_ACTION
    how_to_sign: str = ""
    count_note: str = ""
    field_names: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_FIELD_NAMES))


def is_allowed_url(value: str) -> bool:
    """https anywhere; plain http only on this machine's loopback (tests, local previews)."""
    if not is_web_url(value):
        return False
    parts = urlsplit(value)
    return parts.scheme == "https" or (parts.hostname or "") in {"127.0.0.1", "localhost", "::1"}


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def parse_petition(text: str, label: str) -> Petition:
    """The petition described by `text` (YAML), or ContentError listing every problem."""
    doc, problems = parse_yaml(text, label)
    raise_if_any(problems)
    data = doc.data
    if not isinstance(data, dict):
        raise ContentError([Problem(label, "le fichier doit être une liste de champs "
                                           "`nom: valeur`", 1,
                                    "voir CONTRIBUTING.md, section « La pétition »")])
    lines = {str(key): doc.line(key) for key in data}

    def problem(key: str, message: str, hint: str = "") -> None:
        problems.append(Problem(label, message, lines.get(key, 1), hint))

    for key in data:
        if key not in KNOWN_KEYS:
            problem(str(key), f"champ inconnu `{key}`",
                    did_you_mean(str(key), KNOWN_KEYS, "champs connus"))
    for key in (*TEXT_KEYS, "demands", "goal", "count", "count_date"):
        if key not in data:
            problems.append(Problem(label, f"champ obligatoire manquant : `{key}`", 1,
                                    f"ajoutez `{key}:` au fichier"))
    for key in TEXT_KEYS + OPTIONAL_TEXT_KEYS:
        if (key in data and not _is_text(data[key])
                and (key in TEXT_KEYS or data[key] not in (None, ""))):
            problem(key, f"`{key}` doit être un texte non vide : « {data[key]} »",
                    "écrivez le texte après les deux-points, entre guillemets, "
                    "ou sur les lignes suivantes après `|`")
    demands = data.get("demands")
    if "demands" in data and not (isinstance(demands, list) and demands
                                  and all(_is_text(d) for d in demands)):
        problem("demands", "`demands` doit être une liste de revendications (textes)",
                "écrivez une ligne `  - …` par revendication sous `demands:`")
    for key, minimum in (("goal", 1), ("count", 0)):
        value = data.get(key)
        if key in data and (isinstance(value, bool) or not isinstance(value, int)
                            or value < minimum):
            problem(key, f"`{key}` doit être un nombre entier "
                         f"{'positif' if minimum else 'positif ou nul'} : « {value} »",
                    "écrivez le nombre sans espace ni point, par exemple 12000")
    count_date = data.get("count_date")
    if "count_date" in data and not is_day(count_date):
        problem("count_date", f"`count_date` n’est pas une date : « {count_date} »",
                "écrivez la date du relevé sous la forme AAAA-MM-JJ, sans guillemets, et une "
                "date qui existe")
    for key in ("endpoint", "count_url"):
        value = data.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or not is_allowed_url(value.strip()):
            problem(key, f"adresse refusée pour `{key}` : « {value} »",
                    "seules les adresses https:// complètes sont acceptées "
                    "(http:// uniquement vers 127.0.0.1 ou localhost, pour les essais)")
    if not data.get("endpoint") and not _is_text(data.get("how_to_sign")):
        problem("endpoint", "sans `endpoint`, `how_to_sign` est obligatoire",
                "expliquez dans `how_to_sign` comment signer tant que le formulaire "
                "de signature n’est pas branché")
    names = dict(DEFAULT_FIELD_NAMES)
    given = data.get("field_names")
    if given is not None:
        if not isinstance(given, dict):
            problem("field_names", "`field_names` doit associer un champ à un nom",
                    "par exemple `email: email_address`")
        else:
            for key, value in given.items():
                if key not in DEFAULT_FIELD_NAMES:
                    problem("field_names", f"champ de formulaire inconnu `field_names.{key}`",
                            did_you_mean(str(key), DEFAULT_FIELD_NAMES, "champs connus"))
                elif not (isinstance(value, str) and value.strip()
                          and value.replace("-", "").replace("_", "").replace("[", "")
                          .replace("]", "").isalnum()):
                    problem("field_names", f"nom de champ refusé pour `field_names.{key}` : "
                                           f"« {value} »",
                            "lettres, chiffres, `-`, `_` et crochets uniquement")
                else:
                    names[key] = value
    raise_if_any(problems)
    return Petition(
        title=data["title"].strip(), addressee=data["addressee"].strip(),
        text=data["text"], demands=tuple(d.strip() for d in demands), goal=data["goal"],
        count=data["count"], count_date=count_date, privacy=data["privacy"],
        endpoint=(data.get("endpoint") or "").strip(),
        count_url=(data.get("count_url") or "").strip(),
        call_to_action=(data.get("call_to_action") or DEFAULT_CALL_TO_ACTION).strip(),
        how_to_sign=data.get("how_to_sign") or "", count_note=data.get("count_note") or "",
        field_names=names,
    )


def load_petition(path: Path, label: str) -> Petition | None:
    """The petition of the portal, or None when the file does not exist."""
    if not path.exists():
        return None
    text, problems = read_text(path, label)
    raise_if_any(problems)
    return parse_petition(text, label)


def format_number(number: int) -> str:
    """`12 000` with a narrow no-break space, the French way."""
    return f"{number:,}".replace(",", "\u202f")


def progress_text(count: int, goal: int, date: dt.date) -> str:
    """« 1 234 signatures sur un objectif de 10 000, au 23 novembre 2026 »."""
    noun = "signature" if count < 2 else "signatures"
    return (f"{format_number(count)} {noun} sur un objectif de {format_number(goal)}, "
            f"au {format_day(date)}")


def progress_html(petition: Petition, script_src: str = "") -> str:
    """The bar, readable without JavaScript. With `count_url`, the script may update it."""
    live = (f' data-count-url="{html.escape(petition.count_url)}"'
            f' data-goal="{petition.goal}"' if petition.count_url else "")
    script = (f'<script src="{html.escape(script_src)}" defer></script>\n'
              if petition.count_url and script_src else "")
    note = (f'<div class="petition-progress__note" markdown>\n\n'
            f"{markdown_block(petition.count_note).strip()}\n\n</div>\n"
            if petition.count_note else "")
    return (
        f'<div class="petition-progress"{live} markdown>\n'
        f'<p class="petition-progress__label" id="petition-progress-label">'
        f'{html.escape(progress_text(petition.count, petition.goal, petition.count_date))}</p>\n'
        f'<progress id="petition-progress-bar" max="{petition.goal}" '
        f'value="{min(petition.count, petition.goal)}" '
        f'aria-labelledby="petition-progress-label">'
        f"{html.escape(format_number(petition.count))}</progress>\n"
        f"{note}</div>\n{script}"
    )


def form_html(petition: Petition) -> str:
    """A plain form POSTed to the signature service: it works with JavaScript off."""
    n = {key: html.escape(value) for key, value in petition.field_names.items()}
    return f"""<form class="petition-form" method="post" action="{html.escape(petition.endpoint)}">
<p class="petition-form__required">Tous les champs sont obligatoires, sauf l’inscription à la lettre d’information.</p>
<p><label for="petition-name">Nom et prénom</label>
<input id="petition-name" name="{n['name']}" type="text" autocomplete="name" required maxlength="200"></p>
<p><label for="petition-email">Adresse électronique</label>
<input id="petition-email" name="{n['email']}" type="email" autocomplete="email" required maxlength="254"></p>
<p><label for="petition-postcode">Code postal <span class="petition-form__hint" id="petition-postcode-hint">(5 chiffres)</span></label>
<input id="petition-postcode" name="{n['postcode']}" type="text" autocomplete="postal-code" inputmode="numeric" pattern="[0-9]{{5}}" maxlength="5" required aria-describedby="petition-postcode-hint"></p>
<div class="petition-hp" aria-hidden="true">
<label for="petition-website">Ne remplissez pas ce champ</label>
<input id="petition-website" name="{n['honeypot']}" type="text" tabindex="-1" autocomplete="off">
</div>
<p class="petition-form__check"><input id="petition-consent" name="{n['consent']}" type="checkbox" value="oui" required>
<label for="petition-consent">J’accepte que mes données soient traitées pour cette pétition, comme expliqué dans la <a href="#{PRIVACY_ANCHOR}">notice sur les données personnelles</a>.</label></p>
<p class="petition-form__check"><input id="petition-newsletter" name="{n['newsletter']}" type="checkbox" value="oui">
<label for="petition-newsletter">Je souhaite recevoir des nouvelles de la campagne (facultatif).</label></p>
<p><button type="submit" class="md-button md-button--primary">{html.escape(petition.call_to_action)}</button></p>
</form>
"""  # noqa: E501 (HTML is easier to review one element a line)


def how_to_sign_html(petition: Petition, contact: str) -> str:
    """Shown instead of a form that would lead nowhere."""
    return (f'<div class="petition-how" markdown>\n\n'
            f"{markdown_block(petition.how_to_sign).strip()}\n\n{contact}\n\n</div>\n")


def render_petition(petition: Petition, contact: str = "", script_src: str = "") -> str:
    """The whole petition page body, in Markdown with HTML blocks."""
    demands = "\n".join(f"1. {inline(d)}" for d in petition.demands)
    sign = (form_html(petition) if petition.endpoint
            else how_to_sign_html(petition, contact))
    return (
        f'<p class="petition-title"><strong>{inline(petition.title)}</strong></p>\n\n'
        f'<p class="petition-addressee">Destinataires\u00a0: {inline(petition.addressee)}</p>\n\n'
        f"{markdown_block(petition.text).strip()}\n\n"
        f"## Nous demandons {{ #revendications }}\n\n{demands}\n\n"
        f"## Signer {{ #signer }}\n\n"
        f"{progress_html(petition, script_src)}\n"
        f"{sign}\n"
        f"## Vos données personnelles {{ #{PRIVACY_ANCHOR} }}\n\n"
        f"{markdown_block(petition.privacy).strip()}\n"
    )
