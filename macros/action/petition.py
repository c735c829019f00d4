"""The petition: `data/petition.yml` read and checked once, rendered to the petition page.

Everything is rendered at build time: the text, the demands, a `<progress>` bar with the
count and its date, and a plain HTML form that POSTs to the portal's own action service
(`service.url`, see service/README.md) or to another `endpoint`. Without either, the page
explains how to sign instead of showing a dead form. The form markup (common/form_markup.py) is
shared with the service, so the form it shows again after a refusal is the same form.
"""

from __future__ import annotations

import datetime as dt
import gettext
import html
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from common.form_markup import (
    COUNT_BAR_ID,
    COUNT_LABEL_ID,
    FRENCH,
    PETITION_FIELDS,
    PRIVACY_ANCHOR,
    petition_form,
    progress_words,
    testimony_form,
)
from common.form_markup import format_number as format_number
from common.form_markup import progress_text as progress_text
from common.goal import GOAL_HINT, goal_for, goal_steps
from common.words import N_, SOURCE_LANGUAGE, language_of

from ..floor.errors import ContentError, Problem, did_you_mean, raise_if_any
from ..floor.french import format_day
from ..floor.markdown_text import inline, markdown_block
from ..floor.textfile import read_text
from ..floor.urls import is_web_url
from ..floor.yamldata import is_day, parse_yaml

# Names of the form fields as the signature service expects them (CiviCRM, Framaforms…
# each have their own); `field_names` in the data file overrides any of them.
DEFAULT_FIELD_NAMES = dict(PETITION_FIELDS)

TEXT_KEYS = ("title", "addressee", "text", "privacy")
OPTIONAL_TEXT_KEYS = ("call_to_action", "how_to_sign", "count_note")
KNOWN_KEYS = set(TEXT_KEYS) | set(OPTIONAL_TEXT_KEYS) | {
    "demands", "goal", "count", "count_date", "endpoint", "count_url", "field_names",
    "corrections", "after_signing",
    "service"}
# The other action the confirmation page of the service offers a signer (service/momentum.py):
# a heading, a sentence, its link's words and the portal page it leads to.
AFTER_SIGNING_KEYS = ("title", "text", "link", "page")
DEFAULT_CALL_TO_ACTION = "Signer la pétition"
SERVICE_DAYS = ("link_days", "unconfirmed_days", "testimony_days")
OPTIONAL_SERVICE_DAYS = ("mail_days",)  # undelivered mails given up after (3 by default)
SERVICE_KEYS = ("url", *SERVICE_DAYS, "delete_after", *OPTIONAL_SERVICE_DAYS)
# The count the service publishes beside the petition page (python -m service
# publier-compteur): read by petition-count.js from the portal or mirror itself.
PUBLISHED_COUNT = "compteur.json"
SIGN_BOX_ID = "signer-la-petition"
SIGN_ANCHOR = "signer"


@dataclass(frozen=True)
class Retention:
    """How long the action service keeps what readers send (block `service:`)."""
    link_days: int
    unconfirmed_days: int
    testimony_days: int
    delete_after: dt.date
    mail_days: int = 3


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
    service_url: str = ""               # the portal's action service, ending with "/"
    retention: Retention | None = None
    # Dated corrections of the text, newest first: shown above it, before anyone signs.
    corrections: tuple[tuple[dt.date, str], ...] = ()
    goals: tuple[int, ...] = ()         # every step of `goal` (goal.py); `goal` is the current

    @property
    def form_action(self) -> str:
        return f"{self.service_url}signer" if self.service_url else self.endpoint

    @property
    def testimony_action(self) -> str:
        return f"{self.service_url}temoigner" if self.service_url else ""

    @property
    def live_count_url(self) -> str:
        return self.count_url or (PUBLISHED_COUNT if self.service_url else "")

    def with_service_url(self, url: str) -> Petition:
        """The same petition sent to another service (make serve: the local one). A service on
        this machine is also asked for the live count: no published site to read it from."""
        url = url.rstrip("/") + "/"
        local = urlsplit(url).hostname in {"127.0.0.1", "localhost", "::1"}
        return replace(self, service_url=url,
                       count_url=f"{url}count.json" if local else self.count_url)


def is_allowed_url(value: str) -> bool:
    """https anywhere; plain http only on this machine's loopback (tests, local previews)."""
    if not is_web_url(value):
        return False
    parts = urlsplit(value)
    return parts.scheme == "https" or (parts.hostname or "") in {"127.0.0.1", "localhost", "::1"}


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_after_signing(block, problem, given: bool) -> None:
    """`after_signing:` (optional): four texts, `page` a page of docs/ (`agir/droits.md`)."""
    if not given:
        return
    if not isinstance(block, dict):
        problem("after_signing", "`after_signing` doit être un bloc de champs : "
                                 + ", ".join(f"`{k}`" for k in AFTER_SIGNING_KEYS),
                "écrivez `after_signing:` puis, en retrait, `title: …`, `text: …`, "
                "`link: …` et `page: agir/droits.md`, ou retirez le bloc")
        return
    for key in block:
        if key not in AFTER_SIGNING_KEYS:
            problem("after_signing", f"champ inconnu `after_signing.{key}`",
                    did_you_mean(str(key), AFTER_SIGNING_KEYS, "champs connus"),
                    str(key))
    for key in AFTER_SIGNING_KEYS:
        if key not in block:
            problem("after_signing", f"champ manquant : `after_signing.{key}`",
                    f"écrivez `{key}: …` sous `after_signing:`")
        elif not _is_text(block[key]):
            problem("after_signing", f"`after_signing.{key}` doit être un texte non vide : "
                                     f"« {block[key]} »", f"écrivez le texte après `{key}:`",
                    key)
    page = block.get("page")
    if _is_text(page) and (not page.strip().endswith(".md") or page.strip().startswith("/")
                           or ".." in page or "://" in page):
        problem("after_signing", f"`after_signing.page` doit être une page du portail : "
                                 f"« {page} »",
                "écrivez son chemin dans docs/, par exemple `page: agir/droits.md`", "page")


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

    def problem(key: str, message: str, hint: str = "", *inside: str) -> None:
        """A problem at the line of `key` (or of `key`'s field `inside`, e.g. service.url)."""
        line = (doc.line(key, *inside) if inside else None) or lines.get(key, 1)
        problems.append(Problem(label, message, line, hint))

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
    goal = data.get("goal")
    steps = goal_steps(goal)
    if "goal" in data and steps is None:
        problem("goal", f"`goal` doit être un nombre entier positif ou une liste de paliers "
                        f"croissants : « {goal} »", GOAL_HINT)
    for key, minimum in (("count", 0),):
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
    service_url, retention = _service_block(data.get("service"), problem, "service" in data)
    if data.get("endpoint") and service_url:
        problem("endpoint", "`endpoint` et `service.url` sont tous deux remplis",
                "gardez `service.url` pour le service du portail, ou `endpoint` pour un "
                "formulaire d’une autre organisation, pas les deux")
    # A `service:` block with a mistake of its own is that mistake, not a missing endpoint.
    if not data.get("endpoint") and "service" not in data \
            and not _is_text(data.get("how_to_sign")):
        problem("endpoint", "sans `endpoint`, `how_to_sign` est obligatoire",
                "expliquez dans `how_to_sign` comment signer tant que le formulaire "
                "de signature n’est pas branché")
    _check_after_signing(data.get("after_signing"), problem, "after_signing" in data)
    corrections = _corrections(data.get("corrections"), problem, "corrections" in data)
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
        text=data["text"], demands=tuple(d.strip() for d in demands),
        goal=goal_for(data["count"], steps), goals=steps, count=data["count"],
        count_date=count_date, privacy=data["privacy"],
        endpoint=(data.get("endpoint") or "").strip(),
        count_url=(data.get("count_url") or "").strip(),
        call_to_action=(data.get("call_to_action") or DEFAULT_CALL_TO_ACTION).strip(),
        how_to_sign=data.get("how_to_sign") or "", count_note=data.get("count_note") or "",
        field_names=names, service_url=service_url, retention=retention,
        corrections=corrections,
    )


def _corrections(value, problem, present: bool) -> tuple[tuple[dt.date, str], ...]:
    """`corrections:` — a list of `- date: AAAA-MM-JJ` / `text: …`, newest first."""
    if not present:
        return ()
    hint = ("une correction par élément : `- date: 2026-12-07` puis, en dessous, "
            "`text: \"Ce qui a été corrigé.\"`")
    if not isinstance(value, list) or not value:
        problem("corrections", "`corrections` doit être une liste de corrections datées", hint)
        return ()
    found = []
    for number, item in enumerate(value, start=1):
        if not (isinstance(item, dict) and set(item) == {"date", "text"}
                and is_day(item["date"]) and _is_text(item["text"])):
            problem("corrections", f"`corrections[{number}]` doit avoir une `date` "
                                   "(AAAA-MM-JJ) et un `text` non vide, et rien d’autre", hint)
            continue
        found.append((item["date"], item["text"].strip()))
    return tuple(sorted(found, key=lambda c: c[0], reverse=True))


def corrections_html(petition: Petition) -> str:
    """The dated corrections of the petition's text, in a block above the text."""
    if not petition.corrections:
        return ""
    items = "\n".join(
        f'- <time datetime="{day.isoformat()}">{format_day(day)}</time>\u00a0: {inline(text)}'
        for day, text in petition.corrections)
    return (f'<div class="petition-corrections page-updates" markdown>\n\n'
            f'<p class="page-updates__title">Texte corrigé</p>\n\n{items}\n\n</div>\n\n')


def _service_block(block, problem, present: bool) -> tuple[str, Retention | None]:
    """`service:` — the action service's address and its retention periods."""
    if not present:
        return "", None
    if not isinstance(block, dict):
        problem("service", "`service` doit être un bloc de champs",
                "écrivez `service:` puis, en retrait, `url:`, " + ", ".join(
                    f"`{k}:`" for k in SERVICE_KEYS[1:]))
        return "", None
    found = []
    for key in block:
        if key not in SERVICE_KEYS:
            found.append(key)
            problem("service", f"champ inconnu `service.{key}`",
                    did_you_mean(str(key), SERVICE_KEYS, "champs connus"), str(key))
    url = block.get("url")
    if not isinstance(url, str) or not is_allowed_url(url.strip()):
        problem("service", f"adresse refusée pour `service.url` : « {url} »",
                "l’adresse https:// du service de signature du portail (http:// "
                "uniquement vers 127.0.0.1 ou localhost, pour les essais)", "url")
        url = ""
    days = {}
    for key in (*SERVICE_DAYS, *(k for k in OPTIONAL_SERVICE_DAYS if k in block)):
        value = block.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problem("service", f"`service.{key}` doit être un nombre de jours supérieur à 0 : "
                               f"« {value} »", "écrivez un nombre entier, par exemple 7", key)
        else:
            days[key] = value
    if days.get("unconfirmed_days", 1) < days.get("link_days", 0):
        problem("service", "`service.unconfirmed_days` est plus court que "
                           "`service.link_days`",
                "une signature non confirmée doit être gardée au moins aussi longtemps que "
                "son lien de confirmation reste valable", "unconfirmed_days")
    delete_after = block.get("delete_after")
    if not isinstance(delete_after, dt.date) or isinstance(delete_after, dt.datetime):
        problem("service", f"`service.delete_after` n’est pas une date : « {delete_after} »",
                "écrivez le dernier jour de conservation des données, AAAA-MM-JJ",
                "delete_after")
        delete_after = None
    if not url or any(k not in days for k in SERVICE_DAYS) or delete_after is None or found:
        return "", None
    return url.strip().rstrip("/") + "/", Retention(delete_after=delete_after, **days)


def load_petition(path: Path, label: str) -> Petition | None:
    """The petition of the portal, or None when the file does not exist."""
    if not path.exists():
        return None
    text, problems = read_text(path, label)
    raise_if_any(problems)
    return parse_petition(text, label)


def progress_html(petition: Petition, script_src: str = "", count_url: str | None = None,
                  with_note: bool = True, words: gettext.NullTranslations = FRENCH) -> str:
    """The bar, readable without JavaScript. With a count address (`count_url`, by default
    the petition's own, relative to the petition page), the script may update it. `words`:
    the page's language (the count's note, written in French, is the French page's only)."""
    count_url = petition.live_count_url if count_url is None else count_url
    live = (f' data-count-url="{html.escape(count_url)}"'
            f' data-goal="{petition.goal}"' if count_url else "")
    lang = language_of(words)
    if count_url and lang != SOURCE_LANGUAGE:  # the script's words (French: its own)
        live += (f' data-lang="{html.escape(lang)}"'
                 f' data-one="{html.escape(progress_words(1, words))}"'
                 f' data-many="{html.escape(progress_words(2, words))}"')
    script = (f'<script src="{html.escape(script_src)}" defer></script>\n'
              if count_url and script_src else "")
    note = (f'<div class="petition-progress__note" markdown>\n\n'
            f"{markdown_block(petition.count_note).strip()}\n\n</div>\n"
            if petition.count_note and with_note else "")
    text = progress_text(petition.count, petition.goal, petition.count_date, words)
    # `markdown`: the note inside is Markdown; without it, plain HTML (a stashed block).
    return (
        f'<div class="petition-progress"{live}{" markdown" if note else ""}>\n'
        f'<p class="petition-progress__label" id="{COUNT_LABEL_ID}">'
        f"{html.escape(text)}</p>\n"
        f'<progress id="{COUNT_BAR_ID}" max="{petition.goal}" '
        f'value="{min(petition.count, petition.goal)}" '
        f'aria-labelledby="{COUNT_LABEL_ID}">'
        f"{html.escape(format_number(petition.count, words))}</progress>\n"
        f"{note}</div>\n{script}"
    )


def sign_box_html(petition: Petition, sign_href: str, script_src: str = "",
                  count_url: str | None = None,
                  words: gettext.NullTranslations = FRENCH) -> str:
    """The first thing a phone shows on the petition and home pages: the count against the
    goal and a link to the form (`sign_href`: `#signer`, or the petition page's), in the
    page's language (`words`)."""
    call = words.gettext(petition.call_to_action)
    return (f'<div class="petition-box" id="{SIGN_BOX_ID}">\n'
            f"{progress_html(petition, script_src, count_url, with_note=False, words=words)}"
            f'<p class="petition-box__sign"><a class="md-button md-button--primary" '
            f'href="{html.escape(sign_href)}">{html.escape(call)}</a></p>\n'
            f"</div>\n")


def form_html(petition: Petition, partner: tuple[str, str, bool] | None = None,
              words: gettext.NullTranslations = FRENCH) -> str:
    """A plain form POSTed to the signature service: it works with JavaScript off. A
    mirror's build (PORTAL_PARTNER) marks its signatures with the partner's code. `words`:
    the page's language, which the form tells the service (a hidden `lang` field); the call
    to action of data/petition.yml is translated when the catalogue has it."""
    return petition_form(petition.form_action, names=petition.field_names,
                         call_to_action=words.gettext(petition.call_to_action),
                         partner=partner, words=words)


def testimony_form_html(petition: Petition) -> str:
    """The testimony form, POSTed to the same service."""
    return testimony_form(petition.testimony_action)


def how_to_sign_html(petition: Petition, contact: str) -> str:
    """Shown instead of a form that would lead nowhere."""
    return (f'<div class="petition-how" markdown>\n\n'
            f"{markdown_block(petition.how_to_sign).strip()}\n\n{contact}\n\n</div>\n")


def render_petition(petition: Petition, contact: str = "",
                    partner: tuple[str, str, bool] | None = None) -> str:
    """The petition page body, in Markdown with HTML blocks. Its count stands first on the
    page, in the sign box the build puts above it (`sign_box_html`); its note stays here.
    A mirror's build (PORTAL_PARTNER) signs for its partner."""
    demands = "\n".join(f"1. {inline(d)}" for d in petition.demands)
    sign = (form_html(petition, partner) if petition.form_action
            else how_to_sign_html(petition, contact))
    rights = f"\n{contact}\n" if contact and petition.form_action else ""
    note = (f'<div class="petition-progress__note" markdown>\n\n'
            f"{markdown_block(petition.count_note).strip()}\n\n</div>\n\n"
            if petition.count_note else "")
    return (
        f'<p class="petition-title"><strong>{inline(petition.title)}</strong></p>\n\n'
        f'<p class="petition-addressee">Destinataires\u00a0: {inline(petition.addressee)}</p>\n\n'
        f"{corrections_html(petition)}"
        f"{markdown_block(petition.text).strip()}\n\n"
        f"## Nous demandons {{ #revendications }}\n\n{demands}\n\n"
        f"## Signer {{ #signer }}\n\n"
        f"{note}"
        f"{sign}\n"
        f"## Vos données personnelles {{ #{PRIVACY_ANCHOR} }}\n\n"
        f"{markdown_block(petition.privacy).strip()}\n{rights}"
    )


# The edition's petition page (docs/en/agir/petition.md) says the petition in its own words;
# the macro adds what the service and the French page hold: the form, the notice's anchor.
SIGN_HEADING = N_("Signer")
PRIVACY_HEADING = N_("Vos données personnelles")
PRIVACY_AUTHORITATIVE = N_("La notice complète sur les données personnelles, en français, est "
                           "celle qui fait foi\u00a0: {link}la lire sur la page française"
                           "{end}.")


def render_petition_edition(petition: Petition, words: gettext.NullTranslations,
                            french_href: str, contact: str = "",
                            partner: tuple[str, str, bool] | None = None) -> str:
    """The petition macro on an edition's page (`words`: its language): the form in that
    language, under the same anchors as the French page (`#signer`, `#donnees-personnelles`,
    which the sign box and the form's consent link lead to), then the way to the French
    notice (`french_href`: the French petition page, relative to this one), which is
    authoritative. The petition's title, text and demands are the page's own text."""
    _ = words.gettext
    sign = (form_html(petition, partner, words) if petition.form_action
            else how_to_sign_html(petition, contact))
    rights = f"\n{contact}\n" if contact and petition.form_action else ""
    link = f'<a href="{html.escape(french_href)}#{PRIVACY_ANCHOR}" hreflang="fr">'
    return (f"## {_(SIGN_HEADING)} {{ #{SIGN_ANCHOR} }}\n\n{sign}\n"
            f"## {_(PRIVACY_HEADING)} {{ #{PRIVACY_ANCHOR} }}\n\n"
            f"<p>{_(PRIVACY_AUTHORITATIVE).format(link=link, end='</a>')}</p>\n{rights}")
