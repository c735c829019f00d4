"""Frozen versions of the portal, one per campaign milestone, kept with mike.

  release VERSION     build the portal as it is now (a publishing build: placeholders are
                      refused) and commit it once and for all as `versions/VERSION/` on the
                      versions branch, dated by the last commit; a name already used is
                      refused, so that a published version never changes
  export DEST         write the frozen versions alone (versions.json and one folder per
                      version) into DEST, replacing DEST only on success

`make build` (scripts/build.py) joins the branch's `versions/` folder to the current portal:
one published tree, the current portal at the root and every frozen version under
`versions/<name>/`, with the « Versions » page listing them. The branch is read locally,
else as `origin/versions` (CI checkouts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from common.config import PortalConfig
from common.words import LANGUAGES, translations
from macros.floor.dirs import replace_dir
from macros.floor.language import edition_path, language_of
from macros.sitewide.frozen import VERSIONS_DIR, removed_page

VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
BRANCH = "versions"
CURRENT_LINK = re.compile(r'<a class="portal-frozen__current" href="([^"]+)"')


class VersionsError(Exception):
    """A problem with the versions branch, in French, for the person publishing."""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)


def frozen_ref(root: Path, branch: str = BRANCH) -> str | None:
    """The versions branch, local or as fetched from origin; None when there is none."""
    for ref in (f"refs/heads/{branch}", f"refs/remotes/origin/{branch}"):
        if _git(root, "rev-parse", "--verify", "--quiet", ref).returncode == 0:
            return ref
    return None


def extract(root: Path, ref: str, dest: Path) -> Path:
    """The `versions/` folder of `ref` written into `dest` (as dest/versions/); returns the
    path of its versions.json."""
    result = _git(root, "archive", "--format=tar", ref, VERSIONS_DIR)
    if result.returncode != 0:
        raise VersionsError(f"pas de dossier {VERSIONS_DIR}/ dans {ref} : lancez d’abord "
                            "make release VERSION=…")
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as tar:
        links = [m.name for m in tar.getmembers() if m.issym() or m.islnk()]
        if links:
            raise VersionsError(f"liens symboliques dans {ref} : {links[:3]} — une version "
                                "figée est un dossier ordinaire (make release)")
        tar.extractall(dest, filter="data")
    versions_json = dest / VERSIONS_DIR / "versions.json"
    if not versions_json.is_file():
        raise VersionsError(f"pas de {VERSIONS_DIR}/versions.json dans {ref} : lancez "
                            "d’abord make release VERSION=…")
    return versions_json


def released(root: Path, branch: str) -> list[str]:
    ref = frozen_ref(root, branch)
    if ref is None:
        return []
    shown = _git(root, "show", f"{ref}:{VERSIONS_DIR}/versions.json")
    if shown.returncode != 0:
        return []
    return [entry["version"] for entry in json.loads(shown.stdout)]


# -- Joining the frozen versions to the current portal ---------------------------------


def join(site: Path, frozen: Path) -> list[str]:
    """Move the extracted `frozen` versions folder into the built `site` as versions/.
    A frozen page's link to « the same page today » whose page no longer exists gets a
    short page saying so (the frozen bytes are never touched). Returns those pages."""
    target = site / VERSIONS_DIR
    if target.exists():
        raise VersionsError(f"le portail a déjà un dossier {VERSIONS_DIR}/ (docs/{VERSIONS_DIR}/"
                            f") : ce chemin est réservé aux versions figées — renommez-le")
    shutil.move(str(frozen), str(target))
    removed = set()
    for page in sorted(target.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        for href in CURRENT_LINK.findall(text):
            relative = page.parent.relative_to(site).as_posix()
            wanted = posixpath.normpath(posixpath.join(relative, html.unescape(href)))
            if wanted.startswith("../") or (site / wanted).exists():
                continue
            removed.add(wanted)
    root = Path(__file__).resolve().parents[1]
    words = {lang: translations(root, lang).gettext for lang in LANGUAGES}
    for wanted in sorted(removed):
        up = "../" * wanted.count("/")
        lang = language_of(wanted)  # an edition's page: its language, its edition's home
        home = edition_path("index.md", lang).removesuffix(".md") + ".html"
        home = f"{up}{home}" if (site / home).is_file() else f"{up}index.html"
        versions = f"{up}versions.html" if (site / "versions.html").is_file() else None
        stub = site / wanted
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text(removed_page(home, versions, lang, words[lang]), encoding="utf-8")
    return sorted(removed)


# -- make release / make export-versions ---------------------------------------------

def _commit(root: Path) -> tuple[int, dt.date]:
    shown = _git(root, "log", "-1", "--format=%ct")
    epoch = shown.stdout.decode().strip()
    if shown.returncode != 0 or not epoch.isdigit():
        raise VersionsError("make release a besoin d’un dépôt git avec au moins un commit : "
                            "la date du dernier commit date la version")
    return int(epoch), dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()


def _site_url(config: str) -> str:
    return PortalConfig.read(config).site_url.rstrip("/") + "/"


def _mike(*args: str, config: str, branch: str, env: dict[str, str]) -> None:
    # mike runs `mkdocs` from PATH: use the ones of this environment.
    bin_dir = Path(sys.executable).parent
    env = dict(env, PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}")
    # mike commits to the versions branch: give it an identity where git has none.
    env.setdefault("GIT_COMMITTER_NAME", "Portail (make release)")
    env.setdefault("GIT_COMMITTER_EMAIL", "portail@localhost")
    env.setdefault("NO_MKDOCS_2_WARNING", "1")
    result = subprocess.run([str(bin_dir / "mike"), *args, "--config-file", config,
                             "--branch", branch], env=env, check=False)
    if result.returncode != 0:
        raise VersionsError(f"échec de `mike {args[0]}` : la branche {branch} n’a pas été "
                            "modifiée (voir les messages ci-dessus)")


def release(version: str, config: str, branch: str, root: Path) -> None:
    if not VERSION.match(version):
        raise VersionsError(f"nom de version invalide : « {version} » — utilisez des lettres, "
                            "chiffres, points et tirets, par exemple 2025-01")
    if version in released(root, branch):
        raise VersionsError(f"la version « {version} » existe déjà : une version publiée ne "
                            "change plus — choisissez un autre nom, par exemple "
                            f"{version}-2")
    epoch, day = _commit(root)
    changed = _git(root, "status", "--porcelain", "--untracked-files=no").stdout.decode()
    if changed.strip():
        raise VersionsError("des fichiers suivis sont modifiés sans commit : une version figée "
                            "doit être exactement un commit — committez (ou annulez) d’abord :\n"
                            + changed.rstrip())
    env = dict(os.environ)
    env.setdefault("PORTAL_BUILD", "publish")
    # mike appends the version to site_url: pages name their own frozen address.
    env["PORTAL_SITE_URL"] = _site_url(config) + f"{VERSIONS_DIR}/"
    env.update(PORTAL_FROZEN_VERSION=version, PORTAL_FROZEN_DATE=day.isoformat(),
               SOURCE_DATE_EPOCH=str(epoch))
    env.pop("PORTAL_VERSIONS_FILE", None)
    _mike("deploy", "--deploy-prefix", VERSIONS_DIR, "--title", version,
          "--prop-set-string", f"date={day.isoformat()}", "--message",
          f"Version figée {version} ({day.isoformat()})", version,
          config=config, branch=branch, env=env)
    print(f"Version figée « {version} » enregistrée dans la branche {branch} ; "
          f"publiez-la avec git push origin {branch}, puis make build ou make publish.")


def export(dest: Path, branch: str, root: Path) -> None:
    ref = frozen_ref(root, branch)
    if ref is None:
        raise VersionsError(f"pas de branche {branch} : lancez d’abord make release VERSION=…")
    dest = dest.resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        extract(root, ref, staging)
        replace_dir(staging / VERSIONS_DIR, dest)
        print(f"Versions exportées dans {dest}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--branch", default=BRANCH)
    parser.add_argument("--config-file", default="mkdocs-release.yml")
    commands = parser.add_subparsers(dest="command", required=True)
    rel = commands.add_parser("release")
    rel.add_argument("version")
    exp = commands.add_parser("export")
    exp.add_argument("dest", type=Path)
    args = parser.parse_args()
    root = Path.cwd()
    try:
        if args.command == "release":
            release(args.version, args.config_file, args.branch, root)
        else:
            export(args.dest, args.branch, root)
    except VersionsError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
