"""Strict build of the published tree, atomically: the current portal at the root and every
frozen version of the versions branch under versions/<name>/ (scripts/versions.py), built
into a fresh directory beside the target and swapped in only when everything succeeded.
A failed build leaves the previous site untouched (MkDocs itself empties site_dir before
building). `make build`, `make mirror`, `make publish` and the CI publish jobs all build
through `atomic_build`, so they produce the same tree."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

from common.config import portal_environ
from macros.engine.engines import ENGINES, MKDOCS, ZENSICAL
from macros.floor.dirs import replace_dir  # also used by mirror.py and versions.py
from macros.floor.yamldata import config_problem
from scripts.versions import VersionsError, extract, frozen_ref, join


def zensical_build(config: Path, target: Path, env: dict[str, str] | None,
                   output: IO[str] | None = None) -> int:
    """Zensical's build of the portal into `target`, then the post-build step it has no
    hook for (scripts/postbuild.py). Zensical takes its output folder from the configuration
    only, and only inside the project: a configuration beside mkdocs.yml that inherits it
    names a temporary folder there, moved to `target` once everything succeeded. `output`:
    a file that gets what both steps print (the preview shows it), else the terminal."""
    root = config.resolve().parent
    work = Path(tempfile.mkdtemp(prefix=".zensical-site-", dir=root))
    derived = work.with_suffix(".yml")
    derived.write_text(f"INHERIT: {config.resolve().name}\nsite_dir: {work.name}\n",
                       encoding="utf-8")
    try:
        steps = ([sys.executable, "-m", "zensical", "build", "--clean", "--config-file",
                  str(derived)],
                 [sys.executable, "-m", "scripts.postbuild", str(work), "--config-file",
                  str(config.resolve())])
        for command in steps:
            result = subprocess.run(command, cwd=root, check=False, env=env, stdout=output,
                                    stderr=subprocess.STDOUT if output else None)
            if result.returncode != 0:
                return result.returncode
        # Zensical's own search index: the portal searches with Pagefind.
        (work / "search.json").unlink(missing_ok=True)
        shutil.rmtree(target)
        shutil.move(work, target)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
        derived.unlink(missing_ok=True)


def atomic_build(site_dir: Path, config: Path, extra_args: list[str],
                 env: dict[str, str] | None = None, engine: str = MKDOCS) -> int:
    site_dir = site_dir.resolve()
    unreadable = config_problem(config)
    if unreadable:  # MkDocs would say it in English
        print(f"{unreadable}\n\nÉchec de la construction : {site_dir.name}/ n’a pas été "
              "modifié.", file=sys.stderr)
        return 1
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    # An empty PORTAL_* variable counts as unset (common/config.py: portal_environ).
    env = portal_environ(env)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    frozen = Path(tempfile.mkdtemp(prefix=".site-versions-", dir=site_dir.parent))

    def failed(reason: str, code: int = 1) -> int:
        print(f"\n{reason}{site_dir.name}/ n’a pas été modifié.", file=sys.stderr)
        return code

    try:
        ref = frozen_ref(config.resolve().parent)
        try:
            if ref:  # the « Versions » page lists what versions.json holds
                env["PORTAL_VERSIONS_FILE"] = str(extract(config.resolve().parent, ref, frozen))
        except VersionsError as error:
            return failed(f"Versions figées : {error}\n")
        if engine == ZENSICAL:
            returncode = zensical_build(config, staging, env)
        else:
            command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean",
                       "--config-file", str(config), "--site-dir", str(staging), *extra_args]
            returncode = subprocess.run(command, check=False, env=env).returncode
        if returncode != 0:
            return failed("Échec de la construction : ", returncode)
        if ref:
            try:
                for page in join(staging, frozen / "versions"):
                    print(f"Page retirée depuis une version figée : {page} (page d’explication "
                          "écrite à sa place)")
            except VersionsError as error:
                return failed(f"Versions figées : {error}\n")
        replace_dir(staging, site_dir)
        print(f"Site construit dans {site_dir}")
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(frozen, ignore_errors=True)


def with_commit_date(env: dict[str, str], root: Path) -> dict[str, str]:
    """`env` with SOURCE_DATE_EPOCH = the last commit's date (unless already set), so that
    the published site and a mirror kit of the same commit are byte-identical (MkDocs dates
    the sitemap with it). Outside a git checkout, `env` unchanged."""
    if env.get("SOURCE_DATE_EPOCH"):
        return env
    try:
        epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, check=True,
                               capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return env
    return dict(env, SOURCE_DATE_EPOCH=epoch) if epoch.isdigit() else env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site-dir", type=Path, default=Path("site"))
    parser.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"))
    parser.add_argument("--engine", choices=ENGINES, default=MKDOCS,
                        help="MkDocs (the default) or Zensical, Material's successor")
    args, extra = parser.parse_known_args()
    env = with_commit_date(dict(os.environ), args.config_file.resolve().parent)
    return atomic_build(args.site_dir, args.config_file, extra, env=env, engine=args.engine)


if __name__ == "__main__":
    sys.exit(main())
