"""Files that support campaigners' pull requests: templates, pre-commit, CI workflows."""

import subprocess
import sys

import yaml

from support.sites import ROOT


def load(path):
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def test_ci_runs_make_test_and_publishes_the_site_on_both_forges():
    github = load(".github/workflows/ci.yml")
    steps = github["jobs"]["test"]["steps"]
    assert "pull_request" in github[True]  # YAML 1.1 reads the `on:` key as True
    assert any(step.get("run") == "make test" for step in steps)
    assert any(step.get("with", {}).get("path") == "site/" for step in steps)
    gitlab = load(".gitlab-ci.yml")
    assert "make test" in gitlab["test"]["script"]
    assert "site/" in gitlab["test"]["artifacts"]["paths"]


def test_pull_request_and_issue_templates_are_in_french():
    for path in (".github/pull_request_template.md", ".gitlab/merge_request_templates/Default.md"):
        text = (ROOT / path).read_text(encoding="utf-8")
        assert "make check" in text and "- [ ]" in text
    for name in ("erreur.md", "source.md"):
        assert "Page" in (ROOT / ".github/ISSUE_TEMPLATE" / name).read_text(encoding="utf-8")


def test_pre_commit_runs_lint_yaml_and_content_checks():
    hooks = {hook["id"]: hook for repo in load(".pre-commit-config.yaml")["repos"]
             for hook in repo["hooks"]}
    assert hooks["ruff"]["entry"] == "make lint"
    assert hooks["contenu"]["entry"] == "make check"
    assert "check_yaml.py" in hooks["yaml"]["entry"]


def test_yaml_check_reads_mkdocs_tags_and_names_broken_lines(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("a: 1\nb: [\n")
    script = str(ROOT / "scripts" / "check_yaml.py")
    good = subprocess.run([sys.executable, script, str(ROOT / "mkdocs.yml")],
                          capture_output=True, text=True)
    assert good.returncode == 0, good.stdout
    broken = subprocess.run([sys.executable, script, str(bad)], capture_output=True, text=True)
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
