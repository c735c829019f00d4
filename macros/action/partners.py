"""The coalition's partners, from `data/partenaires.yml`: checked by the build, listed on the
« Partenaires » page with, for each one, a copy-paste signature form (the snippet).

Each entry: `nom`, `code` (short, in the form's hidden field and in the counts), `site`
(https), `contact` (an e-mail address), `origines` (the https origins their pages post the
form from; the action service accepts exactly these, besides the portal and its mirrors) and,
optionally, `cle_publique` (base64 X25519 public key, as `python -m service generer-cles`
writes it): with it, the form offers the partner's own news, and the export of those
opt-ins is sealed to that key.

The snippet is a plain `<form>`: no script, no class, no style, no external resource; the
host page styles it. It carries the demands' summary, the consent wording, links to the
full text and to the privacy notice, and the partner's code.
"""

from __future__ import annotations

import base64
import binascii
import html
import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from common.config import PARTNERS_DATA
from common.form_markup import (
    LIMITS,
    LISTED_LABEL,
    PETITION_FIELDS,
    PRIVACY_ANCHOR,
    partner_news_label,
)

from ..floor.errors import Problem, did_you_mean, raise_if_any
from ..floor.textfile import read_text
from ..floor.yamldata import YamlDoc, parse_yaml

REQUIRED = ("nom", "code", "site", "contact", "origines")
KEYS = (*REQUIRED, "cle_publique")
CODE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,28}[a-z0-9])?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PARTNER_ENV = "PORTAL_PARTNER"  # a mirror's build: its petition form carries this code
EXAMPLE = ("exemple :\n    - nom: Association Exemple\n      code: exemple\n"
           "      site: https://exemple.org/\n      contact: petition@exemple.org\n"
           "      origines:\n        - https://exemple.org")


@dataclass(frozen=True)
class Partner:
    name: str
    code: str
    site: str
    contact: str
    origins: tuple[str, ...]
    public_key: str = ""  # base64, empty when the partner takes no opt-in of its own

    @property
    def takes_news(self) -> bool:
        return bool(self.public_key)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin_or_none(value: str) -> str | None:
    """`scheme://host[:port]` when `value` is exactly an origin: https, or http on this
    machine's loopback (tests, local previews); None otherwise."""
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return None
    try:
        parts = urlsplit(value.rstrip("/"))
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if (not host or parts.path or parts.query or parts.fragment or parts.username
            or parts.password):
        return None
    if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(host)):
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host.lower()}" + (f":{port}" if port and port != default else "")


def is_public_key(value) -> bool:
    try:
        return isinstance(value, str) and len(base64.b64decode(value.strip(),
                                                               validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def _check_entry(doc: YamlDoc, index: int, value, label: str) -> tuple[Partner | None,
                                                                       list[Problem]]:
    line = doc.line(index)
    if not isinstance(value, dict):
        return None, [Problem(label, "chaque partenaire doit être un bloc de champs `nom`, "
                                     f"`code`, `site`, `contact`, `origines` : « {value} »",
                              line, EXAMPLE)]
    problems = []

    def problem(key, message, hint):
        problems.append(Problem(label, message, doc.line(index, key), hint))

    for key in value:
        if key not in KEYS:
            problem(key, f"champ inconnu `{key}`", did_you_mean(str(key), KEYS,
                                                                 "champs possibles"))
    for key in REQUIRED:
        given = value.get(key)
        if given in (None, "", []) or (isinstance(given, str) and not given.strip()):
            problem(key, f"champ `{key}` manquant ou vide", EXAMPLE)
    code = value.get("code")
    if code not in (None, "") and not (isinstance(code, str) and CODE.match(code)):
        problem("code", f"code refusé : « {code} »",
                "de 1 à 30 lettres minuscules sans accent, chiffres ou tirets, par exemple "
                "`asso-exemple`")
    site = value.get("site")
    if site not in (None, "") and not (isinstance(site, str) and site.startswith("https://")
                                       and origin_or_none(origin_part(site))):
        problem("site", f"adresse refusée : « {site} »",
                "une adresse complète en https://, par exemple https://exemple.org/")
    contact = value.get("contact")
    if contact not in (None, "") and not (isinstance(contact, str) and EMAIL.match(contact)):
        problem("contact", f"adresse électronique refusée : « {contact} »",
                "l’adresse où l’équipe joint le partenaire, par exemple "
                "petition@exemple.org")
    origins = value.get("origines")
    found: list[str] = []
    if origins not in (None, "", []):
        if not isinstance(origins, list):
            origins = [origins]
        for number, origin in enumerate(origins):
            clean = origin_or_none(origin) if isinstance(origin, str) else None
            if clean is None:
                problems.append(Problem(
                    label, f"origine refusée : « {origin} »",
                    doc.line(index, "origines", number),
                    "une origine seule, sans chemin : https://exemple.org (ou "
                    "https://exemple.org:8443) ; une ligne `- …` par origine"))
            else:
                found.append(clean)
    key = value.get("cle_publique")
    if key not in (None, "") and not is_public_key(key):
        problem("cle_publique", f"clé publique illisible : « {key} »",
                "collez le contenu du fichier cle-publique.txt écrit par `python -m service "
                "generer-cles DOSSIER` (32 octets en base64), entre guillemets droits")
    if problems:
        return None, problems
    return Partner(value["nom"].strip(), code, site.strip(), contact.strip(), tuple(found),
                   (key or "").strip()), []


def origin_part(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def parse_partners(text: str, label: str = PARTNERS_DATA) -> list[Partner]:
    """The partners listed in `text` (YAML), or a ContentError naming each bad line."""
    doc, problems = parse_yaml(text, label)
    raise_if_any(problems)
    if doc.data is None:
        return []
    if not isinstance(doc.data, list):
        raise_if_any([Problem(label, "le fichier doit être une liste de partenaires (lignes "
                                     "commençant par « - »)", doc.line(), EXAMPLE)])
    partners: list[Partner] = []
    codes: dict[str, int] = {}
    origins: dict[str, str] = {}
    for index, value in enumerate(doc.data):
        partner, found = _check_entry(doc, index, value, label)
        problems += found
        if partner is None:
            continue
        if partner.code in codes:
            problems.append(Problem(label, f"code `{partner.code}` déjà pris par un autre "
                                           "partenaire", doc.line(index, "code"),
                                    "chaque partenaire a son propre code : il attribue les "
                                    "signatures"))
        codes[partner.code] = index
        for number, origin in enumerate(partner.origins):
            if origin in origins:
                problems.append(Problem(label, f"origine « {origin} » déjà déclarée par "
                                               f"« {origins[origin]} »",
                                        doc.line(index, "origines", number),
                                        "une origine n’appartient qu’à un partenaire"))
            origins[origin] = partner.name
        partners.append(partner)
    raise_if_any(problems)
    return partners


def load_partners(path: Path, label: str = PARTNERS_DATA) -> list[Partner]:
    """No file means no partner yet."""
    if not path.exists():
        return []
    text, problems = read_text(path, label)
    raise_if_any(problems)
    return parse_partners(text, label)


def check_partner_setting(partners: list[Partner], env=os.environ) -> list[Problem]:
    """`PORTAL_PARTNER` (a mirror's build) must name a partner of the list."""
    code = env.get(PARTNER_ENV, "").strip()
    if not code or any(p.code == code for p in partners):
        return []
    return [Problem(PARTNER_ENV, f"code de partenaire inconnu : « {code} »",
                    hint=did_you_mean(code, [p.code for p in partners], "codes connus")
                    or f"ajoutez ce partenaire à {PARTNERS_DATA}, ou videz {PARTNER_ENV}")]


def partner_of_build(partners: list[Partner], env=os.environ) -> Partner | None:
    code = env.get(PARTNER_ENV, "").strip()
    return next((p for p in partners if p.code == code), None)


# -- the snippet ----------------------------------------------------------------------------

_MARKUP = re.compile(r"\*\*|__|(?<!\w)[*_](?!\s)|(?<!\s)[*_](?!\w)|`")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def plain(text: str) -> str:
    """A line of the petition's Markdown as plain text (links keep their words)."""
    return _MARKUP.sub("", _LINK.sub(r"\1", text)).strip()


def snippet(partner: Partner, *, action: str, title: str, demands: tuple[str, ...],
            petition_url: str, call_to_action: str = "Signer la pétition") -> str:
    """The copy-paste form for `partner`'s pages, as HTML text. Identifiers carry the code,
    so that two snippets on one page stay distinct."""
    n, p = PETITION_FIELDS, f"signer-{partner.code}"
    e = html.escape
    items = "\n".join(f"<li>{e(plain(d))}</li>" for d in demands)
    news = (f'<p><input id="{p}-nouvelles-partenaire" name="{n["partner_news"]}" '
            f'type="checkbox" value="oui">\n<label for="{p}-nouvelles-partenaire">'
            f"{e(partner_news_label(partner.name))}</label></p>\n"
            if partner.takes_news else "")
    return f"""<form method="post" action="{e(action)}" accept-charset="utf-8" aria-labelledby="{p}-titre">
<p id="{p}-titre"><strong>{e(title)}</strong></p>
<p>Nous demandons\u00a0:</p>
<ul>
{items}
</ul>
<p><a href="{e(petition_url)}">Lire le texte complet de la pétition</a></p>
<input type="hidden" name="{n['partner']}" value="{e(partner.code)}">
<p><label for="{p}-nom">Nom et prénom</label><br>
<input id="{p}-nom" name="{n['name']}" type="text" autocomplete="name" required maxlength="{LIMITS['name']}"></p>
<p><label for="{p}-courriel">Adresse électronique (pour confirmer votre signature)</label><br>
<input id="{p}-courriel" name="{n['email']}" type="email" autocomplete="email" required maxlength="{LIMITS['email']}"></p>
<p><label for="{p}-code-postal">Code postal (5 chiffres)</label><br>
<input id="{p}-code-postal" name="{n['postcode']}" type="text" autocomplete="postal-code" inputmode="numeric" pattern="[0-9]{{5}}" maxlength="{LIMITS['postcode']}" required></p>
<p hidden><label for="{p}-site">Ne remplissez pas ce champ</label>
<input id="{p}-site" name="{n['honeypot']}" type="text" tabindex="-1" autocomplete="off"></p>
<p><input id="{p}-accord" name="{n['consent']}" type="checkbox" value="oui" required>
<label for="{p}-accord">J’accepte que mes données soient traitées pour cette pétition, comme expliqué dans la <a href="{e(petition_url)}#{PRIVACY_ANCHOR}">notice sur les données personnelles</a>.</label></p>
<p><input id="{p}-nouvelles" name="{n['newsletter']}" type="checkbox" value="oui">
<label for="{p}-nouvelles">Je souhaite recevoir des nouvelles de la campagne (facultatif, sans lien avec la signature).</label></p>
{news}<p><input id="{p}-liste" name="{n['listed']}" type="checkbox" value="oui">
<label for="{p}-liste">{e(LISTED_LABEL)}</label></p>
<p><button type="submit">{e(call_to_action)}</button></p>
</form>
"""  # noqa: E501 (HTML is easier to review one element a line)


def render_partners(partners: list[Partner], snippets: dict[str, str] | None) -> str:
    """The « Partenaires » page's list: each partner, and its snippet ready to copy
    (`snippets` is None when the petition has no signature service to post to)."""
    if not partners:
        return ('<p class="partners-none">Aucun partenaire n’est encore déclaré. Le vôtre '
                "peut être le premier : voir ci-dessous.</p>\n")
    blocks = []
    for partner in partners:
        e = html.escape
        news = ("recueille ses propres abonnements (case séparée, jamais cochée d’avance)"
                if partner.takes_news else "ne recueille pas d’abonnements par ce formulaire")
        code = (f'<p>Formulaire à coller dans une page de {e(partner.name)} '
                f"(code <code>{e(partner.code)}</code>)\u00a0:</p>\n"
                # The form as code to copy, not words of the page: search skips it.
                f'<pre class="partner-snippet" data-pagefind-ignore>'
                f'<code>{e(snippets[partner.code])}</code></pre>\n'
                if snippets is not None else
                "<p>Le formulaire à copier apparaîtra ici quand la pétition aura son "
                "service de signature (<code>service.url</code>).</p>\n")
        blocks.append(
            f'<section class="partner" id="partenaire-{e(partner.code)}" '
            f'aria-labelledby="partenaire-{e(partner.code)}-nom">\n'
            f'<h3 id="partenaire-{e(partner.code)}-nom">'
            f'<a href="{e(partner.site)}">{e(partner.name)}</a></h3>\n'
            f"<p>Code\u00a0: <code>{e(partner.code)}</code>\u00a0; {news}.</p>\n{code}</section>\n")
    return "".join(blocks)
