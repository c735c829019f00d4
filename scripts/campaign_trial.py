"""A second campaign from a clone, timed: the path a volunteer follows, scripted.

    .venv/bin/python -m scripts.campaign_trial [--keep DIR] [--no-test]

1. `git clone` of this checkout's HEAD into a temporary folder, with a working .venv (see
   `clone_with_venv`: a hard-linked copy of this checkout's, relocated, not a symlink: its
   portail.pth must name the clone);
2. `make new-campaign TITLE=… SLUG=… ORG=…`, then a commit;
3. `make test` in the new portal (skipped with --no-test);
4. the campaign's text written in place of every « À REMPLIR », then
   `make publish DEST=…` with real settings (environment variables, as a partner sets them);
5. the published tree searched for the old campaign's names (pages, exports, feeds, search
   index once decompressed, share images' text).

Prints the time of each step. tests/test_new_campaign.py runs steps 1, 2, 4 and 5.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common.config import PortalConfig

ROOT = Path(__file__).resolve().parents[1]

TITLE = "Le score de risque de la CAF"
SLUG = "score-caf"
ORG = "Collectif Changer de cap"

# What the old campaign must not leave anywhere in the new portal's published tree.
OLD_NAMES = ("France Travail", "France-Travail", "Pôle emploi", "Pole emploi", "Quadrature")

# A real organisation's settings, as environment variables (README, « Publier le portail »).
SETTINGS = {
    "PORTAL_SITE_URL": "https://score-caf.changer-de-cap.fr/",
    "PORTAL_REPO_URL": "https://git.changer-de-cap.fr/campagne/score-caf",
    "PORTAL_CONTACT_EMAIL": "equipe@changer-de-cap.fr",
    "PORTAL_SERVICE_URL": "https://agir.changer-de-cap.fr/",
    "PORTAL_PUBLISHER": ORG,
    "PORTAL_PUBLISHER_ADDRESS": "4 rue de la Paix\n86000 Poitiers",
    "PORTAL_PUBLISHER_CONTACT": "05 49 00 00 00",
    "PORTAL_PUBLICATION_DIRECTOR": "Dominique Durand",
    "PORTAL_HOST_NAME": "Hébergeur associatif",
    "PORTAL_HOST_ADDRESS": "3 place du Marché, 69001 Lyon",
    "PORTAL_HOST_CONTACT": "04 00 00 00 00",
}

# The HTML validator the tests run (make vnu): its npm folder is reused, not refetched.
VNU_DIR = Path("vendor/vnu/node_modules")


def run(cmd: list[str], cwd: Path, env: dict | None = None,
        check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, cwd=cwd, env={**os.environ, **(env or {})},
                            capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} a échoué ({result.returncode}) :\n"
                           f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}")
    return result


def clone_with_venv(source: Path, dest: Path) -> Path:
    """A clone of `source`'s HEAD at `dest` with a .venv of its own, made in seconds.

    The Makefile's .venv is a plain venv plus portail.pth naming the checkout. Rather than
    reinstall every pinned package, the clone gets a hard-linked copy of `source`'s .venv
    (`cp -al`: no data copied), then what names the old checkout is written anew, as new
    files (never through a link, which would change the source's venv): portail.pth, and
    the first line of the scripts in .venv/bin. The stamp is touched so that make does not
    reinstall. Python writes its caches by renaming, so nothing else is shared in writing.
    """
    run(["git", "clone", "--quiet", str(source), str(dest)], cwd=source.parent)
    for command in (["git", "config", "user.name", "Essai"],
                    ["git", "config", "user.email", "essai@changer-de-cap.fr"]):
        run(command, cwd=dest)
    venv, new_venv = source / ".venv", dest / ".venv"
    run(["cp", "-al", str(venv), str(new_venv)], cwd=dest)
    for pth in new_venv.glob("lib/python*/site-packages/portail.pth"):
        pth.unlink()
        pth.write_text(f"{dest}\n", encoding="utf-8")
    old = f"#!{venv}/"
    for script in (new_venv / "bin").iterdir():
        if script.is_symlink() or not script.is_file():
            continue
        with script.open("rb") as f:
            if f.read(len(old)) != old.encode():
                continue
        text = script.read_text(encoding="utf-8")
        script.unlink()
        script.write_text(text.replace(old, f"#!{new_venv}/", 1), encoding="utf-8")
        script.chmod(0o755)
    if (source / VNU_DIR).is_dir():
        run(["cp", "-al", str(source / VNU_DIR), str(dest / VNU_DIR)], cwd=dest)
        jar = dest / VNU_DIR / "vnu-jar/build/dist/vnu.jar"
        if jar.exists():
            os.utime(jar)  # newer than package-lock.json: make vnu has nothing to do
    (new_venv / ".installed").unlink(missing_ok=True)
    (new_venv / ".installed").touch()
    return dest


def new_campaign(clone: Path, **extra: str) -> subprocess.CompletedProcess:
    args = {"TITLE": TITLE, "SLUG": SLUG, "ORG": ORG, **extra}
    result = run(["make", "--no-print-directory", "new-campaign",
                  *(f"{k}={v}" for k, v in args.items())], cwd=clone)
    commit(clone, "Nouvelle campagne : le squelette")
    return result


def commit(clone: Path, message: str) -> None:
    run(["git", "add", "-A"], cwd=clone)
    run(["git", "commit", "--quiet", "--allow-empty", "-m", message], cwd=clone)


def fill_in(clone: Path) -> list[Path]:
    """What the volunteer writes: each « À REMPLIR » of the pages and data replaced by the
    campaign's words (here, a neutral sentence), typography respected."""
    changed = []
    comments = {".yml": "#", ".bib": "%", ".md": None}
    config = PortalConfig.read(clone / "mkdocs.yml")
    for folder in ("docs", config.bibliography_dir, "data"):
        for path in sorted((clone / folder).rglob("*")):
            if path.suffix not in comments or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            lines = text.splitlines(keepends=True)
            mark = comments[path.suffix]
            new = [line if mark and line.lstrip().startswith(mark)
                   else re.sub("À REMPLIR\u00a0: ", "Texte de la campagne, ",
                               line).replace("À REMPLIR", "Texte de la campagne")
                   for line in lines]
            if new != lines:
                path.write_text("".join(new), encoding="utf-8")
                changed.append(path)
    commit(clone, "La campagne écrite")
    return changed


def publish(clone: Path, dest: Path, check: bool = True) -> subprocess.CompletedProcess:
    return run(["make", "--no-print-directory", "publish", f"DEST={dest}"], cwd=clone,
               env=SETTINGS, check=check)


def published_texts(tree: Path):
    """(file, text) of every file of a built tree, compressed search fragments opened."""
    for path in sorted(tree.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":  # Pagefind's fragments and indexes, sitemap.xml.gz
            with contextlib.suppress(OSError):
                data = gzip.decompress(data)
        if path.suffix == ".png":
            continue  # its text is the page's share card, read from the og:image:alt tags
        yield path, data.decode("utf-8", errors="ignore")


def old_names_in(tree: Path) -> list[str]:
    found = []
    for path, text in published_texts(tree):
        lowered = text.lower()
        for name in OLD_NAMES:
            if name.lower() in lowered:
                found.append(f"{path.relative_to(tree)} : « {name} »")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="faire l’essai dans ce dossier, et l’y laisser")
    parser.add_argument("--no-test", action="store_true", help="sans make test")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="campagne-"))
    work.mkdir(parents=True, exist_ok=True)
    clone, www = work / "portail", work / "www"
    times: list[tuple[str, float]] = []

    def step(name, action):
        start = time.monotonic()
        try:
            return action()
        finally:
            times.append((name, time.monotonic() - start))
            print(f"{name} : {times[-1][1]:.1f} s", flush=True)

    status = 0
    try:
        step("clone et .venv", lambda: clone_with_venv(ROOT, clone))
        step("make new-campaign", lambda: new_campaign(clone))
        if not args.no_test:
            # Its output as it goes (a long run: its progress is worth seeing).
            result = step("make test", lambda: subprocess.run(
                ["make", "--no-print-directory", "test"], cwd=clone, check=False))
            status = result.returncode
        step("texte de la campagne", lambda: fill_in(clone))
        step("make publish", lambda: publish(clone, www))
        found = old_names_in(www.resolve())
        print("noms de l’ancienne campagne dans le site publié : " +
              ("aucun" if not found else "\n  " + "\n  ".join(found)))
        status = status or bool(found)
    finally:
        total = sum(t for _, t in times)
        print(f"total : {total:.1f} s ({total / 60:.1f} min)")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
