"""Online administrative procedures in France (Insee Focus n° 267): 2011 against 2021,
and the share of adults who gave up. Horizontal bars, one row per year, labelled."""

import altair as alt

from macros.charts import CAMPAIGN, INK, SECONDARY

COLUMNS = {"indicateur": "texte", "annee": "entier", "part": "nombre"}
LABELS = {"indicateur": "Indicateur", "annee": "Année", "part": "Part des adultes (%)"}


def build(rows):
    data = [{**row, "ligne": f"{row['annee']}", "valeur": row["part"] / 100,
             "etiquette": f"{row['part']:g}\u00a0%"} for row in rows]
    order = list(dict.fromkeys(row["indicateur"] for row in rows))
    colour = alt.Color("ligne:N", title="Année",
                       scale=alt.Scale(domain=["2011", "2021"],
                                       range=[SECONDARY.light, CAMPAIGN.light]),
                       legend=alt.Legend(orient="top", direction="horizontal"))
    base = alt.Chart().encode(
        y=alt.Y("ligne:N", title=None, axis=alt.Axis(ticks=False, domain=False)),
        tooltip=[alt.Tooltip("indicateur:N", title="Indicateur"),
                 alt.Tooltip("annee:O", title="Année"),
                 alt.Tooltip("etiquette:N", title="Part des adultes")],
    )
    x = alt.X("valeur:Q", title="Part des adultes", scale=alt.Scale(domain=[0, 1]),
              axis=alt.Axis(format=".0%", tickCount=5))
    bars = base.mark_bar(height=18).encode(x=x, color=colour)
    labels = base.mark_text(align="left", dx=5, fontWeight="bold", color=INK.light).encode(
        x="valeur:Q", text="etiquette:N")
    return alt.layer(bars, labels).properties(width=330, height=alt.Step(24)).facet(
        data=alt.Data(values=data),
        row=alt.Row("indicateur:N", sort=order, title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start",
                                      labelOrient="top", labelFontSize=13, labelColor=INK.light,
                                      labelFontWeight="bold", labelLimit=0)),
        spacing=10).resolve_scale(y="independent")
