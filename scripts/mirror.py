"""Mirror kit: `make mirror` writes dist/ for partner organisations.

dist/
  <name>-<version>.tar.gz, .zip   the published tree (scripts/build.py: the current portal and
                                  its frozen versions under versions/) under one top folder
                                  <name>-<version>/
  SHA256SUMS                      every file of the site, paths relative to the site root
                                  (`cd <name>-<version> && sha256sum -c ../SHA256SUMS`)
  manifest.json                   version, commit, build date (from the commit), file count,
                                  total size, origin URL, checksums of the archives
  MIRRORING.md                    how to mirror, verify and update (French and English),
                                  written from the template MIRRORING.md of the repository
                                  with the campaign's name and address (mirroring_guide)

<name> is the campaign's short name, `extra.campaign.slug` of mkdocs.yml (else made from
`site_name`), never the Python project's name.

Reproducible: the build gets SOURCE_DATE_EPOCH from the last commit, and the archives have
sorted entries, the commit's date as mtime, uid/gid 0, fixed modes, and a gzip header
without timestamp or file name. Two runs on the same commit give byte-identical files.

Atomic: the site is built (strictly) and packaged in temporary directories beside dist/,
which is swapped in only when everything succeeded.

A kit is a publication: partners put it online as it is. It is built as `make publish`
builds (PORTAL_BUILD=publish: example settings refused, in the same words), and only from a
clean checkout: the version names the commit, so a kit of uncommitted changes would carry
that name with other checksums. `--site DIR` packages a tree the CI has just built for
publication instead of building it again (the official kit is then the published tree).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from common.config import PortalConfig, read_mkdocs_yml
from scripts.build import atomic_build, replace_dir

MIRRORING = "MIRRORING.md"
FILE_MODE, DIR_MODE = 0o644, 0o755


@dataclass(frozen=True)
class Commit:
    sha: str
    epoch: int  # committer date, seconds since 1970 (UTC)
    clean: bool  # no uncommitted change: the build is exactly this commit

    @property
    def date(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.epoch, dt.UTC)


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                          check=True).stdout


def last_commit(root: Path) -> Commit:
    try:
        sha, epoch = _git(root, "log", "-1", "--format=%H %ct").split()
        clean = not uncommitted_files(root)
    except (OSError, subprocess.CalledProcessError, ValueError) as error:
        raise SystemExit("make mirror a besoin d’un dépôt git avec au moins un commit : "
                         f"la date du dernier commit date la construction ({error})") from None
    return Commit(sha, int(epoch), clean)


def uncommitted_files(root: Path) -> list[str]:
    """Files that differ from the last commit (changed, added, deleted, untracked, not
    ignored), as git names them from `root`."""
    out = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    entries = out.split("\0")
    files, index = [], 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) > 3:
            files.append(entry[3:])
            if entry[0] in "RC":  # a rename names its origin next: skip it
                index += 1
    return files


def dirty_refusal(commit: Commit, files: list[str], limit: int = 20) -> str:
    """Why a kit is not made from uncommitted changes, and how to go on."""
    shown = "".join(f"  {name}\n" for name in files[:limit])
    more = f"  … et {len(files) - limit} autre(s)\n" if len(files) > limit else ""
    return (f"Kit refusé : {len(files)} fichier(s) diffèrent du dernier commit "
            f"{commit.sha[:10]}. Le kit porterait le nom de ce commit "
            f"({version_of(commit)}) sans en avoir le contenu, et ses empreintes ne "
            f"correspondraient à aucune version publiée :\n{shown}{more}"
            "Enregistrez ces changements (git add -A && git commit) ou mettez-les de côté "
            "(git stash --include-untracked), puis relancez make mirror.")


def publication_marks(site: Path) -> list[str]:
    """What shows that a built tree is not a publication (for `--site`): the banner of a
    local build with example settings, or the `noindex` of a preview."""
    index = site / "index.html"
    if not index.is_file():
        return [f"{index} introuvable"]
    text = index.read_text(encoding="utf-8", errors="replace")
    marks = []
    if 'class="portal-banner"' in text:
        marks.append("un bandeau (réglages d’exemple, ou aperçu) sur la page d’accueil")
    if 'name="robots" content="noindex' in text:
        marks.append("la balise noindex d’un aperçu")
    return marks


def version_of(commit: Commit) -> str:
    """`2026-11-23-6acf4c5d1e`: sorts by date, names the exact commit."""
    return f"{commit.date:%Y-%m-%d}-{commit.sha[:10]}"


def site_files(site: Path) -> list[tuple[str, Path]]:
    """Every file of the site as (path relative to the root, path), sorted by that name."""
    files = sorted((p.relative_to(site).as_posix(), p) for p in site.rglob("*") if p.is_file())
    for name, _ in files:
        if "\n" in name or "\\" in name:
            raise ValueError(f"nom de fichier impossible à lister dans SHA256SUMS : {name!r}")
    return files


def site_dirs(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir())


def sha256sums(site: Path) -> str:
    """`sha256sum` format, text mode (two spaces), one line per file of the site."""
    return "".join(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {name}\n"
                   for name, path in site_files(site))


def tar_gz(site: Path, top: str, mtime: int) -> bytes:
    """The site under `top/`, with nothing of this machine in it (owner, dates, order)."""
    def info(name: str, mode: int, kind: bytes, size: int = 0) -> tarfile.TarInfo:
        entry = tarfile.TarInfo(name)
        entry.mode, entry.type, entry.size, entry.mtime = mode, kind, size, mtime
        entry.uid = entry.gid = 0
        entry.uname = entry.gname = ""
        return entry

    raw = io.BytesIO()
    # No file name and mtime 0 in the gzip header.
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.GNU_FORMAT) as tar:
        tar.addfile(info(top, DIR_MODE, tarfile.DIRTYPE))
        entries = [(name, None) for name in site_dirs(site)] + site_files(site)
        for name, path in sorted(entries):
            if path is None:
                tar.addfile(info(f"{top}/{name}", DIR_MODE, tarfile.DIRTYPE))
            else:
                data = path.read_bytes()
                tar.addfile(info(f"{top}/{name}", FILE_MODE, tarfile.REGTYPE, len(data)),
                            io.BytesIO(data))
    return raw.getvalue()


def zip_bytes(site: Path, top: str, mtime: int) -> bytes:
    """The same content as `tar_gz`, as a zip (for partners on Windows)."""
    # Zip dates are local-time fields without zone, from 1980: write the commit's UTC date.
    stamp = max(dt.datetime.fromtimestamp(mtime, dt.UTC), dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    date_time = stamp.timetuple()[:6]

    def info(name: str, mode: int) -> zipfile.ZipInfo:
        entry = zipfile.ZipInfo(name, date_time)
        entry.create_system = 3  # Unix, so that the modes below are read
        entry.external_attr = mode << 16
        entry.compress_type = zipfile.ZIP_DEFLATED
        return entry

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        archive.writestr(info(f"{top}/", 0o40000 | DIR_MODE), b"")
        entries = [(name, None) for name in site_dirs(site)] + site_files(site)
        for name, path in sorted(entries):
            if path is None:
                archive.writestr(info(f"{top}/{name}/", 0o40000 | DIR_MODE), b"")
            else:
                archive.writestr(info(f"{top}/{name}", 0o100000 | FILE_MODE), path.read_bytes(),
                                 compresslevel=9)
    return raw.getvalue()


def manifest(name: str, commit: Commit, site: Path, origin: str,
             archives: dict[str, bytes]) -> dict:
    files = site_files(site)
    return {
        "name": name,
        "version": version_of(commit),
        "commit": commit.sha,
        "commit_is_exact": commit.clean,
        "build_date": commit.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source_date_epoch": commit.epoch,
        "origin_url": origin,
        "file_count": len(files),
        "total_size": sum(path.stat().st_size for _, path in files),
        "archives": {file: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                     for file, data in sorted(archives.items())},
    }


def campaign_slug(config: Path) -> str:
    """The campaign's short name (`extra.campaign.slug`, else made from `site_name`): it
    names the archives and the folder inside them."""
    return PortalConfig.read(config).campaign_slug


def mirroring_guide(template: str, slug: str, site_url: str) -> str:
    """MIRRORING.md for the partners: the template with the campaign's short name and its
    portal's address, its opening comment (for the repository's readers) left out."""
    if template.startswith("<!--"):
        template = template[template.index("-->") + 3:].lstrip("\n")
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    return template.replace("{slug}", slug).replace("{site_url}", site_url)


def origin_url(config: Path) -> str:
    """site_url as the build sees it (PORTAL_SITE_URL included)."""
    return read_mkdocs_yml(config).data.get("site_url") or ""


def package(site: Path, dest: Path, name: str, commit: Commit, origin: str,
            mirroring: Path) -> None:
    """Write the kit for an already built `site` into the empty folder `dest`."""
    top = f"{name}-{version_of(commit)}"
    archives = {f"{top}.tar.gz": tar_gz(site, top, commit.epoch),
                f"{top}.zip": zip_bytes(site, top, commit.epoch)}
    for file, data in archives.items():
        (dest / file).write_bytes(data)
    (dest / "SHA256SUMS").write_text(sha256sums(site), encoding="utf-8")
    (dest / "manifest.json").write_text(
        json.dumps(manifest(name, commit, site, origin, archives), indent=2,
                   ensure_ascii=False) + "\n", encoding="utf-8")
    (dest / MIRRORING).write_text(
        mirroring_guide(mirroring.read_text(encoding="utf-8"), name, origin), encoding="utf-8")


def make_mirror(root: Path, dist: Path, config: Path, built: Path | None = None) -> int:
    """Build the site as a publication (or take the publication tree `built`) and write its
    kit into `dist`; 1 and `dist` untouched on any refusal or failure."""
    root, dist = root.resolve(), dist.resolve()
    commit = last_commit(root)
    if not commit.clean:
        print(dirty_refusal(commit, uncommitted_files(root)), file=sys.stderr)
        print(f"{dist.name}/ n’a pas été modifié.", file=sys.stderr)
        return 1
    if built is not None and publication_marks(built):
        print(f"Kit refusé : {built} n’est pas construit pour la publication ("
              + " ; ".join(publication_marks(built)) + "). Construisez-le avec "
              "PORTAL_BUILD=publish make build, ou lancez make mirror sans --site.",
              file=sys.stderr)
        return 1
    dist.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dist.name}-build-", dir=dist.parent))
    staging = Path(tempfile.mkdtemp(prefix=f".{dist.name}-new-", dir=dist.parent))
    try:
        # Built as `make publish` builds: example settings are refused, in its words.
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(commit.epoch), PORTAL_BUILD="publish")
        site = built.resolve() if built is not None else work / "site"
        if built is None and atomic_build(site, config, [], env=env) != 0:
            print(f"Aucun kit écrit : {dist.name}/ n’a pas été modifié.", file=sys.stderr)
            return 1
        try:
            package(site, staging, campaign_slug(config), commit, origin_url(config),
                    root / MIRRORING)
        except (OSError, ValueError) as error:
            print(f"Échec de l’empaquetage ({error}) : {dist.name}/ n’a pas été modifié.",
                  file=sys.stderr)
            return 1
        replace_dir(staging, dist)
        print(f"Kit de miroir écrit dans {dist} (version {version_of(commit)})")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, default=Path("dist"))
    parser.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"))
    parser.add_argument("--site", type=Path, default=None,
                        help="package this tree, already built for publication (CI), "
                             "instead of building it")
    args = parser.parse_args()
    return make_mirror(args.config_file.resolve().parent, args.dist, args.config_file.resolve(),
                       args.site)


if __name__ == "__main__":
    sys.exit(main())
