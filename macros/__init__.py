"""mkdocs-macros entry point: wiring only. The work is done in the modules it calls."""

from __future__ import annotations

import functools
from pathlib import Path

from mkdocs.utils import get_relative_url

from .article import byline, reply_block
from .citations.bibliography_page import render_bibliography, uncited
from .citations.export import write_exports
from .citations.notes import render_notes
from .errors import ContentError, Problem, did_you_mean
from .listings import teaser_list
from .log import advisory
from .portal import Portal

_portal: Portal | None = None


def _deferred(macro):
    """Keep a macro's ContentError for the page hook, which reports it without a traceback."""
    @functools.wraps(macro)
    def wrapper(*args, **kwargs):
        try:
            return macro(*args, **kwargs)
        except ContentError as error:
            _portal.pending.append(error)
            return ""
    return wrapper


def define_env(env):
    global _portal
    _portal = Portal.load(env.conf["config_file_path"], env.conf["docs_dir"], env.conf["extra"])
    portal = _portal

    not_cited = uncited(portal.sources, portal.corpus.cited_in())
    if not_cited:
        advisory.warning("%d source(s) citée(s) nulle part : %s", len(not_cited),
                         ", ".join(f"{s.key} ({s.path}:{s.line})" for s in not_cited))

    def page_path() -> str:
        return env.page.file.src_uri

    @env.macro
    @_deferred
    def investigations(dossier: str) -> str:
        """The investigations of a dossier, newest first, from their front matter."""
        dossiers = env.conf["extra"].get("dossiers", [])
        if dossier not in dossiers:
            raise ContentError([Problem(f"docs/{page_path()}", f"dossier inconnu `{dossier}`",
                                        hint=did_you_mean(dossier, dossiers, "dossiers"))])
        return teaser_list(portal.corpus.investigations(dossier), page_path(), "investigations")

    @env.macro
    @_deferred
    def latest_publications(limit: int = 5) -> str:
        """The latest investigations of every dossier."""
        return teaser_list(portal.corpus.investigations()[:limit], page_path(), "latest")

    @env.macro
    def bibliography() -> str:
        """Every cited source, grouped by kind, with the pages that cite it."""
        files, page = env.variables["files"], env.page

        def url_for(path: str) -> str:
            return get_relative_url(files.get_file_from_path(path).url, page.url)

        return render_bibliography(portal.sources, portal.corpus.cited_in(), url_for)


def on_pre_page_macros(env):
    record = _portal.corpus.pages.get(env.page.file.src_uri)
    if record and record.dossier:
        env.markdown = byline(record) + env.markdown + reply_block(record)


def on_post_page_macros(env):
    if _portal.pending:
        error = _portal.pending.pop(0)
        _portal.pending.clear()
        raise error
    env.markdown = render_notes(env.markdown, _portal.sources, f"docs/{env.page.file.src_uri}")


def on_post_build(env):
    write_exports(_portal.sources, _portal.bib_dir, Path(env.conf["site_dir"]) / "sources")
