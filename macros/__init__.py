"""mkdocs-macros entry point: wiring only. The work is done in the modules it calls."""

from __future__ import annotations

import functools
from pathlib import Path

from mkdocs.utils import get_relative_url

from .action import Action
from .article import decorate
from .citations.bibliography_page import render_bibliography, uncited
from .citations.export import write_exports
from .citations.notes import render_notes
from .errors import ContentError, Problem, did_you_mean
from .feeds import FeedInfo, feed_entries, render_feeds
from .letters import contact_html, letter_actions, letter_field, letter_form
from .listings import relative_link, teaser_list
from .log import advisory
from .news import news_items, news_list
from .petition import render_petition
from .portal import Portal
from .redirects import page_url, redirect_html
from .share import action_block, script_tag, share_html

_portal: Portal | None = None
_action: Action | None = None


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

    def check_dossier(dossier: str | None) -> None:
        dossiers = env.conf["extra"].get("dossiers", [])
        if dossier is not None and dossier not in dossiers:
            raise ContentError([Problem(f"docs/{page_path()}", f"dossier inconnu `{dossier}`",
                                        hint=did_you_mean(dossier, dossiers, "dossiers connus"))])

    @env.macro
    @_deferred
    def investigations(dossier: str) -> str:
        """The investigations of a dossier, newest first, from their front matter."""
        check_dossier(dossier)
        return teaser_list(portal.corpus.investigations(dossier), page_path(), "investigations")

    @env.macro
    @_deferred
    def latest_publications(limit: int = 5, dossier: str | None = None) -> str:
        """Publications and dated updates, newest first."""
        check_dossier(dossier)
        return news_list(news_items(portal.corpus, dossier)[:limit], page_path())

    @env.macro
    def bibliography() -> str:
        """Every cited source, grouped by kind, with the pages that cite it."""
        files, page = env.variables["files"], env.page

        def url_for(path: str) -> str:
            return get_relative_url(files.get_file_from_path(path).url, page.url)

        return render_bibliography(portal.sources, portal.corpus.cited_in(), url_for)

    _define_action_macros(env, portal)


def _asset(env, name: str) -> str:
    return get_relative_url(f"assets/{name}", env.page.url)


def _page_address(conf, page) -> str:
    return (conf.get("site_url") or "").rstrip("/") + "/" + page.url


def _define_action_macros(env, portal: Portal) -> None:
    """Petition, share links, letters and contact (macros/action.py and the modules it reads)."""
    global _action
    _action = action = Action.load(portal.root, portal.docs_dir, env.conf["extra"])

    def where() -> str:
        return f"docs/{env.page.file.src_uri}"

    def contact_or_fail():
        if action.contact is None:
            raise ContentError([Problem("mkdocs.yml", "adresse de contact manquante : "
                                        "`extra.contact.email`", hint="ajoutez `contact:` puis "
                                        "`email: …` sous `extra:`")])
        return action.contact

    @env.macro
    @_deferred
    def petition() -> str:
        """The petition page: text, demands, progress bar, form (or how to sign), privacy."""
        if action.petition is None:
            raise ContentError([Problem(action.petition_label, "fichier de la pétition "
                                        "introuvable", hint=f"créez {action.petition_label} "
                                        "(voir CONTRIBUTING.md)")])
        contact = contact_html(contact_or_fail(), "Signer la pétition") \
            if not action.petition.endpoint else ""
        return render_petition(action.petition, contact, _asset(env, "petition-count.js"))

    @env.macro
    @_deferred
    def share_links() -> str:
        return (share_html(env.page.title, _page_address(env.conf, env.page),
                           action.share_links) + script_tag(_asset(env, "share.js")))

    @env.macro
    @_deferred
    def contact_details(subject: str = "") -> str:
        return contact_html(contact_or_fail(), subject)

    @_deferred
    def a_letter_field(name: str) -> str:
        return letter_field(name, where())

    env.macro(a_letter_field, "letter_field")
    env.macro(lambda: letter_form(_asset(env, "letters.js")), "letter_form")
    env.macro(letter_actions, "letter_actions")


def _call_to_action(env, record) -> str:
    """Sign and share, at the end of every investigation."""
    page = env.page
    petition_href = (relative_link(_action.petition_page, page.file.src_uri)
                     if _action.petition_page else None)
    return action_block(record.title, _page_address(env.conf, page), petition_href,
                        _action.call_to_action, _action.share_links, _asset(env, "share.js"))


def _history_url(conf, src_uri: str) -> str | None:
    repo, history = conf.get("repo_url"), conf["extra"].get("history_uri")
    return f"{repo.rstrip('/')}/{history.strip('/')}/{src_uri}" if repo and history else None


def on_pre_page_macros(env):
    page = env.page
    _portal.urls[page.file.src_uri] = page.url
    record = _portal.corpus.pages.get(page.file.src_uri)
    if record:
        env.markdown = decorate(record, env.markdown, _history_url(env.conf, page.file.src_uri))
        if record.dossier:
            env.markdown += _call_to_action(env, record)


def on_post_page_macros(env):
    if _portal.pending:
        error = _portal.pending.pop(0)
        _portal.pending.clear()
        raise error
    env.markdown = render_notes(env.markdown, _portal.sources, f"docs/{env.page.file.src_uri}")


def on_post_build(env):
    conf, site_dir = env.conf, Path(env.conf["site_dir"])
    write_exports(_portal.sources, _portal.bib_dir, site_dir / "sources")
    site_url = (conf.get("site_url") or "").rstrip("/") + "/"
    info = FeedInfo(conf["site_name"], conf.get("site_description") or "", site_url,
                    author=conf.get("site_author") or "")
    entries = feed_entries(news_items(_portal.corpus), _portal.urls, site_url)
    for name, text in render_feeds(info, entries).items():
        (site_dir / name).write_text(text, encoding="utf-8")
    for old, new in _portal.redirects.items():
        target = _portal.urls[new]
        stub = site_dir / page_url(old)
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text(redirect_html(old, target, site_url + target), encoding="utf-8")
