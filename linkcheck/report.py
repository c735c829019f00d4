"""The external check's report, as data (JSON) and as Markdown (French, for campaigners).

Grouped by source (BibTeX key -> address -> status -> pages citing it: the claims that lost
their evidence, and whether an archived copy recorded in data/archives.yml still holds it) and
by page. The accessibility of the evidence is a figure: cited addresses with a verified copy
(recorded from an archive's answer, and not found dead by this check) over all cited addresses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from .collect import SourceLink
from .http import DEAD, IGNORED, REDIRECT, STATUSES, Result
from .ignore import IgnoreRule

LABELS = {
    "ok": "valide",
    "redirect": "redirigée",
    "too_large": "valide (lecture arrêtée : réponse trop longue)",
    "ignored": "ignorée",
    "broken": "introuvable",
    "error": "erreur du serveur",
    "timeout": "délai dépassé",
    "unreachable": "serveur injoignable",
    "redirect_loop": "boucle de redirections",
}


def _status(result: Result | None, rule: IgnoreRule | None) -> dict:
    if rule:
        return {"status": IGNORED, "code": None, "final_url": None, "detail": rule.reason}
    if result is None:
        return {"status": "error", "code": None, "final_url": None, "detail": "non vérifiée"}
    return {"status": result.status, "code": result.code, "final_url": result.final_url,
            "detail": result.detail}


def build_report(sources: list[SourceLink], links: Mapping[str, set[str]],
                 results: Mapping[str, Result], ignored: Mapping[str, IgnoreRule]) -> dict:
    """Plain data: `sources`, `pages` (only links that need attention), `links`, `summary`."""
    every: dict[str, set[str]] = {url: set(pages) for url, pages in links.items()}
    keys_of: dict[str, list[str]] = {}
    copies_of: dict[str, list[str]] = {}  # archived copy -> keys of the sources it preserves
    for source in sources:
        every.setdefault(source.url, set()).update(p.url for p in source.pages)
        keys_of.setdefault(source.url, []).append(source.key)
        if source.archive:
            copies_of.setdefault(source.archive, []).append(source.key)

    entries = []
    for url in sorted(every):
        entry = {"url": url, **_status(results.get(url), ignored.get(url)),
                 "pages": sorted(every[url]), "keys": keys_of.get(url, []),
                 "archive_of": copies_of.get(url, [])}
        entry["dead"] = entry["status"] in DEAD
        entries.append(entry)
    by_url = {e["url"]: e for e in entries}

    source_entries = []
    for source in sources:
        state = by_url[source.url]
        # The archived copy may itself have been checked (the notes link to it).
        copy_status = by_url[source.archive]["status"] if source.archive in by_url else None
        verified = bool(source.archive) and copy_status not in DEAD
        source_entries.append({
            "key": source.key, "url": source.url, "location": source.location,
            "status": state["status"], "code": state["code"], "final_url": state["final_url"],
            "detail": state["detail"], "dead": state["dead"],
            "pages": [{"title": p.title, "url": p.url} for p in source.pages],
            "archive": source.archive, "captured": source.captured,
            "archive_status": copy_status,
            "verified_copy": verified,
            # A dead original whose evidence an archived copy still holds.
            "held": state["dead"] and verified,
        })
    source_entries.sort(key=lambda s: (not s["dead"], s["status"] != REDIRECT, s["key"]))

    pages: dict[str, list[dict]] = {}
    for entry in entries:
        if entry["dead"] or entry["status"] == REDIRECT:
            for page in entry["pages"]:
                pages.setdefault(page, []).append(
                    {k: entry[k] for k in ("url", "status", "code", "final_url", "keys",
                                           "archive_of")})

    counts = Counter(e["status"] for e in entries)
    return {
        "summary": {status: counts[status] for status in STATUSES if counts[status]},
        "dead": sum(counts[s] for s in DEAD),
        "accessibility": accessibility(source_entries),
        "sources": source_entries,
        "pages": dict(sorted(pages.items())),
        "links": entries,
    }


def accessibility(source_entries: list[dict]) -> dict:
    """Cited addresses (those of sources some page cites) with a verified archived copy."""
    cited: dict[str, bool] = {}
    for entry in source_entries:
        if entry["pages"]:
            cited[entry["url"]] = cited.get(entry["url"], False) or entry["verified_copy"]
    held = sum(cited.values())
    return {"cited": len(cited), "with_copy": held,
            "ratio": round(held / len(cited), 4) if cited else None}


def accessibility_line(figure: dict) -> str:
    if not figure["cited"]:
        return "Accessibilité des preuves : aucune adresse citée."
    percent = f"{figure['ratio'] * 100:.0f}"
    plural = "s" if figure["cited"] > 1 else ""
    return (f"Accessibilité des preuves : {percent}\u00a0% ({figure['with_copy']} sur "
            f"{figure['cited']} adresse{plural} citée{plural} avec une copie archivée vérifiée).")


def _state(item: dict) -> str:
    label = LABELS.get(item["status"], item["status"])
    code = f" ({item['code']})" if item.get("code") else ""
    return f"{label}{code}"


def _copy_line(source: dict) -> str:
    """Whether an archived copy recorded in data/archives.yml still holds the evidence."""
    if source["held"]:
        checked = source["archive_status"]
        state = f", {LABELS[checked]} à cette vérification" if checked else ""
        return (f"- Preuve conservée : copie archivée du {source['captured']} "
                f"<{source['archive']}>{state} ; les notes y renvoient déjà.")
    if source["archive"]:
        return (f"- Preuve perdue : la copie archivée enregistrée <{source['archive']}> ne "
                f"répond plus ({_state({'status': source['archive_status'], 'code': None})}) ; "
                "relancez `make archive-sources` ou cherchez une autre copie.")
    return ("- Preuve perdue : aucune copie archivée enregistrée dans data/archives.yml ; "
            "lancez `make archive-sources`, qui cherche une copie dans les archives.")


def render_markdown(report: dict) -> str:
    lines = ["# Vérification des liens externes", ""]
    summary = ", ".join(f"{LABELS[s]} : {count}" for s, count in report["summary"].items())
    lines += [f"{len(report['links'])} adresses vérifiées : {summary or 'aucune'}.", ""]
    if "accessibility" in report:
        lines += [accessibility_line(report["accessibility"]), ""]

    dead = [s for s in report["sources"] if s["dead"]]
    lines += ["## Sources dont l’adresse ne répond plus", ""]
    if not dead:
        lines += ["Aucune : toutes les sources en ligne répondent.", ""]
    for source in dead:
        lines += [f"### `{source['key']}` — {_state(source)}", "",
                  f"- Adresse : <{source['url']}>",
                  f"- Entrée : `{source['location']}`"]
        if source["detail"]:
            lines.append(f"- Détail : {source['detail']}")
        if source["pages"]:
            lines.append("- Affirmations privées de leur preuve en ligne, dans :")
            lines += [f"    - {p['title']} (`{p['url']}`)" for p in source["pages"]]
        else:
            lines.append("- Citée sur aucune page.")
        lines.append(_copy_line(source))
        lines.append("")

    moved = [s for s in report["sources"] if s["status"] == REDIRECT]
    if moved:
        lines += ["## Sources redirigées", "",
                  "Mettez à jour `url` si la nouvelle adresse est bien le même document.", ""]
        lines += [f"- `{s['key']}` : <{s['url']}> → <{s['final_url']}>" for s in moved]
        lines.append("")

    lines += ["## Par page", ""]
    if not report["pages"]:
        lines += ["Aucune page n’a de lien mort ou redirigé.", ""]
    for page, items in report["pages"].items():
        lines += [f"### `{page}`", ""]
        for item in items:
            keys = f" (source `{'`, `'.join(item['keys'])}`)" if item["keys"] else ""
            if item.get("archive_of"):
                keys += f" (copie archivée de `{'`, `'.join(item['archive_of'])}`)"
            target = f" → <{item['final_url']}>" if item.get("final_url") else ""
            lines.append(f"- <{item['url']}>{keys} : {_state(item)}{target}")
        lines.append("")

    ignored = Counter(e["detail"] for e in report["links"] if e["status"] == IGNORED)
    if ignored:
        lines += ["## Adresses ignorées (`data/linkcheck-ignore.yml`)", ""]
        lines += [f"- {count} adresse{'s' if count > 1 else ''} : {reason}"
                  for reason, count in sorted(ignored.items())]
        lines.append("")
    return "\n".join(lines)
