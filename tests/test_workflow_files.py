"""Files that support campaigners' pull requests: templates, pre-commit, CI workflows."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

from support.sites import ROOT, script


def load(path):
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def test_ci_runs_make_test_and_keeps_a_marked_preview_on_both_forges():
    github = load(".github/workflows/ci.yml")
    steps = github["jobs"]["test"]["steps"]
    assert "pull_request" in github[True]  # YAML 1.1 reads the `on:` key as True
    assert any(step.get("run") == "make test" for step in steps)
    preview = next(step for step in steps if step.get("run") == "make build")
    assert preview["env"] == {"PORTAL_BUILD": "preview"}
    assert any(step.get("with", {}).get("path") == "site/" for step in steps)
    gitlab = load(".gitlab-ci.yml")
    assert gitlab["test"]["script"] == ["make test", "PORTAL_BUILD=preview make build"]
    assert "site/" in gitlab["test"]["artifacts"]["paths"]


def test_github_publishes_main_on_pages_after_the_tests():
    jobs = load(".github/workflows/ci.yml")["jobs"]
    publish, deploy = jobs["publish"], jobs["deploy"]
    assert publish["needs"] == "test" and deploy["needs"] == "publish"
    # Only a push or a manual run on main (or a release, for its kit): a pull request is
    # never published, and a release never deployed.
    assert publish["if"] == ("github.event_name == 'release' || (github.event_name != "
                             "'pull_request' && github.ref == 'refs/heads/main')")
    assert deploy["if"] == "github.event_name != 'release'"
    checkout = publish["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
    build = next(step for step in publish["steps"] if step.get("run") == "make build")
    assert build["env"]["PORTAL_BUILD"] == "publish"
    # Every setting of README's table can come from a repository variable.
    settings = set(re.findall(r"`(PORTAL_[A-Z_]+)`", (ROOT / "README.md").read_text()))
    settings -= {"PORTAL_BUILD", "PORTAL_PUBLISH_SSH", "PORTAL_VERSIONS_FILE"}
    assert settings and settings <= set(build["env"])
    assert all(f"vars.{name}" in str(build["env"][name]) for name in settings)
    upload = next(step for step in publish["steps"] if "upload-pages-artifact" in
                  step.get("uses", ""))
    assert upload["with"]["path"] == "site/"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][-1]["uses"].startswith("actions/deploy-pages@")
    assert publish["concurrency"]["group"] == deploy["concurrency"]["group"] == "pages"


def test_gitlab_publishes_the_default_branch_on_pages_after_the_tests():
    gitlab = load(".gitlab-ci.yml")
    pages = gitlab["pages"]
    assert gitlab["stages"] == ["test", "deploy"] and pages["stage"] == "deploy"
    assert pages["needs"] == ["test"]
    assert pages["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"', "when": "never"},
                              {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert pages["variables"]["PORTAL_BUILD"] == "publish"
    assert pages["script"][-3:] == [
        "make build", ".venv/bin/python -m scripts.mirror --site site --dist kit-miroir",
        "rm -rf public && mv site public"]
    assert "refs/remotes/origin/versions" in pages["script"][0]  # the frozen versions
    assert pages["artifacts"]["paths"] == ["public", "kit-miroir"]
    assert pages["resource_group"] == "pages"


def test_the_gitlab_versions_fetch_tolerates_only_a_missing_branch(tmp_path):
    """The script's first step, run with a fake git: branch absent (ls-remote exit 2) is
    fine, any other failure stops the job."""
    script = load(".gitlab-ci.yml")["pages"]["script"][0]
    fake = tmp_path / "git"
    for code, expected in ((2, 0), (128, 1)):
        fake.write_text(f"#!/bin/sh\n[ \"$1\" = ls-remote ] && exit {code}\nexit 0\n")
        fake.chmod(0o755)
        result = subprocess.run(["sh", "-c", script], capture_output=True, text=True,
                                env={"PATH": f"{tmp_path}:/usr/bin:/bin"})
        assert result.returncode == expected, result.stdout + result.stderr


def test_make_publish_and_release_are_documented_targets():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "publish: $(STAMP) ## Publie le portail dans DEST" in makefile
    assert "-m scripts.publish \"$(DEST)\"" in makefile
    result = subprocess.run(["make", "--no-print-directory", "publish"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 2 and "Usage : make publish DEST=" in result.stdout


def test_pull_request_and_issue_templates_are_in_french():
    for path in (".github/pull_request_template.md", ".gitlab/merge_request_templates/Default.md"):
        text = (ROOT / path).read_text(encoding="utf-8")
        assert "make check" in text and "- [ ]" in text
    for name in ("erreur.md", "source.md"):
        assert "Page" in (ROOT / ".github/ISSUE_TEMPLATE" / name).read_text(encoding="utf-8")


def test_the_templates_name_no_campaign():
    """Issue 30: a fork about another campaign keeps its templates: they name no dossier of
    this one (its folder, or its title in the navigation) and not the site's name."""
    from common.config import PortalConfig

    config = PortalConfig.read(ROOT / "mkdocs.yml")
    titles = [title for entry in config.nav if isinstance(entry, dict)
              for title, target in entry.items()
              if isinstance(target, str) and target.split("/")[0] in config.dossiers]
    names = [*config.dossiers, *titles, config.site_name]
    assert titles  # the dossier's title was found: the test checks something
    templates = [".github/pull_request_template.md", ".gitlab/merge_request_templates/Default.md",
                 *(p.relative_to(ROOT).as_posix() for folder in (".github/ISSUE_TEMPLATE",
                                                                 ".gitlab/issue_templates")
                   for p in sorted((ROOT / folder).glob("*.md")))]
    for path in templates:
        text = (ROOT / path).read_text(encoding="utf-8")
        for name in names:
            assert name not in text, (path, name)


def test_pre_commit_runs_lint_yaml_and_content_checks():
    hooks = {hook["id"]: hook for repo in load(".pre-commit-config.yaml")["repos"]
             for hook in repo["hooks"]}
    assert hooks["ruff"]["entry"] == "make lint"
    assert hooks["contenu"]["entry"] == "make check"
    assert "-m scripts.check_yaml" in hooks["yaml"]["entry"]


def test_yaml_check_reads_mkdocs_tags_and_names_broken_lines(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("a: 1\nb: [\n")
    check_yaml = script("check_yaml")
    good = subprocess.run([*check_yaml, str(ROOT / "mkdocs.yml")], cwd=ROOT,
                          capture_output=True, text=True)
    assert good.returncode == 0, good.stdout
    broken = subprocess.run([*check_yaml, str(bad)], cwd=ROOT, capture_output=True, text=True)
    assert broken.returncode == 1
    assert f"{bad}:3:1: fichier YAML illisible : valeur jamais refermée" \
        in broken.stdout


def test_external_links_are_checked_on_a_schedule_apart_from_pull_requests():
    github = load(".github/workflows/linkcheck-external.yml")
    triggers = github[True]  # YAML 1.1 reads the `on:` key as True
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    cron = triggers["schedule"][0]["cron"].split()
    assert cron[2:4] == ["*", "*"] and cron[4] != "*"  # once a week
    steps = github["jobs"]["linkcheck-external"]["steps"]
    assert any(step.get("run") == "make linkcheck-external" for step in steps)
    upload = next(step for step in steps if "upload-artifact" in step.get("uses", ""))
    assert upload["if"] == "always()" and upload["with"]["path"] == "linkcheck-report/"
    assert "linkcheck-external" not in load(".github/workflows/ci.yml")["jobs"]
    assert "--report-dir linkcheck-report" in (ROOT / "Makefile").read_text(encoding="utf-8")

    gitlab = load(".gitlab-ci.yml")
    job = gitlab["linkcheck-external"]
    assert job["rules"][0] == {"if": '$CI_PIPELINE_SOURCE == "schedule"'}
    assert all(rule.get("when") == "manual" for rule in job["rules"][1:])
    assert job["script"] == ["make linkcheck-external"]
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["paths"] == ["linkcheck-report/"]
    # and the merge-request job stays out of scheduled pipelines
    assert gitlab["test"]["rules"][0] == {"if": '$CI_PIPELINE_SOURCE == "schedule"',
                                          "when": "never"}


# -- a CI nobody can hijack ---------------------------------------------------------------

WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))
# The release each action is pinned to: current majors, on the node24 runtime (node20 is
# deprecated). A new action added to a workflow gets its line here, pinned the same way.
CURRENT = {
    "actions/checkout": "v7", "actions/upload-artifact": "v7", "actions/cache": "v5",
    "actions/configure-pages": "v6", "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5", "actions/download-artifact": "v8",
}
USES = re.compile(r"^\s*(?:- )?uses: (?P<action>[\w.-]+/[\w./-]+)@(?P<ref>\S+)(?P<rest>.*)$")


def test_every_action_is_pinned_by_commit_hash_with_its_release_in_a_comment():
    seen = set()
    for workflow in WORKFLOWS:
        for number, line in enumerate(workflow.read_text(encoding="utf-8").splitlines(), 1):
            if "uses:" not in line:
                continue
            match = USES.match(line)
            where = f"{workflow.name}:{number}"
            assert match, where
            assert re.fullmatch(r"[0-9a-f]{40}", match["ref"]), f"{where}: not a commit hash"
            release = re.fullmatch(r" # (v\d+)\.\d+\.\d+", match["rest"])
            assert release, f"{where}: the release must follow as « # vX.Y.Z »"
            assert CURRENT[match["action"]] == release[1], where
            seen.add(match["action"])
    assert seen == set(CURRENT)


# The jobs that write, each with what it writes: Pages, and the archive job's pull request
# (its branch and the pull request; it installs nothing and runs one standard-library script).
WRITERS = {
    ("ci.yml", "deploy"): {"pages", "id-token"},
    ("ci.yml", "attach-kit"): {"contents"},  # uploads the kit to the release, checks nothing out
    ("archive-sources.yml", "propose"): {"contents", "pull-requests"},
}


def test_workflows_grant_only_what_each_job_needs_and_keep_no_token():
    for workflow in WORKFLOWS:
        data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        assert data["permissions"] == {"contents": "read"}, workflow.name
        for name, job in data["jobs"].items():
            assert "permissions" in job, f"{workflow.name}: job {name} says what it needs"
            granted = {k for k, v in job["permissions"].items() if v == "write"}
            # Only the job that publishes may write, and only what it publishes with.
            assert granted <= WRITERS.get((workflow.name, name), set()), (workflow.name, name)
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, name


def test_zizmor_finds_nothing_in_the_workflows(tmp_path):
    """zizmor (pinned in pyproject.toml), offline: no network, the rules it ships."""
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run([str(zizmor), "--offline", "--no-progress", "--format", "plain",
                             *map(str, WORKFLOWS)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr
    # It does find what it is there for: a workflow with a tag-pinned action fails.
    bad = ROOT / ".github/workflows/ci.yml"
    text = bad.read_text(encoding="utf-8").replace(
        "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
        "actions/checkout@v7", 1)
    copy = tmp_path / ".github/workflows/ci.yml"
    copy.parent.mkdir(parents=True)
    copy.write_text(text, encoding="utf-8")
    found = subprocess.run([str(zizmor), "--offline", "--no-progress", "--format", "plain",
                            str(copy)], capture_output=True, text=True)
    assert found.returncode != 0 and "unpinned-uses" in found.stdout + found.stderr


def test_gitlab_jobs_ask_for_no_token_or_secret_and_keep_no_checkout():
    gitlab = load(".gitlab-ci.yml")
    jobs = {name: job for name, job in gitlab.items()
            if isinstance(job, dict) and "script" in job}
    assert set(jobs) >= {"test", "pages", "linkcheck-external"}
    for name, job in jobs.items():
        assert "id_tokens" not in job and "secrets" not in job, name
        for path in job.get("artifacts", {}).get("paths", []):
            assert not path.startswith((".git", ".")) or path == ".cache/", (name, path)
    assert "id_tokens" not in gitlab.get("default", {})


def test_every_publication_keeps_the_official_mirror_kit_on_both_forges():
    """The kit is the tree just built for publication, packaged (scripts/mirror.py --site):
    kept with each publication, and attached to a GitHub release."""
    github = load(".github/workflows/ci.yml")
    assert github[True]["release"] == {"types": ["published"]}
    jobs = github["jobs"]
    steps = jobs["publish"]["steps"]
    runs = [step.get("run") for step in steps]
    kit = runs.index(".venv/bin/python -m scripts.mirror --site site --dist kit-miroir")
    assert runs.index("make build") < kit
    assert steps[kit]["env"]["PORTAL_SITE_URL"] == steps[runs.index("make build")]["env"][
        "PORTAL_SITE_URL"]  # the kit names the address the tree was built for
    keep = steps[kit + 1]
    assert keep["uses"].startswith("actions/upload-artifact@")
    assert keep["with"]["name"] == "kit-miroir" and keep["with"]["path"] == "kit-miroir/"
    assert keep["with"]["if-no-files-found"] == "error"
    pages = next(step for step in steps if "upload-pages-artifact" in step.get("uses", ""))
    assert pages["if"] == "github.event_name != 'release'"
    attach = jobs["attach-kit"]
    assert attach["needs"] == "publish" and attach["if"] == "github.event_name == 'release'"
    assert attach["permissions"] == {"contents": "write"}  # its own token: releases only
    assert github["permissions"] == {"contents": "read"}
    download, upload = attach["steps"]
    assert download["uses"].startswith("actions/download-artifact@")
    assert download["with"]["name"] == "kit-miroir"
    assert upload["run"] == 'gh release upload "$TAG" kit-miroir/* --clobber'
    assert upload["env"]["TAG"] == "${{ github.event.release.tag_name }}"
    assert not any("checkout" in step.get("uses", "") for step in attach["steps"])
    gitlab = load(".gitlab-ci.yml")["pages"]
    assert "kit-miroir" in gitlab["artifacts"]["paths"]
    assert gitlab["variables"]["PORTAL_BUILD"] == "publish"
    guide = (ROOT / "MIRRORING.md").read_text(encoding="utf-8")
    for needle in ("kit-miroir", "/releases", "jobs/artifacts/main/download?job=pages"):
        assert needle in guide, needle


def test_no_workflow_restores_the_builds_kept_readings_or_drawings():
    """`.cache/reading/` holds pickles (reading one can run code) and `.cache/` the build's
    drawings: a CI cache restored into a build would let one pipeline's files run in
    another's. Only the external links' report is cached, on both forges."""
    cached = []
    for path in [*WORKFLOWS, ROOT / ".gitlab-ci.yml"]:
        for node in _walk(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if isinstance(node, dict) and "path" in node and "key" in node:  # actions/cache
                cached += str(node["path"]).split()
            if isinstance(node, dict) and isinstance(node.get("cache"), dict):  # GitLab
                cached += node["cache"].get("paths", [])
    assert cached and set(cached) == {".cache/linkcheck-external.json"}


def _walk(node):
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) \
        else ()
    for child in children:
        yield from _walk(child)
