"""`make mirror`: a reproducible, verifiable, atomic kit for partner organisations.

The kit is built twice from two copies of this project committed with the same fixed date,
in different folders, time zones and hash seeds: every byte must match. The archive is then
unpacked with the real `tar` and `unzip` and verified with the real `sha256sum -c`.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from common.config import PortalConfig
from macros.floor.french import format_day
from scripts import mirror
from support import portal
from support.publishing import ORGANISATION, publishable_site
from support.sites import FIXTURE_ARTICLE, NETGUARD, ROOT, build_env, importable, make_site, script

COMMIT_DATE = "2020-01-02T03:04:05+00:00"
COMMIT_EPOCH = int(dt.datetime.fromisoformat(COMMIT_DATE).timestamp())
# A kit is a publication: the organisation's settings, as the CI passes them.
SETTINGS = {**ORGANISATION, "PORTAL_SERVICE_URL": "https://agir.collectif-droits.fr/"}


def commit_all(project: Path) -> str:
    env = dict(build_env(), GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@localhost",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="test@localhost",
               GIT_AUTHOR_DATE=COMMIT_DATE, GIT_COMMITTER_DATE=COMMIT_DATE)
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True,
                          text=True, check=True).stdout.strip()


def copy_project(dest: Path) -> Path:
    """This project's working tree (tracked and new files, nothing ignored), committed."""
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for name in filter(None, names.split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
            if name.endswith((".md", ".yml", ".bib")) and name.startswith(("docs/", "data/",
                                                                           "bibliography/")):
                # A kit is a publication: a new campaign's skeleton text written first.
                text = source.read_text(encoding="utf-8")
                if portal.filled_in(text) != text:
                    (dest / name).write_text(portal.filled_in(text), encoding="utf-8")
    return dest


def run_mirror(project: Path, dist: Path, *args: str, settings: dict | None = None,
               **env: str) -> subprocess.CompletedProcess:
    """`make mirror` with the organisation's settings (SETTINGS unless told otherwise)."""
    return subprocess.run([*script("mirror"), "--dist", str(dist), *args], cwd=project,
                          capture_output=True, text=True, timeout=600,
                          env=importable(build_env(PYTHONPATH=str(NETGUARD),
                                                   **(SETTINGS if settings is None else settings),
                                                   **env)))


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def kits(tmp_path_factory):
    """Two kits of the same commit, built in different places and conditions."""
    built = []
    for number, conditions in enumerate(({"TZ": "UTC", "PYTHONHASHSEED": "1"},
                                         {"TZ": "Pacific/Kiritimati", "PYTHONHASHSEED": "2"})):
        base = tmp_path_factory.mktemp(f"kit{number}")
        project = copy_project(base / f"projet-{number}")
        sha = commit_all(project)
        dist, netlog = base / "dist", base / "network-attempts.log"
        result = run_mirror(project, dist, PORTAL_NETGUARD_LOG=str(netlog), **conditions)
        if result.returncode != 0:
            pytest.fail(f"make mirror failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
        if netlog.exists():
            pytest.fail(f"make mirror tried to reach: {netlog.read_text()}", pytrace=False)
        built.append((sha, dist))
    return built


@pytest.fixture(scope="module")
def kit(kits):
    return kits[0][1]


@pytest.fixture(scope="module")
def manifest(kit):
    return json.loads((kit / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def unpacked(kit, manifest, tmp_path_factory):
    """The site from each archive, unpacked by the real tools: {"tar.gz": dir, "zip": dir}."""
    out = {}
    top = f"{manifest['name']}-{manifest['version']}"
    for kind, command in (("tar.gz", ["tar", "-xzf"]), ("zip", ["unzip", "-q"])):
        if not shutil.which(command[0]):
            pytest.fail(f"`{command[0]}` is needed to unpack the {kind} archive", pytrace=False)
        target = tmp_path_factory.mktemp(kind.replace(".", "-"))
        subprocess.run([*command, str(kit / f"{top}.{kind}")], cwd=target, check=True)
        assert sorted(p.name for p in target.iterdir()) == [top]
        out[kind] = target / top
    return out


def test_kit_contains_archives_checksums_manifest_and_guide(kit, manifest):
    """Issue 30: the archives are named after the campaign's short name (`extra.campaign.slug`)
    and the guide is written for this campaign: its name and address, no template mark."""
    slug = PortalConfig.read(ROOT / "mkdocs.yml").campaign_slug
    top = f"{slug}-{manifest['version']}"
    assert manifest["name"] == slug
    assert sorted(p.name for p in kit.iterdir()) == sorted(
        [f"{top}.tar.gz", f"{top}.zip", "SHA256SUMS", "manifest.json", "MIRRORING.md"])
    guide = (kit / "MIRRORING.md").read_text(encoding="utf-8")
    assert guide == mirror.mirroring_guide((ROOT / "MIRRORING.md").read_text(encoding="utf-8"),
                                           slug, manifest["origin_url"])
    assert f"tar -xzf {slug}-VERSION.tar.gz" in guide
    assert f"--directory-prefix=copie {manifest['origin_url']}index.html" in guide
    assert "{slug}" not in guide and "{site_url}" not in guide and "<!--" not in guide


def test_the_guide_template_names_no_campaign():
    """What ships in the kit is written from the configuration: the template holds no
    campaign's folder or address of its own."""
    template = (ROOT / "MIRRORING.md").read_text(encoding="utf-8")
    assert "france-travail" not in template and "example.org/" not in template.replace(
        "https://example.org/", "")
    guide = mirror.mirroring_guide(template, "score-caf", "https://score-caf.exemple.fr")
    assert "rsync -a --delete score-caf-VERSION/ serveur:/var/www/miroirs/score-caf/" in guide
    assert "https://score-caf.exemple.fr/index.html" in guide


def test_two_builds_of_one_commit_are_byte_identical(kits, unpacked, tmp_path):
    (sha_a, dist_a), (sha_b, dist_b) = kits
    assert sha_a == sha_b  # same tree, same dates: the same commit
    first, second = files_of(dist_a), files_of(dist_b)
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []
    # The archives' content too, file by file (identical archives imply it; say it anyway
    # so that a failure names the file).
    other = tmp_path / "other"
    other.mkdir()
    archive = next(dist_b.glob("*.tar.gz"))
    subprocess.run(["tar", "-xzf", str(archive)], cwd=other, check=True)
    site_a, site_b = files_of(unpacked["tar.gz"]), files_of(next(other.iterdir()))
    assert [n for n in site_a if site_a[n] != site_b.get(n)] == []
    assert len(site_a) > 20


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_sha256sums_verify_the_unpacked_archive(kit, unpacked, kind):
    site = unpacked[kind]
    result = subprocess.run(["sha256sum", "--strict", "-c", str(kit / "SHA256SUMS")],
                            cwd=site, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    listed = [line.split("  ", 1)[1] for line in
              (kit / "SHA256SUMS").read_text(encoding="utf-8").splitlines()]
    assert listed == sorted(files_of(site))  # every file of the site, nothing else
    assert result.stdout.count(": OK\n") == len(listed)


def test_make_build_of_the_commit_gives_the_same_site_as_the_kit(kits, unpacked, tmp_path):
    """The origin, published with `make build`, is provably identical to its mirrors."""
    project = kits[0][1].parent / "projet-0"
    result = subprocess.run([*script("build"), "--site-dir", str(tmp_path / "site")],
                            cwd=project, env=importable(build_env(PORTAL_BUILD="publish",
                                                                  **SETTINGS)),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site").stat().st_mode & 0o777 == 0o755  # readable by a web server
    origin, mirrored = files_of(tmp_path / "site"), files_of(unpacked["tar.gz"])
    assert sorted(origin) == sorted(mirrored)
    assert [name for name in origin if origin[name] != mirrored[name]] == []


def test_sha256sum_catches_an_altered_file(kit, unpacked, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(unpacked["tar.gz"], copy)
    (copy / "index.html").write_text("<p>modifié</p>", encoding="utf-8")
    result = subprocess.run(["sha256sum", "-c", str(kit / "SHA256SUMS")], cwd=copy,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "index.html: FAILED" in result.stdout


def test_manifest_describes_the_build(kits, kit, manifest, unpacked):
    site = files_of(unpacked["zip"])
    sha = kits[0][0]
    assert manifest["commit"] == sha
    assert manifest["version"] == f"2020-01-02-{sha[:10]}"
    assert manifest["build_date"] == "2020-01-02T03:04:05Z"
    assert manifest["source_date_epoch"] == COMMIT_EPOCH
    assert manifest["commit_is_exact"] is True
    assert manifest["origin_url"] == SETTINGS["PORTAL_SITE_URL"]
    assert manifest["file_count"] == len(site)
    assert manifest["total_size"] == sum(len(data) for data in site.values())
    for name, facts in manifest["archives"].items():
        data = (kit / name).read_bytes()
        assert facts == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def test_no_build_time_leaks_into_the_site(unpacked):
    """The commit is dated 2020-01-02: the day the build ran (or the day before or after, for
    a build across midnight or time zones) must appear nowhere in the site, in ISO or French
    form, unless a tracked file of the project carries that same text (a source consulted
    that day, an example in a script's comment): those marks say nothing about a leak."""
    site = unpacked["tar.gz"]
    today = dt.datetime.now(dt.UTC).date()
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode("utf-8").split("\0")
    inputs = b"".join((ROOT / name).read_bytes() for name in tracked
                      if name and (ROOT / name).is_file())
    days = [day for day in (today - dt.timedelta(days=1), today, today + dt.timedelta(days=1))
            if day.isoformat().encode() not in inputs]  # a dated input may be shown in French
    marks = {form for day in days for form in (day.isoformat(), format_day(day))
             if form.encode() not in inputs}
    assert marks, "every candidate date is in the project: this test checks nothing today"
    leaks = [name for name, data in files_of(site).items()
             if any(mark.encode() in data for mark in marks)]
    assert leaks == []
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<lastmod>2020-01-02</lastmod>") == sitemap.count("<lastmod>") > 0
    raw = (site / "sitemap.xml.gz").read_bytes()
    midnight = dt.datetime(2020, 1, 2, tzinfo=dt.UTC).timestamp()  # MkDocs keeps the day
    assert int.from_bytes(raw[4:8], "little") == midnight
    assert gzip.decompress(raw).decode("utf-8") == sitemap


def test_archives_carry_nothing_of_the_building_machine(kit, manifest):
    top = f"{manifest['name']}-{manifest['version']}"
    raw = (kit / f"{top}.tar.gz").read_bytes()
    assert raw[3] == 0  # gzip flags: no file name, no comment, no extra field
    assert raw[4:8] == b"\0\0\0\0"  # no timestamp
    with tarfile.open(kit / f"{top}.tar.gz") as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names) and names[0] == top
    assert {(m.uid, m.gid, m.uname, m.gname, m.mtime) for m in members} == {
        (0, 0, "", "", COMMIT_EPOCH)}
    assert {m.mode for m in members if m.isfile()} == {0o644}
    assert {m.mode for m in members if m.isdir()} == {0o755}
    with zipfile.ZipFile(kit / f"{top}.zip") as archive:
        infos = archive.infolist()
    assert [i.filename.rstrip("/") for i in infos] == names
    assert {i.date_time for i in infos} == {(2020, 1, 2, 3, 4, 4)}  # zip stores 2-second steps
    assert {i.external_attr >> 16 for i in infos if not i.is_dir()} == {0o100644}


# ---------------------------------------------------------------------------
# Atomic: a failed build or packaging step leaves the previous dist/ as it was
# ---------------------------------------------------------------------------

def fixture_project(tmp_path: Path) -> Path:
    project = publishable_site(tmp_path)
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    shutil.copy(ROOT / ".gitignore", project / ".gitignore")  # caches are not changes
    shutil.copy(ROOT / "MIRRORING.md", project / "MIRRORING.md")
    commit_all(project)
    return project


def test_failed_build_or_packaging_keeps_the_previous_dist(tmp_path, monkeypatch):
    project = fixture_project(tmp_path)
    dist = tmp_path / "dist"
    first = run_mirror(project, dist)
    assert first.returncode == 0, first.stderr
    before = files_of(dist)
    assert any(name.endswith(".tar.gz") for name in before)

    # A content mistake: the strict build fails.
    article = project / "docs" / "enquetes" / "une-enquete.md"
    article.write_text(FIXTURE_ARTICLE.replace("date: 2026-01-15", "date: demain"),
                       encoding="utf-8")
    commit_all(project)
    broken = run_mirror(project, dist)
    assert broken.returncode != 0
    assert "`date` n’est pas une date" in broken.stdout + broken.stderr
    assert "dist/ n’a pas été modifié" in broken.stderr
    assert files_of(dist) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "project"]  # no leftovers

    # The build succeeds but packaging fails half-way (disk full while writing the zip).
    article.write_text(FIXTURE_ARTICLE, encoding="utf-8")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    commit_all(project)
    monkeypatch.setattr(mirror, "zip_bytes", disk_full)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    for name, value in SETTINGS.items():
        monkeypatch.setenv(name, value)
    code = mirror.make_mirror(project, dist, project / "mkdocs.yml")
    assert code == 1
    assert files_of(dist) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "project"]


def test_mirror_refuses_a_folder_that_is_not_a_git_checkout(tmp_path):
    project = make_site(tmp_path)
    result = run_mirror(project, tmp_path / "dist")
    assert result.returncode != 0
    assert "dépôt git" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "dist").exists()


def test_sha256sums_lines_are_in_sha256sum_format(tmp_path):
    site = tmp_path / "site"
    (site / "b").mkdir(parents=True)
    (site / "b" / "x.html").write_bytes(b"x")
    (site / "a.css").write_bytes(b"")
    assert mirror.sha256sums(site) == (
        f"{hashlib.sha256(b'').hexdigest()}  a.css\n"
        f"{hashlib.sha256(b'x').hexdigest()}  b/x.html\n")


def test_a_modified_checkout_is_flagged_in_the_manifest(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    (project / "a.md").write_text("a", encoding="utf-8")
    sha = commit_all(project)
    commit = mirror.last_commit(project)
    assert (commit.sha, commit.epoch, commit.clean) == (sha, COMMIT_EPOCH, True)
    assert mirror.version_of(commit) == f"2020-01-02-{sha[:10]}"
    (project / "a.md").write_text("b", encoding="utf-8")
    assert mirror.last_commit(project).clean is False


def test_mirroring_guide_covers_both_languages_and_every_step():
    text = (ROOT / "MIRRORING.md").read_text(encoding="utf-8")
    french, english = text.split("## In English")
    for part in (french, english):
        for needle in ("rsync -a --delete", "wget --mirror", "sha256sum -c", "ln -sfn",
                       "manifest.json", "404.html", "data/miroirs.yml"):
            assert needle in part, needle
    assert "Vérifier" in french and "Verify" in english


# ---------------------------------------------------------------------------
# A kit is a publication: refused like `make publish`, and only from a clean checkout
# ---------------------------------------------------------------------------

def refusal(output: str) -> list[str]:
    """The « Publication refusée » block of a build's output: its header and problems."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Publication refusée"))
    block = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        block.append(line)
    return block


def test_mirror_with_the_default_settings_is_refused_like_make_publish(tmp_path):
    project = fixture_project(tmp_path)
    dist = tmp_path / "dist"
    kit = run_mirror(project, dist, settings={})
    assert kit.returncode == 1
    published = subprocess.run([*script("publish"), str(tmp_path / "www")], cwd=project,
                               capture_output=True, text=True, timeout=300,
                               env=importable(build_env()))
    assert published.returncode == 1
    block = refusal(kit.stdout + kit.stderr)
    assert block == refusal(published.stdout + published.stderr)
    assert block[0] == ("Publication refusée : 10 éléments d’exemple ou manquants doivent "
                        "être remplacés (voir README.md, « Publier le portail ») :")
    assert "  mkdocs.yml:2: adresse du portail d’exemple : « https://fixture.example.org/ » " \
           "— indiquez l’adresse publique du portail dans `site_url` ou la variable " \
           "PORTAL_SITE_URL" in block
    assert "Aucun kit écrit : dist/ n’a pas été modifié." in kit.stderr
    assert "Traceback" not in kit.stderr
    assert not dist.exists() and not (tmp_path / "www").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]  # nothing left behind


def test_a_modified_checkout_is_refused_naming_its_files(tmp_path):
    project = fixture_project(tmp_path)
    dist = tmp_path / "dist"
    assert run_mirror(project, dist).returncode == 0
    before = files_of(dist)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True,
                         text=True, check=True).stdout.strip()
    (project / "docs" / "index.md").write_text("---\ntitle: Accueil\n---\n\nAutre.\n",
                                               encoding="utf-8")
    (project / "notes.txt").write_text("à relire\n", encoding="utf-8")
    refused = run_mirror(project, dist)
    assert refused.returncode == 1
    assert refused.stderr == (
        f"Kit refusé : 2 fichier(s) diffèrent du dernier commit {sha[:10]}. Le kit porterait "
        f"le nom de ce commit (2020-01-02-{sha[:10]}) sans en avoir le contenu, et ses "
        "empreintes ne correspondraient à aucune version publiée :\n"
        "  docs/index.md\n  notes.txt\n"
        "Enregistrez ces changements (git add -A && git commit) ou mettez-les de côté "
        "(git stash --include-untracked), puis relancez make mirror.\n"
        "dist/ n’a pas été modifié.\n")
    assert files_of(dist) == before  # the kit of the commit stays, under its own name
    commit_all(project)  # committed: a new version, another name
    again = run_mirror(project, dist)
    assert again.returncode == 0, again.stderr
    assert sorted(files_of(dist)) != sorted(before)


def test_the_ci_packages_the_tree_it_built_for_publication(tmp_path):
    project = fixture_project(tmp_path)
    site = tmp_path / "site"

    def build(**env: str) -> None:
        result = subprocess.run([*script("build"), "--site-dir", str(site)], cwd=project,
                                env=importable(build_env(**env)), capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stderr

    build(PORTAL_BUILD="preview", **SETTINGS)
    refused = run_mirror(project, tmp_path / "dist", "--site", str(site))
    assert refused.returncode == 1
    assert refused.stderr == (
        f"Kit refusé : {site} n’est pas construit pour la publication (un bandeau "
        "(réglages d’exemple, ou aperçu) sur la page d’accueil ; la balise noindex d’un "
        "aperçu). Construisez-le avec PORTAL_BUILD=publish make build, ou lancez make "
        "mirror sans --site.\n")
    assert not (tmp_path / "dist").exists()
    build(PORTAL_BUILD="publish", **SETTINGS)
    packaged = run_mirror(project, tmp_path / "dist", "--site", str(site))
    assert packaged.returncode == 0, packaged.stderr
    assert (tmp_path / "dist" / "SHA256SUMS").read_text(encoding="utf-8") == \
        mirror.sha256sums(site)
