"""Create a new investigation with complete front matter and a skeleton (`make new-article`).

Refuses to overwrite an existing file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import unicodedata
from pathlib import Path

from common.config import CONFIG_FILE, PortalConfig
from macros.pages.corpus import PLACEHOLDER

ROOT = Path(__file__).resolve().parents[1]

SKELETON = """\
---
title: {title}
date: {date}
authors:
  - Équipe du portail
summary: ""
tags: []
---

<!-- Résumé : une ou deux phrases dans `summary`, des mots-clés dans `tags`.
     Chaque fait, chiffre, date, nom ou citation renvoie à sa source : [@cle] ou [@cle, p. 53].
     Les sources se déclarent dans bibliography/*.bib. Voir CONTRIBUTING.md. -->

## Ce que l’on sait

{placeholder}

## Ce que dit France Travail

{placeholder}

## Ce qui reste inconnu

{placeholder}
"""


def slugify(title: str) -> str:
    title = re.sub(r"[’']", "-", title)  # l’été -> l-ete
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:80].rstrip("-")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("title")
    parser.add_argument("--dossier", default="")
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    root = args.root.resolve()
    dossiers = list(PortalConfig.read(root / CONFIG_FILE).dossiers)
    dossier = args.dossier or (dossiers[0] if dossiers else "")
    if dossier not in dossiers:
        print(f"dossier inconnu : « {dossier} » — dossiers possibles : {', '.join(dossiers)}",
              file=sys.stderr)
        return 2
    title = " ".join(args.title.split())
    slug = slugify(title)
    if not slug:
        print("titre vide : make new-article TITLE=\"Titre de l’enquête\"", file=sys.stderr)
        return 2
    target = root / "docs" / dossier / f"{slug}.md"
    if target.exists():
        print(f"{target.relative_to(root)} existe déjà : rien n’a été écrasé. Choisissez un autre "
              "titre ou modifiez ce fichier.", file=sys.stderr)
        return 2
    # JSON strings are valid YAML double-quoted scalars: the title is safely quoted.
    text = SKELETON.format(title=json.dumps(title, ensure_ascii=False),
                           date=dt.date.today().isoformat(), placeholder=PLACEHOLDER)
    target.write_text(text, encoding="utf-8")
    print(f"Enquête créée : {target.relative_to(root)}\n"
          f"Remplacez chaque « {PLACEHOLDER} », le résumé (`summary`) et les mots-clés "
          "(`tags`) : d’ici là, la vérification et la construction la refusent ; l’aperçu "
          "(make serve) la montre avec un bandeau « Brouillon » qui liste ce qui reste.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
