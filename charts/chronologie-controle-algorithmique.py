"""Timeline of algorithmic control at the CAF and France Travail, 2011–2025.

Vertical, so that it stays readable on a narrow phone: one dot per event on a
time axis, the year and the actor in bold, the event wrapped beside it.
"""

import textwrap

import altair as alt

from macros.charts import CAMPAIGN, INK, SECONDARY

COLUMNS = {"annee": "entier", "evenement": "texte", "acteur": "texte", "sources": "sources"}
LABELS = {"annee": "Année", "evenement": "Événement", "acteur": "Acteur", "sources": "Sources"}

ROW_HEIGHT = 58
AXIS_X = 8  # pixels from the left edge


def build(rows):
    # One line per row, in the CSV's order: two events of the same year keep their own line.
    data = [{**row, "ordre": index, "titre": f"{row['annee']} · {row['acteur']}",
             "texte": textwrap.wrap(row["evenement"], 40)} for index, row in enumerate(rows)]
    base = alt.Chart(alt.Data(values=data)).encode(
        y=alt.Y("ordre:O", axis=None, sort="ascending"),
        tooltip=[alt.Tooltip("annee:O", title="Année"), alt.Tooltip("acteur:N", title="Acteur"),
                 alt.Tooltip("evenement:N", title="Événement")],
    )
    line = alt.Chart(alt.Data(values=[{}])).mark_rule(color=SECONDARY.light, strokeWidth=2)\
        .encode(x=alt.value(AXIS_X))
    dots = base.mark_point(filled=True, size=90, color=CAMPAIGN.light, opacity=1).encode(
        x=alt.value(AXIS_X))
    titles = base.mark_text(align="left", baseline="bottom", dx=12, dy=-1, fontWeight="bold",
                            fontSize=14, color=CAMPAIGN.light).encode(
        x=alt.value(AXIS_X), text="titre:N")
    texts = base.mark_text(align="left", baseline="top", dx=12, dy=3, lineHeight=16,
                           color=INK.light).encode(x=alt.value(AXIS_X), text="texte:N")
    return alt.layer(line, dots, titles, texts).properties(
        width=350, height=ROW_HEIGHT * len(rows))
