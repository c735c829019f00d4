"""Frozen versions of the portal, one per campaign milestone, with mike.

  release VERSION [--alias latest]   build the portal and commit it as VERSION on the
                                     versions branch; the alias (a copy) and the root
                                     redirect point to it
  export DEST                        write the deployable tree of every version into DEST
                                     (versions.json, one folder per version, aliases as
                                     copies, root redirect), replacing DEST only on success
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.build import replace_dir

VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")


def _mike(*args: str, config: str, branch: str) -> None:
    env = dict(os.environ)
    # mike runs `mkdocs` from PATH: use the ones of this environment.
    bin_dir = Path(sys.executable).parent
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    # mike commits to the versions branch: give it an identity where git has none.
    env.setdefault("GIT_COMMITTER_NAME", "Portail (make release)")
    env.setdefault("GIT_COMMITTER_EMAIL", "portail@localhost")
    env.setdefault("NO_MKDOCS_2_WARNING", "1")
    result = subprocess.run([str(bin_dir / "mike"), *args, "--config-file", config,
                             "--branch", branch], env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"échec de `mike {args[0]}` : la branche {branch} n’a pas été modifiée "
                         "(voir les messages ci-dessus)")


def release(version: str, alias: str, config: str, branch: str) -> None:
    for value in (version, alias):
        if not VERSION.match(value):
            raise SystemExit(f"nom de version invalide : « {value} » — utilisez des lettres, "
                             "chiffres, points et tirets, par exemple 2025-01")
    _mike("deploy", "--update-aliases", "--alias-type", "copy", "--title", version,
          version, alias, config=config, branch=branch)
    _mike("set-default", alias, config=config, branch=branch)


def export(dest: Path, branch: str) -> None:
    archive = subprocess.run(["git", "archive", "--format=tar", branch], check=True,
                             capture_output=True).stdout
    dest = dest.resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            links = [m.name for m in tar.getmembers() if m.issym() or m.islnk()]
            if links:
                raise SystemExit(f"liens symboliques dans {branch} : {links[:3]} — "
                                 "publiez les alias en copies (make release le fait)")
            tar.extractall(staging, filter="data")
        if not (staging / "versions.json").is_file():
            raise SystemExit(f"pas de versions.json dans la branche {branch} : "
                             "lancez d’abord make release VERSION=…")
        replace_dir(staging, dest)
        print(f"Versions exportées dans {dest}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--branch", default="gh-pages")
    parser.add_argument("--config-file", default="mkdocs-release.yml")
    commands = parser.add_subparsers(dest="command", required=True)
    rel = commands.add_parser("release")
    rel.add_argument("version")
    rel.add_argument("--alias", default="latest")
    exp = commands.add_parser("export")
    exp.add_argument("dest", type=Path)
    args = parser.parse_args()
    if args.command == "release":
        release(args.version, args.alias, args.config_file, args.branch)
    else:
        export(args.dest, args.branch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
