"""Can a reader find and date each web or press source? What a publishing build refuses.

A web page (`@online`) needs its address (a press article in print, `@article`, is found
by its journal, which sources.py already requires); and a source read online must be dated
at least to the month: a year alone does not let a reader tell one article from the next,
nor a press office check what was known on which day. A page kept up to date without a
date of its own (an association's dossier page) says so in `type`, and is then read as it
stood on its `urldate`.

Pure: `unfindable_sources` reads loaded sources and returns Problems (file, line of the
entry, key, what to add, an example that can be pasted into the entry). A publishing build
refuses them (macros/assembly/publication.py), `make check` reports them as errors, local and
preview builds as a warning, so that a draft can still be read.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..floor.errors import Problem
from .sources import Source

WEB_OR_PRESS = ("online", "article")

ADDRESS_HINT = ("ajoutez à l’entrée son adresse et le jour où vous l’avez consultée, par "
                "exemple `url = {https://www.laquadrature.net/france-travail},` et "
                "`urldate = {2026-12-07},` ; si l’adresse reste introuvable, citez à sa place "
                "la source qui la rapporte (« d’après … ») et retirez cette entrée")
DATE_HINT = ("indiquez le jour de publication que la page affiche (au moins le mois), par "
             "exemple `date = {2024-07-12},` ; s’il reste introuvable, citez à sa place la "
             "source qui la rapporte (« d’après … »)")
UNDATED_HINT = (DATE_HINT + " ; une page tenue à jour sans date (page de dossier, d’accueil) "
                "se déclare comme telle, par exemple `type = {Page de dossier},`")


def is_online(source: Source) -> bool:
    return source.entry_type == "online" or bool(source.fields.get("url"))


def unfindable_sources(sources: Mapping[str, Source]) -> list[Problem]:
    """Every web or press source a reader could not find (a web page without address) or,
    read online, could not date (no date, or a year alone); by file and line."""
    problems = []
    for source in sorted(sources.values(), key=lambda s: (s.path, s.line or 0)):
        if source.entry_type not in WEB_OR_PRESS:
            continue
        where = f"`{source.key}` (@{source.entry_type})"
        if source.entry_type == "online" and not source.fields.get("url"):
            problems.append(Problem(source.path, f"{where} : source en ligne sans adresse, "
                                    "qu’un lecteur ne peut pas retrouver", source.line,
                                    ADDRESS_HINT))
        if not is_online(source):
            continue
        if source.date is None and not source.fields.get("type"):
            problems.append(Problem(source.path, f"{where} : source en ligne sans date",
                                    source.line, UNDATED_HINT))
        elif source.date is not None and source.date.month is None:
            problems.append(Problem(
                source.path, f"{where} : source en ligne datée de l’année seule "
                f"(« {source.date.year} »)", source.line, DATE_HINT))
    return problems
