"""Propose new archive records as a pull request (GitHub) or merge request (GitLab).

    python3 scripts/propose_archives.py github|gitlab FILE SUMMARY

Run by the weekly job after `make archive-sources`: when FILE (data/archives.yml as the run
left it) differs from the version on the base branch, it is committed to a new branch through
the forge's API and a pull or merge request is opened, its description the run's summary.
Never a push to the base branch. Standard library only: the job that holds the write token
installs nothing and runs nothing else of the project.

GitHub: GITHUB_API_URL, GITHUB_REPOSITORY, ARCHIVE_BASE_BRANCH, GH_TOKEN (a token allowed
`contents: write` and `pull-requests: write`). GitLab: CI_API_V4_URL, CI_PROJECT_ID,
CI_DEFAULT_BRANCH, ARCHIVE_MR_TOKEN (a project access token, role Developer, scope `api`,
kept as a masked and protected CI/CD variable).
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PATH = "data/archives.yml"
TITLE = "Copies archivées des sources"
TIMEOUT = 30


class ForgeError(Exception):
    pass


def call(method: str, url: str, headers: dict, data: dict | None = None,
         missing_ok: bool = False) -> dict | None:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, body, method=method, headers={
        **headers, "Content-Type": "application/json",
        "User-Agent": "portail-archive-sources/1.0 (proposition hebdomadaire)"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            text = response.read().decode() or "{}"
    except urllib.error.HTTPError as error:
        if missing_ok and error.code == 404:
            return None
        detail = error.read().decode(errors="replace")[:300]
        raise ForgeError(f"{method} {url} : HTTP {error.code} {detail}") from None
    except (urllib.error.URLError, TimeoutError) as error:
        raise ForgeError(f"{method} {url} : {error}") from None
    return json.loads(text)


def branch_name() -> str:
    return "archives/" + time.strftime("%Y-%m-%d-%H%M%S", time.gmtime())


def github(content: str, summary: str, env) -> str:
    api = env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    repo, base = env["GITHUB_REPOSITORY"], env["ARCHIVE_BASE_BRANCH"]
    headers = {"Authorization": f"Bearer {env['GH_TOKEN']}",
               "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    quoted = urllib.parse.quote(base, safe="")
    current = call("GET", f"{api}/repos/{repo}/contents/{PATH}?ref={quoted}", headers,
                   missing_ok=True)
    if current and base64.b64decode(current.get("content", "")).decode() == content:
        return "Aucun changement : pas de demande de fusion."
    head = call("GET", f"{api}/repos/{repo}/git/ref/heads/{quoted}", headers)
    branch = branch_name()
    call("POST", f"{api}/repos/{repo}/git/refs", headers,
         {"ref": f"refs/heads/{branch}", "sha": head["object"]["sha"]})
    update = {"message": "Archived copies of the cited sources (weekly run)", "branch": branch,
              "content": base64.b64encode(content.encode()).decode()}
    if current:
        update["sha"] = current["sha"]
    call("PUT", f"{api}/repos/{repo}/contents/{PATH}", headers, update)
    pull = call("POST", f"{api}/repos/{repo}/pulls", headers,
                {"title": TITLE, "head": branch, "base": base, "body": summary})
    return f"Demande de fusion ouverte : {pull.get('html_url', branch)}"


def gitlab(content: str, summary: str, env) -> str:
    api = env["CI_API_V4_URL"].rstrip("/")
    project, base = urllib.parse.quote(env["CI_PROJECT_ID"], safe=""), env["CI_DEFAULT_BRANCH"]
    headers = {"PRIVATE-TOKEN": env["ARCHIVE_MR_TOKEN"]}
    path = urllib.parse.quote(PATH, safe="")
    ref = urllib.parse.quote(base, safe="")
    current = call("GET", f"{api}/projects/{project}/repository/files/{path}?ref={ref}",
                   headers, missing_ok=True)
    if current and base64.b64decode(current.get("content", "")).decode() == content:
        return "Aucun changement : pas de demande de fusion."
    branch = branch_name()
    call("POST", f"{api}/projects/{project}/repository/commits", headers, {
        "branch": branch, "start_branch": base,
        "commit_message": "Archived copies of the cited sources (weekly run)",
        "actions": [{"action": "update" if current else "create", "file_path": PATH,
                     "content": content}]})
    request = call("POST", f"{api}/projects/{project}/merge_requests", headers, {
        "source_branch": branch, "target_branch": base, "title": TITLE,
        "description": summary, "remove_source_branch": True})
    return f"Demande de fusion ouverte : {request.get('web_url', branch)}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3 or args[0] not in ("github", "gitlab"):
        print("Usage : python3 scripts/propose_archives.py github|gitlab FICHIER RESUME")
        return 2
    forge, file, summary_file = args
    content = Path(file).read_text(encoding="utf-8")
    summary = Path(summary_file).read_text(encoding="utf-8") if Path(summary_file).exists() \
        else "Résumé absent : voir le journal du passage."
    try:
        print((github if forge == "github" else gitlab)(content, summary, os.environ))
    except KeyError as error:
        print(f"Variable d’environnement manquante : {error.args[0]}")
        return 2
    except ForgeError as error:
        print(f"La forge a refusé : {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
