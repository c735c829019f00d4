"""Full-text search with Pagefind, indexed while the site builds, offline.

Pagefind writes a small static bundle into `site_dir/pagefind/`: the reader's
browser downloads it only when they use the search page, a few fragments per
query (never the whole index on page load, unlike Material's lunr search).
It stems French (from `<html lang="fr">`) and folds accents at query time.

Pagefind splits words on white space only, then strips what is not a letter or a digit:
"l’honnêteté" was indexed as one word, "lhonnetet", so "honnêteté" never found it. What
Pagefind reads therefore has a space after each French elision ("l’ honnêteté"); the search
page drops elisions from the query and the space from excerpts (assets/search.js).

The built folder is indexed after the build (macros/engine/postbuild.py), whichever engine built
it: the pages go to a Pagefind service process, which reads them on the other cores.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from importlib.metadata import version
from pathlib import Path

from mkdocs.exceptions import PluginError

from ..floor.dirs import replace_dir
from ..floor.log import log

BUNDLE_DIR = "pagefind"
# Decorations that are not part of an article's text.
NOT_TEXT = (".headerlink", ".note-back", ".md-source-file", ".page-dates", "sup.note-call")
# Pagefind's ready-made interfaces: our search page uses the bare API (pagefind.js).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js",
          "pagefind-component-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-highlight.js", "wasm.unknown.pagefind")
# Only pages whose article carries this attribute are indexed (overrides/main.html).
INDEXED_MARK = "data-pagefind-body"
# French elisions, typographic or straight apostrophe (assets/search.js has the same list).
ELISIONS = ("jusqu", "lorsqu", "puisqu", "quoiqu", "qu", "l", "d", "j", "m", "n", "s", "t",
            "c")
# An apostrophe before a letter, then the word it ends, read backwards: a pattern starting
# with the elisions (`\b(jusqu|…)`) would be tried at every position of every page (7x slower).
_APOSTROPHE = re.compile(r"['’](?=\w)")
_ELIDED_WORD = re.compile(r"\b(?:" + "|".join(ELISIONS) + r")\Z", re.IGNORECASE)
SERVICE_CONFIG = {"keep_index_url": True, "exclude_selectors": list(NOT_TEXT)}
# Pagefind runs allowed for one bundle before the build stops (see index_folder).
WRITE_ATTEMPTS = 2
# What made a cached bundle: another Pagefind or other settings make another bundle.
# The portal's own step after Pagefind counts too (sort_entry: "entry sorted").
INDEXER = f"pagefind {version('pagefind-bin')} {json.dumps(SERVICE_CONFIG)} entry sorted"


def pagefind_binary() -> Path:
    """The Pagefind executable shipped by the `pagefind-bin` wheel (no download)."""
    from pagefind_bin import get_executable

    return get_executable()


def _failure(details: str) -> PluginError:
    return PluginError("indexation de la recherche (Pagefind) impossible :\n" + details.strip())


def _drop_unused(site_dir: Path) -> None:
    if not (site_dir / BUNDLE_DIR / "pagefind.js").is_file():
        raise _failure(f"{site_dir / BUNDLE_DIR / 'pagefind.js'} n’a pas été écrit")
    for name in UNUSED:
        (site_dir / BUNDLE_DIR / name).unlink(missing_ok=True)


def split_elisions(page_html: str) -> str:
    """A space after each elision of the text (not of tags): "l’ honnêteté". Text: what
    lies between a `>` and the next `<`."""
    out, last = [], 0
    for match in _APOSTROPHE.finditer(page_html):
        at = match.start()
        if not _ELIDED_WORD.search(page_html, max(0, at - 8), at):
            continue
        opened, closed = page_html.rfind("<", 0, at), page_html.rfind(">", 0, at)
        next_open, next_close = page_html.find("<", at), page_html.find(">", at)
        if closed < 0 or opened > closed or next_open < 0 or 0 <= next_close < next_open:
            continue  # inside a tag, or not between two
        out += [page_html[last:at + 1], " "]
        last = at + 1
    out.append(page_html[last:])
    return "".join(out)


def indexed_part(page_html: str) -> str:
    """What Pagefind reads of a page: its `<html>` tag (the language) and the indexed
    article, without the header, menus and footer it would parse only to skip them; each
    elision followed by a space, so that the word after it is a word of its own."""
    mark = page_html.find(INDEXED_MARK)
    start = page_html.rfind("<article", 0, mark)
    end = page_html.find("</article>", mark)
    html_start = page_html.find("<html")
    html_tag = page_html[html_start:page_html.find(">", html_start) + 1]
    if min(mark, start, end, html_start) < 0 or not html_tag:
        return split_elisions(page_html)
    return split_elisions(
        f"{html_tag}<body>{page_html[start:end + len('</article>')]}</body></html>")


class PagefindService:
    """A `pagefind --service` process (the protocol of Pagefind's own Node and Python
    APIs: base64-encoded JSON messages, each followed by a comma).

    Requests are queued and written by a thread, responses read by another, so the
    build never waits on a pipe; `wait()` collects the answers that matter."""

    def __init__(self, binary: Path) -> None:
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        # All cores but the one MkDocs builds on: Pagefind's threads would otherwise take
        # turns with the build and slow it down more than they save (measured on 2 cores).
        threads = str(max(1, (os.cpu_count() or 2) - 1))
        env = dict(os.environ, RAYON_NUM_THREADS=threads, TOKIO_WORKER_THREADS=threads)
        self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=self._log, env=env)
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        self._answers: dict[int, dict] = {}
        self._answered = threading.Condition()
        self._sent = 0
        self._threads = [threading.Thread(target=self._write, daemon=True),
                         threading.Thread(target=self._read, daemon=True)]
        for thread in self._threads:
            thread.start()

    def send(self, payload: dict) -> int:
        self._sent += 1
        message = {"message_id": self._sent, "payload": payload}
        self._outbox.put(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        return self._sent

    def wait(self, message_id: int, timeout: float = 300) -> dict:
        with self._answered:
            if not self._answered.wait_for(
                    lambda: message_id in self._answers or not self._threads[1].is_alive(),
                    timeout):
                raise _failure(f"pas de réponse de Pagefind après {timeout:.0f} s")
            answer = self._answers.pop(message_id, None)
        if answer is None:
            raise _failure(self._errors() or "Pagefind s’est arrêté")
        if answer.get("type") == "Error":
            raise _failure(f"{answer.get('message')}\n{self._errors()}")
        return answer

    def close(self) -> None:
        self._outbox.put(None)
        self._threads[0].join(timeout=10)
        try:
            # Its input closed, Pagefind finishes writing the bundle and exits: stopped
            # earlier, it left files half-written (an empty pagefind-entry.json was seen,
            # and then reused from the cache by later builds).
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.terminate()
            self._process.wait(timeout=10)
        self._log.close()

    def _write(self) -> None:
        stdin = self._process.stdin
        try:
            while (message := self._outbox.get()) is not None:
                stdin.write(message)
                stdin.flush()
        except OSError:  # the service died: `wait` reports it
            pass
        finally:
            with contextlib.suppress(OSError):  # nothing left to flush to a dead service
                stdin.close()

    def _read(self) -> None:
        stdout, buffer = self._process.stdout, b""
        try:
            while chunk := stdout.read1(1 << 16):
                buffer += chunk
                *messages, buffer = buffer.split(b",")
                answers = [json.loads(base64.b64decode(m)) for m in messages if m]
                with self._answered:
                    for answer in answers:
                        if answer.get("message_id") is not None:
                            self._answers[answer["message_id"]] = answer["payload"]
                    self._answered.notify_all()
        finally:
            with self._answered:
                self._answered.notify_all()

    def _errors(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")


def _page_order(site_dir: Path, path: Path) -> tuple:
    """MkDocs' order of pages: folder by folder, its index first."""
    parts = path.relative_to(site_dir).parts
    return parts[:-1], path.stem != "index", parts[-1]


def index_folder(site_dir: Path, cache_dir: Path,
                 known: Mapping[Path, tuple[str, Callable[[], str]]] | None = None) -> None:
    """Index a built site, whichever engine built it. The bundle is cached by what Pagefind
    reads (`.cache/search/`): while the pages are those of the cached bundle, it is copied
    instead of indexed again. `known`: the pages the post-build step has read, by path, each
    with its `indexed_digest` and a function giving its `indexed_part` (a page of the cached
    bundle is then neither read nor cut); the others are read here."""
    cache = SearchCache(cache_dir)
    known = known or {}
    # (url, digest, what Pagefind reads), in MkDocs' order: the same bundle, byte for byte
    indexed = []
    for path in sorted(site_dir.rglob("*.html"), key=lambda p: _page_order(site_dir, p)):
        if path in known:
            digest, part = known[path]
        else:
            page_html = path.read_text(encoding="utf-8")
            if INDEXED_MARK not in page_html:
                continue
            text = indexed_part(page_html)
            digest, part = hashlib.sha256(text.encode("utf-8")).hexdigest(), lambda t=text: t
        if digest:
            indexed.append(("/" + path.relative_to(site_dir).as_posix(), digest, part))
    entries = [[url, digest] for url, digest, _ in indexed]
    if entries == cache.entries() and cache.copy_bundle(site_dir / BUNDLE_DIR):
        log.info("index de recherche repris du cache (%d pages inchangées)", len(entries))
        return
    pages = [(url, part()) for url, _, part in indexed]
    bundle = site_dir / BUNDLE_DIR
    # Under load, Pagefind has left a file empty though it had answered that the bundle was
    # written (an empty pagefind-entry.json, seen in a full test run beside other builds):
    # such a bundle is never kept, and the pages are indexed once more.
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        shutil.rmtree(bundle, ignore_errors=True)
        _write_bundle(pages, bundle)
        broken = incomplete_files(bundle)
        if not broken:
            break
        log.warning("index de recherche incomplet (%s), essai %d sur %d",
                    ", ".join(broken), attempt, WRITE_ATTEMPTS)
    else:
        shutil.rmtree(bundle, ignore_errors=True)
        raise _failure(f"Pagefind a laissé des fichiers vides ou illisibles après "
                       f"{WRITE_ATTEMPTS} essais : {', '.join(broken)}")
    sort_entry(bundle)
    _drop_unused(site_dir)
    cache.store(entries, bundle)


def sort_entry(bundle: Path) -> None:
    """The entry file with its keys in order: Pagefind writes its languages (one index per
    language since the English edition) in the order of a hash map, which changes from run
    to run; the same pages must give the same bytes."""
    entry = bundle / "pagefind-entry.json"
    data = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")), encoding="utf-8")


def _write_bundle(pages: list[tuple[str, str]], bundle: Path) -> None:
    """One Pagefind run: the pages sent, the bundle written into `bundle`."""
    service = PagefindService(pagefind_binary())
    try:
        index_id = service.wait(service.send({"type": "NewIndex", "config": SERVICE_CONFIG}),
                                timeout=60)["index_id"]
        sent = [service.send({"type": "AddFile", "index_id": index_id, "url": url,
                              "file_path": None, "file_contents": part})
                for url, part in pages]
        for message in sent:
            service.wait(message)
        service.wait(service.send({"type": "WriteFiles", "index_id": index_id,
                                   "output_path": str(bundle)}))
        _wait_until_complete(bundle, timeout=30)
    finally:
        service.close()


def incomplete_files(bundle: Path) -> list[str]:
    """The files of a written bundle that cannot be served as they are: empty ones (every
    file Pagefind writes has content), and an entry file that is not JSON."""
    if not bundle.is_dir():
        return [f"{BUNDLE_DIR}/ absent"]
    broken = sorted(path.relative_to(bundle).as_posix() for path in bundle.rglob("*")
                    if path.is_file() and path.stat().st_size == 0)
    entry = bundle / "pagefind-entry.json"
    if "pagefind-entry.json" not in broken:
        try:
            json.loads(entry.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            broken.append("pagefind-entry.json")
    return broken


def _wait_until_complete(bundle: Path, timeout: float) -> None:
    """Gives Pagefind's last writes time to land before its input is closed (it exits then)."""
    deadline = time.monotonic() + timeout
    while incomplete_files(bundle) and time.monotonic() < deadline:
        time.sleep(0.05)


class SearchCache:
    """The last search bundle written, with the list of pages it was made from."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.manifest = folder / "pages.json"
        self.bundle = folder / BUNDLE_DIR

    def entries(self) -> list[list[str]] | None:
        try:
            manifest = json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return manifest["pages"] if manifest.get("indexer") == INDEXER else None

    def copy_bundle(self, target: Path) -> bool:
        if incomplete_files(self.bundle):
            return False
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(self.bundle, target, copy_function=_link_or_copy)
        return True

    def store(self, entries: list[list[str]], bundle: Path) -> None:
        """Replace the cached bundle: built beside, then renamed into place, so a build
        running alongside never finds half of one."""
        partial = self.folder.with_name(f".search-{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(bundle, partial / BUNDLE_DIR, copy_function=_link_or_copy)
        (partial / "pages.json").write_text(
            json.dumps({"indexer": INDEXER, "pages": entries}), encoding="utf-8")
        replace_dir(partial, self.folder)


def _link_or_copy(source: str, target: str) -> None:
    """A hard link where the file system allows it: Pagefind never edits its files."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
