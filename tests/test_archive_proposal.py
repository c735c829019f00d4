"""The weekly archive job on both forges: least privileges, pinned actions, and its changes
proposed as a pull or merge request through the API (a loopback server plays GitHub and
GitLab), never pushed to the default branch."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

from support.sites import ROOT

OLD = "# old\n{}\n"
NEW = '# new\n"https://a.example/x":\n  checked: 2026-12-07\n'


def load(path):
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def test_the_github_job_reads_with_one_token_and_proposes_with_another():
    workflow = load(".github/workflows/archive-sources.yml")
    assert workflow["permissions"] == {"contents": "read"}
    assert "schedule" in workflow[True] and "workflow_dispatch" in workflow[True]
    archive, propose = workflow["jobs"]["archive"], workflow["jobs"]["propose"]
    assert archive["permissions"] == {"contents": "read"}
    assert propose["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert any(step.get("run") == "make archive-sources" for step in archive["steps"])
    run = next(step for step in propose["steps"] if "run" in step)["run"]
    assert run.startswith("python3 scripts/propose_archives.py github ")
    text = (ROOT / ".github/workflows/archive-sources.yml").read_text(encoding="utf-8")
    assert "git push" not in text
    for job in (archive, propose):
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"]), step
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
            # secrets and values reach commands through the environment, never inlined
            assert "${{" not in step.get("run", "")


def test_the_gitlab_job_runs_beside_the_link_check_and_opens_a_merge_request():
    gitlab = load(".gitlab-ci.yml")
    job = gitlab["archive-sources"]
    assert job["rules"] == gitlab["linkcheck-external"]["rules"]
    assert job["script"] == [
        "make archive-sources",
        "python3 scripts/propose_archives.py gitlab data/archives.yml archive-report/resume.md"]


class _Forge(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, code: int, data: dict) -> None:
        body = json.dumps(data).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _any(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = json.loads(self.rfile.read(length)) if length else None
        self.server.log.append((self.command, self.path, data, dict(self.headers)))
        path = self.path
        current = base64.b64encode(self.server.content.encode()).decode()
        if "/contents/data/archives.yml?ref=" in path or "/repository/files/" in path:
            self._send(200, {"content": current, "sha": "filesha"})
        elif path.endswith("/git/ref/heads/main"):
            self._send(200, {"object": {"sha": "basesha"}})
        elif path.endswith("/pulls"):
            self._send(201, {"html_url": "https://forge.test/pull/7"})
        elif path.endswith("/merge_requests"):
            self._send(201, {"web_url": "https://forge.test/mr/7"})
        else:
            self._send(201, {})

    do_GET = do_POST = do_PUT = _any


@contextmanager
def forge(content: str):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Forge)
    server.log, server.content = [], content
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _propose(tmp_path, name: str, env: dict):
    (tmp_path / "archives.yml").write_text(NEW, encoding="utf-8")
    (tmp_path / "resume.md").write_text("# Copies archivées des sources\n", encoding="utf-8")
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "propose_archives.py"), name,
                           str(tmp_path / "archives.yml"), str(tmp_path / "resume.md")],
                          env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True,
                          timeout=60)


def test_github_gets_a_pull_request_from_a_new_branch(tmp_path):
    with forge(OLD) as (server, base):
        env = {"GITHUB_API_URL": base, "GITHUB_REPOSITORY": "asso/portail",
               "ARCHIVE_BASE_BRANCH": "main", "GH_TOKEN": "jeton"}
        result = _propose(tmp_path, "github", env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Demande de fusion ouverte : https://forge.test/pull/7" in result.stdout
        writes = [(m, p, d) for m, p, d, _ in server.log if m != "GET"]
        (_, ref_path, ref), (_, put_path, put), (_, pull_path, pull) = writes
        branch = ref["ref"].removeprefix("refs/heads/")
        assert ref_path == "/repos/asso/portail/git/refs" and ref["sha"] == "basesha"
        assert branch.startswith("archives/") and branch != "main"
        assert put_path == "/repos/asso/portail/contents/data/archives.yml"
        assert put["branch"] == branch and put["sha"] == "filesha"
        assert base64.b64decode(put["content"]).decode() == NEW
        assert pull_path == "/repos/asso/portail/pulls"
        assert (pull["head"], pull["base"]) == (branch, "main")
        assert pull["body"] == "# Copies archivées des sources\n"
        assert all(h["Authorization"] == "Bearer jeton" for *_, h in server.log)

    with forge(NEW) as (server, base):  # nothing changed: nothing proposed
        result = _propose(tmp_path, "github", {**env, "GITHUB_API_URL": base})
        assert "Aucun changement : pas de demande de fusion." in result.stdout
        assert [m for m, *_ in server.log] == ["GET"]


def test_gitlab_gets_a_merge_request_from_a_new_branch(tmp_path):
    with forge(OLD) as (server, base):
        env = {"CI_API_V4_URL": f"{base}/api/v4", "CI_PROJECT_ID": "42",
               "CI_DEFAULT_BRANCH": "main", "ARCHIVE_MR_TOKEN": "jeton"}
        result = _propose(tmp_path, "gitlab", env)
        assert result.returncode == 0, result.stdout + result.stderr
        (_, commit_path, commit), (_, mr_path, request) = [
            (m, p, d) for m, p, d, _ in server.log if m == "POST"]
        assert commit_path == "/api/v4/projects/42/repository/commits"
        assert commit["start_branch"] == "main" and commit["branch"] != "main"
        assert commit["actions"] == [{"action": "update", "file_path": "data/archives.yml",
                                      "content": NEW}]
        assert mr_path == "/api/v4/projects/42/merge_requests"
        assert (request["source_branch"], request["target_branch"]) == (commit["branch"], "main")
        assert all(h["Private-Token"] == "jeton" for *_, h in server.log)
