"""`make build` replaces site/ only when the strict build succeeds."""

import hashlib
import subprocess
import sys

from support.sites import FIXTURE_ARTICLE, NETGUARD, build_env, importable, make_site, script


def digest(folder):
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def run_build(project, site_dir):
    return subprocess.run([*script("build"), "--site-dir", str(site_dir)],
                          cwd=project, env=importable(build_env()), capture_output=True, text=True,
                          timeout=300)


def test_failed_build_keeps_the_previous_site(tmp_path):
    project = make_site(tmp_path)
    site_dir = tmp_path / "site"
    first = run_build(project, site_dir)
    assert first.returncode == 0, first.stderr
    before = digest(site_dir)
    assert (site_dir / "enquetes" / "une-enquete.html").exists()

    article = project / "docs" / "enquetes" / "une-enquete.md"
    article.write_text(FIXTURE_ARTICLE.replace("date: 2026-01-15", "date: demain"),
                       encoding="utf-8")
    second = run_build(project, site_dir)
    assert second.returncode != 0
    assert "`date` n’est pas une date" in second.stdout + second.stderr
    assert "site/ n’a pas été modifié" in second.stderr
    assert digest(site_dir) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]  # no leftovers


def test_successful_build_replaces_the_site(tmp_path):
    project = make_site(tmp_path)
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / "stale.html").write_text("old")
    result = run_build(project, site_dir)
    assert result.returncode == 0, result.stderr
    assert not (site_dir / "stale.html").exists()
    assert (site_dir / "index.html").exists()


def test_network_guard_refuses_and_records(tmp_path):
    """The guard used by the session build really catches a connection attempt."""
    log = tmp_path / "net.log"
    code = ("import socket\n"
            "try:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
            "except OSError as e:\n    print('refused', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=build_env(PYTHONPATH=str(NETGUARD), PORTAL_NETGUARD_LOG=str(log)),
                         timeout=30)
    assert "network access refused" in out.stdout
    assert log.read_text().split() == ["192.0.2.1"]
