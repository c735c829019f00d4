"""Record an archived copy of every address of the bibliography (`make archive-sources`).

    python -m scripts.archive_sources [--summary archive-report/resume.md] [--today AAAA-MM-JJ]

Asks the Wayback Machine (availability, then a Save Page Now capture when the environment
gives the Internet Archive's keys IA_S3_ACCESS_KEY and IA_S3_SECRET_KEY) and the other
archives (Memento TimeTravel), and writes what they answered to data/archives.yml after each
address. Settings (ARCHIVE_TIMEOUT, ARCHIVE_RETRIES, ARCHIVE_HOST_INTERVAL…, the services'
addresses) come from the environment: see linkcheck/archive_client.py. Exit 0 when the run
went through (what could not be archived is in the summary), 2 on a content or setting
mistake (nothing is written then).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from common.config import PortalConfig
from linkcheck.archive_client import ArchiveClient, SettingError, Settings, user_agent
from linkcheck.archiving import archive_sources, summary_markdown
from macros.citations.preserved import cited_urls
from macros.citations.sources import read_bibliography
from macros.floor.errors import ContentError, Problem

ROOT = Path(__file__).resolve().parents[1]


def contact_of(config: PortalConfig, environ) -> str:
    """How the archives' operators can reach the team: ARCHIVE_CONTACT, else the portal's
    contact address, else its repository, else its site."""
    given = (environ.get("ARCHIVE_CONTACT") or "").strip()
    if given:
        return given
    contact = config.contact if isinstance(config.contact, dict) else {}
    email = str(contact.get("email") or "").strip()
    if email and not email.endswith(("example.org", "example.com", "example.net")):
        return f"mailto:{email}"
    return config.repo_url or config.site_url


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config-file", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--summary", type=Path, default=None,
                        help="écrit aussi le résumé (Markdown) dans ce fichier")
    parser.add_argument("--today", default=None, help="date du jour (AAAA-MM-JJ), pour les tests")
    parser.add_argument("--url", action="append", default=None,
                        help="seulement cette adresse (peut être répété)")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # progress shown as it happens

    config = PortalConfig.read(args.config_file)
    root = config.root
    try:
        today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    except ValueError:
        print(f"--today illisible : « {args.today} » — écrivez AAAA-MM-JJ")
        return 2
    try:
        settings = Settings.from_environment(
            os.environ, user_agent(config.campaign_slug, contact_of(config, os.environ)))
    except SettingError as error:
        print(error)
        return 2
    bibliography = read_bibliography(config.bib_dir, root)
    problems: list[Problem] = list(bibliography.problems)
    if problems:
        print(ContentError(problems))
        print("\nRien n’a été demandé aux archives : corrigez d’abord la bibliographie.")
        return 2
    urls = cited_urls(bibliography.sources)
    label = config.archives_data
    print(f"Archivage des sources : {len(urls)} adresse{'s' if len(urls) > 1 else ''} de "
          f"{config.bibliography_dir}/, enregistrées dans {label}")
    print(f"User-Agent : {settings.user_agent}")
    if not settings.can_capture:
        print("Sans les clés IA_S3_ACCESS_KEY et IA_S3_SECRET_KEY, aucune capture ne sera "
              "demandée : seules les copies existantes seront cherchées.")
    client = ArchiveClient(settings, say=print)
    try:
        run = archive_sources(client, urls, root / label, label, today, print,
                              set(args.url) if args.url else None)
    except ContentError as error:
        print(error)
        print(f"\nRien n’a été écrit : corrigez d’abord {label}.")
        return 2
    except KeyboardInterrupt:
        print(f"\nInterrompu : ce qui a été enregistré jusqu’ici reste dans {label}.")
        return 130
    finally:
        client.close()
    summary = summary_markdown(run, label)
    print()
    print(summary)
    if args.summary:
        args.summary.parent.mkdir(parents=True, exist_ok=True)
        args.summary.write_text(summary, encoding="utf-8")
        print(f"Résumé écrit dans {args.summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
