"""`make archive-sources` (python -m scripts.archive_sources) against a real HTTP server on
127.0.0.1 that plays the archives: the Wayback Machine's availability API (with and without a
copy, 429 with Retry-After, 5xx, a timeout, malformed JSON), Save Page Now (a capture that
takes several polls, a refusal) and Memento TimeTravel, plus the cited pages themselves.
The run records exactly what it was told, retries what it should, never leaves a half-written
file, and resumes after being killed."""

from __future__ import annotations

import collections
import contextlib
import json
import os
import signal
import subprocess
import textwrap
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from linkcheck.archive_client import Settings, user_agent
from macros.citations.archives import parse_archives
from macros.floor.errors import ContentError
from support.sites import ROOT, make_site, script

TODAY = "2026-12-07"
HANG_LIMIT = 60  # seconds: a run not finished by then has hung
NAMES = ("a", "b", "c", "d", "e", "gone", "moved")


Request = collections.namedtuple("Request", "method path name headers time")


def _target(parts, form: dict) -> str:
    """The cited page a request is about (`a`, `gone`…)."""
    if parts.path.startswith("/save/status/"):
        return parts.path.rsplit("-", 1)[1]
    if parts.path == "/wayback/available":
        return parse_qs(parts.query)["url"][0].rsplit("/", 1)[1]
    if parts.path == "/save":
        return form["url"][0].rsplit("/", 1)[1]
    return parts.path.rsplit("/", 1)[1]


class _Archives(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self, code: int, body: bytes | str = b"", headers: dict | None = None) -> None:
        body = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, data, code: int = 200) -> None:
        self._answer(code, json.dumps(data), {"Content-Type": "application/json"})

    def do_POST(self):
        self.do_GET()

    def do_GET(self):
        server = self.server
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode()) if length else {}
        name = _target(parts, form)
        with server.lock:
            server.log.append(Request(self.command, parts.path, name, dict(self.headers),
                                      time.monotonic()))
            server.counts[(self.command, parts.path, name)] += 1
            count = server.counts[(self.command, parts.path, name)]
        # the client may give up (a timeout, on purpose)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route(parts, count, form)

    def _route(self, parts, count: int, form: dict) -> None:
        base = self.server.base
        path = parts.path
        if path.startswith("/site/"):
            name = path.removeprefix("/site/")
            if name == "gone":
                self._answer(404, "introuvable")
            elif name == "moved":
                self._answer(301, headers={"Location": "/site/new-home"})
            else:
                self._answer(200, "page")
        elif path == "/wayback/available":
            url = parse_qs(parts.query)["url"][0]
            self._availability(url.rsplit("/", 1)[1], url, count)
        elif path == "/save":
            name = form["url"][0].rsplit("/", 1)[1]
            if name == "d":
                self._json({"status": "error", "status_ext": "error:blocked-url",
                            "message": "Ce site refuse l’archivage."})
            else:
                self._json({"url": form["url"][0], "job_id": f"spn2-{name}"})
        elif path.startswith("/save/status/"):
            name = path.rsplit("-", 1)[1]
            url = f"{base}/site/{name}"
            if self.server.stall or count <= 2:
                self._json({"status": "pending", "job_id": f"spn2-{name}"})
            else:
                self._json({"status": "success", "job_id": f"spn2-{name}",
                            "original_url": url, "timestamp": "20261201120000"})
        elif path.startswith("/timetravel/"):
            url = path.split("/", 3)[3]
            if url.endswith("/site/d"):
                self._json({"original_uri": url, "mementos": {"closest": {
                    "datetime": "2025-06-01T08:00:00Z",
                    "uri": [f"{base}/arquivo/20250601080000/{url}"]}}})
            else:
                self._answer(404, "no mementos")
        else:
            self._answer(404)

    def _availability(self, name: str, url: str, count: int) -> None:
        none = {"archived_snapshots": {}}

        def snapshot(stamp):
            return {"url": url, "archived_snapshots": {"closest": {
                "available": True, "status": "200", "timestamp": stamp,
                "url": f"{self.server.base}/web/{stamp}/{url}"}}}

        if name == "a":
            self._json(snapshot("20250312101500"))
        elif name == "b":
            if count == 1:
                self._answer(429, "trop", {"Retry-After": "1"})
            else:
                self._json(snapshot("20250401000000"))
        elif name == "c":
            if count <= 2:
                self._answer(500 if count == 1 else 503, "panne")
            else:
                self._json(none)
        elif name == "d":
            self._answer(200, '{"archived_snapshots": {oops', {"Content-Type": "application/json"})
        elif name == "e":
            if count == 1:
                time.sleep(2)  # longer than ARCHIVE_TIMEOUT
                self._json(none)
            else:
                self._json(snapshot("20250501000000"))
        elif name == "moved":
            self._json(snapshot("20250302000000"))
        else:
            self._json(none)


@contextmanager
def archive_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Archives)
    server.daemon_threads = True
    server.lock = threading.Lock()
    server.log = []
    server.counts = collections.Counter()
    server.stall = False
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _bib(base: str) -> str:
    entries = []
    for name in NAMES:
        entries.append(textwrap.dedent(f"""\
            @online{{src_{name},
              author = {{{{Collectif}}}},
              title = {{Page {name}}},
              url = {{{base}/site/{name}}},
              urldate = {{2025-03-01}},
            }}
            """))
    return "\n".join(entries)


def _env(base: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PORTAL_", "ARCHIVE_", "IA_S3_"))}
    env.update(NO_MKDOCS_2_WARNING="1",
               ARCHIVE_AVAILABILITY_URL=f"{base}/wayback/available",
               ARCHIVE_SAVE_URL=f"{base}/save", ARCHIVE_WEB_URL=f"{base}/web/",
               ARCHIVE_TIMETRAVEL_URL=f"{base}/timetravel/", ARCHIVE_TIMEOUT="0.5",
               ARCHIVE_RETRIES="3", ARCHIVE_BACKOFF="0.05", ARCHIVE_MAX_RETRY_AFTER="2",
               ARCHIVE_HOST_INTERVAL="0", ARCHIVE_POLL_INTERVAL="0.05", ARCHIVE_MAX_POLLS="5",
               IA_S3_ACCESS_KEY="cle", IA_S3_SECRET_KEY="secret")
    env.update(extra)
    return env


def _command(project, *more) -> list[str]:
    return [*script("archive_sources"), "--config-file", str(project / "mkdocs.yml"),
            "--today", TODAY, *more]


def _expected(base: str) -> str:
    def url(name):
        return f"{base}/site/{name}"

    return textwrap.dedent(f"""\

        "{url('a')}":
          copy: "{base}/web/20250312101500/{url('a')}"
          captured: 2025-03-12
          checked: {TODAY}
          state: live
          since: {TODAY}

        "{url('b')}":
          copy: "{base}/web/20250401000000/{url('b')}"
          captured: 2025-04-01
          checked: {TODAY}
          state: live
          since: {TODAY}

        "{url('c')}":
          copy: "{base}/web/20261201120000/{url('c')}"
          captured: 2026-12-01
          checked: {TODAY}
          state: live
          since: {TODAY}

        "{url('d')}":
          copy: "{base}/arquivo/20250601080000/{url('d')}"
          captured: 2025-06-01
          checked: {TODAY}
          state: live
          since: {TODAY}

        "{url('e')}":
          copy: "{base}/web/20250501000000/{url('e')}"
          captured: 2025-05-01
          checked: {TODAY}
          state: live
          since: {TODAY}

        "{url('gone')}":
          checked: {TODAY}
          state: gone
          since: {TODAY}

        "{url('moved')}":
          copy: "{base}/web/20250302000000/{url('moved')}"
          captured: 2025-03-02
          checked: {TODAY}
          state: moved
          since: {TODAY}
          moved_to: "{base}/site/new-home"
        """)


def _records_text(project) -> str:
    text = (project / "data" / "archives.yml").read_text(encoding="utf-8")
    return text[text.index("\n\n") + 1 if "\n\n" in text else len(text):]


def _requests(server, path: str, name: str, method: str | None = None) -> list:
    return [r for r in server.log if r.path == path and r.name == name
            and (method is None or r.method == method)]


def test_a_run_records_exactly_what_the_archives_said_and_retries_what_it_should(tmp_path):
    with archive_server() as server:
        base = server.base
        project = make_site(tmp_path, bib={"sources.bib": _bib(base)})
        config = project / "mkdocs.yml"  # the campaign's short name names the user agent
        config.write_text(config.read_text(encoding="utf-8").replace(
            "extra:\n", "extra:\n  campaign:\n    slug: score-caf\n", 1), encoding="utf-8")
        result = subprocess.run(_command(project, "--summary", str(tmp_path / "resume.md")),
                                cwd=ROOT, env=_env(base), capture_output=True, text=True,
                                timeout=HANG_LIMIT)
        assert result.returncode == 0, result.stdout + result.stderr
        assert _records_text(project) == _expected(base)
        # the file is the portal's data: the build reads it without a word
        parse_archives((project / "data" / "archives.yml").read_text(encoding="utf-8"), "x")

        avail = "/wayback/available"
        # 429: asked again, after the Retry-After it asked for (1 s)
        b = _requests(server, avail, "b")
        assert len(b) == 2 and b[1].time - b[0].time >= 0.9
        # 500 and 503: asked again; the third answer (no copy) is final
        assert len(_requests(server, avail, "c")) == 3
        # a timeout: asked again, and the second answer is recorded
        assert len(_requests(server, avail, "e")) == 2
        # malformed JSON: not asked again (a retry would not mend it); the next archive is
        assert len(_requests(server, avail, "d")) == 1
        # a copy as recent as the day consulted: no capture asked for it
        assert _requests(server, "/save", "a") == []
        # the capture: asked once with the keys, polled until done
        saves = _requests(server, "/save", "c", "POST")
        assert len(saves) == 1 and saves[0].headers["Authorization"] == "LOW cle:secret"
        status = _requests(server, "/save/status/spn2-c", "c")
        assert len(status) == 3 and status[0].headers["Authorization"] == "LOW cle:secret"
        # a page found gone is never captured (a copy of its 404 proves nothing)
        assert _requests(server, "/save", "gone") == []
        # an honest User-Agent on every request
        agents = {r.headers["User-Agent"] for r in server.log}
        assert len(agents) == 1 and agents.pop().startswith("score-caf-archive-sources/1.0 (+")
        # progress, in French, and the summary by source
        out = result.stdout
        assert f"[1/7] {base}/site/a" in out and f"[7/7] {base}/site/moved" in out
        assert "trop de requêtes (429) : nouvel essai dans 1 s" in out
        assert "Memento TimeTravel" in out and "Ce site refuse l’archivage." in out
        summary = (tmp_path / "resume.md").read_text(encoding="utf-8")
        assert "7 adresses examinées, 6 avec une copie archivée enregistrée" in summary
        assert f"| `src_c` | <{base}/site/c> | copie capturée par Save Page Now (2026-12-01)" \
            in summary
        assert f"- `src_gone` : <{base}/site/gone> — **aucune copie trouvée**" in summary

        # Run again the same day: every address with a recent enough copy is left alone.
        before = len(server.log)
        again = subprocess.run(_command(project), cwd=ROOT, env=_env(base), capture_output=True,
                               text=True, timeout=HANG_LIMIT)
        assert again.returncode == 0, again.stdout + again.stderr
        asked = {(r.path, r.name) for r in server.log[before:]}
        assert asked == {("/site/gone", "gone"), ("/wayback/available", "gone"),
                         (f"/timetravel/20250301/{base}/site/gone", "gone")}
        assert _records_text(project) == _expected(base)


def test_a_killed_run_keeps_what_it_recorded_and_the_next_one_resumes(tmp_path):
    with archive_server() as server:
        base = server.base
        server.stall = True  # the capture of `c` never ends: the run is killed while it waits
        project = make_site(tmp_path, bib={"sources.bib": _bib(base)})
        archives = project / "data" / "archives.yml"
        env = _env(base, ARCHIVE_MAX_POLLS="100000")
        process = subprocess.Popen(_command(project), cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        reads, deadline = 0, time.monotonic() + HANG_LIMIT
        try:
            while time.monotonic() < deadline:
                # whenever it is read, the file is whole and valid
                if archives.exists():
                    records = parse_archives(archives.read_text(encoding="utf-8"), "x")
                    reads += 1
                    if f"{base}/site/b" in records and \
                            _requests(server, "/save/status/spn2-c", "c"):
                        break
                time.sleep(0.01)
            else:
                pytest.fail("the run never reached the capture of `c`")
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=HANG_LIMIT)
        assert process.returncode == -signal.SIGKILL and reads > 0
        records = parse_archives(archives.read_text(encoding="utf-8"), "x")
        assert sorted(records) == [f"{base}/site/a", f"{base}/site/b"]
        assert records[f"{base}/site/b"].captured.isoformat() == "2025-04-01"

        # The next run resumes: what was recorded today is not asked again.
        server.stall = False
        before = len(server.log)
        result = subprocess.run(_command(project), cwd=ROOT, env=_env(base), capture_output=True,
                                text=True, timeout=HANG_LIMIT)
        assert result.returncode == 0, result.stdout + result.stderr
        later = server.log[before:]
        assert not [r for r in later if r.name in ("a", "b")]
        assert "déjà vérifiée aujourd’hui, avec sa copie : rien à demander" in result.stdout
        assert _records_text(project) == _expected(base)
        assert not list(archives.parent.glob(".archives.yml.*"))  # no temporary file left


def test_a_mistake_in_the_file_stops_the_run_before_any_request(tmp_path):
    with archive_server() as server:
        base = server.base
        project = make_site(tmp_path, bib={"sources.bib": _bib(base)}, data={
            "archives.yml": f'"{base}/site/a":\n  copy: "{base}/web/1/x"\n'})
        archives = project / "data" / "archives.yml"
        result = subprocess.run(_command(project), cwd=ROOT, env=_env(base), capture_output=True,
                                text=True, timeout=HANG_LIMIT)
        assert result.returncode == 2
        assert (f"data/archives.yml:2: copie sans date pour « {base}/site/a » (`captured` "
                "manquant) — ajoutez la ligne `captured: AAAA-MM-JJ`") in result.stdout
        assert "Rien n’a été écrit : corrigez d’abord data/archives.yml." in result.stdout
        assert server.log == []
        assert archives.read_text(encoding="utf-8").startswith(f'"{base}/site/a"')


def test_without_keys_no_capture_is_asked_and_the_summary_says_so(tmp_path):
    with archive_server() as server:
        base = server.base
        project = make_site(tmp_path, bib={"sources.bib": _bib(base)})
        env = _env(base, IA_S3_ACCESS_KEY="", IA_S3_SECRET_KEY="")
        result = subprocess.run(_command(project, "--url", f"{base}/site/gone", "--url",
                                         f"{base}/site/c"),
                                cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=HANG_LIMIT)
        assert result.returncode == 0, result.stdout + result.stderr
        assert not [r for r in server.log if r.path.startswith("/save")]
        assert "capture non demandée (pas de clés IA_S3_ACCESS_KEY et IA_S3_SECRET_KEY)" \
            in result.stdout
        records = parse_archives((project / "data" / "archives.yml").read_text("utf-8"), "x")
        assert records[f"{base}/site/c"].copy is None
        assert records[f"{base}/site/gone"].state == "gone"


def test_settings_come_from_the_environment_with_a_clear_error():
    settings = Settings.from_environment({"ARCHIVE_TIMEOUT": "1.5", "ARCHIVE_RETRIES": "",
                                          "IA_S3_ACCESS_KEY": "k", "IA_S3_SECRET_KEY": "s"},
                                         "ua")
    assert (settings.timeout, settings.retries, settings.can_capture) == (1.5, 3, True)
    with pytest.raises(ValueError, match="variable d’environnement ARCHIVE_RETRIES illisible : "
                                         "« trois » — écrivez un nombre entier"):
        Settings.from_environment({"ARCHIVE_RETRIES": "trois"}, "ua")
    assert user_agent("Contrôle algorithmique : le dossier", "mailto:equipe@asso.fr") == \
        "controle-algorithmique-le-dossier-archive-sources/1.0 (+mailto:equipe@asso.fr)"


def test_content_error_type_is_what_the_build_raises():
    with pytest.raises(ContentError):
        parse_archives('"https://a.example/x":\n  state: perdu\n', "data/archives.yml")


def test_the_original_state_changes_only_on_a_clear_answer():
    import datetime as dt

    from linkcheck.archive_client import OriginalState
    from linkcheck.archiving import needs_copy, new_state
    from macros.citations.archives import ArchiveRecord

    day, later = dt.date(2026, 1, 5), dt.date(2026, 2, 1)
    live = ArchiveRecord("https://a.example/x", state="live", since=day)
    assert new_state(live, OriginalState("live"), later) is live  # same state: same date
    assert new_state(live, OriginalState(None, detail="HTTP 503"), later) is live
    gone = new_state(live, OriginalState("gone"), later)
    assert (gone.state, gone.since) == ("gone", later)
    moved = new_state(live, OriginalState("moved", "https://b.example/y"), later)
    assert (moved.state, moved.moved_to, moved.since) == ("moved", "https://b.example/y", later)
    changed = live.replace(state="changed")  # set by hand: kept while the page answers
    assert new_state(changed, OriginalState("live"), later) is changed
    assert new_state(changed, OriginalState("gone"), later).state == "gone"
    copy = ArchiveRecord("https://a.example/x", "https://w.example/1", dt.date(2025, 1, 1))
    assert not needs_copy(copy, dt.date(2025, 1, 1))
    assert needs_copy(copy, dt.date(2025, 1, 2))  # older than the day the source was consulted
    assert needs_copy(None, None) and needs_copy(ArchiveRecord("https://a.example/x"), None)
