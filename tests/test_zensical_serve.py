"""`make serve ENGINE=zensical` (scripts/preview.py --engine zensical): the portal built by
Zensical with the post-build step, served, built again when a source changes, the open page
reloaded by itself; a content mistake shows in the browser as the French error page."""

from __future__ import annotations

import signal
import subprocess
import time
from contextlib import contextmanager

from support.service import free_port, get, wait_for_port
from support.sites import FIXTURE_ARTICLE, ROOT, build_env, make_site, script

ARTICLE = "enquetes/une-enquete.md"
MISTAKE = "docs/enquetes/une-enquete.md:11: source inconnue `dubois2021` — vouliez-vous dire " \
          "`dubois_2021` ?"


@contextmanager
def serving(tmp_path, docs: dict[str, str] | None = None):
    """The preview with Zensical on a fixture site: its folder, address and terminal log."""
    project = make_site(tmp_path, docs=docs)
    port = free_port()
    log_file = tmp_path / "serve.log"
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            [*script("preview"), "--engine", "zensical", "--dev-addr", f"127.0.0.1:{port}",
             "--config-file", str(project / "mkdocs.yml")],
            cwd=ROOT, env=build_env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, 300)
        yield project, f"http://127.0.0.1:{port}/", log_file
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def wait_for(url: str, text: str, log_file, seconds: float = 300) -> str:
    deadline = time.monotonic() + seconds
    while True:
        page = get(url).text
        if text in page:
            return page
        assert time.monotonic() < deadline, log_file.read_text(errors="replace")
        time.sleep(0.5)


def test_the_zensical_preview_serves_the_portal_and_rebuilds_on_a_change(tmp_path):
    with serving(tmp_path) as (project, base, log_file):
        page = get(base + "enquetes/une-enquete.html")
        assert page.status == 200 and "Notes et sources" in page.text
        assert get(base + "feed.json").status == 200  # post-build step
        article = project / "docs" / ARTICLE
        article.write_text(article.read_text(encoding="utf-8") + "\nAjout visible.\n",
                           encoding="utf-8")
        wait_for(base + "enquetes/une-enquete.html", "Ajout visible", log_file)
    # A quiet terminal, as with MkDocs: one line for the save, the notices once.
    output = log_file.read_text(errors="replace")
    assert "docs/enquetes/une-enquete.md : portail reconstruit en " in output, output
    assert output.count("élément(s) d’exemple ou manquant(s)") == 1, output


def test_a_mistake_shows_the_error_page_which_reloads_once_fixed(tmp_path, browser):
    """Started with a mistake (the first build fails: the server still answers), fixed, then
    broken again: the open page follows each time by itself."""
    mistaken = FIXTURE_ARTICLE.replace("[@dubois_2021]", "[@dubois2021]")
    with serving(tmp_path, docs={ARTICLE: mistaken}) as (project, base, log_file):
        url = base + "enquetes/une-enquete.html"
        body = wait_for(url, "À corriger", log_file)
        assert MISTAKE in body
        assert "location.reload()" in body  # the live-reload script, in the error page too
        assert MISTAKE in get(base + "page-qui-n-existe-pas.html").text  # every address
        article = project / "docs" / ARTICLE
        page = browser.new_page()
        try:
            page.goto(url)
            text = page.inner_text("main")
            assert MISTAKE in text and "cette page se recharge d’elle-même" in text
            # Fixed in the editor: the open page reloads by itself, with the portal's notes.
            article.write_text(FIXTURE_ARTICLE + "\nCorrigé.\n", encoding="utf-8")
            page.wait_for_selector("text=Corrigé.", timeout=300_000)
            assert "À corriger" not in page.content()
            assert page.locator(".note-call").count() == 1
            # The mistake again, after a good build: the error page replaces the page.
            article.write_text(mistaken, encoding="utf-8")
            page.wait_for_selector("#portal-preview-error", timeout=300_000)
            assert MISTAKE in page.inner_text("main")
        finally:
            page.close()
        output = log_file.read_text(errors="replace")
    assert output.count(MISTAKE) >= 2  # the same words in the terminal, each time
    assert "Traceback" not in output
