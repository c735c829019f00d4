"""make linkcheck-external against a real HTTP server on 127.0.0.1 that plays every kind of
answer the internet gives: the checker classifies each, never hangs, and caches its results."""

from __future__ import annotations

import collections
import contextlib
import json
import socket
import subprocess
import textwrap
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import urllib3

from linkcheck.collect import CitingPage, SourceLink
from linkcheck.external import check_with_cache, external_report
from linkcheck.http import Checker, HostLimiter, Result, Settings, retry_after
from linkcheck.ignore import IgnoreRule, load_ignore
from linkcheck.report import build_report, render_markdown
from macros.floor.errors import ContentError
from support import portal
from support.sites import FIXTURE_ARTICLE, ROOT, make_site, mkdocs_build, script

# Small limits, so that the slow and the endless answers are cut short quickly.
SETTINGS = Settings(timeout=1.0, retries=2, backoff=0.01, max_retry_after=0.05,
                    max_redirects=5, max_bytes=64 * 1024, concurrency=3, host_interval=0.0)
HANG_LIMIT = 60  # seconds: a run not finished by then has hung


class _Internet(BaseHTTPRequestHandler):
    """One path per kind of answer. Counts every request, per path."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self, code: int, headers: dict | None = None, body: bytes = b"") -> None:
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        server = self.server
        path = self.path
        with server.lock:
            server.counts[path] += 1
            count = server.counts[path]
            server.agents.add(self.headers.get("User-Agent", ""))
        # The checker hangs up on purpose on an endless body.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route(path, count)

    def _route(self, path: str, count: int) -> None:
        if path in ("/ok", "/archive"):
            self._answer(200, body=b"ok")
        elif path == "/moved":
            self._answer(301, {"Location": "/ok"})
        elif path in ("/loop-a", "/loop-b"):
            self._answer(302, {"Location": "/loop-b" if path == "/loop-a" else "/loop-a"})
        elif path == "/gone":
            self._answer(404)
        elif path == "/deleted":
            self._answer(410)
        elif path == "/busy":
            if count == 1:
                self._answer(429, {"Retry-After": "120"})
            else:
                self._answer(200, body=b"ok")
        elif path == "/failing":
            self._answer(500)
        elif path == "/slow":
            self.server.release.wait(5)  # far longer than the checker's timeout
            self._answer(200, body=b"late")
        elif path == "/partial":
            if self.command == "HEAD":
                self._answer(405)
            elif self.headers.get("Range", "").startswith("bytes=0-"):
                self._answer(206, {"Content-Range": "bytes 0-9/99999999"}, b"0123456789")
            else:
                self._answer(500)  # would only come if the checker forgot to ask for a range
        elif path == "/huge":
            if self.command == "HEAD":
                self._answer(405)  # many servers refuse HEAD: the checker must GET
                return
            self.send_response(200)
            self.send_header("Connection", "close")  # no length: the body never ends
            self.end_headers()
            chunk = b"x" * 65536
            for _ in range(2000):  # 128 MB, far more than the cap
                self.wfile.write(chunk)
        else:
            self._answer(404)


@contextmanager
def internet():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Internet)
    server.daemon_threads = True
    server.counts = collections.Counter()
    server.agents = set()
    server.lock = threading.Lock()
    server.release = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def web():
    with internet() as (server, base):
        yield server, base


class CountingPool(urllib3.PoolManager):
    """The checker's connection pool, counting its requests in flight as the checker sees
    them: from the request until its connection is released. (Counted by the server, a
    request the checker gave up on, /slow, still runs there while the next one arrives, and
    an answer fully sent still counts for an instant after the checker has it: 4 in flight
    against a limit of 3, by chance.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lock = threading.Lock()
        self.in_flight = self.max_in_flight = 0

    def _leave(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def request(self, *args, **kwargs):
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            response = super().request(*args, **kwargs)
        except BaseException:
            self._leave()
            raise
        release, released = response.release_conn, []

        def release_once():
            try:
                release()
            finally:
                if not released:
                    released.append(True)
                    self._leave()

        response.release_conn = release_once
        return response


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"  # nothing listens there any more


def run_bounded(function, *args):
    """Run in a thread; fail (instead of hanging the suite) if it has not ended in HANG_LIMIT."""
    outcome = {}

    def target():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # re-raised below, in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(HANG_LIMIT)
    assert not thread.is_alive(), f"the link check did not end within {HANG_LIMIT} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


EXPECTED = {
    "/ok": ("ok", 200),
    "/moved": ("redirect", 200),
    "/loop-a": ("redirect_loop", 302),
    "/gone": ("broken", 404),
    "/deleted": ("broken", 410),
    "/busy": ("ok", 200),
    "/failing": ("error", 500),
    "/slow": ("timeout", None),
    "/huge": ("too_large", 200),
    "/partial": ("ok", 206),
}


def test_every_kind_of_answer_is_classified_and_the_run_ends(web):
    server, base = web
    waits = []
    pool = CountingPool(num_pools=10, maxsize=SETTINGS.concurrency,
                        headers={"User-Agent": SETTINGS.user_agent})
    checker = Checker(SETTINGS, pool=pool, sleep=waits.append)
    closed = closed_port_url()
    urls = [base + path for path in EXPECTED] + [closed]

    results = run_bounded(checker.check_all, urls)

    found = {url.removeprefix(base): (r.status, r.code) for url, r in results.items()
             if url != closed}
    assert found == EXPECTED
    assert results[closed].status == "unreachable"
    assert results[closed].detail == "connexion refusée"
    assert results[base + "/moved"].final_url == base + "/ok"
    # 429 then 200: asked twice, after the Retry-After wait, capped at max_retry_after.
    assert server.counts["/busy"] == 2
    assert SETTINGS.max_retry_after in waits
    # 500: the first attempt and each retry (HEAD, then GET to be sure), with a growing
    # backoff, then given up.
    assert server.counts["/failing"] == 2 * (SETTINGS.retries + 1)
    assert server.counts["/gone"] == 2  # dead only once GET agrees with HEAD
    assert {0.01, 0.02} <= set(waits)
    # A refused HEAD falls back to one GET, whose endless body is not read to its end.
    assert server.counts["/huge"] == 2
    assert 1 <= pool.max_in_flight <= SETTINGS.concurrency
    assert pool.in_flight == 0  # every connection released, the slow and the endless too


def test_a_second_run_within_the_cache_age_sends_no_request(web, tmp_path):
    server, base = web
    cache = tmp_path / "cache.json"
    urls = {base + path for path in EXPECTED} | {closed_port_url()}
    first, _ = run_bounded(check_with_cache, urls, Checker(SETTINGS, sleep=lambda s: None),
                           cache, 3600, [])
    asked = sum(server.counts.values())
    assert asked > 0

    second, _ = run_bounded(check_with_cache, urls, Checker(SETTINGS, sleep=lambda s: None),
                            cache, 3600, [])
    assert sum(server.counts.values()) == asked
    assert {u: r.status for u, r in second.items()} == {u: r.status for u, r in first.items()}

    # Past the maximum age, the addresses are asked again.
    later = max(r.checked_at for r in first.values()) + 7200
    check_with_cache({base + "/ok"}, Checker(SETTINGS), cache, 3600, [], now=later)
    assert sum(server.counts.values()) == asked + 1


def test_ignored_addresses_are_never_asked(web, tmp_path):
    server, base = web
    rules = [IgnoreRule(None, base + "/gone", "Refuse les robots ; vérifiée à la main.", 1)]
    results, ignored = check_with_cache({base + "/gone", base + "/ok"}, Checker(SETTINGS),
                                        tmp_path / "cache.json", 3600, rules)
    assert server.counts["/gone"] == 0
    assert set(results) == {base + "/ok"}
    assert ignored[base + "/gone"].reason.startswith("Refuse")


def test_host_limiter_spaces_requests_to_one_host_only():
    now, slept = [100.0], []
    limiter = HostLimiter(2.0, clock=lambda: now[0], sleep=slept.append)
    assert [limiter.wait("a.org"), limiter.wait("a.org"), limiter.wait("b.org"),
            limiter.wait("a.org")] == [0, 2.0, 0, 4.0]
    assert slept == [2.0, 4.0]


def test_retry_after_is_read_in_seconds_or_as_a_date_and_bounded():
    assert retry_after("3", 10) == 3
    assert retry_after("3600", 10) == 10
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 10) == 0  # in the past
    assert retry_after("demain", 10) is None
    assert retry_after(None, 10) is None


# ---------------------------------------------------------------------------
# Ignore list
# ---------------------------------------------------------------------------

def test_an_ignore_entry_without_reason_is_an_error_naming_file_and_line(tmp_path):
    path = tmp_path / "linkcheck-ignore.yml"
    path.write_text(textwrap.dedent("""\
        - url: https://a.example.org/page
          reason: "Refuse les robots."
        - prefix: https://b.example.org/
        - url: ftp://c.example.org/
          reason: "?"
        """), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_ignore(path, "data/linkcheck-ignore.yml")
    message = str(caught.value)
    assert "data/linkcheck-ignore.yml:3: l’entrée `https://b.example.org/` n’a pas de raison" \
        in message
    assert "data/linkcheck-ignore.yml:4: adresse refusée : « ftp://c.example.org/ »" in message


def test_the_project_ignore_list_is_valid():
    rules = load_ignore(ROOT / "data" / "linkcheck-ignore.yml")
    assert all(rule.reason for rule in rules)


def test_ignore_rules_match_an_address_or_a_prefix(tmp_path):
    path = tmp_path / "ignore.yml"
    path.write_text("- url: https://a.org/x\n  reason: r\n- prefix: https://b.org/\n  reason: r\n")
    exact, prefix = load_ignore(path)
    assert exact.matches("https://a.org/x") and not exact.matches("https://a.org/x/y")
    assert prefix.matches("https://b.org/any/page") and not prefix.matches("https://c.org/")


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

def _result(url, status, code=None, final=None):
    return Result(url, status, code, final, "", 0.0)


def test_report_groups_by_source_and_page_and_says_which_copy_holds_the_evidence():
    dead = SourceLink("cour_2020", "https://a.org/rapport.pdf",
                      "https://web.archive.org/web/20240712101010/https://a.org/rapport.pdf",
                      "bibliography/rapports.bib:3",
                      (CitingPage("Le score", "un-dossier/score.html"),), "2024-07-12")
    lost = SourceLink("ccomptes", "https://d.org/gone", None, "bibliography/rapports.bib:9",
                      (CitingPage("Le score", "un-dossier/score.html"),))
    alive = SourceLink("lqdn_2021", "https://b.org/", None, "bibliography/presse.bib:9",
                       (CitingPage("Le score", "un-dossier/score.html"),))
    links = {"https://c.org/old": {"index.html"}, "https://b.org/": {"sources.html"}}
    results = {"https://a.org/rapport.pdf": _result("https://a.org/rapport.pdf", "broken", 404),
               "https://b.org/": _result("https://b.org/", "ok", 200),
               "https://d.org/gone": _result("https://d.org/gone", "broken", 410),
               "https://c.org/old": _result("https://c.org/old", "redirect", 200,
                                            "https://c.org/new")}
    report = build_report([alive, dead, lost], links, results, {})

    assert report["dead"] == 2
    first = report["sources"][0]
    assert (first["key"], first["status"], first["code"]) == ("ccomptes", "broken", 410)
    assert (first["archive"], first["held"]) == (None, False)
    held = report["sources"][1]
    assert (held["key"], held["status"], held["code"]) == ("cour_2020", "broken", 404)
    assert held["pages"] == [{"title": "Le score", "url": "un-dossier/score.html"}]
    assert held["archive"].startswith("https://web.archive.org/web/20240712101010/")
    assert held["archive_status"] is None  # the copy was not among the checked links
    assert held["held"] is True
    assert report["sources"][2]["archive"] is None  # alive, no copy recorded
    # 3 cited addresses, one with a verified copy
    assert report["accessibility"] == {"cited": 3, "with_copy": 1, "ratio": 0.3333}
    assert report["pages"]["un-dossier/score.html"] == [
        {"url": "https://a.org/rapport.pdf", "status": "broken", "code": 404,
         "final_url": None, "keys": ["cour_2020"], "archive_of": []},
        {"url": "https://d.org/gone", "status": "broken", "code": 410, "final_url": None,
         "keys": ["ccomptes"], "archive_of": []}]
    assert {k: v for k, v in report["pages"].items() if k != "un-dossier/score.html"} == {
        "index.html": [{"url": "https://c.org/old", "status": "redirect", "code": 200,
                        "final_url": "https://c.org/new", "keys": [], "archive_of": []}],
    }
    markdown = render_markdown(report)
    assert "### `cour_2020` — introuvable (404)" in markdown
    assert "    - Le score (`un-dossier/score.html`)" in markdown
    assert ("- Preuve conservée : copie archivée du 2024-07-12 "
            "<https://web.archive.org/web/20240712101010/https://a.org/rapport.pdf> ; les notes "
            "y renvoient déjà.") in markdown
    assert ("- Preuve perdue : aucune copie archivée enregistrée dans data/archives.yml ; "
            "lancez `make archive-sources`, qui cherche une copie dans les archives.") in markdown
    assert ("Accessibilité des preuves : 33\u00a0% (1 sur 3 adresses citées avec une copie "
            "archivée vérifiée).") in markdown
    assert "- <https://c.org/old> : redirigée (200) → <https://c.org/new>" in markdown
    json.dumps(report)  # the JSON report


BIB = textwrap.dedent("""\
    @online{disparu_2024,
      author = {{Collectif}},
      title = {Une page disparue},
      date = {2024-06-03},
      url = {{BASE}/deleted},
      urldate = {2024-07-12},
    }
    @online{archive_2023,
      author = {{Collectif}},
      title = {Une page archivée},
      date = {2022-12-14},
      url = {{BASE}/gone},
      urldate = {2023-01-02},
    }
    @online{vivant_2024,
      author = {{Collectif}},
      title = {Une page vivante},
      date = {2023-12-20},
      url = {{BASE}/ok},
      urldate = {2024-01-01},
    }
    """)

ARTICLE = FIXTURE_ARTICLE.replace("Un fait [@dubois_2021].\n", (
    "Un fait [@disparu_2024]. Un autre [@archive_2023; @vivant_2024].\n\n"
    '<p>Voir aussi <a href="{BASE}/moved">cette page</a>.</p>\n'))


def test_the_command_reports_claims_that_lost_their_evidence(web, tmp_path):
    server, base = web
    project = make_site(tmp_path, docs={"enquetes/une-enquete.md": ARTICLE.replace("{BASE}", base)},
                        bib={"sources.bib": BIB.replace("{BASE}", base)})
    config = project / "mkdocs.yml"  # the campaign's short name names the user agent
    config.write_text(config.read_text(encoding="utf-8").replace(
        "extra:\n", "extra:\n  campaign:\n    slug: score-caf\n", 1), encoding="utf-8")
    (project / "data").mkdir()
    (project / "data" / "linkcheck-ignore.yml").write_text(
        "- prefix: https://forge.example.org/\n  reason: Forge d’exemple.\n"
        "- prefix: https://web.archive.org/\n  reason: Pas d’internet dans les tests.\n",
        encoding="utf-8")
    # The copy of the gone page, as `make archive-sources` records it.
    (project / "data" / "archives.yml").write_text(
        f'"{base}/gone":\n  copy: "{base}/archive"\n  captured: 2023-01-05\n'
        "  checked: 2026-12-01\n  state: gone\n  since: 2026-12-01\n", encoding="utf-8")
    built = mkdocs_build(project, tmp_path / "site")
    assert built.ok, built.output

    command = [*script("linkcheck"), "external",
               str(built.site_dir), "--config-file", str(project / "mkdocs.yml"),
               "--report-dir", str(tmp_path / "report"), "--cache-file",
               str(tmp_path / "cache.json"), "--ignore-file",
               str(project / "data" / "linkcheck-ignore.yml"),
               "--timeout", "2", "--retries", "0", "--host-interval", "0"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                            timeout=HANG_LIMIT)
    assert result.returncode == 1, result.stdout + result.stderr
    assert server.agents == {"score-caf-linkcheck/1.0 (+verification des sources)"}
    report = json.loads((tmp_path / "report" / "rapport.json").read_text(encoding="utf-8"))
    sources = {s["key"]: s for s in report["sources"]}
    assert sources["disparu_2024"]["status"] == "broken"
    assert sources["disparu_2024"]["pages"] == [{"title": "Une enquête",
                                                 "url": "enquetes/une-enquete.html"}]
    # no copy recorded: none guessed, the evidence is lost
    assert (sources["disparu_2024"]["archive"], sources["disparu_2024"]["held"]) == (None, False)
    assert sources["archive_2023"]["archive"] == f"{base}/archive"
    # the archived copy is linked from the page, hence checked: it holds the evidence
    assert sources["archive_2023"]["archive_status"] == "ok"
    assert sources["archive_2023"]["held"] is True
    assert sources["vivant_2024"]["status"] == "ok"
    assert report["accessibility"] == {"cited": 3, "with_copy": 1, "ratio": 0.3333}
    page = {item["url"]: item for item in report["pages"]["enquetes/une-enquete.html"]}
    copy = f"{base}/archive"
    assert next(e for e in report["links"] if e["url"] == copy)["archive_of"] == ["archive_2023"]
    assert not [e for e in report["links"] if "/web/20240712/" in e["url"]]  # nothing guessed
    assert page[f"{base}/moved"]["status"] == "redirect"
    assert page[f"{base}/deleted"]["keys"] == ["disparu_2024"]
    # the forge: its address once, not the edit and history page of every page
    forge = [e for e in report["links"] if e["url"].startswith("https://forge.example.org/")]
    assert [e["url"] for e in forge] == [portal.REPO_URL]
    assert "enquetes/une-enquete.html" in forge[0]["pages"]
    # nothing was asked off this machine: every other address is on the ignore list
    strays = [e for e in report["links"]
              if not e["url"].startswith(base) and e["status"] != "ignored"]
    assert strays == []
    markdown = (tmp_path / "report" / "rapport.md").read_text(encoding="utf-8")
    assert "### `disparu_2024` — introuvable (410)" in markdown
    assert "Une enquête (`enquetes/une-enquete.html`)" in markdown

    # The same check again, within the cache age: the server is asked nothing.
    asked = sum(server.counts.values())
    again = run_bounded(external_report, built.site_dir, project / "mkdocs.yml",
                        Checker(SETTINGS), tmp_path / "cache.json", 3600,
                        project / "data" / "linkcheck-ignore.yml")
    assert sum(server.counts.values()) == asked
    assert again["sources"] == report["sources"]


def test_a_bad_ignore_list_stops_the_command_with_a_clear_message(tmp_path):
    bad = tmp_path / "ignore.yml"
    bad.write_text("- url: https://a.example.org/\n", encoding="utf-8")
    result = subprocess.run(
        [*script("linkcheck"), "external", str(tmp_path),
         "--config-file", str(ROOT / "mkdocs.yml"), "--ignore-file", str(bad),
         "--cache-file", str(tmp_path / "cache.json"), "--report-dir", str(tmp_path / "r")],
        capture_output=True, text=True, timeout=HANG_LIMIT, cwd=ROOT)
    assert result.returncode == 2
    assert f"{bad}:1: l’entrée `https://a.example.org/` n’a pas de raison" in result.stdout
    assert "Traceback" not in result.stderr


def test_an_address_past_its_time_budget_is_given_up(web):
    server, base = web
    settings = Settings(**{**SETTINGS.__dict__, "max_time": 0.0})
    result = run_bounded(Checker(settings).check, base + "/failing")
    assert result.status == "timeout"
    assert server.counts["/failing"] == 0
