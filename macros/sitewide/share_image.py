"""Share images ("cards") drawn at build time: 1200x630 PNG, a page's title on the portal's
colours, for the previews social networks and messaging apps show when a link is shared.

Nothing is fetched: the font is DejaVu Sans Bold, shipped in macros/sitewide/fonts/ (Pillow’s own
built-in font has no accented letters). The bytes depend only on the card's texts, the font
file and the pinned Pillow, so the same page gives the same PNG on every machine; each image
is cached in .cache/share-images/ under the hash of those inputs.
"""

from __future__ import annotations

import functools
import hashlib
import io
import multiprocessing
import os
import shutil
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .palette import Palette, default_palette

WIDTH, HEIGHT = 1200, 630
FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans-Bold.ttf"
TEXT = (255, 255, 255)
MARGIN = 80
TITLE_SIZES = (68, 60, 52, 46, 40)
TITLE_LINES = 5
# Bumped when the drawing changes, so that cached images are drawn again.
DRAWING_VERSION = "4"
# Fewer images to draw than this: drawn at the end of the build. Starting a drawing process
# costs about as much as drawing a few.
PRERENDER_MIN = 8


RGB = tuple[int, int, int]


@dataclass(frozen=True)
class CardColours:
    """The campaign's colours on a card (`extra.campaign.colors`, macros/sitewide/palette.py):
    the light scheme's primary (background) and its dark shade (band), and the dark scheme's
    accent (kicker), readable on both."""

    background: RGB
    band: RGB
    accent: RGB

    @classmethod
    def of(cls, palette: Palette) -> CardColours:
        return cls(palette.rgb("light", "primary"), palette.rgb("light", "primary_dark"),
                   palette.rgb("dark", "accent"))


DEFAULT_COLOURS = CardColours.of(default_palette())


@dataclass(frozen=True)
class Card:
    """What a share image shows: a small kicker ("Enquête"), the title, the site's name."""

    title: str
    kicker: str
    footer: str


@functools.cache  # the font file does not change during a build: hash it once
def _file_digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def _font(size: int, font_path: Path):
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path), size)


def wrap(text: str, fits, max_lines: int) -> list[str] | None:
    """`text` cut into lines that each `fits` (a width test), or None when it needs more
    than `max_lines`. A word too long for a line alone is kept whole (the test decides)."""
    lines: list[str] = []
    # Split at ordinary spaces only: a no-break space (« score ») keeps its words together.
    for word in filter(None, text.split(" ")):
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines if len(lines) <= max_lines else None


def shorten(text: str, fits, max_lines: int) -> list[str]:
    """The first words of `text` that fit in `max_lines`, ending with an ellipsis."""
    words = list(filter(None, text.split(" ")))
    while words:
        words.pop()
        lines = wrap(" ".join(words) + " …", fits, max_lines)
        if lines:
            return lines
    return ["…"]


def layout_title(title: str, font_path: Path = FONT) -> tuple[int, list[str]]:
    """The largest size at which the title fits, and its lines (shortened at the smallest)."""
    width = WIDTH - 2 * MARGIN
    for size in TITLE_SIZES:
        font = _font(size, font_path)
        lines = wrap(title, lambda line, f=font: f.getlength(line) <= width, TITLE_LINES)
        if lines:
            return size, lines
    font = _font(TITLE_SIZES[-1], font_path)
    return TITLE_SIZES[-1], shorten(title, lambda line: font.getlength(line) <= width,
                                    TITLE_LINES)


# Each text is anti-aliased between two colours: ten shades of each pair make the image's
# palette (30 colours), so the card is drawn as palette indices and never quantised
# (quantising a 1200x630 RGB image took half of each card's time).
SHADES = 10


def card_palette(colours: CardColours) -> list[int]:
    """The image's 30 colours: ten shades of each (background, text) pair of the card."""
    pairs = ((colours.background, colours.accent), (colours.background, TEXT),
             (colours.band, TEXT))  # kicker, title, footer
    return [round(a + (b - a) * shade / (SHADES - 1)) for low, high in pairs
            for shade in range(SHADES) for a, b in zip(low, high, strict=True)]


_BACKGROUND_INDEX, _ACCENT_INDEX, _BAND_INDEX = 0, SHADES - 1, 2 * SHADES
BAND_TOP = HEIGHT - 110


def _draw_text(index, pair: int, box: tuple[int, int, int, int], draw) -> None:
    """Text drawn by `draw(ImageDraw, left, top)` in `box` of the index image `index`, in the
    shades of the pair numbered `pair` (card_palette): each pixel takes the shade nearest
    its coverage."""
    from PIL import Image, ImageDraw

    left, top, right, bottom = box
    coverage = Image.new("L", (right - left, bottom - top), 0)
    draw(ImageDraw.Draw(coverage), -left, -top)
    first = pair * SHADES
    shades = coverage.point([first + (v * (SHADES - 1) + 127) // 255 for v in range(256)])
    index.paste(shades, (left, top), mask=coverage.point([0] + [255] * 255))


def render_card(card: Card, font_path: Path = FONT, colours: CardColours | None = None,
                ) -> bytes:
    """The card as PNG bytes (no metadata, no timestamp: the same card gives the same bytes)."""
    from PIL import Image, ImageDraw

    index = Image.new("L", (WIDTH, HEIGHT), _BACKGROUND_INDEX)  # palette indices
    draw = ImageDraw.Draw(index)
    draw.rectangle((0, BAND_TOP, WIDTH, HEIGHT), fill=_BAND_INDEX)
    draw.rectangle((MARGIN, 70, MARGIN + 90, 78), fill=_ACCENT_INDEX)
    kicker_font = _font(30, font_path)
    _draw_text(index, 0, (0, 80, WIDTH, 150), lambda d, x, y: d.text(
        (MARGIN + x, 96 + y), card.kicker.upper(), font=kicker_font, fill=255))
    size, lines = layout_title(card.title, font_path)
    font = _font(size, font_path)
    line_height = round(size * 1.22)
    top = 150 + (BAND_TOP - 150 - line_height * len(lines)) // 2

    def title(d, x, y):
        for number, line in enumerate(lines):
            d.text((MARGIN + x, top + number * line_height + y), line, font=font, fill=255)
    # Where the lines are (five of the largest size start above 150): boxes may overlap, a
    # text is pasted only where it covers.
    _draw_text(index, 1, (0, max(0, top - size // 2), WIDTH,
                          min(HEIGHT, top + line_height * len(lines) + size // 2)), title)
    footer_font = _font(28, font_path)
    footer = card.footer
    if footer_font.getlength(footer) > WIDTH - 2 * MARGIN:
        footer = shorten(footer, lambda line: footer_font.getlength(line) <= WIDTH - 2 * MARGIN,
                         1)[0]
    _draw_text(index, 2, (0, BAND_TOP, WIDTH, HEIGHT), lambda d, x, y: d.text(
        (MARGIN + x, HEIGHT - 55 + y), footer, font=footer_font, fill=255, anchor="lm"))
    image = Image.frombytes("P", (WIDTH, HEIGHT), index.tobytes())
    image.putpalette(card_palette(colours or DEFAULT_COLOURS))
    out = io.BytesIO()
    # Level 6: 6 times faster than 9 for a few per cent more bytes.
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


@dataclass
class ShareImages:
    """Cards drawn once and kept in `cache_dir` under the hash of everything they depend on.
    `png` may be called from several threads: Pillow lets go of Python's lock while it draws
    text and compresses, so a first build draws its images about twice as fast with two."""

    cache_dir: Path
    font_path: Path = FONT
    colours: CardColours | None = None  # None: the default palette's
    drawn: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def key(self, card: Card) -> str:
        from PIL import __version__ as pillow_version

        digest = hashlib.sha256()
        colours = self.colours or DEFAULT_COLOURS
        for part in (DRAWING_VERSION, pillow_version, card.title, card.kicker, card.footer,
                     repr((colours.background, colours.band, colours.accent))):
            digest.update(part.encode("utf-8") + b"\0")
        digest.update(_file_digest(self.font_path))
        return digest.hexdigest()

    # Images being drawn in a second process (`prerender`): key -> render_card's answer.
    drawing: dict[str, Future] = field(default_factory=dict, repr=False)

    def prerender(self, cards: Iterable[Card], minimum: int = PRERENDER_MIN) -> None:
        """Start drawing, in a second process, the images the cache lacks: the build goes on
        meanwhile (as the charts do, macros/charts/__init__.py), and `png` takes each one
        when the site's images are written. What the second process has not begun by then
        is drawn here. Each image it draws goes into the cache: under Zensical, the build's
        process starts the drawing and the post-build step's process takes the images."""
        todo = {}
        for card in cards:
            key = self.key(card)
            if key not in todo and not (self.cache_dir / f"{key}.png").is_file():
                todo[key] = card
        if len(todo) < minimum:
            return
        # "spawn": a clean process, not a copy of this one and of its threads.
        pool = ProcessPoolExecutor(max_workers=1,
                                   mp_context=multiprocessing.get_context("spawn"))
        for key, card in todo.items():
            self.drawing[key] = pool.submit(draw_into, card, self.font_path,
                                            self.cache_dir / f"{key}.png", self.colours)
        pool.shutdown(wait=False)  # the process ends once the queue is drawn

    def _drawn_apart(self, key: str) -> bytes | None:
        with self._lock:
            future = self.drawing.pop(key, None)
        if future is None or future.cancel():  # not begun over there: drawn here
            return None
        try:
            return future.result()
        except Exception:  # the drawing process died (killed, out of memory): drawn here
            return None

    def png(self, card: Card) -> bytes:
        key = self.key(card)
        cached = self.cache_dir / f"{key}.png"
        if cached.is_file():
            return cached.read_bytes()
        data = self._drawn_apart(key) or draw_into(card, self.font_path, cached, self.colours)
        with self._lock:
            self.drawn += 1
        return data

    def file(self, card: Card) -> Path:
        """The card's file in the cache, drawn first when the cache lacks it."""
        cached = self.cache_dir / f"{self.key(card)}.png"
        if not cached.is_file():
            self.png(card)  # drawn into the cache, here or by the drawing process
        return cached

    def files(self, cards: list[Card], workers: int = 2) -> list[Path]:
        """The cached file of each card, in order, drawn by `workers` threads when not cached."""
        if workers <= 1 or len(cards) <= 1:
            return [self.file(card) for card in cards]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(self.file, cards))


def publish_file(cached: Path, target: Path) -> None:
    """A cached image put at `target` of the site: a hard link where the file system allows
    it (a tenth of the time of a copy for a thousand images). Neither file is ever written in
    place: the cache's are replaced by renaming (`draw_into`) and the old target is removed
    first, so a later build never changes a published image, nor a published image the cache."""
    target.unlink(missing_ok=True)
    try:
        os.link(cached, target)
    except OSError:  # another file system, or links refused
        shutil.copyfile(cached, target)


def draw_into(card: Card, font_path: Path, cached: Path, colours: CardColours | None = None,
              ) -> bytes:
    """The card drawn and kept at `cached` (in the build's process, or in the drawing process
    `prerender` starts: what it draws is in the cache even for a process that never asks)."""
    data = render_card(card, font_path, colours)
    cached.parent.mkdir(parents=True, exist_ok=True)
    # Written beside, then renamed: a build running alongside never reads half a file.
    partial = cached.with_name(f".{cached.name}.{os.getpid()}.{threading.get_ident()}")
    partial.write_bytes(data)
    partial.replace(cached)
    return data
