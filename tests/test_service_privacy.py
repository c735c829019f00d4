"""The privacy notices say what the service really stores, and for how long.

The notices are read from the built site (what readers get); the fields from the service's
tables, the periods from the settings the service applies. Adding a column, or changing a
period in data/petition.yml without the notice, fails here.
"""

from __future__ import annotations

import pytest

from macros.floor.french import format_day
from service.settings import load_campaign
from service.storage import (
    MAIL_WINDOW,
    OUTBOX_DATA,
    SIGNATURE_DATA,
    TECHNICAL_COLUMNS,
    TESTIMONY_DATA,
    counters,
    links,
    outbox,
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


# The outbox's columns that are not personal: the mail's state, and what retention reads.
OUTBOX_STATE = {"id", "recipient_key", "subject", "created_at", "attempts", "next_attempt_at",
                "locked_until", "sent_at", "last_error", "kind"}


def test_every_outbox_column_is_described_or_technical():
    """A new outbox column must be described in the notice (OUTBOX_DATA) or listed here."""
    assert set(outbox.columns.keys()) - OUTBOX_STATE == set(OUTBOX_DATA)


def test_links_and_counters_hold_nothing_personal():
    """Links: an HMAC of each token, its dates; counters: numbers. A column added to either
    must be reviewed here (and described in the notice if it is personal)."""
    assert set(links.columns.keys()) == {"id", "signature_id", "token_key", "expires_at",
                                         "created_at"}
    assert set(counters.columns.keys()) == {"name", "value"}


PETITION_PROMISES = (f"reste valable {RETENTION.link_days} jours",
                     # the outbox: its personal columns, how long a mail waits, its trace
                     f"pas pu être remis en {RETENTION.mail_days} jours",
                     f"au bout de {int(MAIL_WINDOW.total_seconds() // 3600)} heures",
                     "une signature effacée l’est avec tous ses courriels",
                     f"au bout de {RETENTION.unconfirmed_days} jours",
                     f"effacées le {format_day(RETENTION.delete_after)} au plus tard",
                     "pas de cookie", "adresse IP n’est jamais enregistrée",
                     "scellée dès son arrivée", "nous effaçons votre signature")
TESTIMONY_PROMISES = (f"effacé du serveur au bout de {RETENTION.testimony_days} jours",
                      f"le {format_day(RETENTION.delete_after)} au plus tard",
                      "pas de cookie", "adresse IP n’est jamais enregistrée",
                      "chiffrés dès leur arrivée", "nous effaçons le témoignage")


@pytest.mark.parametrize("page, described, promises", [
    ("agir/petition.html", {**SIGNATURE_DATA, **OUTBOX_DATA}, PETITION_PROMISES),
    ("agir/temoignages.html", TESTIMONY_DATA, TESTIMONY_PROMISES),
])
def test_notice_matches_the_code(site, page, described, promises):
    text = section(site, page)
    for column, words in described.items():
        assert words in text, f"{page}: the notice does not mention {column} (« {words} »)"
    for sentence in promises:
        assert sentence in text, f"{page}: « {sentence} » missing"
    # where to ask for access or deletion
    assert site.article(page).select('#donnees-personnelles ~ ul.contact a[href^="mailto:"]')


def test_the_copied_seed_sentence_is_gone(site):
    text = site.article("agir/temoignages.html").get_text(" ")
    assert "comprendre les politiques de contrôle et les algorithmes utilisés" not in text
