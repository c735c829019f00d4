"""The preview (`make serve`, scripts/preview.py, with MkDocs): a content mistake shows in the
browser as a French page with file, line, value and fix, which reloads by itself once the file
is fixed; no request hangs; a change to the bibliography is picked up too."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager

import pytest

from scripts.processes import stop
from support.sites import (
    FIXTURE_ARTICLE,
    ROOT,
    assert_fails_cleanly,
    build_env,
    make_site,
    mkdocs_build,
    script,
)

ARTICLE = "enquetes/une-enquete.md"
MISTAKE = "docs/enquetes/une-enquete.md:11: source inconnue `dubois2021` — vouliez-vous dire " \
          "`dubois_2021` ?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    """A page of the preview; a hung request fails the test after 15 s."""
    with urllib.request.urlopen(url, timeout=15) as response:
        return response.read().decode("utf-8")


def wait_for(url: str, text: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        try:
            page = fetch(url)
            if text in page:
                return page
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{text!r} never appeared at {url}; last page:\n{page[:2000]}")


@contextmanager
def serving(project):
    port = free_port()
    server = subprocess.Popen(
        [*script("preview"), "--engine", "mkdocs", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, env=build_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    try:
        yield f"http://127.0.0.1:{port}/", server
    finally:
        stop([server], 15)


@pytest.fixture
def preview(tmp_path):
    """The preview on a fixture site, started with a content mistake already in it (the
    first build fails: the server must still start and answer)."""
    project = make_site(tmp_path, docs={ARTICLE: FIXTURE_ARTICLE.replace("[@dubois_2021]",
                                                                         "[@dubois2021]")})
    with serving(project) as (base, server):
        yield project, base, server


def test_mistake_page_then_reload_once_fixed(preview, browser):
    project, base, server = preview
    url = base + "enquetes/une-enquete.html"
    wait_for(url, "À corriger")
    page = browser.new_page()
    try:
        page.goto(url)
        text = page.inner_text("main")
        assert MISTAKE in text
        assert "cette page se recharge d’elle-même" in text
        # Fixed in the editor: the open page reloads by itself (MkDocs' live-reload script).
        (project / "docs" / ARTICLE).write_text(FIXTURE_ARTICLE, encoding="utf-8")
        page.wait_for_selector("text=Un fait", timeout=60_000)
        assert "À corriger" not in page.content()
        assert page.locator(".note-call").count() == 1
        # A mistake in the bibliography, and the fix, are picked up without a restart.
        bib = project / "bibliography" / "sources.bib"
        good = bib.read_text(encoding="utf-8")
        bib.write_text(good.replace("publisher = {Raisons d’agir},", ""), encoding="utf-8")
        page.wait_for_selector("#portal-preview-error", timeout=60_000)
        assert "bibliography/sources.bib:1: l’entrée `dubois_2021` (@book) n’a pas de champ " \
               "`publisher`" in page.inner_text("main")
        assert "source inconnue" not in page.inner_text("main")  # no knock-on error
        bib.write_text(good, encoding="utf-8")
        page.wait_for_selector("text=Un fait", timeout=60_000)
    finally:
        page.close()
    # The same words in the terminal.
    server.terminate()
    output = server.communicate(timeout=15)[0]
    assert MISTAKE in output
    assert "Traceback" not in output


def test_no_request_hangs_while_a_mistake_is_there(preview):
    _, base, _ = preview
    wait_for(base + "enquetes/une-enquete.html", "À corriger")
    for path in ("", "index.html", "sources.html", "page-qui-n-existe-pas.html"):
        started = time.monotonic()
        try:
            body = fetch(base + path)
        except urllib.error.HTTPError as error:  # a missing page: MkDocs' 404, our page
            body = error.read().decode("utf-8")
        assert time.monotonic() - started < 10
        assert MISTAKE in body


def test_an_edit_of_the_portal_code_shows_without_a_restart(tmp_path):
    project = make_site(tmp_path)
    (project / "macros").unlink()  # a private copy: tests never write into the real one
    shutil.copytree(ROOT / "macros", project / "macros",
                    ignore=shutil.ignore_patterns("__pycache__"))
    with serving(project) as (base, _):
        url = base + "enquetes/une-enquete.html"
        wait_for(url, "Publié le")
        article = project / "macros" / "pages" / "article.py"
        article.write_text(article.read_text(encoding="utf-8").replace(
            "_('Publié le')", "_('Paru le')"), encoding="utf-8")
        wait_for(url, "Paru le")


def test_only_mkdocs_serve_is_a_preview(tmp_path):
    """Only the preview program's builds, into the folder it serves, keep going after a
    mistake: a build that happens to use the preview's address (or its folder) stops."""
    from types import SimpleNamespace

    from macros.engine.preview import SERVED_SITE_DIR, is_serving

    served_dir = tmp_path / "portal-preview-abc123"
    said = {SERVED_SITE_DIR: str(served_dir)}
    served = {"dev_addr": SimpleNamespace(host="127.0.0.1", port=8000),
              "site_url": "http://127.0.0.1:8000/", "site_dir": str(served_dir)}
    assert is_serving(served, said)
    assert not is_serving(served, {})  # `mkdocs build` or `mkdocs serve` at that address
    assert not is_serving({**served, "site_dir": str(tmp_path / "site")}, said)
    assert not is_serving({**served, "site_dir": None}, said)
    # A real build beside a running preview (the variable set, another folder) stops.
    project = make_site(tmp_path, docs={ARTICLE: FIXTURE_ARTICLE.replace("[@dubois_2021]",
                                                                         "[@dubois2021]")})
    result = mkdocs_build(project, tmp_path / "site", build_env(**said))
    assert_fails_cleanly(result, MISTAKE, "Construction arrêtée")


def test_a_saved_page_rebuilds_what_it_touches(tmp_path):
    """An edit of a page's text rebuilds that page; a new title also reaches the listing
    that shows it; the other pages stay as built."""
    project = make_site(tmp_path)
    with serving(project) as (base, server):
        page_url, listing_url = base + "enquetes/une-enquete.html", base + "enquetes/index.html"
        wait_for(page_url, "Un fait")
        article = project / "docs" / ARTICLE
        article.write_text(FIXTURE_ARTICLE + "\nUn ajout.\n", encoding="utf-8")
        wait_for(page_url, "Un ajout.")
        article.write_text(FIXTURE_ARTICLE.replace('title: "Une enquête"',
                                                   'title: "Un autre titre"'), encoding="utf-8")
        wait_for(listing_url, "Un autre titre")
        assert "Un ajout." not in fetch(page_url)
        server.terminate()
        output = server.communicate(timeout=15)[0]
    assert "] docs/enquetes/une-enquete.md : aperçu à jour en " in output
    assert " s (1 page reconstruite)" in output
    assert " s (3 pages reconstruites)" in output  # + the pages made by macros
    assert "A 'dirty' build" not in output and "Traceback" not in output


def test_a_save_prints_one_line_and_a_mistake_prints_the_mistake(tmp_path):
    """The terminal of `make serve` over real saves: after the start, a save that builds
    says one line (when, which file, how long); a save with a mistake says the mistake
    (file, line, fix) and that the error page is served; no routine chatter of MkDocs or
    mkdocs-macros, no favicon.ico warning, and the settings still to fill in once only."""
    project = make_site(tmp_path)
    article = project / "docs" / ARTICLE
    with serving(project) as (base, server):
        url = base + "enquetes/une-enquete.html"
        wait_for(url, "Un fait")
        with pytest.raises(urllib.error.HTTPError) as asked:
            fetch(base + "favicon.ico")  # none in the fixture site: no warning for it
        assert asked.value.code == 404
        article.write_text(FIXTURE_ARTICLE + "\nUn ajout.\n", encoding="utf-8")
        wait_for(url, "Un ajout.")
        article.write_text(FIXTURE_ARTICLE.replace("[@dubois_2021]", "[@dubois2021]"),
                           encoding="utf-8")
        wait_for(url, "À corriger")
        article.write_text(FIXTURE_ARTICLE, encoding="utf-8")
        wait_for(url, "Un fait")
        time.sleep(1)  # anything printed late would be counted too
        server.terminate()
        output = server.communicate(timeout=15)[0]
    after_start = output.split("Serving on", 1)[1].splitlines()[1:]
    lines = [re.sub(r"^(INFO|ERROR|WARNING) +-  ", "", re.sub(r"\x1b\[\d+m", "", line))
             for line in after_start if line.strip()]
    clock = r"\[\d\d:\d\d:\d\d\] "
    assert len(lines) == 5, "\n".join(lines)
    assert re.fullmatch(clock + r"docs/enquetes/une-enquete\.md : aperçu à jour en \d+,\d s "
                        r"\(1 page reconstruite\)", lines[0]), lines
    assert lines[1] == MISTAKE
    assert re.fullmatch(clock + r"docs/enquetes/une-enquete\.md : à corriger, la page "
                        r"d’erreur est servie \(\d+,\d s\)", lines[2]), lines
    assert re.fullmatch(clock + r"docs/enquetes/une-enquete\.md : portail reconstruit en "
                        r"\d+,\d s", lines[3]), lines  # after the error page: everything
    assert lines[4] == "Arrêt de l’aperçu"
    assert output.count("élément(s) d’exemple ou manquant(s)") == 1
    for chatter in ("[macros]", "Documentation built", "Detected file changes",
                    "Reloading browsers", "favicon", "aperçu rapide", "Traceback"):
        assert chatter not in output


DRAFT = "enquetes/les-robots-de-controle.md"
DRAFT_LEFT = [
    "ligne 6 : champ d’en-tête vide : `summary` — remplissez `summary` dans l’en-tête",
    "ligne 7 : champ d’en-tête vide : `tags` — remplissez `tags` dans l’en-tête",
    "ligne 16 : texte provisoire « Texte à écrire. » encore en place — écrivez le texte de "
    "cette section, ou supprimez la section",
    "ligne 20 : texte provisoire « Texte à écrire. » encore en place — écrivez le texte de "
    "cette section, ou supprimez la section",
    "ligne 24 : texte provisoire « Texte à écrire. » encore en place — écrivez le texte de "
    "cette section, ou supprimez la section",
]


def test_a_new_article_previews_as_a_draft_and_is_refused_by_build_and_check(tmp_path,
                                                                              browser):
    """`make new-article`'s page is served with a « Brouillon » banner listing what is left,
    the rest of the site as usual; `make build` and `make check` refuse it, naming the page
    and what is left."""
    project = make_site(tmp_path)
    created = subprocess.run([*script("new_article"), "Les robots de contrôle", "--root",
                              str(project)], cwd=ROOT, capture_output=True, text=True,
                             timeout=60)
    assert created.returncode == 0, created.stderr
    with serving(project) as (base, server):
        draft = wait_for(base + DRAFT.replace(".md", ".html"), "Brouillon")
        other = fetch(base + "enquetes/une-enquete.html")
        listing = fetch(base + "enquetes/index.html")
        page = browser.new_page()
        try:
            page.goto(base + DRAFT.replace(".md", ".html"))
            banner = page.locator("#portal-draft")
            assert banner.is_visible()
            text = banner.inner_text()
            assert text.startswith("Brouillon : 5 points à terminer avant de publier cette "
                                   f"page (docs/{DRAFT}). Seul l’aperçu la montre : make build, "
                                   "make check et la CI la refusent tant qu’il en reste.")
            assert [li.inner_text() for li in banner.locator("li").all()] == DRAFT_LEFT
            assert page.locator("h2", has_text="Ce que l’on sait").count() == 1
        finally:
            page.close()
        # A straight apostrophe, as most editors type it: the page stays served, as a draft.
        (project / "docs" / ARTICLE).write_text(FIXTURE_ARTICLE + "\nC'est ainsi.\n",
                                                encoding="utf-8")
        typed = wait_for(base + "enquetes/une-enquete.html", "Brouillon")
        assert "ligne 13 : apostrophe droite « &#x27; » — utilisez l’apostrophe typographique " \
               "« ’ »" in typed and "C'est ainsi." in typed.replace("&#x27;", "'")
        server.terminate()
        output = server.communicate(timeout=15)[0]
    assert "À corriger" not in draft and "portal-preview-error" not in draft
    assert "Un fait" in other and "Brouillon" not in other
    assert "Les robots de contrôle" in listing
    assert f"brouillon : docs/{DRAFT} — 5 points à terminer avant publication (bandeau sur " \
           "la page)" in output
    assert "Traceback" not in output
    # Only the preview is lenient.
    built = mkdocs_build(project, tmp_path / "site")
    apostrophe = ("docs/enquetes/une-enquete.md:13: apostrophe droite « ' » — utilisez "
                  "l’apostrophe typographique « ’ »")
    assert_fails_cleanly(built, "6 erreurs de contenu :", apostrophe, *(
        f"docs/{DRAFT}:{item.removeprefix('ligne ').replace(' : ', ': ', 1)}"
        for item in DRAFT_LEFT), "Construction arrêtée : rien n’a été publié.")
    checked = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 1 and apostrophe in checked.stdout
    for item in DRAFT_LEFT:
        assert f"docs/{DRAFT}:{item.removeprefix('ligne ').replace(' : ', ': ', 1)}" in \
            checked.stdout


def test_a_broken_mkdocs_yml_is_said_in_french_before_serving(tmp_path):
    project = make_site(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "site_url: https://fixture.example.org/", 'site_url: "https://fixture.example.org/'),
        encoding="utf-8")
    result = subprocess.run([*script("preview"), "--dev-addr", f"127.0.0.1:{free_port()}"],
                            cwd=project, env=build_env(), capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert result.stderr == (
        'mkdocs.yml:2:11: fichier YAML illisible : guillemet ouvert et jamais refermé : '
        '« "https://fixture.example.org/ » — refermez le guillemet (" ou \') de cette ligne'
        "\n\nAperçu impossible : corrigez mkdocs.yml, puis relancez la commande.\n")


# A hook (MkDocs' public `hooks:`) that starts a process of its own, as the build does to
# draw charts and share images the cache lacks (at least eight of them).
PROCESS_HOOK = '''\
import multiprocessing
import time

def on_pre_build(config, **kwargs):
    process = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(0,))
    process.start()
    process.join()
'''


def test_a_preview_build_may_start_processes_of_its_own(tmp_path):
    """The preview builds in a second process (scripts/preview_builds.py: `build_worker`); a build
    there may start processes of its own, as it does to draw charts and share images."""
    project = make_site(tmp_path)
    (project / "process_hook.py").write_text(PROCESS_HOOK, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - process_hook.py\n",
                      encoding="utf-8")
    with serving(project) as (base, _):
        page = wait_for(base + "enquetes/une-enquete.html", "</html>")
    assert "Un fait" in page and "À corriger" not in page, page[:2000]
