"""Publishing the count into the built site without breaking any copy of it.

`python -m service publier-compteur SITE [--kit DIST]` writes the confirmed count, its date,
the current step of the goal and the count by partner into `compteur.json` beside the
petition page, and rewrites the count written in the pages that show it (the petition page
and the home page, and their counterparts in each other language's edition, `en/…`, in
that language's words), so that a reader without JavaScript sees it too. With `--kit`, the mirror
kit made from this site (`make mirror`: archives, SHA256SUMS, manifest.json) is made again
from the updated site, so that partners fetch a tree whose checksums hold
(`sha256sum -c`). The kit is refreshed only if the site is the one it was made from: any
other difference is refused, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from common.words import LANGUAGES, SOURCE_LANGUAGE, translations

from .markup import COUNT_BAR_ID, COUNT_LABEL_ID, FRENCH, format_number, progress_text
from .settings import ROOT

COUNT_FILE = "compteur.json"
HOME_PAGE = "index.html"


class PublicationError(Exception):
    """Something to fix before publishing: the message says what (French)."""


def count_record(count: int, goal: int, goals: tuple[int, ...], day: dt.date,
                 by_partner: dict[str, int]) -> dict:
    """What `compteur.json` says: the total, the goal to show, every step, the date, and
    the confirmed signatures each partner brought (partners with none are listed at 0)."""
    return {"count": count, "goal": goal, "date": day.isoformat(), "goals": list(goals),
            "partners": dict(sorted(by_partner.items()))}


def rewrite_counter(text: str, count: int, goal: int, day: dt.date,
                    words=FRENCH) -> tuple[str, bool]:
    """The page with its count sentence and `<progress>` bar (value and max) updated, in
    the page's language (`words`); whether both were found."""
    label = html.escape(progress_text(count, goal, day, words))
    text, found = re.subn(rf'(<p [^>]*id="{COUNT_LABEL_ID}"[^>]*>)[^<]*(</p>)',
                          lambda m: m.group(1) + label + m.group(2), text)

    def bar(match: re.Match) -> str:
        tag = re.sub(r'value="\d+"', f'value="{min(count, goal)}"', match.group(1))
        tag = re.sub(r'max="\d+"', f'max="{goal}"', tag)
        return tag + html.escape(format_number(count, words)) + match.group(2)

    text, found_bar = re.subn(rf'(<progress [^>]*id="{COUNT_BAR_ID}"[^>]*>)[^<]*(</progress>)',
                              bar, text)
    return text, bool(found and found_bar)


def _write(path: Path, text: str) -> None:
    """A file of the public site, replaced whole and readable by the web server: it keeps
    the mode of the file it replaces (0644 for a new one), whatever the command's umask (077:
    service/private_files.py)."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.chmod(mode)
    os.replace(temporary, path)


def _kit_sums(kit: Path) -> dict[str, str]:
    sums = {}
    for line in (kit / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        sums[name] = digest
    return sums


def _site_sums(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def check_kit(kit: Path, site: Path, rewritten: set[str]) -> None:
    """The kit was made from this site: same files, same bytes, apart from the files the
    publication rewrites."""
    for name in ("SHA256SUMS", "manifest.json", "MIRRORING.md"):
        if not (kit / name).is_file():
            raise PublicationError(f"{kit} n’est pas un kit de miroir ({name} manquant) : "
                                   "indiquez le dossier écrit par `make mirror` (dist/)")
    before, now = _kit_sums(kit), _site_sums(site)
    different = sorted(name for name in set(before) | set(now)
                       if name not in rewritten and before.get(name) != now.get(name))
    if different:
        shown = ", ".join(different[:5]) + (" …" if len(different) > 5 else "")
        raise PublicationError(
            f"{site} n’est pas le site dont le kit {kit} a été fait ({len(different)} "
            f"fichier(s) diffèrent : {shown}) : refaites le kit avec `make mirror` depuis le "
            "même commit que le site publié, puis publiez le compteur à nouveau")


def packaging():
    """The repository's own packaging (make mirror), absent from the service's image."""
    try:
        from scripts import build, mirror
    except ImportError:
        raise PublicationError("--kit demande le dépôt complet (scripts/mirror.py) : lancez "
                               "la commande depuis un clone du dépôt, là où `make mirror` "
                               "a fait le kit") from None
    return mirror.Commit, mirror.package, build.replace_dir


def refresh_kit(kit: Path, site: Path, record: dict) -> None:
    """The kit made again from `site`, same name, version and commit, its manifest saying
    which count it carries; swapped in whole once complete."""
    Commit, package, replace_dir = packaging()

    manifest = json.loads((kit / "manifest.json").read_text(encoding="utf-8"))
    commit = Commit(manifest["commit"], int(manifest["source_date_epoch"]),
                    bool(manifest["commit_is_exact"]))
    staging = Path(tempfile.mkdtemp(prefix=f".{kit.name}-compteur-", dir=kit.parent))
    try:
        package(site, staging, manifest["name"], commit, manifest["origin_url"],
                kit / "MIRRORING.md")
        fresh = json.loads((staging / "manifest.json").read_text(encoding="utf-8"))
        fresh["count"] = record
        (staging / "manifest.json").write_text(json.dumps(fresh, indent=2, ensure_ascii=False)
                                               + "\n", encoding="utf-8")
        replace_dir(staging, kit)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def publish_count(site: Path, page: str, record: dict, kit: Path | None = None) -> list[Path]:
    """Write the count into `site` (and its kit); the files written."""
    petition = site / page
    if not petition.is_file():
        raise PublicationError(f"{petition} introuvable : indiquez le dossier du site construit "
                               "(make build écrit site/) et, si besoin, --page")
    day = dt.date.fromisoformat(record["date"])
    pages = {page: petition}
    home = site / HOME_PAGE
    if home.is_file() and home != petition:
        pages[HOME_PAGE] = home
    languages = {name: SOURCE_LANGUAGE for name in pages}
    for lang in LANGUAGES:  # the editions' petition and home pages, when they show a count
        for name in (f"{lang}/{page}", f"{lang}/{HOME_PAGE}"):
            if lang != SOURCE_LANGUAGE and (site / name).is_file():
                pages[name], languages[name] = site / name, lang
    words = {lang: translations(ROOT, lang) for lang in set(languages.values())}
    updated = {}
    for name, path in pages.items():
        text, found = rewrite_counter(path.read_text(encoding="utf-8"), record["count"],
                                      record["goal"], day, words[languages[name]])
        if found:
            updated[name] = text
        elif name == page:
            raise PublicationError(f"{petition} : le compteur de la pétition est introuvable "
                                   "dans la page")
    counter = petition.parent / COUNT_FILE
    counter_name = counter.relative_to(site).as_posix()
    if kit is not None:
        packaging()  # before anything is written
        check_kit(kit, site, {*updated, counter_name})
    written = []
    _write(counter, json.dumps(record, ensure_ascii=False) + "\n")
    written.append(counter)
    for name, text in updated.items():
        _write(pages[name], text)
        written.append(pages[name])
    if kit is not None:
        refresh_kit(kit, site, record)
        written.append(kit)
    return written
