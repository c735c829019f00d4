"""The coalition in the service: the partners of `data/partenaires.yml` (checked by the build,
macros/action/partners.py; read here as plain YAML), which partner a signature comes from,
the partner's own opt-ins sealed to the partner's key, and the counts by partner.

A signature is attributed to the partner named by the form's hidden field `partenaire`
(its copy-paste form, or a mirror built with PORTAL_PARTNER), or else to the partner whose
declared origin sent the form. The partner's news box is honoured only for a partner with a
public key: the name and address are then sealed to that key as they arrive, so the team
hands over a file it cannot read, and a partner's file holds nobody else's supporters.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from nacl.public import PublicKey, SealedBox
from sqlalchemy import func, select

from common import config as portal_config

from .markup import FRENCH, PETITION_FIELDS
from .settings import origin_of
from .storage import Database, links, signatures

PARTNERS_DATA = portal_config.PARTNERS_DATA


class PartnerDataError(ValueError):
    """data/partenaires.yml cannot be used: the message says which entry (French)."""


@dataclass(frozen=True)
class Partner:
    code: str
    name: str
    origins: tuple[str, ...] = ()
    public_key: bytes | None = None  # X25519, 32 bytes

    @property
    def takes_news(self) -> bool:
        return self.public_key is not None


def load_partners(root: Path, label: str = PARTNERS_DATA) -> dict[str, Partner]:
    """The partners by code. The build refuses a bad file with every detail; here a file
    the service cannot use stops it with the entry's name."""
    path = root / label
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as error:
        raise PartnerDataError(f"{label} illisible ({error}) : lancez `make check`, qui "
                               "indique la ligne à corriger") from None
    if not isinstance(data, list):
        raise PartnerDataError(f"{label} : le fichier doit être une liste de partenaires "
                               "(lancez `make check`)")
    partners = {}
    for entry in data:
        if not isinstance(entry, dict) or not str(entry.get("code") or "").strip():
            raise PartnerDataError(f"{label} : partenaire sans `code` : « {entry} » "
                                   "(lancez `make check`)")
        code = str(entry["code"]).strip()
        origins = tuple(o for o in (origin_of(str(x)) for x in
                                    entry.get("origines") or []) if o)
        key = str(entry.get("cle_publique") or "").strip()
        raw = None
        if key:
            try:
                raw = base64.b64decode(key, validate=True)
            except (binascii.Error, ValueError):
                raw = b""
            if len(raw) != 32:
                raise PartnerDataError(f"{label} : clé publique illisible pour « {code} » "
                                       "(32 octets en base64 attendus, lancez `make check`)")
        partners[code] = Partner(code, str(entry.get("nom") or code).strip(), origins, raw)
    return partners


@dataclass(frozen=True)
class Attribution:
    partner: str = ""
    partner_news: bool = False
    listed: bool = False


def attribute(form: Mapping[str, str], origin: str,
              partners: Mapping[str, Partner]) -> Attribution:
    """Who brought this signature, and what the signer agreed to besides signing."""
    f = PETITION_FIELDS
    code = form.get(f["partner"], "").strip()
    partner = partners.get(code) or next(
        (p for p in partners.values() if origin and origin in p.origins), None)
    news = bool(form.get(f["partner_news"])) and partner is not None and partner.takes_news
    return Attribution(partner.code if partner else "", news, bool(form.get(f["listed"])))


def form_partner(partner: Partner | None) -> tuple[str, str, bool] | None:
    """What the form shown again needs to keep signing for `partner`."""
    return (partner.code, partner.name, partner.takes_news) if partner else None


def keep_choices(values: dict[str, str], brought: Attribution) -> None:
    """The boxes ticked besides the signature, kept in the form shown again."""
    values["partner_news"] = "oui" if brought.partner_news else ""
    values["listed"] = "oui" if brought.listed else ""


def seal_for_partner(partner: Partner, name: str, email: str, postcode: str) -> str:
    """What the partner receives of one supporter, sealed to its key alone."""
    record = json.dumps({"nom": name, "adresse": email, "code_postal": postcode},
                        ensure_ascii=False)
    sealed = SealedBox(PublicKey(partner.public_key)).encrypt(record.encode("utf-8"))
    return base64.b64encode(sealed).decode("ascii")


def mail_notice(partner: Partner | None, news: bool, words=FRENCH) -> str:
    """The postscript of the confirmation mail that names the partner as a recipient: only
    when its box was ticked. `words`: the language of the form."""
    if partner is None or not news:
        return ""
    return "\n" + words.gettext(
        "P.-S. : vous avez aussi demandé à recevoir des nouvelles de {name}.\n"
        "Une fois votre signature confirmée, {name} recevra votre nom et votre\n"
        "adresse électronique, dans un fichier chiffré pour cette organisation seule.\n"
        "L’équipe de la campagne ne peut pas le lire. Pour ne plus recevoir ses\n"
        "nouvelles, adressez-vous à {name}.\n").format(name=partner.name)


# -- reading the database --------------------------------------------------------------------

def confirmed_by_partner(db: Database) -> dict[str, int]:
    """Confirmed signatures by partner code ("" : no partner)."""
    with db.engine.connect() as conn:
        return {row.partner: row.n for row in conn.execute(
            select(signatures.c.partner, func.count().label("n"))
            .where(signatures.c.confirmed_at.is_not(None))
            .group_by(signatures.c.partner).order_by(signatures.c.partner))}


def choice_of_token(db: Database, token_key: str) -> Attribution | None:
    """The partner and choices of the signature this link belongs to."""
    with db.engine.connect() as conn:
        row = conn.execute(select(signatures.c.partner, signatures.c.partner_news,
                                  signatures.c.listed)
                           .join(links, links.c.signature_id == signatures.c.id)
                           .where(links.c.token_key == token_key)).first()
    return Attribution(row.partner, bool(row.partner_news), bool(row.listed)) if row else None


def sealed_optins(db: Database, code: str) -> list:
    """(sealed record, confirmation date) of the confirmed supporters who asked for this
    partner's news."""
    with db.engine.connect() as conn:
        return list(conn.execute(
            select(signatures.c.partner_sealed, signatures.c.confirmed_at)
            .where(signatures.c.confirmed_at.is_not(None), signatures.c.partner == code,
                   signatures.c.partner_news.is_(True),
                   signatures.c.partner_sealed.is_not(None))
            .order_by(signatures.c.confirmed_at, signatures.c.id)))


def partner_label(code: str, partners: Mapping[str, Partner]) -> str:
    if not code:
        return "sans partenaire (portail, miroirs)"
    partner = partners.get(code)
    return f"{partner.name} ({code})" if partner else f"{code} (partenaire retiré de la liste)"
