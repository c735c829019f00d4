"""The collection step shared by the build and `make check`: every content file read once,
by the same readers, and every content mistake found, in the same words.

The build (`Portal.load`) stops on these problems before MkDocs renders anything; `make
check` prints them (plus typography). A mistake is reported once: a citation of a broken
BibTeX entry is that entry's problem, not an unknown source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from common.config import (
    CONFIG_FILE,
    RECIPIENTS_DATA,
    PortalConfig,
    key_line,
    read_mkdocs_yml,
)
from common.form_markup import PRIVACY_ANCHOR

from ..action.letter_check import letter_problems
from ..action.letter_fields import load_letter_fields
from ..action.letters import check_contact
from ..action.partners import PARTNERS_DATA, Partner, check_partner_setting, load_partners
from ..action.petition import Petition, load_petition
from ..action.recipients import load_recipients
from ..action.share import check_share_links
from ..charts import (
    CAMPAIGN,
    CAMPAIGN_TINT,
    chart_ids,
    check_chart,
    checked_files,
    unknown_chart,
)
from ..citations.archives import ArchiveRecord, load_archives
from ..citations.bibliography_page import uncited
from ..citations.findability import unfindable_sources
from ..citations.preserved import preserve
from ..citations.sources import Source, read_bibliography
from ..floor.errors import ContentError, Problem, did_you_mean
from ..floor.kept_readings import KeptReadings, digest
from ..floor.memo import Memo
from ..pages.corpus import Corpus, collect_docs
from ..pages.links import check_links
from ..sitewide.campaign import campaign_problems
from ..sitewide.mirrors import Mirror, load_mirrors
from ..sitewide.palette import Palette, default_palette
from ..sitewide.redirects import load_redirects

# The fix for a page outside the navigation: the same from `make check` and from MkDocs.
OMITTED_HINT = ("ajoutez la page à `nav`, ou son dossier à `not_in_nav`, dans mkdocs.yml ; "
                "une enquête va dans un dossier déclaré dans `extra.dossiers`")



@dataclass
class Content:
    sources: dict[str, Source]
    corpus: Corpus
    redirects: dict[str, str] = field(default_factory=dict)
    petition: Petition | None = None
    mirrors: list[Mirror] = field(default_factory=list)
    archives: dict[str, ArchiveRecord] = field(default_factory=dict)  # data/archives.yml
    partners: list[Partner] = field(default_factory=list)
    palette: Palette = field(default_factory=default_palette)


def chart_colours(palette: Palette) -> dict[str, str]:
    """The chart kit's campaign colours -> this campaign's (`extra.campaign.colors`)."""
    return {CAMPAIGN.light.lower(): palette.light["chart"],
            CAMPAIGN_TINT.light.lower(): palette.light["chart_tint"]}


def _caught(read: Callable, problems: list[Problem], default=None):
    try:
        return read()
    except ContentError as error:
        problems += error.problems
        return default


def _nav_paths(nav) -> Iterable[str]:
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_paths(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_paths(value)


def nav_problems(nav, pages: Collection[str],
                 where: Callable[[str], tuple[str, int | None]]) -> list[Problem]:
    """Entries of `nav:` naming a page that does not exist. `where(target)`: the file and
    line of an entry (ConfigFile.value_where)."""
    problems = []
    for target in _nav_paths(nav):
        if "://" in target or not target.endswith(".md"):
            continue
        if posixpath.normpath(target) not in pages:
            label, line = where(target)
            problems.append(Problem(label, f"entrée de `nav` vers une page introuvable : "
                                           f"`{target}`", line,
                                    did_you_mean(target, pages, "pages connues")))
    return problems


def omitted_problems(nav, not_in_nav, pages: Collection[str],
                     config_label: str = "mkdocs.yml") -> list[Problem]:
    """Pages neither in `nav` nor matched by `not_in_nav` (a strict build refuses them).
    `not_in_nav`: its text, or the PathSpec MkDocs made of it."""
    if not nav:
        return []  # without `nav`, MkDocs lists every page
    if not_in_nav is None or isinstance(not_in_nav, str):
        import pathspec

        not_in_nav = pathspec.gitignore.GitIgnoreSpec.from_lines((not_in_nav or "").splitlines())
    listed = {posixpath.normpath(p) for p in _nav_paths(nav)}
    omitted = [page for page in sorted(pages)
               if page not in listed and not not_in_nav.match_file(page)]
    if not omitted:
        return []
    return [Problem(config_label, "page(s) hors de la navigation : "
                    + ", ".join(f"`{page}`" for page in omitted), None, OMITTED_HINT)]


def unlisted_folder_problems(nav, corpus: Corpus, dossiers: Collection[str],
                             line: int | None = None, config_label: str = "mkdocs.yml",
                             ) -> list[Problem]:
    """Dossiers no entry of `nav` leads into: a folder of docs/ declared in `extra.dossiers`
    with no page in `nav`. Its pages are left over from a dossier the navigation no longer
    lists (hidden by `not_in_nav`, or linked from nowhere). Advice while one works, refused
    when publishing (rules.py). (A dated page outside the dossiers is refused by every
    build: its `date` is an unknown field there.)"""
    if not nav:
        return []
    listed = {posixpath.normpath(p).split("/")[0] for p in _nav_paths(nav)
              if "://" not in p and "/" in posixpath.normpath(p)}
    folders: dict[str, list[str]] = {}
    for page in sorted(corpus.texts):
        if "/" in page and page.split("/")[0] not in listed:
            folders.setdefault(page.split("/")[0], []).append(page)
    problems = []
    for folder, found in folders.items():
        if folder not in dossiers:
            continue
        shown = ", ".join(f"`{page}`" for page in found[:5]) + (" …" if len(found) > 5 else "")
        problems.append(Problem(
            config_label, f"page(s) d’un dossier que la navigation ne liste pas : `{folder}/` "
            f"({len(found)} page{'s' if len(found) > 1 else ''} : {shown})", line,
            f"ajoutez `{folder}/index.md` à `nav`, ou retirez le dossier docs/{folder}/ "
            "(une construction de publication le refuse)"))
    return problems


def letter_check(corpus: Corpus, docs_label: str, root: Path, config: PortalConfig,
                 ) -> list[Problem]:
    """The letters' fields and recipients, as the pages name them (action/letter_check.py)."""
    problems: list[Problem] = []
    form = _caught(lambda: load_letter_fields(root, config.letters_data), problems, False)
    fields = None if form is False else (
        {name: field.line for name, field in form.fields.items()} if form else {})
    found = _caught(lambda: load_recipients(root), problems)
    recipients = None if found is None else {
        key: key_line(root / RECIPIENTS_DATA, key) for key in found}
    return problems + letter_problems(corpus.texts, docs_label, fields, recipients,
                                      config.letters_data, RECIPIENTS_DATA)


def chart_problems(corpus: Corpus, root: Path, sources: Mapping, charts_dir: Path,
                   draft_specs: bool = False, memo: Memo | None = None,
                   colours: Mapping[str, str] | None = None) -> list[Problem]:
    """Each chart a page shows: its module, table and metadata, read as the build reads them.
    `draft_specs`: also run the module's build(rows) for charts whose drawing is not cached
    (what the build does; a cached drawing was made from the same code and data)."""
    known = chart_ids(charts_dir)
    checked = (memo or Memo()).slot("charts")
    problems: list[Problem] = []
    seen: set[str] = set()
    for page in corpus.pages.values():
        for chart_id, line in page.chart_lines.items():
            if chart_id in seen:
                continue
            seen.add(chart_id)
            if chart_id not in known:
                problems.append(unknown_chart(chart_id, known, page.file_path, line, root,
                                              charts_dir))
                continue
            key = (chart_id, charts_dir, draft_specs, tuple(sorted((colours or {}).items())),
                   stamps(checked_files(chart_id, root, charts_dir)))
            cached = checked.get(key)
            if cached is None or cached[0] is not sources:
                cached = checked[key] = (sources, check_chart(chart_id, root, sources,
                                                              charts_dir, draft_specs, colours))
            problems += cached[1]
    return problems


def collect(root: Path, docs_dir: Path, config: PortalConfig, *, nav=None, not_in_nav=None,
            today: dt.date | None = None, known_names: Collection[str] | None = None,
            changed: Mapping[str, dt.date] | None = None, charts_dir: Path | None = None,
            draft_specs: bool = False, memo: Memo | None = None,
            kept: KeptReadings | None = None) -> tuple[Content, list[Problem]]:
    """Every content file read and checked; the content, and every problem found. `memo`:
    what an earlier reading by the same owner found (files unchanged are not read again);
    `kept`: what an earlier build process found (the pages and the bibliography)."""
    memo = memo or Memo()
    try:
        docs_label = docs_dir.relative_to(root).as_posix()
    except ValueError:
        docs_label = docs_dir.as_posix()
    bib_stamps = stamps(sorted((root / config.bibliography_dir).glob("*.bib")))
    bibliography = _bibliography(root / config.bibliography_dir, root, memo, bib_stamps, kept)
    problems = list(bibliography.problems)
    sources, archives, preserved_stamps = _preserved(bibliography.sources, root, config,
                                                     problems, memo)
    # What the sources were read from: the key of the pages' kept reading.
    read_from = digest(repr(bib_stamps), repr(preserved_stamps), config.bibliography_dir)
    corpus, found = collect_docs(docs_dir, docs_label, list(config.dossiers),
                                 sources, changed, bibliography.broken, today, known_names,
                                 memo, kept and (kept, read_from))
    problems += found
    problems += check_links(corpus.texts, docs_label, docs_dir,
                            macro_anchors(sources, corpus.cited_in()))
    problems += readme_problems(corpus.texts, docs_label)
    if nav:
        problems += nav_problems(nav, corpus.texts, lambda target: _nav_entry(config, target))
        problems += omitted_problems(nav, not_in_nav, corpus.texts)
        problems += unlisted_folder_problems(nav, corpus, config.dossiers,
                                             _config_line(config, "nav"))
    problems += letter_check(corpus, docs_label, root, config)
    palette, found = campaign_problems(config, lambda *keys: _config_where(config, *keys),
                                       _config_value(config, "theme"))
    problems += found
    problems += chart_problems(corpus, root, sources, charts_dir or root / config.charts_dir,
                               draft_specs, memo, chart_colours(palette))
    content = Content(sources, corpus, archives=archives, palette=palette)
    redirects, mirrors = config.redirects_data, config.mirrors_data
    content.redirects = _caught(lambda: load_redirects(root / redirects, redirects,
                                                       set(corpus.texts)), problems, {})
    content.mirrors = _caught(lambda: load_mirrors(root / mirrors, mirrors), problems, [])
    if config.contact_given:  # what the action pages need from mkdocs.yml
        _caught(lambda: check_contact(config.contact), problems)
    _caught(lambda: check_share_links(config.share_links), problems)
    petition_file = config.petition_data
    content.petition = _caught(lambda: load_petition(root / petition_file, petition_file),
                               problems)
    content.partners = _caught(lambda: load_partners(root / PARTNERS_DATA), problems, [])
    problems += check_partner_setting(content.partners)
    not_cited = uncited(sources, corpus.cited_in())
    if not_cited:  # advice (macros/assembly/rules.py): said, never refused
        problems.append(Problem(config.bibliography_dir, f"{len(not_cited)} source(s) citée(s) "
                                "nulle part : " + ", ".join(f"{s.key} ({s.path}:{s.line})"
                                                            for s in not_cited), None,
                                "citez-la dans une page avec [@clé], ou retirez-la (une "
                                "construction de publication les refuse)"))
    problems += unfindable_sources(sources)  # not publishable (rules.py)
    return content, _unique(_without_knock_ons(problems, bibliography.broken))


def macro_anchors(sources: Mapping[str, Source], cited_in: Mapping) -> dict[str, frozenset[str]]:
    """The anchors a macro's output holds, beyond the page's own headings: a link to one of
    them is checked before the build, as MkDocs checks it on the built page. The sources
    page has a heading for each kind of source cited."""
    return dict(  # by macro name
        bibliography=frozenset(s.group for k, s in sources.items() if k in cited_in),
        petition=frozenset({"revendications", "signer", PRIVACY_ANCHOR,
                            "petition-progress-label", "petition-progress-bar"}),
    )


def readme_problems(pages: Collection[str], docs_label: str) -> list[Problem]:
    """A folder with both README.md and index.md: MkDocs leaves README.md out of the site
    (and a strict build stops on it)."""
    problems = []
    for page in sorted(pages):
        folder, name = posixpath.split(page)
        if name.lower() == "readme.md" and posixpath.join(folder, "index.md") in pages:
            problems.append(Problem(f"{docs_label}/{page}", "`README.md` et `index.md` dans le "
                                    "même dossier : MkDocs ignorerait `README.md`", None,
                                    "fusionnez les deux pages dans `index.md`, ou renommez "
                                    "`README.md` (par exemple `presentation.md`)"))
    return problems


def _config_line(config: PortalConfig, *keys) -> int | None:
    return _config_where(config, *keys)[1]


def _config_value(config: PortalConfig, key: str):
    """A setting PortalConfig does not carry (the theme's), as mkdocs.yml writes it."""
    try:
        return read_mkdocs_yml(config.config_file).data.get(key)
    except (OSError, yaml.YAMLError):
        return None


def _config_where(config: PortalConfig, *keys) -> tuple[str, int | None]:
    """The file (mkdocs.yml, or one it INHERITs) and line of a setting."""
    try:
        return read_mkdocs_yml(config.config_file).where(*keys)
    except (OSError, yaml.YAMLError):
        return CONFIG_FILE, None


def _nav_entry(config: PortalConfig, target: str) -> tuple[str, int | None]:
    """Where mkdocs.yml (or a file it INHERITs) lists `target` in `nav`."""
    try:
        return read_mkdocs_yml(config.config_file).value_where(target, "nav")
    except (OSError, yaml.YAMLError):
        return CONFIG_FILE, None


def _without_knock_ons(problems: list[Problem], broken: Collection[str]) -> list[Problem]:
    """A key of a broken BibTeX entry named elsewhere (chart metadata, a CSV column) is that
    entry's problem, already reported: not an unknown source."""
    if not broken:
        return problems
    return [p for p in problems
            if not (p.message.startswith("source inconnue `")
                    and p.message.split("`")[1] in broken)]


def stamps(paths: Iterable[Path]) -> tuple:
    """What tells files changed: each one's path and content digest (None: absent). The
    content, not the clock: two saves within the clock's resolution are still seen."""
    found = []
    for path in paths:
        try:
            found.append((str(path), hashlib.blake2b(path.read_bytes(), digest_size=16).digest()))
        except OSError:
            found.append((str(path), None))
    return tuple(found)


def _bibliography(bib_dir: Path, root: Path, memo: Memo, key: tuple,
                  kept: KeptReadings | None):
    """Read again only when a .bib file changed: a preview rebuild (make serve) after an
    edit of one page does not parse the .bib files again, nor does a new build process
    when the reading was kept (`key`: the .bib files' stamps)."""
    read = memo.slot("bib-files")
    cached = read.get(bib_dir)
    if cached is None or cached[0] != key:
        kept_key = digest(repr(key), bib_dir.relative_to(root).as_posix()
                          if bib_dir.is_relative_to(root) else bib_dir.as_posix())
        found = kept.load("bib-files", kept_key) if kept else None
        if found is None:
            found = read_bibliography(bib_dir, root)
            if kept:
                kept.save("bib-files", kept_key, found)
        cached = read[bib_dir] = (key, found)
    return cached[1]


def _preserved(sources: dict[str, Source], root: Path, config: PortalConfig,
               problems: list[Problem], memo: Memo,
               ) -> tuple[dict[str, Source], dict[str, ArchiveRecord], tuple]:
    """The sources joined with data/archives.yml and their kept documents (checked against
    their hash), read again only when one of them changed: the same sources object from one
    preview rebuild to the next, as the chart cache expects. Also the stamps of the files
    joined (data/archives.yml and the documents)."""
    label_ = config.archives_data
    documents = sorted({root / s.fields["file"] for s in sources.values()
                        if s.fields.get("file") and ".." not in s.fields["file"]})
    key = (id(sources), stamps([root / label_, *documents]), config.documents_dir)
    read = memo.slot("preserved")
    cached = read.get(root)
    if cached is None or cached[0] != key or cached[1] is not sources:
        found: list[Problem] = []
        archives = _caught(lambda: load_archives(root / label_, label_), found, {})
        joined, more = preserve(sources, archives, root, config.documents_dir)
        cached = read[root] = (key, sources, joined, archives, found + more)
    problems += cached[4]
    return cached[2], cached[3], key[1:]


def _unique(problems: list[Problem]) -> list[Problem]:
    """In order of files and lines, each once."""
    return sorted(dict.fromkeys(problems), key=lambda p: (p.path, p.line or 0, p.message))
