"""Who the rights letters go to: names, postal addresses and e-mails, each with its source.

`data/destinataires.yml` holds one entry per recipient (key: how a letter names it):

    cada:
      nom: Commission d’accès aux documents administratifs (CADA)
      service: À l’attention du secrétariat    # optional
      adresse: |
        TSA 50730
        75334 Paris Cedex 07
      courriel: cada@cada.fr                   # optional: the mail link writes to it
      source:
        titre: Annuaire de l’administration, fiche de la CADA
        url: https://lannuaire.service-public.fr/…
        date: 2024-01-03                       # optional: date of the page read

An address without its source is refused: readers must be able to check where it comes from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from common.config import RECIPIENTS_DATA

from ..floor.errors import ContentError, Problem, raise_if_any
from ..floor.textfile import read_text
from ..floor.urls import is_web_url
from ..floor.yamldata import is_day, parse_yaml
from .letters import EMAIL

RECIPIENTS_FILE = RECIPIENTS_DATA
_HINT = "voir l’en-tête de macros/action/recipients.py pour le format d’une entrée"


@dataclass(frozen=True)
class Recipient:
    key: str
    name: str
    service: str
    address: tuple[str, ...]
    email: str
    source_title: str
    source_url: str
    source_date: dt.date | None


def parse_recipients(text: str, label: str) -> dict[str, Recipient]:
    doc, problems = parse_yaml(text, label)
    raise_if_any(problems)
    data = doc.data
    if not isinstance(data, dict):
        raise ContentError([Problem(label, "le fichier doit associer à chaque clé un "
                                    "destinataire", None, _HINT)])
    recipients, problems = {}, []
    for key, entry in data.items():
        def problem(message: str, key=key) -> None:
            problems.append(Problem(label, f"destinataire `{key}` : {message}",
                                    doc.line(key), _HINT))

        if not isinstance(entry, dict):
            problem("une liste de champs (nom, adresse, source) est attendue")
            continue
        source = entry.get("source") if isinstance(entry.get("source"), dict) else {}
        for name, value in (("nom", entry.get("nom")), ("adresse", entry.get("adresse")),
                            ("source.titre", source.get("titre"))):
            if not isinstance(value, str) or not value.strip():
                problem(f"champ `{name}` manquant")
        url = str(source.get("url") or "")
        if not is_web_url(url):
            problem(f"`source.url` manquante ou invalide : « {url} » (adresse http(s) de la "
                    "page où l’adresse a été relevée)")
        email = str(entry.get("courriel") or "").strip()
        if email and not EMAIL.match(email):
            problem(f"courriel invalide : « {email} »")
        date = source.get("date")
        if date is not None and not is_day(date):
            problem(f"`source.date` invalide : « {date} » (AAAA-MM-JJ)")
            date = None
        if problems:
            continue
        recipients[str(key)] = Recipient(
            str(key), entry["nom"].strip(), str(entry.get("service") or "").strip(),
            tuple(line.strip() for line in entry["adresse"].strip().splitlines()),
            email, source["titre"].strip(), url, date)
    raise_if_any(problems)
    return recipients


def load_recipients(root: Path) -> dict[str, Recipient]:
    path = root / RECIPIENTS_FILE
    if not path.is_file():
        return {}
    text, problems = read_text(path, RECIPIENTS_FILE)
    raise_if_any(problems)
    return parse_recipients(text, RECIPIENTS_FILE)
