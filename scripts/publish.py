"""Publish the portal to any static host: `make publish DEST=…`.

  DEST = /srv/www/portail                   a folder of this machine
  DEST = utilisateur@serveur:/srv/www/portail   a folder of a server, by rsync over SSH

The published tree is first built in full (a publishing build: placeholders are refused;
scripts/build.py, with the frozen versions). A failed build stops here: DEST is untouched.
Then, so that readers never see half of an update:

  /srv/www/.portail.releases/<id>/   each published tree, whole (files unchanged since the
                                     previous one are hard links to it: no extra space)
  /srv/www/portail -> .portail.releases/<id>   the web server serves this link; it is
                                     replaced in one rename, when the new tree is complete

The last KEEP trees are kept (to go back: point the link to an older one). The SSH command
can be changed with PORTAL_PUBLISH_SSH (e.g. "ssh -p 2222 -i ~/.ssh/portail").
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from common.config import portal_environ
from scripts.build import atomic_build, with_commit_date

KEEP = 3
RELEASE_ID = re.compile(r"^\d{8}T\d{6}-\d+$")


class PublishError(Exception):
    """A problem with the destination, in French."""


@dataclass(frozen=True)
class Destination:
    host: str | None  # None: a local folder
    path: PurePosixPath

    @property
    def releases(self) -> PurePosixPath:
        return self.path.parent / f".{self.path.name}.releases"

    def link_target(self, release: str) -> str:
        """What the DEST link points to: relative, so that the folder can be moved."""
        return f".{self.path.name}.releases/{release}"


def parse_destination(text: str) -> Destination:
    """`host:path` (rsync's syntax) or a local path; the path must name a folder."""
    host = None
    match = re.match(r"^([^/:]+):(.+)$", text)
    if match:
        host, text = match.groups()
    path = PurePosixPath(text.rstrip("/") or "/")
    if path.name in ("", ".", ".."):
        raise PublishError(f"destination « {text} » : indiquez le dossier que sert le serveur "
                           "web, par exemple /srv/www/portail ou serveur:/srv/www/portail")
    if host is None:  # absolute, without following DEST itself (a link, once published)
        path = PurePosixPath(os.path.abspath(text))
    return Destination(host, path)


def release_id(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%S}-{os.getpid()}"


def old_releases(names: list[str], current: str | None, keep: int = KEEP) -> list[str]:
    """Release folders to delete: all but the newest `keep`, never the one being served."""
    ordered = sorted(n for n in names if RELEASE_ID.match(n))
    return [n for n in ordered[:-keep] if n != current] if keep else []


# -- A folder of this machine ----------------------------------------------------------

def _copy_tree(site: Path, target: Path, previous: Path | None) -> None:
    """`site` copied to `target`; files identical to the previous release are hard links."""
    for source in sorted(site.rglob("*")):
        relative = source.relative_to(site)
        dest = target / relative
        if source.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        old = previous / relative if previous else None
        if old and old.is_file() and old.stat().st_size == source.stat().st_size \
                and old.read_bytes() == source.read_bytes():
            os.link(old, dest)
        else:
            shutil.copyfile(source, dest)
            dest.chmod(0o644)


def publish_local(site: Path, dest: Destination, release: str, keep: int = KEEP) -> None:
    link = Path(dest.path)
    releases = Path(dest.releases)
    if link.exists() and not link.is_symlink():
        if link.is_dir() and not any(link.iterdir()):
            link.rmdir()  # an empty folder prepared for the site: replaced by the link
        else:
            raise PublishError(
                f"{link} est un dossier ordinaire : make publish le remplace par un lien vers "
                f"l’arbre publié. Déplacez-le d’abord (mv {link} {link}.ancien), puis "
                f"relancez ; le serveur web continue de servir le chemin {link}.")
    releases.mkdir(parents=True, exist_ok=True)
    releases.chmod(0o755)
    current = os.readlink(link) if link.is_symlink() else None
    previous = (link.parent / current) if current else None
    partial = releases / f".{release}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        _copy_tree(site, partial, previous if previous and previous.is_dir() else None)
        partial.chmod(0o755)
        partial.rename(releases / release)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    # The swap: a new link beside, renamed over the old one (rename(2) is atomic).
    new_link = link.with_name(f".{link.name}.link-{release}")
    os.symlink(dest.link_target(release), new_link)
    os.replace(new_link, link)
    for name in old_releases([p.name for p in releases.iterdir()], release, keep):
        shutil.rmtree(releases / name, ignore_errors=True)


# -- A server, by rsync over SSH -------------------------------------------------------

def ssh_command() -> list[str]:
    """PORTAL_PUBLISH_SSH (empty counts as unset: common/config.py), else `ssh`."""
    return shlex.split(portal_environ().get("PORTAL_PUBLISH_SSH", "ssh"))


def remote_script(dest: Destination, release: str, keep: int = KEEP) -> str:
    """The shell run on the server once the tree is uploaded: swap the link, prune."""
    link, releases = shlex.quote(str(dest.path)), shlex.quote(str(dest.releases))
    target = shlex.quote(dest.link_target(release))
    temporary = shlex.quote(str(dest.path.parent / f".{dest.path.name}.link-{release}"))
    return (
        "set -e; "
        f"if [ -e {link} ] && [ ! -L {link} ]; then "
        f"echo 'Erreur : {dest.path} est un dossier ordinaire ; déplacez-le puis relancez' >&2; "
        "exit 3; fi; "
        f"ln -sfn {target} {temporary}; "
        f"mv -T {temporary} {link}; "
        f"cd {releases}; "
        f"ls -1 | grep -E '^[0-9]{{8}}T[0-9]{{6}}-[0-9]+$' | sort | head -n -{keep} "
        f"| grep -vx {shlex.quote(release)} | xargs -r rm -rf --"
    )


def rsync_command(site: Path, dest: Destination, release: str, current: str | None) -> list[str]:
    """Upload into a new release folder; unchanged files become hard links to the current
    release on the server (--link-dest), so only what changed is sent and stored."""
    # Every build writes new files: compare contents (--checksum), not dates; no --times,
    # which would make the dates part of what --link-dest must find identical.
    command = ["rsync", "--recursive", "--links", "--checksum", "--chmod=D755,F644",
               "--delete", "--rsh", shlex.join(ssh_command())]
    if current:
        command.append(f"--link-dest=../{current}")
    command += [f"{site}/", f"{dest.host}:{dest.releases}/{release}/"]
    return command


def publish_remote(site: Path, dest: Destination, release: str, keep: int = KEEP) -> None:
    if shutil.which("rsync") is None:
        raise PublishError("rsync est introuvable : installez-le (apt-get install rsync), "
                           "ici et sur le serveur")

    def ssh(script: str) -> subprocess.CompletedProcess:
        return subprocess.run([*ssh_command(), dest.host, script], capture_output=True,
                              text=True, check=False)

    prepared = ssh(f"mkdir -p {shlex.quote(str(dest.releases))} && "
                   f"readlink {shlex.quote(str(dest.path))} || true")
    if prepared.returncode != 0:
        raise PublishError(f"connexion à {dest.host} impossible : {prepared.stderr.strip()}")
    current = PurePosixPath(prepared.stdout.strip()).name or None
    upload = subprocess.run(rsync_command(site, dest, release, current), check=False)
    if upload.returncode != 0:
        ssh(f"rm -rf {shlex.quote(str(dest.releases / release))}")
        raise PublishError(f"envoi interrompu (rsync, code {upload.returncode}) : le site "
                           "publié n’a pas changé")
    swapped = ssh(remote_script(dest, release, keep))
    if swapped.returncode != 0:
        raise PublishError(f"bascule impossible sur {dest.host} : {swapped.stderr.strip()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dest")
    parser.add_argument("--site-dir", type=Path, default=Path("site"))
    parser.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"))
    parser.add_argument("--keep", type=int, default=KEEP)
    args = parser.parse_args()
    try:
        dest = parse_destination(args.dest)
    except PublishError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    env = with_commit_date(dict(os.environ, PORTAL_BUILD="publish"),
                           args.config_file.resolve().parent)
    if atomic_build(args.site_dir, args.config_file, [], env=env) != 0:
        print(f"Rien n’a été publié : {args.dest} n’a pas changé.", file=sys.stderr)
        return 1
    release = release_id()
    try:
        if dest.host:
            publish_remote(args.site_dir.resolve(), dest, release, args.keep)
        else:
            publish_local(args.site_dir.resolve(), dest, release, args.keep)
    except (PublishError, OSError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        print(f"Rien n’a été publié : {args.dest} n’a pas changé.", file=sys.stderr)
        return 1
    print(f"Portail publié dans {args.dest} (arbre {release}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
