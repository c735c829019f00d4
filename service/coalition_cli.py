"""The organisers' commands for the coalition, registered by cli.py in one place:
`exporter-partenaire`, `ouvrir-export-partenaire`, `ecrire-dossier`, and the partners'
lines of `statistiques`."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

from . import crypto
from .dossier import write_dossier
from .exports import csv_text
from .markup import format_number
from .partners import confirmed_by_partner, partner_label, sealed_optins
from .settings import Settings
from .storage import Database


class CoalitionError(Exception):
    """A mistake in a command's arguments: the message says what to do (French)."""


def print_partner_stats(db: Database, settings: Settings) -> None:
    """`statistiques`: confirmed signatures by partner (every declared partner, even at 0)."""
    partners = settings.campaign.partners
    counts = confirmed_by_partner(db)
    print("\nPar partenaire :")
    for code in [*partners, *sorted(c for c in counts if c not in partners)]:
        print(f"  {partner_label(code, partners):<40} {counts.get(code, 0):>8}")
    if "" in counts:
        print(f"  {partner_label('', partners):<40} {counts['']:>8}")


def partner_counts(db: Database, settings: Settings) -> dict[str, int]:
    """For `compteur.json`: every declared partner's confirmed count (0 included)."""
    counts = confirmed_by_partner(db)
    return {code: counts.get(code, 0) for code in settings.campaign.partners}


def _private_write(target: Path, text: str) -> None:
    temporary = target.with_name(f".{target.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, target)
    print(f"Écrit : {target}", file=sys.stderr)


def cmd_exporter_partenaire(args, settings: Settings, db: Database) -> None:
    partners = settings.campaign.partners
    partner = partners.get(args.code)
    if partner is None:
        known = ", ".join(partners) or "aucun (data/partenaires.yml est vide)"
        raise CoalitionError(f"partenaire inconnu « {args.code} » ; codes connus : {known}")
    if not partner.takes_news:
        raise CoalitionError(f"{partner.name} n’a pas de clé publique (`cle_publique` dans "
                             "data/partenaires.yml) : ses signataires ne peuvent pas "
                             "s’abonner à ses nouvelles, il n’y a rien à lui remettre")
    rows = sealed_optins(db, partner.code)
    header = {"partenaire": partner.code, "nom": partner.name,
              "date": dt.date.today().isoformat(), "nombre": len(rows),
              "mode_emploi": "python -m service ouvrir-export-partenaire FICHIER "
                             "--cle-privee cle-privee.txt"}
    lines = [json.dumps(header, ensure_ascii=False)] + [
        json.dumps({"confirme_le": r.confirmed_at.date().isoformat(), "scelle":
                    r.partner_sealed}) for r in rows]
    text = "\n".join(lines) + "\n"
    if args.sortie is None:
        sys.stdout.write(text)
    else:
        _private_write(args.sortie, text)
    print(f"{format_number(len(rows))} abonnement(s) à {partner.name}, scellé(s) avec sa clé : "
          "seule sa clé privée les ouvre.", file=sys.stderr)


def cmd_ouvrir_export_partenaire(args, settings) -> None:
    try:
        box = crypto.load_private_key(args.cle_privee)
        lines = [json.loads(line) for line in
                 args.fichier.read_text(encoding="utf-8").splitlines() if line.strip()]
    except crypto.PrivateKeyError as error:
        raise CoalitionError(str(error)) from None
    except (OSError, ValueError) as error:
        raise CoalitionError(f"{args.fichier} illisible : {error}") from None
    if not lines or "partenaire" not in lines[0]:
        raise CoalitionError(f"{args.fichier} n’est pas un export de partenaire (fait par "
                             "`python -m service exporter-partenaire`)")
    rows = []
    for record in lines[1:]:
        try:
            person = json.loads(crypto.unseal(box, record["scelle"]))
        except crypto.PrivateKeyError:
            raise CoalitionError("cette clé privée n’ouvre pas cet export : il a été scellé "
                                 f"pour la clé de « {lines[0]['partenaire']} »") from None
        rows.append([person["adresse"], person["nom"], person["code_postal"],
                     record["confirme_le"]])
    # Every cell made safe for spreadsheets, as every export (exports.py).
    text = csv_text(["adresse électronique", "nom", "code postal", "confirmé le"], rows)
    if args.sortie is None:
        sys.stdout.write(text)
    else:
        _private_write(args.sortie, text)


def cmd_ecrire_dossier(args, settings: Settings, db: Database) -> None:
    pdf, listing, digest, count = write_dossier(db, settings.campaign, args.dossier,
                                                dt.date.today())
    print(f"Dossier écrit : {pdf}\nListe remise avec lui : {listing}\n"
          f"SHA-256 de la liste : {digest}\n{format_number(count)} signatures confirmées.")


def register(command, open_database, command_error) -> None:
    """Add the commands to cli.py's parser (`command` makes a sub-parser). A CoalitionError
    becomes cli.py's `command_error`."""
    def with_db(function):
        def run(args, settings):
            try:
                function(args, settings, open_database(settings))
            except CoalitionError as error:
                raise command_error(str(error)) from None
        return run

    def plain(function):
        def run(args, settings):
            try:
                function(args, settings)
            except CoalitionError as error:
                raise command_error(str(error)) from None
        return run

    p = command("exporter-partenaire", with_db(cmd_exporter_partenaire),
                "abonnements aux nouvelles d’un partenaire, scellés avec sa clé publique "
                "(l’équipe ne peut pas les lire)")
    p.add_argument("code", help="code du partenaire (data/partenaires.yml)")
    p.add_argument("--sortie", type=Path, help="fichier à écrire (sinon : la console)")
    p = command("ouvrir-export-partenaire", plain(cmd_ouvrir_export_partenaire),
                "chez le partenaire : ouvre son export avec sa clé privée (tableau CSV)")
    p.set_defaults(no_settings=True)  # run on the partner's computer
    p.add_argument("fichier", type=Path, help="fichier écrit par exporter-partenaire")
    p.add_argument("--cle-privee", type=Path, required=True,
                   help="fichier de la clé privée du partenaire")
    p.add_argument("--sortie", type=Path, help="fichier à écrire (sinon : la console)")
    p = command("ecrire-dossier", with_db(cmd_ecrire_dossier),
                "écrit le dossier remis aux destinataires (PDF) et la liste des signataires "
                "qui ont accepté d’y figurer, avec son empreinte SHA-256")
    p.add_argument("dossier", type=Path, help="dossier où écrire le PDF et la liste")
