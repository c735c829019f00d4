"""A page's short claims (its `summary`, its easy-to-read `facile` block) next to the
sentences of its text that carry citations and say the same thing, so that a reviewer
sees a hedge that was lost on the way (« selon », « semble », « pas encore »…).

Pure: `page_claims` reads one page's Markdown and returns what to show; `claims_report`
formats every page for `make check CLAIMS=1`. A claim is matched to the cited sentences
that share the most telling words with it (years and numbers count most); this is a
reading aid, not a verdict: the reviewer decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from ..citations.syntax import find_citations
from .frontmatter import split_front_matter

# Words that carry a reservation in the investigations: if a cited sentence has one and
# the claim none, the claim may state as settled what the text only reports or supposes.
HEDGES = ("selon", "d’après", "d'après", "semble", "sembl", "paraît", "serait", "seraient",
          "aurait", "auraient", "pourrait", "pourraient", "craint", "redoute", "hypothèse",
          "pas encore", "en partie", "expériment", "affirme", "estime", "au conditionnel",
          "en projet", "une association")
_STOPWORDS = frozenset((
    "alors", "aussi", "autre", "autres", "avant", "avec", "avoir", "cette", "celle", "celles",
    "ceux", "chaque", "comme", "comment", "contre", "dans", "depuis", "donc", "elles",
    "encore", "entre", "être", "faire", "leurs", "leur", "mais", "même", "moins", "notre",
    "nous", "parce", "plus", "pour", "quand", "quelle", "quelles", "quels", "sans", "selon",
    "sont", "sous", "tous", "toute", "toutes", "tout", "très", "vous", "votre", "vers",
    "fait", "font", "peut", "peuvent", "était", "étaient", "avait", "ainsi", "dont", "après"))
_WORD = re.compile(r"[0-9]+(?:[,.][0-9]+)?|[^\W\d_]+(?:[’'-][^\W\d_]+)*")
# Not after « p. » or « pp. » (a page locator inside a citation).
_SENTENCE_END = re.compile(r"(?<=[.!?…])(?<! p\.)(?<!pp\.)\s+(?=[«\"(]?[A-ZÀ-ÖØ-Þ0-9])")
_CITATION_GROUP = re.compile(r"\s*\[@[^\[\]]*\]")
_DIGIT = re.compile(r"\d")
TOP = 2  # cited sentences shown per claim
MIN_SCORE = 2


@dataclass(frozen=True)
class Sentence:
    line: int
    text: str
    keys: tuple[str, ...] = ()
    paragraph: str = ""  # the whole paragraph: a reservation often sits in the next sentence


@dataclass(frozen=True)
class Claim:
    where: str  # "résumé" or "facile"
    line: int
    text: str
    matches: tuple[Sentence, ...]
    lost: tuple[str, ...]  # hedges of the matched sentences missing from the claim


def _plain(word: str) -> str:
    word = word.lower().replace("'", "’")
    return word[:-1] if len(word) > 4 and word[-1] in "sx" else word


def _telling(text: str) -> dict[str, int]:
    """The words that identify a claim, with their weight: numbers 3, long words 1."""
    found = {}
    for word in _WORD.findall(text):
        if word[0].isdigit():
            found[word] = 3
            continue
        base = word.lower().split("’")[-1]
        if len(base) >= 5 and base not in _STOPWORDS:
            found[_plain(base)] = 1
    return found


def _hedges(text: str) -> set[str]:
    lowered = unicodedata.normalize("NFC", text.lower()).replace("'", "’")
    return {hedge.replace("'", "’") for hedge in HEDGES if hedge.replace("'", "’") in lowered}


def cited_sentences(body: str, first_line: int) -> list[Sentence]:
    """The sentences of the text that carry at least one citation, with their keys."""
    sentences = []
    for offset, line in enumerate(body.split("\n")):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "{{", "<", "|")):
            continue
        paragraph = _CITATION_GROUP.sub("", stripped)
        for part in _SENTENCE_END.split(stripped.lstrip("-* ")):
            keys = tuple(dict.fromkeys(c.key for group in find_citations(part)
                                       for c in (group.citations or ())))
            if keys:
                sentences.append(Sentence(first_line + offset,
                                          _CITATION_GROUP.sub("", part).strip(), keys,
                                          paragraph))
    return sentences


def _claim_sentences(meta: dict, key_line) -> list[tuple[str, int, str]]:
    claims = []
    summary = meta.get("summary")
    if isinstance(summary, str):
        for part in _SENTENCE_END.split(" ".join(summary.split())):
            claims.append(("résumé", key_line("summary") or 1, part))
    facile = meta.get("facile")
    if isinstance(facile, str):
        start = (key_line("facile") or 0) + 1  # a `|` block starts on the next line
        for offset, line in enumerate(facile.split("\n")):
            text = line.strip().lstrip("-* ").strip()
            if text:
                claims.append(("facile", start + offset, text))
    return claims


def page_claims(text: str, path: str) -> list[Claim]:
    """Each claim of the page's summary and easy-to-read block, with the cited sentences
    of its text that share the most telling words, and the hedges the claim lost."""
    front, problems = split_front_matter(text, path)
    if problems:
        return []
    cited = cited_sentences(front.body, front.body_line)
    telling = [_telling(sentence.text) for sentence in cited]
    # A word found in many cited sentences (« France Travail », « emploi ») tells nothing.
    seen: dict[str, int] = {}
    for words in telling:
        for word in words:
            seen[word] = seen.get(word, 0) + 1
    banal = {word for word, count in seen.items()
             if count > max(3, len(cited) // 5) and not word[0].isdigit()}
    claims = []
    for where, line, claim in _claim_sentences(front.meta, front.key_lines.get):
        words = {w: weight for w, weight in _telling(claim).items() if w not in banal}
        scored = []
        for sentence, sentence_words in zip(cited, telling, strict=True):
            common = words.keys() & sentence_words.keys()
            score = sum(words[w] for w in common)
            if score >= MIN_SCORE:
                scored.append((score, -sentence.line, sentence))
        matches = tuple(s for _, _, s in sorted(scored, key=lambda item: item[:2],
                                                reverse=True)[:TOP])
        found = set().union(*(_hedges(m.paragraph) for m in matches)) if matches else set()
        lost = tuple(sorted(found)) if found and not _hedges(claim) else ()
        claims.append(Claim(where, line, claim, matches, lost))
    return claims


def claims_report(pages: Mapping[str, str], docs_label: str = "docs") -> str:
    """Every page with a summary or an easy-to-read block, in path order, as text."""
    blocks = []
    for path in sorted(pages):
        claims = page_claims(pages[path], f"{docs_label}/{path}")
        if not any(claim.matches for claim in claims):
            continue  # a page without cited sentences (about, letters…): nothing to compare
        lines = [f"{docs_label}/{path}"]
        for claim in claims:
            if not claim.matches and not _DIGIT.search(claim.text):
                continue  # a definition or an instruction, not a fact to trace
            lines.append(f"  {claim.where} (ligne {claim.line}) : « {claim.text} »")
            if not claim.matches:
                lines.append("    → aucune phrase sourcée du texte ne dit la même chose : "
                             "vérifiez d’où vient ce chiffre ou cette date")
            for match in claim.matches:
                keys = "; ".join(f"@{k}" for k in match.keys)
                lines.append(f"    → ligne {match.line} [{keys}] : « {match.text} »")
            if claim.lost:
                lost = ", ".join(f"« {h} »" for h in claim.lost)
                lines.append(f"    ⚠ réserve du texte absente ici : {lost}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
