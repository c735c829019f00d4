"""One strict build of the real portal per test session, shared by every test."""

from __future__ import annotations

import pytest

from macros.engine.engines import ENGINES
from support.browser import CHROMIUM_ARGS, chromium_path
from support.sites import NETGUARD, ROOT, Site, build_env, mkdocs_build, zensical_build


@pytest.fixture(scope="session")
def portal_build(tmp_path_factory):
    """The portal built with --strict, with any connection off this machine refused."""
    out = tmp_path_factory.mktemp("portal")
    netlog = out / "network-attempts.log"
    env = build_env(PYTHONPATH=str(NETGUARD), PORTAL_NETGUARD_LOG=str(netlog))
    result = mkdocs_build(ROOT, out / "site", env)
    if not result.ok:
        pytest.fail(f"strict build of the portal failed:\n{result.output}", pytrace=False)
    result.network_attempts = netlog.read_text().split() if netlog.exists() else []
    return result


@pytest.fixture(scope="session")
def site(portal_build) -> Site:
    return Site(portal_build.site_dir)


@pytest.fixture(scope="session", params=ENGINES)
def engine_build(request, tmp_path_factory):
    """The portal built by each engine (MkDocs: the session's build above; Zensical: once
    per session), for the tests that define what readers get whichever engine builds it."""
    if request.param == "mkdocs":
        result = request.getfixturevalue("portal_build")
    else:
        out = tmp_path_factory.mktemp(f"portal-{request.param}")
        netlog = out / "network-attempts.log"
        env = build_env(PYTHONPATH=str(NETGUARD), PORTAL_NETGUARD_LOG=str(netlog))
        result = zensical_build(ROOT, out / "site", env)
        if not result.ok:
            pytest.fail(f"Zensical build of the portal failed:\n{result.output}",
                        pytrace=False)
        result.network_attempts = netlog.read_text().split() if netlog.exists() else []
    result.engine = request.param
    return result


@pytest.fixture(scope="session")
def engine_site(engine_build) -> Site:
    site = Site(engine_build.site_dir)
    site.engine = engine_build.engine
    return site


# The service's tests: the team's keys (made by the service's own command) and a real SMTP
# server on loopback that keeps every mail as received, one of each per test module.
@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    from support.service import make_keys

    return make_keys(tmp_path_factory.mktemp("keys") / "cles")


@pytest.fixture(scope="module")
def inbox():
    from support.service import Inbox

    server = Inbox().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL cluster (Debian's) in a temporary folder on a free port, for the session."""
    from support.service import PostgresCluster

    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()
