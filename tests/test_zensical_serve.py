"""`make serve ENGINE=zensical` (scripts/zensical_serve.py): the portal built by Zensical with
the post-build step, served, and built again when a source changes."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from support.service import free_port, get, wait_for_port
from support.sites import ROOT, build_env, make_site


def test_the_zensical_preview_serves_the_portal_and_rebuilds_on_a_change(tmp_path):
    project = make_site(tmp_path)
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.zensical_serve", "--dev-addr", f"127.0.0.1:{port}",
         "--config-file", str(project / "mkdocs.yml")],
        cwd=ROOT, env=build_env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, 300)
        page = get(f"http://127.0.0.1:{port}/enquetes/une-enquete.html")
        assert page.status == 200 and "Notes et sources" in page.text
        assert get(f"http://127.0.0.1:{port}/feed.json").status == 200  # post-build step
        article = project / "docs" / "enquetes" / "une-enquete.md"
        article.write_text(article.read_text(encoding="utf-8") + "\nAjout visible.\n",
                           encoding="utf-8")
        deadline = time.monotonic() + 300
        while "Ajout visible" not in get(f"http://127.0.0.1:{port}/enquetes/une-enquete.html"
                                         ).text:
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(1)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        log.close()
