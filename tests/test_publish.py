"""`make publish DEST=…`: the published tree put in place atomically, into a folder of this
machine and onto a "server" reached by rsync over SSH (an SSH command that runs the remote
command here, so that the real rsync and the real remote shell script are exercised)."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path, PurePosixPath

import pytest
from bs4 import BeautifulSoup

from scripts.publish import (
    Destination,
    PublishError,
    old_releases,
    parse_destination,
    remote_script,
    rsync_command,
)
from support.publishing import publishable_site, publishing_env
from support.sites import importable, script

PUBLISH = script("publish")


def publish(project: Path, dest: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([*PUBLISH, dest], cwd=project, capture_output=True, text=True,
                          timeout=300, env=importable(publishing_env(**env)))


def served(link: Path) -> dict[str, bytes]:
    tree = link.resolve()
    return {p.relative_to(tree).as_posix(): p.read_bytes()
            for p in sorted(tree.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path):
    return publishable_site(tmp_path)


def test_destination_syntax():
    assert parse_destination("equipe@serveur:/srv/www/portail/") == Destination(
        "equipe@serveur", PurePosixPath("/srv/www/portail"))
    local = parse_destination("www/portail")
    assert local.host is None and local.path == PurePosixPath(Path.cwd() / "www/portail")
    assert local.releases == local.path.parent / ".portail.releases"
    with pytest.raises(PublishError, match="indiquez le dossier que sert le serveur web"):
        parse_destination("serveur:/")


def test_old_releases_keeps_the_newest_and_the_one_served():
    names = ["20250101T000000-1", "20250102T000000-1", "20250103T000000-1",
             "20250104T000000-1", ".20250105T000000-1.partial", "autre"]
    assert old_releases(names, "20250104T000000-1", keep=2) == [
        "20250101T000000-1", "20250102T000000-1"]
    assert old_releases(names, "20250101T000000-1", keep=2) == ["20250102T000000-1"]


def test_rsync_links_unchanged_files_to_the_release_being_served(monkeypatch):
    monkeypatch.setenv("PORTAL_PUBLISH_SSH", "ssh -p 2222")
    dest = parse_destination("serveur:/srv/www/portail")
    command = rsync_command(Path("/tmp/site"), dest, "20250102T000000-9", "20250101T000000-1")
    assert command[command.index("--rsh") + 1] == "ssh -p 2222"
    assert "--link-dest=../20250101T000000-1" in command
    assert command[-2:] == ["/tmp/site/", "serveur:/srv/www/.portail.releases/20250102T000000-9/"]
    script = remote_script(dest, "20250102T000000-9")
    assert "ln -sfn .portail.releases/20250102T000000-9" in script
    assert "mv -T /srv/www/.portail.link-20250102T000000-9 /srv/www/portail" in script


def test_publish_into_a_folder_swaps_the_whole_tree_at_once(project, tmp_path):
    dest = tmp_path / "www" / "portail"
    first = publish(project, str(dest))
    assert first.returncode == 0, first.stdout + first.stderr
    assert dest.is_symlink() and not os.readlink(dest).startswith("/")
    before = served(dest)
    assert "enquetes/une-enquete.html" in before and "versions.html" in before
    page = BeautifulSoup(before["index.html"], "html.parser")
    assert page.select_one("link[rel=canonical]")["href"] == \
        "https://portail.collectif-droits.fr/index.html"
    assert not page.select(".md-banner")  # a publication: no preview or placeholder banner

    # Readers keep reading while the next publication lands: never a missing or half page.
    article = project / "docs" / "enquetes" / "une-enquete.md"
    article.write_text(article.read_text() + "\nUne correction datée.\n")
    seen, stop = [], threading.Event()

    def read_continuously():
        while not stop.is_set():
            try:
                seen.append((dest / "enquetes" / "une-enquete.html").read_bytes())
            except OSError as error:
                seen.append(error)

    reader = threading.Thread(target=read_continuously)
    reader.start()
    second = publish(project, str(dest))
    stop.set()
    reader.join()
    assert second.returncode == 0, second.stdout + second.stderr
    assert not [s for s in seen if isinstance(s, OSError)]
    assert {s for s in seen} <= {before["enquetes/une-enquete.html"],
                                 served(dest)["enquetes/une-enquete.html"]}
    assert b"Une correction dat" in served(dest)["enquetes/une-enquete.html"]
    releases = sorted(p.name for p in (dest.parent / ".portail.releases").iterdir())
    assert len(releases) == 2  # the previous tree is kept, to go back
    # Unchanged files are hard links to the previous tree: no copy is stored twice.
    assert (dest.parent / ".portail.releases" / releases[0] / "assets" / "portal.css").stat(
        ).st_ino == (dest / "assets" / "portal.css").stat().st_ino


def test_a_failed_build_leaves_the_published_tree(project, tmp_path):
    dest = tmp_path / "portail"
    assert publish(project, str(dest)).returncode == 0
    link, before = os.readlink(dest), served(dest)
    (project / "docs" / "enquetes" / "une-enquete.md").write_text(
        "---\ntitle: Cassée\n---\n\nUn fait [@source_inconnue].\n")
    failed = publish(project, str(dest))
    assert failed.returncode == 1
    assert "source_inconnue" in failed.stderr + failed.stdout
    assert f"Rien n’a été publié : {dest} n’a pas changé." in failed.stderr
    assert os.readlink(dest) == link and served(dest) == before
    assert len(list((tmp_path / ".portail.releases").iterdir())) == 1


def test_placeholders_stop_publication_before_anything_is_copied(project, tmp_path):
    dest = tmp_path / "portail"
    refused = publish(project, str(dest), PORTAL_CONTACT_EMAIL="contact@example.org")
    assert refused.returncode == 1
    assert "adresse de contact d’exemple : « contact@example.org »" in refused.stderr
    assert not dest.exists() and not (tmp_path / ".portail.releases").exists()


def test_an_existing_folder_is_not_overwritten(project, tmp_path):
    dest = tmp_path / "portail"
    dest.mkdir()
    (dest / "index.html").write_text("ancien site")
    refused = publish(project, str(dest))
    assert refused.returncode == 1
    assert f"{dest} est un dossier ordinaire" in refused.stderr
    assert (dest / "index.html").read_text() == "ancien site"


def test_publish_to_a_server_with_rsync_over_ssh(project, tmp_path):
    # An "SSH" that runs the remote command on this machine, as sshd would on the server.
    fake_ssh = tmp_path / "ssh-ici"
    fake_ssh.write_text('#!/bin/sh\nshift\nexec sh -c "$*"\n')
    fake_ssh.chmod(0o755)
    www = tmp_path / "serveur" / "www"
    www.mkdir(parents=True)
    dest = f"serveur:{www}/portail"
    for text in ("Première version.", "Seconde version."):
        (project / "docs" / "index.md").write_text(f"---\ntitle: Accueil\n---\n\n{text}\n")
        result = publish(project, dest, PORTAL_PUBLISH_SSH=str(fake_ssh))
        assert result.returncode == 0, result.stdout + result.stderr
        assert text in (www / "portail" / "index.html").read_text()
    assert (www / "portail").is_symlink()
    releases = sorted((www / ".portail.releases").iterdir())
    assert len(releases) == 2
    assert (releases[0] / "assets" / "portal.css").stat().st_ino == \
        (releases[1] / "assets" / "portal.css").stat().st_ino  # --link-dest
