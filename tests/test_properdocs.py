"""ProperDocs, the maintained fork of MkDocs 1.x, stays a proven exit: it builds the real
portal into the same site as MkDocs, byte for byte, except the `generator` tag that names it.

The MkDocs site is the session's strict build; ProperDocs builds the same project with the
same environment (network guard included) into a folder of its own.
"""

from __future__ import annotations

import gzip
import re
import subprocess
import sys

import pytest

from support import portal
from support.sites import NETGUARD, ROOT, build_env

GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def site_files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def comparable(name: str, data: bytes) -> bytes:
    """What must match: pages without their generator tag, the gzipped sitemap by its content
    (its gzip header carries the build day, which two builds across midnight may not share)."""
    if name.endswith(".gz"):
        return gzip.decompress(data)
    if name.endswith(".html"):
        return GENERATOR.sub(b'<meta name="generator">', data)
    return data


@pytest.fixture(scope="module")
def properdocs_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("properdocs")
    env = build_env(PYTHONPATH=str(NETGUARD),
                    PORTAL_NETGUARD_LOG=str(out / "network-attempts.log"))
    result = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "--site-dir",
         str(out / "site")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (out / "network-attempts.log").exists()
    return out / "site"


def test_properdocs_builds_the_same_site_as_mkdocs(site, properdocs_site):
    mkdocs_files, properdocs_files = site_files(site.dir), site_files(properdocs_site)
    assert sorted(properdocs_files) == sorted(mkdocs_files)
    differing = [name for name, data in mkdocs_files.items()
                 if comparable(name, data) != comparable(name, properdocs_files[name])]
    assert differing == []


def test_only_the_generator_tag_tells_the_engines_apart(site, properdocs_site):
    page = portal.main_investigation()
    ours = GENERATOR.search((site.dir / page).read_bytes()).group()
    theirs = GENERATOR.search((properdocs_site / page).read_bytes()).group()
    assert b"mkdocs-1.6.1" in ours
    assert b"ProperDocs 1.6.7" in theirs
