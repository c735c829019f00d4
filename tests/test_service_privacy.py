"""The privacy notices say what the service really stores, and for how long.

The notices are read from the built site (what readers get); the fields from the service's
tables, the periods from the settings the service applies. Adding a column, or changing a
period in data/petition.yml without the notice, fails here.
"""

from __future__ import annotations

import pytest

from macros.french import format_day
from service.settings import load_campaign
from service.storage import (
    SIGNATURE_DATA,
    TECHNICAL_COLUMNS,
    TESTIMONY_DATA,
    signatures,
    testimonies,
)

RETENTION = load_campaign().retention


def section(site, page: str) -> str:
    """The text of the « Vos données personnelles » section of a built page."""
    article = site.article(page)
    heading = article.select_one("#donnees-personnelles")
    assert heading is not None, f"{page}: no privacy section"
    parts = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        parts.append(sibling.get_text(" "))
    return " ".join(" ".join(parts).split())


@pytest.mark.parametrize("table, described", [(signatures, SIGNATURE_DATA),
                                               (testimonies, TESTIMONY_DATA)])
def test_every_stored_column_is_described(table, described):
    assert set(table.columns.keys()) - TECHNICAL_COLUMNS == set(described)


def test_petition_notice_matches_the_code(site):
    text = section(site, "agir/petition.html")
    for column, words in SIGNATURE_DATA.items():
        assert words in text, f"the notice does not mention {column} (« {words} »)"
    for sentence in (f"reste valable {RETENTION.link_days} jours",
                     f"au bout de {RETENTION.unconfirmed_days} jours",
                     f"effacées le {format_day(RETENTION.delete_after)} au plus tard",
                     "pas de cookie", "adresse IP n’est jamais enregistrée",
                     "scellée dès son arrivée", "nous effaçons votre signature"):
        assert sentence in text
    article = site.article("agir/petition.html")
    assert article.select_one('#donnees-personnelles ~ ul.contact a[href^="mailto:"]')


def test_testimony_notice_matches_the_code(site):
    text = section(site, "agir/temoignages.html")
    for column, words in TESTIMONY_DATA.items():
        assert words in text, f"the notice does not mention {column} (« {words} »)"
    for sentence in (f"effacé du serveur au bout de {RETENTION.testimony_days} jours",
                     f"le {format_day(RETENTION.delete_after)} au plus tard",
                     "pas de cookie", "adresse IP n’est jamais enregistrée",
                     "chiffrés dès leur arrivée", "nous effaçons le témoignage"):
        assert sentence in text


def test_the_copied_seed_sentence_is_gone(site):
    text = site.article("agir/temoignages.html").get_text(" ")
    assert "comprendre les politiques de contrôle et les algorithmes utilisés" not in text
