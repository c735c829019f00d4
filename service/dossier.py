"""The dossier handed to the addressees (`python -m service ecrire-dossier DOSSIER`).

A PDF (fpdf2, with the portal's vendored DejaVu Sans) holding the petition's text and
demands, the confirmed count and its date, the breakdown by département (from the postcode)
and by partner, and the names and postcodes of the signers who agreed to appear in it (a
consent of its own, never ticked in advance; nobody's e-mail address). The list is also
written beside the PDF as a CSV file, and its SHA-256 is printed in the dossier: anyone
given both can check that the list is the one the dossier speaks of (`sha256sum`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from .departements import NAMES, departement, sort_key
from .exports import csv_text
from .markup import format_day, format_number
from .partners import Partner, partner_label
from .settings import Campaign
from .storage import Database, signatures

FONTS = Path(__file__).resolve().parents[1] / "macros" / "sitewide" / "fonts"


_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MARKUP = re.compile(r"\*\*|__|`")


def plain(text: str) -> str:
    return _MARKUP.sub("", _LINK.sub(r"\1", text))


def paragraphs(text: str) -> list[str]:
    """The Markdown text as plain paragraphs (lines of a paragraph joined)."""
    return [" ".join(block.split()) for block in plain(text).split("\n\n") if block.strip()]


def confirmed_rows(db: Database) -> list:
    """Postcode, partner and listing consent of every confirmed signature; the name only
    of those who agreed to be listed."""
    with db.engine.connect() as conn:
        return list(conn.execute(
            select(signatures.c.name, signatures.c.postcode, signatures.c.partner,
                   signatures.c.listed)
            .where(signatures.c.confirmed_at.is_not(None))
            .order_by(signatures.c.confirmed_at, signatures.c.id)))


def list_text(rows) -> str:
    """The list handed over: name and postcode of those who agreed, in order of signing
    (every cell made safe for spreadsheets, as every export: exports.py)."""
    return csv_text(["nom", "code postal"], ([r.name, r.postcode] for r in rows if r.listed))


def by_departement(rows) -> list[tuple[str, str, int]]:
    counts = Counter(departement(r.postcode) for r in rows)
    return [(code, NAMES[code], counts[code]) for code in sorted(counts, key=sort_key)]


def by_partner(rows, partners: dict[str, Partner]) -> list[tuple[str, int]]:
    counts = Counter(r.partner for r in rows)
    return [(partner_label(code, partners), n)
            for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def _private_file(path: Path, data: bytes) -> None:
    """Written whole, readable by its owner only (it holds names)."""
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def render_pdf(petition: Campaign, rows, partners: dict[str, Partner], day: dt.date,
               list_name: str, digest: str) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))
    pdf.set_title(petition.title)
    pdf.set_lang("fr")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, 20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(text: str, size: int = 13) -> None:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, size * 0.55, text, align="L", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        pdf.ln(1)

    def line(text: str, size: int = 10, bold: bool = False) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(width, size * 0.5, text, align="L", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)

    listed = [r for r in rows if r.listed]
    heading(petition.title, 16)
    line(f"Pétition adressée à {petition.addressee}.")
    line(f"Signatures confirmées\u00a0: {format_number(len(rows))}, au {format_day(day)}.",
         12, bold=True)
    heading("Texte de la pétition")
    for paragraph in paragraphs(petition.text):
        line(paragraph)
        pdf.ln(1)
    heading("Nous demandons")
    for number, demand in enumerate(petition.demands, start=1):
        line(f"{number}. {plain(demand)}")
        pdf.ln(1)
    heading("Répartition par département")
    line("Département déduit du code postal donné en signant.", 9)
    for code, name, n in by_departement(rows):
        line(f"{code} {name}\u00a0: {format_number(n)}")
    heading("Répartition par organisation partenaire")
    line("Organisation dont le formulaire a servi à signer.", 9)
    for label, n in by_partner(rows, partners):
        line(f"{label}\u00a0: {format_number(n)}")
    heading(f"Signataires qui ont accepté de figurer sur la liste ({format_number(len(listed))})")
    line("Chaque signataire a coché une case distincte pour y figurer\u00a0; les autres sont "
         "comptés sans être nommés. Aucune adresse électronique n’est remise.", 9)
    line(f"Empreinte SHA-256 du fichier {list_name}, remis avec ce dossier\u00a0:", 9)
    pdf.set_font("DejaVu", "", 8)
    pdf.cell(width, 5, digest, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    for r in listed:
        line(f"{r.name} — {r.postcode}")
    return bytes(pdf.output())


def write_dossier(db: Database, petition: Campaign, folder: Path,
                  day: dt.date) -> tuple[Path, Path, str, int]:
    """The PDF and the list beside it; (pdf, list, SHA-256 of the list, count). `petition`:
    the campaign as the service read it from data/petition.yml (settings.py)."""
    rows = confirmed_rows(db)
    partners = petition.partners
    folder.mkdir(parents=True, exist_ok=True)
    listing = folder / f"liste-signataires-{day.isoformat()}.csv"
    data = list_text(rows).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    pdf = folder / f"dossier-petition-{day.isoformat()}.pdf"
    document = render_pdf(petition, rows, partners, day, listing.name, digest)
    _private_file(listing, data)
    _private_file(pdf, document)
    return pdf, listing, digest, len(rows)
