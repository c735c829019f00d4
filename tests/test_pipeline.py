"""The page pipeline (macros/assembly/pipeline.py) driven without MkDocs or Zensical: a page
record and its text in, the page's head, banners, decorations, notes and JSON-LD out."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from common.config import PortalConfig, read_mkdocs_yml
from macros.action import Action
from macros.assembly.pipeline import PagePipeline, body_line, pending_error
from macros.assembly.portal import Portal
from macros.assembly.publication import Publication
from macros.floor.errors import BuildStopped, ContentError, Problem
from macros.floor.stash import HtmlStash
from support.sites import make_site

ARTICLE = "enquetes/une-enquete.md"


@dataclass
class Page:
    """What an adapter hands over (macros/engine/engines.py: PageRef), without an engine."""

    src_uri: str
    url: str
    title: str = ""
    meta: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    project = make_site(tmp_path_factory.mktemp("pipeline"))
    written = read_mkdocs_yml(project / "mkdocs.yml", {})
    conf = {**written.data, "config_file_path": str(project / "mkdocs.yml")}
    config = PortalConfig.from_mkdocs(conf, {})
    portal = Portal.load(config)
    action = Action.with_petition(portal.content.petition, config.docs_dir, config)
    return PagePipeline(config, portal, Publication.load(conf, portal, action), action)


def _page(pipeline, src_uri: str, url: str) -> tuple[Page, str]:
    """The page as an engine hands it over: its front matter as `meta`, then its text."""
    record = pipeline.portal.corpus.pages[src_uri]
    body = pipeline.portal.corpus.texts[src_uri].split("---\n", 2)[2]
    return Page(src_uri, url, meta=dict(record.meta)), body


def test_an_investigation_through_the_pipeline(pipeline):
    page, body = _page(pipeline, ARTICLE, "enquetes/une-enquete.html")
    work = pipeline.start(page, body)
    # Head and banners are in the page's meta, where the templates read them.
    assert 'property="og:title" content="Une enquête"' in page.meta["portal_head"]
    assert page.meta["description"] == "Résumé."
    assert "portal_banners" in page.meta
    # The decorations were built once, and go around the text.
    assert "Équipe du portail" in work.before and body not in work.before
    assert work.line_offset == body_line(pipeline.portal.corpus.texts[ARTICLE], body) - 1 > 0
    stash = HtmlStash()
    out = stash.restore(pipeline.finish(work, body, stash))  # the stashed HTML put back
    assert out.index("Équipe du portail") < out.index("Un fait")
    # The citation became a note, and the investigation's JSON-LD joined its head.
    assert "[@dubois_2021]" not in out
    assert "Contrôler les assistés" in out
    assert "application/ld+json" in page.meta["portal_head"]
    assert "Article" in page.meta["portal_head"]


def test_a_page_that_is_not_an_investigation_has_no_article(pipeline):
    page, body = _page(pipeline, "index.md", "index.html")
    work = pipeline.start(page, body)
    assert work.record is not None and work.record.dossier is None
    out = pipeline.finish(work, body, HtmlStash())
    assert "Bienvenue." in out
    assert "application/ld+json" not in page.meta["portal_head"]


def test_the_mistakes_of_a_page_stop_the_build_each_once(pipeline):
    page = Page("index.md", "index.html", meta={})
    work = pipeline.start(page, "Bienvenue.\n")
    problem = Problem("docs/index.md", "graphique inconnu `x`", 3, "créez-le")
    work.pending += [ContentError([problem]), ContentError([problem])]
    assert pending_error(work.pending).problems == [problem]
    with pytest.raises(BuildStopped) as stopped:
        pipeline.finish(work, "Bienvenue.\n", HtmlStash())
    assert str(stopped.value).count("graphique inconnu `x`") == 1
    assert work.pending == []


def test_a_kept_mistake_leaves_the_page_as_it_is(pipeline):
    kept = []
    keeping = PagePipeline(pipeline.config, pipeline.portal, pipeline.publication,
                           pipeline.action, keep=lambda error: kept.append(error) or True)
    page = Page("index.md", "index.html", meta={})
    work = keeping.start(page, "Bienvenue.\n")
    work.pending.append(ContentError([Problem("docs/index.md", "erreur", 1)]))
    assert keeping.finish(work, "Bienvenue.\n", HtmlStash()) is None
    assert [p.message for e in kept for p in e.problems] == ["erreur"]


def test_body_line():
    text = "---\ntitle: A\n---\n\nLe texte.\n"
    assert body_line(text, "\nLe texte.\n") == 4
    assert body_line(text, "") == 1


# -- One front-matter reader, one chart pattern (issue 28) ---------------------------------

FRONT = "---\ntitle: Une page\n---\n\nTexte ! {{ chart(\"a-b\") }} et {{ chart('c') }}.\n"


@pytest.mark.parametrize("text", [FRONT, "\ufeff" + FRONT, FRONT.replace("\n", "\r\n"),
                                  "\ufeff" + FRONT.replace("\n", "\r\n")])
def test_every_reader_finds_the_same_front_matter(text):
    """The build, the typography fixer and the preview read a front matter with or without
    a byte order mark, with `\\n` or `\\r\\n` line ends, through the one pattern."""
    from macros.pages.corpus import chart_calls
    from macros.pages.frontmatter import front_matter_end, front_matter_text, split_front_matter
    from macros.pages.typography import find_fixes
    from scripts.quick_preview import signature

    front, problems = split_front_matter(text, "docs/x.md")
    assert problems == [] and front.meta == {"title": "Une page"} and front.body_line == 4
    end = front_matter_end(text)
    assert text[end:] == front.body and front_matter_text(text) == text[:end]
    assert signature(text)[0] == text[:end]
    assert chart_calls(text) == ["a-b", "c"] == list(signature(text)[2])
    # The typography rules see the front matter as such (`title: …` is no French colon)
    # and find the one mistake of the text: the space before « ! ».
    fixes = find_fixes(text)
    assert [text[f.start:f.end + 1] for f in fixes] == [" !"] and fixes[0].start > end


def test_an_unclosed_front_matter_is_named_whatever_its_line_ends():
    from macros.pages.frontmatter import split_front_matter

    for text in ("---\ntitle: x\n", "\ufeff---\r\ntitle: x\r\n"):
        _, problems = split_front_matter(text, "docs/x.md")
        assert [p.message for p in problems] == [
            "en-tête jamais refermé : la ligne `---` de fin manque"]


# -- The page macros and a build's macro calls, without any engine (assembly/build.py) ----

MACRO_PAGE = ('---\ntitle: Accueil\n---\n\n{{ investigations(extra.choisi) }}\n\n'
              '{{ latest_publications(1, "enquetes", 3) }}\n\n{{ config.extra.nope.x }}\n')


class _Env:
    """What the page macros need of mkdocs-macros' env: a way to register, the page."""

    def __init__(self, page):
        self.macros, self.page = {}, page

    def macro(self, function, name: str = ""):
        self.macros[name or function.__name__] = function
        return function


def test_the_page_macros_keep_their_mistakes_for_the_pipeline_without_an_engine(tmp_path):
    """A build (`PortalBuild`) hands a page to the pipeline, the page macros run, and each
    mistake is kept for the pipeline with its line: a wrong value, wrong arguments, a
    template error; the pipeline then stops the build naming each once."""
    from types import SimpleNamespace

    from macros.assembly.build import PortalBuild, page_flags
    from macros.assembly.page_macros import register_macros

    project = make_site(tmp_path, docs={"index.md": MACRO_PAGE})
    written = read_mkdocs_yml(project / "mkdocs.yml", {})
    conf = {**written.data, "config_file_path": str(project / "mkdocs.yml")}
    build = PortalBuild(conf)
    config = build.config
    build.portal = Portal.load(config)
    build.action = Action.with_petition(build.portal.content.petition, config.docs_dir, config)
    build.publication = Publication.load(conf, build.portal, build.action)
    build.pipeline = PagePipeline(config, build.portal, build.publication, build.action)
    page = Page("index.md", "index.html", meta={"title": "Accueil"})
    env = _Env(SimpleNamespace(file=SimpleNamespace(src_uri="index.md"), url="index.html",
                               title="Accueil"))
    register_macros(env, build)
    body = MACRO_PAGE.split("---\n", 2)[2]
    build.begin_page(page, body)
    assert env.macros["investigations"]("enquete") == ""
    assert env.macros["latest_publications"](1, "enquetes", 3) == ""
    assert build.render_error(KeyError("nope"), 6) == ""  # the template's line 6: file's 9
    messages = [(p.line, p.message) for e in build.work.pending for p in e.problems]
    assert messages[0] == (5, "dossier inconnu `enquete`")
    assert messages[1][0] == 7 and "latest_publications" in messages[1][1]
    assert messages[2] == (9, "erreur dans un appel de macro : KeyError « 'nope' »")
    with pytest.raises(BuildStopped) as stopped:
        build.finish_page(body, HtmlStash())
    assert str(stopped.value).count("docs/index.md:5: dossier inconnu `enquete`") == 1
    # What the templates read about the portal's own pages: the fixture has none of them.
    assert page_flags(config.docs_dir) == dict.fromkeys(
        ("mirrors_page", "legal_page", "accessibility_page", "versions_page"), False)
