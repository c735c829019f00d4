"""Estimated social benefit fraud against estimated tax fraud, in billions of euros a year.

An estimate given as a range (80 to 100) is drawn as a solid bar up to the low value
and an outlined lighter segment up to the high one; the label states the range.
"""

import altair as alt

from macros.charts import CAMPAIGN, CAMPAIGN_TINT, INK

COLUMNS = {"fraude": "texte", "bas": "nombre", "haut": "nombre"}
LABELS = {"fraude": "Fraude estimée", "bas": "Estimation basse (Md€)",
          "haut": "Estimation haute (Md€)"}


def _amount(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _label(row) -> str:
    if row["bas"] == row["haut"]:
        return f"≈\u00a0{_amount(row['bas'])}\u00a0Md€"
    return f"{_amount(row['bas'])} à {_amount(row['haut'])}\u00a0Md€"


def build(rows):
    data = [{**row, "etiquette": _label(row)} for row in rows]
    order = [row["fraude"] for row in rows]
    base = alt.Chart(alt.Data(values=data)).encode(
        y=alt.Y("fraude:N", sort=order, title=None,
                axis=alt.Axis(labelLimit=240, labelFontSize=13, ticks=False, domain=False)),
        tooltip=[alt.Tooltip("fraude:N", title="Fraude"),
                 alt.Tooltip("etiquette:N", title="Estimation annuelle")],
    )
    x = alt.X("bas:Q", title="Milliards d’euros par an", scale=alt.Scale(domain=[0, 110]),
              axis=alt.Axis(format="d", tickCount=6, grid=True))
    low = base.mark_bar(color=CAMPAIGN.light, height=34).encode(x=x, x2=alt.datum(0))
    high = base.mark_bar(color=CAMPAIGN_TINT.light, stroke=CAMPAIGN.light, strokeWidth=1.5,
                         height=34).encode(x="bas:Q", x2="haut:Q")
    labels = base.mark_text(align="left", dx=6, fontWeight="bold", fontSize=14,
                            color=INK.light).encode(x="haut:Q", text="etiquette:N")
    return alt.layer(low, high, labels).properties(width=280, height=130)
