"""« L’essentiel, facile à lire »: the easy-to-read block that opens an investigation or the
petition, written in its front matter (`facile:`), measured and rendered.

The text follows the European easy-to-read rules (Inclusion Europe, « Information pour
tous »): short sentences, one idea a sentence, everyday words, numbers in digits, every
abbreviation and hard word explained. What can be measured is checked by `make check`:

- at most 150 words;
- at most 12 words a sentence on average (each line of a list counts as a sentence);
- a Kandel-Moles score of at least 70. Kandel and Moles (1958) adapted Flesch's reading
  ease to French: 207 − 1.015 × (words per sentence) − 73.6 × (syllables per word); 70 and
  above reads easily, 100 is very easy;
- numbers in digits: no « deux », « trois »… (« un », « une » are articles);
- a hard word the text cannot avoid (algorithme, dématérialisation…) and an abbreviation in
  capitals (RSA, CAF…) are explained in the sentence where they first appear, by a
  parenthesis or by « c’est », « veut dire », « est un(e) », « signifie ».

Syllables are counted on the written word, as readability formulas do: groups of vowels,
a final mute « e » (« -e », « -es ») not counted, « qu » and « gu » read as consonants.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..floor.errors import Problem

MAX_WORDS = 150
MAX_SENTENCE_WORDS = 12.0
MIN_KANDEL_MOLES = 70.0
HEADING = "L’essentiel, facile à lire"
ANCHOR = "facile-a-lire"
# Words the European rules would replace, when the text cannot do without them.
HARD_WORDS = ("algorithme", "dématérialisation", "profilage", "données personnelles",
              "intelligence artificielle", "numérique")
_EXPLAINED_BY = re.compile(r"\(|c[’']est|veut dire|signifie|est une? |sont des ", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_WORD = re.compile(r"[\w’'-]+")
_VOWELS = re.compile(r"[aeiouyàâäéèêëîïôöûùüœæ]+")
_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
# Numbers are written in digits ("4 notes", not "quatre notes"); « un », « une » are articles.
_NUMBER_WORDS = re.compile(r"\b(deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|"
                           r"treize|quatorze|quinze|seize|vingt|trente|quarante|cinquante|"
                           r"soixante|cent|mille)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Measure:
    words: int
    sentences: int
    syllables: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / max(self.sentences, 1)

    @property
    def kandel_moles(self) -> float:
        return (207 - 1.015 * self.words_per_sentence
                - 73.6 * self.syllables / max(self.words, 1))


def paragraphs(text: str) -> list[list[str]]:
    """Paragraphs of the block, each a list of lines; a list line starts with "- "."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.strip())]
    return [[line.strip() for line in block.splitlines() if line.strip()]
            for block in blocks if block]


def sentences(text: str) -> list[str]:
    found = []
    for block in paragraphs(text):
        if all(line.startswith("- ") for line in block):
            found += [line[2:].strip() for line in block]
        else:
            found += [s for s in _SENTENCE_END.split(" ".join(block)) if s.strip()]
    return found


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if any(c.isalnum() for c in w)]


def syllables(word: str) -> int:
    """Written syllables of a French word (see the module's docstring)."""
    word = word.lower().replace("’", "").replace("'", "")
    if word.isdigit():
        return 1
    word = re.sub(r"(?<=[qg])u(?=[aeiouyéèêàâ])", "", word)
    groups = len(_VOWELS.findall(word))
    if groups > 1 and re.search(r"[^aeiouyéèêàâîôû]es?$", word):
        groups -= 1  # a final mute e: « France », « personnes »
    return max(groups, 1)


def measure(text: str) -> Measure:
    found = sentences(text)
    all_words = [w for s in found for w in words(s)]
    return Measure(len(all_words), len(found), sum(syllables(w) for w in all_words))


def problems(text: str, path: str, line: int | None) -> list[Problem]:
    """What makes the block too hard to read, as `make check` reports it."""
    found, result = measure(text), []
    if found.words > MAX_WORDS:
        result.append(Problem(path, f"bloc « facile à lire » trop long : {found.words} mots "
                              f"(au plus {MAX_WORDS})", line,
                              "gardez l’essentiel : qui, quoi, pourquoi c’est important, "
                              "que faire"))
    if found.words_per_sentence > MAX_SENTENCE_WORDS:
        result.append(Problem(path, "phrases trop longues dans le bloc « facile à lire » : "
                              f"{found.words_per_sentence:.1f} mots par phrase en moyenne "
                              f"(au plus {MAX_SENTENCE_WORDS:.0f})", line,
                              "une idée par phrase : coupez les phrases longues en deux"))
    if found.kandel_moles < MIN_KANDEL_MOLES:
        result.append(Problem(path, "bloc « facile à lire » trop difficile : score de "
                              f"Kandel-Moles {found.kandel_moles:.0f} (au moins "
                              f"{MIN_KANDEL_MOLES:.0f})", line,
                              "préférez des mots courts et courants, et des phrases courtes"))
    for number in dict.fromkeys(m.group().lower() for m in _NUMBER_WORDS.finditer(text)):
        result.append(Problem(path, f"nombre écrit en lettres dans le bloc « facile à lire » : "
                              f"« {number} »", line,
                              "écrivez les nombres en chiffres (4, 15, 2025)"))
    for term in unexplained(text):
        result.append(Problem(path, f"mot difficile non expliqué dans le bloc « facile à "
                              f"lire » : « {term} »", line,
                              f"expliquez-le là où il apparaît, par exemple « {term} "
                              "(… ) » ou « … c’est … »"))
    return result


def unexplained(text: str) -> list[str]:
    """Hard words and capital abbreviations whose first sentence does not explain them."""
    found = sentences(text)
    terms = [t for t in HARD_WORDS if t in text.lower()]
    terms += list(dict.fromkeys(_ACRONYM.findall(text)))
    missing = []
    for term in terms:
        first = next(s for s in found if term.lower() in s.lower())
        if not _EXPLAINED_BY.search(first):
            missing.append(term)
    return missing


def render(text: str) -> str:
    """The block as HTML: a labelled region, shown first, printed, read by search."""
    body = []
    for block in paragraphs(text):
        if all(line.startswith("- ") for line in block):
            items = "".join(f"<li>{html.escape(line[2:], quote=False)}</li>" for line in block)
            body.append(f"<ul>{items}</ul>")
        else:  # one sentence a line, as the easy-to-read rules ask
            lines = _SENTENCE_END.split(" ".join(block))
            body.append("<p>" + "<br>\n".join(html.escape(line, quote=False) for line in lines)
                        + "</p>")
    return (f'<section class="easy-read" aria-labelledby="{ANCHOR}">\n'
            f'<h2 id="{ANCHOR}">{HEADING}</h2>\n' + "\n".join(body) + "\n</section>\n\n")


def page_problems(page_text: str, path: str) -> list[Problem]:
    """The measures of a Markdown page's `facile:` block, if it has one (for `make check`)."""
    from .frontmatter import split_front_matter

    front, _ = split_front_matter(page_text, path)
    return front_problems(front, path)


def front_problems(front, path: str) -> list[Problem]:
    """`page_problems` of a page whose front matter is already read (a `FrontMatter`)."""
    text = front.meta.get("facile")
    if not isinstance(text, str) or not text.strip():
        return []
    return problems(text, path, front.key_lines.get("facile"))
