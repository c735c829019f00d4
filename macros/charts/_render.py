"""Vega-Lite spec to inline SVG with vl-convert (offline), cached by content hash.

The SVG is made deterministic and safe to inline several times in a page: vl-convert
numbers clip paths from a process-wide counter (`clip1`, `clip2`…), so every id is
renamed after the chart id, in order of appearance.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from ..floor.errors import ContentError, Problem
from ..floor.log import log
from ._style import CONFIG

LOCALE = "fr-FR"
_ID = re.compile(r'\bid="([^"]+)"')

@functools.cache  # installed versions do not change during a build: read them once
def library_versions() -> str:
    return f"altair {version('altair')}, vl-convert-python {version('vl-convert-python')}"


def recoloured(value, colours: Mapping[str, str]):
    """`value` (a spec, or a part of it) with each colour of `colours` replaced."""
    if isinstance(value, str):
        return colours.get(value.lower(), value)
    if isinstance(value, list):
        return [recoloured(item, colours) for item in value]
    if isinstance(value, dict):
        return {key: recoloured(item, colours) for key, item in value.items()}
    return value


def vega_lite_spec(chart, colours: Mapping[str, str] | None = None) -> dict:
    """The chart's spec with the portal's look; the same for SVG and the interactive version.
    `colours`: the kit's campaign colours (CAMPAIGN, CAMPAIGN_TINT) -> the campaign's own
    (`extra.campaign.colors`)."""
    spec = chart.to_dict()
    if colours:
        spec = recoloured(spec, colours)
    config = spec.get("config", {})
    for name, value in CONFIG.items():
        # Ours first, then what the chart itself configures (Altair adds a `view` size).
        config[name] = {**value, **config.get(name, {})} if isinstance(value, dict) else value
    spec["config"] = config
    return spec


def stable_svg(svg: str, prefix: str) -> str:
    """Ids renamed `<prefix>-1`, `<prefix>-2`… in order, with every reference to them."""
    mapping = {}
    for old in _ID.findall(svg):
        mapping.setdefault(old, f"{prefix}-{len(mapping) + 1}")
    for old, new in mapping.items():
        svg = re.sub(rf'(\bid="|url\(#|href="#){re.escape(old)}(?=[")])', rf"\g<1>{new}", svg)
    return svg


_GEOMETRY = re.compile(r'(\s(?:d|transform|x|y|x1|x2|y1|y2)=")([^"]*)"')
_LONG_DECIMAL = re.compile(r"-?\d+\.\d{3,}")
# What a static SVG does not need: Vega's own class names (no style of ours uses them),
# default values, and the empty frames Vega keeps for interaction.
_UNUSED = re.compile(r' (?:opacity="1"|pointer-events="none"|class="(?:mark-|role-|background'
                     r'|foreground)[^"]*")|<path class="(?:background|foreground)"[^>]*? '
                     r'd="(?:M0,0h0v0h0Z)?"[^>]*/>')


def _hundredths(match: re.Match) -> str:
    text = f"{round(float(match.group(0)), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def slim_svg(svg: str) -> str:
    """5 to 30 % lighter, drawn the same: coordinates to the hundredth of a pixel
    (`1.0999999999999943` -> `1.1`) and unused attributes dropped. Text and colours (which
    the dark-mode style selects on) are left as they are."""
    svg = _GEOMETRY.sub(lambda m: m.group(1) + _LONG_DECIMAL.sub(_hundredths, m.group(2)) + '"',
                        svg)
    return _UNUSED.sub("", svg)


def render_svg(spec: dict, prefix: str) -> str:
    import vl_convert  # a native library: loaded only when something must be rendered

    # No base URL allowed: a spec can never make the build fetch anything from the network.
    svg = vl_convert.vegalite_to_svg(spec, format_locale=LOCALE, time_format_locale=LOCALE,
                                     allowed_base_urls=[])
    svg = slim_svg(stable_svg(svg, prefix))
    # Drop the fixed white background vl-convert paints, so dark mode shows through.
    return re.sub(r'^(<svg\b[^>]*>)<rect width="[\d.]+" height="[\d.]+" fill="white"/>',
                  r"\1", svg)


def cache_key(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


@dataclass
class Rendered:
    svg: str
    spec: dict
    drawn_here: bool = False  # drawn by this process now (not from the cache nor another one)


class RenderCache:
    """`<key>.svg` and `<key>.json` in a folder outside docs/ and site/."""

    def __init__(self, folder: Path):
        self.folder = folder

    def has(self, key: str) -> bool:
        return (self.folder / f"{key}.svg").exists() and (self.folder / f"{key}.json").exists()

    def get(self, key: str) -> Rendered | None:
        if not self.has(key):
            return None
        return Rendered((self.folder / f"{key}.svg").read_text(encoding="utf-8"),
                        json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8")))

    def put(self, key: str, rendered: Rendered) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for suffix, text in ((".json", json.dumps(rendered.spec, ensure_ascii=False)),
                             (".svg", rendered.svg)):
            # Written beside, then renamed: a build running alongside never reads half a file.
            partial = self.folder / f".{key}{suffix}.{os.getpid()}"
            partial.write_text(text, encoding="utf-8")
            partial.replace(self.folder / f"{key}{suffix}")


def failure_reason(error: Exception) -> str:
    """What went wrong in a chart module, in a line: vl-convert's message is a header, the
    JavaScript error, then its stack (`at …`), kept without the stack."""
    lines = [line.strip() for line in str(error).splitlines()
             if line.strip() and not line.strip().startswith("at ")]
    return f"{type(error).__name__} : {' '.join(lines[:2]) or type(error).__name__}"


def draw(chart_id: str, make_spec: Callable[[], dict], module_path: Path | None = None,
         ) -> tuple[dict | None, str | None, str, int | None]:
    """`(spec, svg, "", None)`, or `(None, None, reason, line)` when the chart module fails
    (`line`: of the module, when the error came from it): plain values, so that a drawing
    process can hand them back whatever the error was."""
    try:
        spec = make_spec()
        return spec, render_svg(spec, f"graphique-{chart_id}"), "", None
    except Exception as error:
        return None, None, failure_reason(error), module_line(error, module_path)


def module_line(error: BaseException, module_path: Path | None) -> int | None:
    """The line of the chart module where `error` was raised (its last frame there)."""
    if module_path is None:
        return None
    return next((frame.lineno for frame in reversed(traceback.extract_tb(error.__traceback__))
                 if Path(frame.filename).resolve() == module_path.resolve()), None)


def drawing_problem(label: str, reason: str, line: int | None) -> Problem:
    """A chart module (`label`) whose build(rows) failed, or whose spec vl-convert refused."""
    return Problem(label, f"le graphique n’a pas pu être dessiné : "
                   f"{reason}", line, "vérifiez build(rows) : les noms de colonnes de COLUMNS, "
                   "et des données prises dans rows (alt.Data(values=…)), jamais à une adresse")


def render_cached(cache: RenderCache, key: str, chart_id: str, make_spec: Callable[[], dict],
                  drawing: Future | None = None, module_path: Path | None = None,
                  label: str = "") -> Rendered:
    """`drawing`: `draw`'s answer coming from another process (Charts.prerender); `label`:
    how messages name the chart module."""
    hit = cache.get(key)
    if hit:
        return hit
    here = drawing is None
    try:
        spec, svg, reason, line = (drawing.result() if drawing
                                   else draw(chart_id, make_spec, module_path))
    except Exception:  # the drawing process died (killed, out of memory): draw it here
        here = True
        spec, svg, reason, line = draw(chart_id, make_spec, module_path)
    if reason:  # a mistake in the chart module: named, without a traceback
        raise ContentError([drawing_problem(label or f"{chart_id}.py", reason, line)])
    rendered = Rendered(svg, spec)
    cache.put(key, rendered)
    log.info("graphique `%s` rendu en SVG (mis en cache)", chart_id)
    return Rendered(svg, spec, drawn_here=here)
