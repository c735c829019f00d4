"""The shipped web server configurations (service/deploy/), run for real on loopback: nginx
and Caddy (Debian's packages, installed by `make webservers`) serving the built portal, and
in front of the action service.

Each file is used as shipped; only what a test machine cannot have is rewritten: the
certificates and port 443 (a free loopback port, plain HTTP), the published folder (the
session's build), the service's address.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest

from support import portal
from support.service import PORTAL_ORIGIN, Service, free_port, wait_for_port
from support.sites import ROOT

DEPLOY = ROOT / "service" / "deploy"
PORTAL_HEADERS = {
    "x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}
SERVICE_ORIGIN = "https://agir.example.org"


def needs(program: str) -> str:
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin")
    if not found:
        pytest.fail(f"{program} is missing: run `make webservers` (make test does)",
                    pytrace=False)
    return found


def fetch(port: int, path: str, method: str = "GET", headers: dict | None = None,
          source: str | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30,
                                            source_address=(source, 0) if source else None)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return (response.status, {k.lower(): v for k, v in response.getheaders()},
                response.read())
    finally:
        connection.close()


def inline_script_hashes(site_dir: Path) -> set[str]:
    """The CSP source of every inline script of the built site ('sha256-…')."""
    hashes = set()
    for page in site_dir.rglob("*.html"):
        for attributes, body in re.findall(r"<script((?:(?!src=)[^>])*)>(.*?)</script>",
                                           page.read_text(encoding="utf-8"), re.S):
            if "application/ld+json" in attributes:  # data, never run
                continue
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            hashes.add(f"'sha256-{digest}'")
    return hashes


def check_csp(csp: str, site_dir: Path, config: str) -> None:
    sources = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    missing = inline_script_hashes(site_dir) - set(sources["script-src"].split())
    assert not missing, (f"{config} : des scripts en ligne du site construit ne sont pas "
                         f"autorisés par la CSP ; ajoutez à script-src : {' '.join(missing)}")
    assert sources["default-src"] == "'self'"
    assert sources["form-action"] == f"'self' {SERVICE_ORIGIN}"
    assert sources["connect-src"] == f"'self' {SERVICE_ORIGIN}"
    assert sources["frame-ancestors"] == "'none'" and sources["object-src"] == "'none'"


def check_portal(port: int, site_dir: Path, config: str, server: str | None) -> None:
    """What a reader's browser gets from the portal's web server."""
    status, headers, body = fetch(port, "/index.html", headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == (site_dir / "index.html").read_bytes()
    assert {k: headers.get(k) for k in PORTAL_HEADERS} == PORTAL_HEADERS
    check_csp(headers["content-security-policy"], site_dir, config)
    assert headers["cache-control"] == "no-cache"
    assert headers.get("server") == server  # no version, or no header at all
    assert headers["content-type"].startswith("text/html")
    # A file named by a hash of its content is kept a year.
    css = next((site_dir / "assets" / "stylesheets").glob("main.*.min.css"))
    status, headers, _ = fetch(port, f"/assets/stylesheets/{css.name}")
    assert status == 200
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["x-content-type-options"] == "nosniff"
    fragment = next((site_dir / "pagefind" / "fragment").glob("*.pf_fragment"))
    status, headers, _ = fetch(port, f"/pagefind/fragment/{fragment.name}")
    assert (status, headers["cache-control"]) == (200, "public, max-age=31536000, immutable")
    status, headers, _ = fetch(port, "/assets/portal.css")
    assert (status, headers["cache-control"]) == (200, "no-cache")
    # An address that does not exist: the portal's own 404 page, with the same headers.
    status, headers, body = fetch(port, f"/{portal.DOSSIER}/nulle-part.html")
    assert status == 404
    assert body == (site_dir / "404.html").read_bytes()
    assert {k: headers.get(k) for k in PORTAL_HEADERS} == PORTAL_HEADERS
    assert "content-security-policy" in headers
    # Under /en/, the English edition's own (issue 29); a portal still French-only
    # (make new-campaign) has none, and the address is still not found.
    status, headers, body = fetch(port, f"/en/{portal.DOSSIER}/nowhere.html")
    if portal.HAS_ENGLISH:
        assert (status, body) == (404, (site_dir / "en" / "404.html").read_bytes())
        assert {k: headers.get(k) for k in PORTAL_HEADERS} == PORTAL_HEADERS
    else:
        assert status == 404


# -- nginx ------------------------------------------------------------------------------

def nginx_main(folder: Path, site_conf: str, port: int) -> Path:
    """A main nginx.conf like Debian's around one site file, everything in `folder`."""
    for sub in ("client", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "site.conf").write_text(site_conf, encoding="utf-8")
    main = folder / "nginx.conf"
    main.write_text(f"""user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {folder}/client;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
""", encoding="utf-8")
    return main


def nginx_for_loopback(config: str, port: int, replacements: dict[str, str]) -> str:
    """The shipped file with its HTTPS server on a loopback port in plain HTTP."""
    config = re.sub(r"server \{\n    listen 80;.*?\n\}\n", "", config, count=1, flags=re.S)
    config = config.replace("    listen 443 ssl;\n", f"    listen 127.0.0.1:{port};\n")
    config = config.replace("    listen [::]:443 ssl;\n", "").replace("    http2 on;\n", "")
    config = re.sub(r"    ssl_[a-z_]+ .*;\n", "", config)
    config = re.sub(r"error_log \S+ crit;", "error_log stderr crit;", config)
    for old, new in replacements.items():
        assert old in config, old
        config = config.replace(old, new)
    return config


def run_nginx(tmp_path: Path, config: str, port: int) -> subprocess.Popen:
    nginx = needs("nginx")
    main = nginx_main(tmp_path / "nginx", config, port)
    test = subprocess.run([nginx, "-t", "-c", str(main), "-p", str(tmp_path / "nginx")],
                          capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    assert "syntax is ok" in test.stderr
    process = subprocess.Popen([nginx, "-c", str(main), "-p", str(tmp_path / "nginx"),
                                "-g", "daemon off;"], stderr=subprocess.PIPE)
    wait_for_port(port)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def nginx_portal(site, tmp_path_factory):
    """nginx-portail.conf serving the session's build on a loopback port: the port."""
    port = free_port()
    config = nginx_for_loopback((DEPLOY / "nginx-portail.conf").read_text(encoding="utf-8"),
                                port, {"root /var/www/portail;": f"root {site.dir};"})
    process = run_nginx(tmp_path_factory.mktemp("nginx-portail"), config, port)
    yield port
    stop(process)


def test_nginx_serves_the_portal_with_its_headers_compression_cache_and_404(site,
                                                                            nginx_portal):
    check_portal(nginx_portal, site.dir, "nginx-portail.conf", server="nginx")


@pytest.mark.browser
def test_the_portal_works_in_a_browser_under_the_shipped_policy(site, nginx_portal, browser):
    """Under the CSP, a reader's browser refuses nothing the portal does: the theme's inline
    scripts, the search (Pagefind's WebAssembly), an interactive chart (Vega)."""
    page = browser.new_page()
    refused, errors = [], []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = f"http://127.0.0.1:{nginx_portal}/"
    page.goto(base + "index.html", wait_until="networkidle")
    page.fill("#portal-search-q", portal.first_investigation_word())
    page.press("#portal-search-q", "Enter")
    page.wait_for_url("**/rechercher.html?q=*")
    # (waited for with a locator: Playwright's wait_for_function evaluates a string, which
    # the policy forbids as it would any script's)
    page.locator("#search-results li").first.wait_for(timeout=60_000)
    for chart_page, charts in list(portal.chart_pages().items())[:1]:  # if it has charts
        page.goto(base + chart_page, wait_until="networkidle")
        figure = page.locator(f"#graphique-{charts[0]}")
        figure.get_by_role("button", name="Version interactive").click()
        figure.locator(".chart-interactive-view svg").wait_for(state="visible", timeout=60_000)
    page.goto(base + "nulle-part.html", wait_until="networkidle")
    assert page.locator("h1").count() == 1
    page.close()
    assert refused == [] and errors == []


# -- Caddy ------------------------------------------------------------------------------

def caddy_for_loopback(config: str, host: str, port: int, replacements: dict[str, str]) -> str:
    """The shipped block served on a loopback port in plain HTTP, with no admin API."""
    assert f"{host} {{" in config
    config = config.replace(f"{host} {{", f"http://127.0.0.1:{port} {{")
    for old, new in replacements.items():
        assert old in config, old
        config = config.replace(old, new)
    return "{\n\tadmin off\n\tauto_https off\n}\n\n" + config


def run_caddy(tmp_path: Path, config: str, port: int) -> subprocess.Popen:
    caddy = needs("caddy")
    file = tmp_path / "Caddyfile"
    file.write_text(config, encoding="utf-8")
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "PATH": "/usr/bin:/bin"}
    valid = subprocess.run([caddy, "validate", "--config", str(file), "--adapter", "caddyfile"],
                           capture_output=True, text=True, env=env)
    assert valid.returncode == 0, valid.stderr
    process = subprocess.Popen([caddy, "run", "--config", str(file), "--adapter", "caddyfile"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wait_for_port(port)
    return process


def test_caddy_serves_the_portal_with_its_headers_compression_cache_and_404(site, tmp_path):
    port = free_port()
    config = caddy_for_loopback((DEPLOY / "Caddyfile-portail").read_text(encoding="utf-8"),
                                "portail.example.org", port,
                                {"root * /var/www/portail": f"root * {site.dir}"})
    process = run_caddy(tmp_path, config, port)
    try:
        check_portal(port, site.dir, "Caddyfile-portail", server=None)
        status, headers, _ = fetch(port, "/index.html", headers={"Accept-Encoding": "zstd"})
        assert (status, headers["content-encoding"]) == (200, "zstd")
    finally:
        stop(process)


def test_caddy_files_are_as_caddy_fmt_writes_them(tmp_path):
    caddy = needs("caddy")
    for name in ("Caddyfile", "Caddyfile-portail"):
        copy = tmp_path / name
        shutil.copy(DEPLOY / name, copy)
        subprocess.run([caddy, "fmt", "--overwrite", str(copy)], check=True,
                       capture_output=True)
        assert copy.read_text(encoding="utf-8") == (DEPLOY / name).read_text(encoding="utf-8")


def test_both_portal_configurations_send_the_same_policy():
    nginx = (DEPLOY / "nginx-portail.conf").read_text(encoding="utf-8")
    caddy = (DEPLOY / "Caddyfile-portail").read_text(encoding="utf-8")
    policy = re.search(r'add_header Content-Security-Policy ("[^"]+") always;', nginx)[1]
    assert f"Content-Security-Policy {policy}" in caddy
    assert "server_tokens off;" in nginx and "-Server" in caddy


# -- in front of the service: the limit holds through the shipped proxy ------------------

def refused_form(i: int) -> str:
    return urllib.parse.urlencode({"name": f"Camille {i}", "email": f"c{i}@example.org",
                                   "postcode": "35000", "website": ""})


def _post(port: int, i: int, forged: str, source: str) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30,
                                            source_address=(source, 0))
    try:
        connection.request("POST", "/signer", body=refused_form(i).encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": forged,
            "Origin": PORTAL_ORIGIN})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, \
            response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("server", ["nginx", "caddy"])
def test_the_shipped_proxy_and_unit_keep_the_limit_on_the_real_client(server, keys, inbox,
                                                                      tmp_path):
    """The service as the systemd unit sets it (proxies: 127.0.0.1), behind the shipped
    nginx or Caddy: two readers on two addresses each get their own limit, and rotating
    X-Forwarded-For gets neither of them more."""
    unit = (DEPLOY / "portail-service.service").read_text(encoding="utf-8")
    trusted = re.search(r"^Environment=SERVICE_TRUSTED_PROXIES=(.+)$", unit, re.M)[1]
    service = Service(f"sqlite:///{tmp_path / 'service.db'}", keys[1], inbox.port,
                      extra_env={"SERVICE_TRUSTED_PROXIES": trusted,
                                 "SERVICE_RATE_LIMIT": "3"}).start()
    port = free_port()
    if server == "nginx":
        config = nginx_for_loopback(
            (DEPLOY / "nginx.conf").read_text(encoding="utf-8"), port,
            {"proxy_pass http://127.0.0.1:8001;": f"proxy_pass http://127.0.0.1:{service.port};"})
        process = run_nginx(tmp_path, config, port)
    else:
        config = caddy_for_loopback(
            (DEPLOY / "Caddyfile").read_text(encoding="utf-8"), "agir.example.org", port,
            {"reverse_proxy 127.0.0.1:8001": f"reverse_proxy 127.0.0.1:{service.port}"})
        process = run_caddy(tmp_path, config, port)
    try:
        first = [_post(port, i, f"198.51.100.{i}", "127.0.0.3")[0] for i in range(5)]
        second = [_post(port, i, f"198.51.100.{i}", "127.0.0.5")[0] for i in range(4)]
        status, headers, _ = _post(port, 9, "", "127.0.0.6")
    finally:
        stop(process)
        service.stop()
    assert first == [422, 422, 422, 429, 429]
    assert second == [422, 422, 422, 429]
    assert status == 422 and headers["x-content-type-options"] == "nosniff"
    assert headers.get("server") in (None, "nginx")  # neither names a version or uvicorn
    assert "198.51.100" not in service.log() and "127.0.0.3" not in service.log()
