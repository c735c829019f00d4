"""Material's stylesheet without the rules no page of the site can use (search dialog,
code highlighting, tabs, blog, annotations…): 137 KB of CSS a reader downloads first.

After the build, every class the pages and the portal's own scripts can carry is collected;
a rule is dropped when each of its selectors names a class that nothing carries. Anything
unsure is kept: selectors with `:is()`, `:where()` or `:has()`, at-rules other than
`@media`, `@supports` and `@container` (fonts, keyframes), and every rule without a class.
Frozen versions (make release) keep the whole stylesheet, as they keep Material's script.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

# `c(?<=\bc)`: `\bc` starting with the letter, so that only the c's of a page are tried.
_CLASS_ATTRIBUTE = re.compile(r"""c(?<=\bc)lass=(?:"([^"]*)"|'([^']*)')""")
_SCRIPT_TOKEN = re.compile(r"[A-Za-z_][\w-]*")
_SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_NEGATION = re.compile(r":not\((?:[^()]|\([^()]*\))*\)")
_UNSURE = (":is(", ":where(", ":has(", ":-moz-any(", ":-webkit-any(")
_NESTED = ("@media", "@supports", "@container", "@layer")


def classes_in_html(html: str) -> set[str]:
    values = {double or single for double, single in _CLASS_ATTRIBUTE.findall(html)}
    return {name for value in values for name in value.split()}


def tokens_in_script(script: str) -> set[str]:
    """Every word of a script: a conservative list of the classes it may add."""
    return set(_SCRIPT_TOKEN.findall(script))


def _blocks(css: str) -> Iterable[tuple[str, str | None]]:
    """(prelude, body) of each top-level statement; body None for `@import …;`."""
    position, depth, start, quote = 0, 0, 0, ""
    prelude_end = None
    while position < len(css):
        char = css[position]
        if quote:
            if char == "\\":
                position += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif css.startswith("/*", position):
            end = css.find("*/", position + 2)
            end = len(css) if end < 0 else end + 2
            if depth == 0 and not css[start:position].strip():
                yield css[start:end], None  # a comment of its own (a licence): kept
                start = end
            position = end
            continue
        elif char == "{":
            if depth == 0:
                prelude_end = position
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                yield css[start:prelude_end], css[prelude_end + 1:position]
                start = position + 1
        elif char == ";" and depth == 0:
            yield css[start:position + 1], None
            start = position + 1
        position += 1
    if css[start:].strip():
        yield css[start:], None


def _split_selectors(prelude: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in prelude:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def _selector_used(selector: str, used: set[str]) -> bool:
    if any(marker in selector for marker in _UNSURE):
        return True
    required = _SELECTOR_CLASS.findall(_NEGATION.sub("", selector))
    return all(name in used for name in required)


def prune_css(css: str, used: set[str]) -> str:
    """`css` without the style rules whose every selector needs a class nothing carries."""
    out = []
    for prelude, body in _blocks(css):
        head = prelude.strip()
        if body is None:
            out.append(prelude)
        elif head.startswith("@"):
            if head.startswith(_NESTED):
                inner = prune_css(body, used)
                if inner.strip():
                    out.append(f"{prelude}{{{inner}}}")
            else:
                out.append(f"{prelude}{{{body}}}")
        else:
            kept = [s for s in _split_selectors(prelude) if _selector_used(s, used)]
            if kept:
                out.append(f"{','.join(kept)}{{{body}}}")
    return "".join(out)


def prune_theme_css(site_dir: Path, stylesheets: Iterable[Path], scripts: Iterable[Path],
                    carried: Iterable[str] | None = None) -> int:
    """Prune each of `stylesheets` in place for the pages of `site_dir` (`carried`: the
    classes each one carries, space-separated, when the caller knows them; otherwise the
    pages are read); bytes saved."""
    used: set[str] = set()
    if carried is None:
        for page in site_dir.rglob("*.html"):
            used |= classes_in_html(page.read_text(encoding="utf-8"))
    else:
        for names in carried:
            used.update(names.split())
    for script in scripts:
        used |= tokens_in_script(script.read_text(encoding="utf-8"))
    saved = 0
    for stylesheet in stylesheets:
        css = stylesheet.read_text(encoding="utf-8")
        pruned = prune_css(css, used)
        saved += len(css) - len(pruned)
        stylesheet.write_text(pruned, encoding="utf-8")
    return saved
