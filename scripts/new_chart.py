"""Create a chart from a template (`make new-chart ID=… SOURCE=…`).

Writes data/<id>.csv, data/<id>.yml and charts/<id>.py (the campaign's chart modules,
`extra.charts_dir`; the chart kit they use stays in macros/charts/); refuses to overwrite
any of them. What it writes builds as is: replace the example rows by sourced figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from common.config import CONFIG_FILE, PortalConfig
from macros.charts import is_chart_id
from macros.citations.sources import collect_sources
from macros.floor.errors import did_you_mean

ROOT = Path(__file__).resolve().parents[1]

CSV = """\
categorie,valeur
Exemple A (à remplacer),1
Exemple B (à remplacer),2
"""

METADATA = """\
# Fiche du graphique {chart_id} : chaque champ est obligatoire, sauf `unit`.
title: "Titre du graphique (à remplacer)"
description: "Ce que montre le graphique, en une ou deux phrases lues aux personnes aveugles."
unit: "unité des valeurs (à remplacer)"
source: {source}
licence: "CC BY-SA 4.0"
date: {date}
"""

MODULE = '''\
"""Chart {chart_id}: horizontal bars, one per category, with their value written beside.

COLUMNS lists the CSV columns the chart needs and their kind: "texte", "entier",
"nombre" (decimal point) or "sources" (citation keys separated by ";").
LABELS gives the column titles of the data table readers see.
"""

import altair as alt

from macros.charts import CAMPAIGN, INK

COLUMNS = {{"categorie": "texte", "valeur": "nombre"}}
LABELS = {{"categorie": "Catégorie", "valeur": "Valeur"}}


def build(rows):
    data = [{{**row, "etiquette": f"{{row['valeur']:g}}".replace(".", ",")}} for row in rows]
    base = alt.Chart(alt.Data(values=data)).encode(
        y=alt.Y("categorie:N", title=None, sort=None, axis=alt.Axis(labelLimit=240)),
        tooltip=[alt.Tooltip("categorie:N", title="Catégorie"),
                 alt.Tooltip("valeur:Q", title="Valeur")],
    )
    bars = base.mark_bar(color=CAMPAIGN.light).encode(x=alt.X("valeur:Q", title=None))
    labels = base.mark_text(align="left", dx=5, color=INK.light).encode(
        x="valeur:Q", text="etiquette:N")
    return alt.layer(bars, labels).properties(width=300, height=alt.Step(28))
'''


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("chart_id")
    parser.add_argument("--source", default="")
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    root, chart_id, source = args.root.resolve(), args.chart_id.strip(), args.source.strip()
    if not is_chart_id(chart_id):
        print(f"identifiant refusé : « {chart_id} » — lettres minuscules sans accents, chiffres "
              "et tirets, par exemple fraude-sociale-fiscale", file=sys.stderr)
        return 2
    config = PortalConfig.read(root / CONFIG_FILE)
    bib_dir = config.bib_dir
    sources, _ = collect_sources(bib_dir, root)
    if source not in sources:
        hint = did_you_mean(source, sources, "clés connues") if source else \
            "indiquez la clé BibTeX d’où viennent les chiffres : make new-chart ID=… SOURCE=cle"
        print(f"source inconnue : « {source} » — {hint}", file=sys.stderr)
        return 2
    files = {
        root / "data" / f"{chart_id}.csv": CSV,
        root / "data" / f"{chart_id}.yml": METADATA.format(
            chart_id=chart_id, source=source, date=dt.date.today().isoformat()),
        root / config.charts_dir / f"{chart_id}.py": MODULE.format(chart_id=chart_id),
    }
    existing = [path.relative_to(root).as_posix() for path in files if path.exists()]
    if existing:
        print(f"{', '.join(existing)} existe déjà : rien n’a été écrit. Choisissez un autre "
              "identifiant ou modifiez ces fichiers.", file=sys.stderr)
        return 2
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"créé : {path.relative_to(root).as_posix()}")
    print(f'Dans une page : {{{{ chart("{chart_id}") }}}}')
    return 0


if __name__ == "__main__":
    sys.exit(main())
