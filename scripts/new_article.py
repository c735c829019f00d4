"""Create a new investigation with complete front matter and a skeleton (`make new-article`):
one section per heading of `extra.campaign.article_sections` (mkdocs.yml), each holding the
placeholder the check and the build refuse until it is written.

Refuses to overwrite an existing file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from common.config import CONFIG_FILE, PortalConfig, read_mkdocs_yml, slugify
from macros.pages.corpus import PLACEHOLDER
from macros.sitewide.campaign import section_problems

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

{sections}"""


def skeleton(title: str, date: str, sections: tuple[str, ...]) -> str:
    """The new investigation: front matter, then each section's heading and placeholder."""
    # JSON strings are valid YAML double-quoted scalars: the title is safely quoted.
    body = "".join(f"## {heading}\n\n{PLACEHOLDER}\n\n" for heading in sections)
    return SKELETON.format(title=json.dumps(title, ensure_ascii=False), date=date,
                           sections=body.rstrip("\n") + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("title")
    parser.add_argument("--dossier", default="")
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    root = args.root.resolve()
    config = PortalConfig.read(root / CONFIG_FILE)
    dossiers = list(config.dossiers)
    sections, problems = section_problems(config.article_sections,
                                          read_mkdocs_yml(root / CONFIG_FILE).where)
    if problems:
        print("\n".join(map(str, problems)), file=sys.stderr)
        return 2
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
    text = skeleton(title, dt.date.today().isoformat(), sections)
    target.write_text(text, encoding="utf-8")
    print(f"Enquête créée : {target.relative_to(root)}\n"
          f"Remplacez chaque « {PLACEHOLDER} », le résumé (`summary`) et les mots-clés "
          "(`tags`) : d’ici là, la vérification et la construction la refusent ; l’aperçu "
          "(make serve) la montre avec un bandeau « Brouillon » qui liste ce qui reste.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
