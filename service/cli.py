"""Les commandes des organisateurs : `python -m service <commande>` (`--help` pour l’aide).

Each command prints a short French report and returns 0; a mistake (missing setting, wrong
key, unknown person) is a French message on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import sys
from pathlib import Path

from . import coalition_cli, crypto
from .exports import csv_text
from .markup import format_number
from .migrations import migrate
from .private_files import restrict_umask, write_private
from .ratelimit import keyed
from .retention import apply_retention
from .settings import Settings, SettingsError, load_settings
from .storage import Database, utcnow


class CommandError(Exception):
    pass


def _database(settings: Settings) -> Database:
    db = Database.open(settings.database_url)
    migrate(db.engine)
    return db


def _write(text: str, target: Path | None) -> None:
    """An export: to the console, or to `target`, readable by its owner only (0600)."""
    if target is None:
        sys.stdout.write(text)
        return
    try:
        write_private(target, text.encode("utf-8"))
    except OSError as error:
        raise CommandError(f"{target} : écriture impossible ({error.strerror}) ; indiquez "
                           "avec --sortie un fichier dans un dossier où vous pouvez "
                           "écrire") from None
    print(f"Écrit : {target}", file=sys.stderr)


def _box(path: Path | None):
    if path is None:
        return None
    try:
        return crypto.load_private_key(path)
    except crypto.PrivateKeyError as error:
        raise CommandError(str(error)) from None


def _unseal(box, sealed: str) -> str:
    try:
        return crypto.unseal(box, sealed)
    except crypto.PrivateKeyError as error:
        raise CommandError(str(error)) from None


# -- the commands -------------------------------------------------------------------------

def cmd_migrer(args, settings: Settings) -> None:
    db = Database.open(settings.database_url)
    applied = migrate(db.engine)
    print("Schéma à jour." if not applied else
          "Migrations appliquées : " + ", ".join(map(str, applied)))


def cmd_generer_cles(args, settings) -> None:
    try:
        private, public = crypto.generate_keys(args.dossier)
    except crypto.PrivateKeyError as error:
        raise CommandError(str(error)) from None
    print(f"Clé privée : {private} (à garder hors du serveur, et à sauvegarder)\n"
          f"Clé publique : {public}\n"
          f"Sur le serveur : SERVICE_PUBLIC_KEY={public.read_text().strip()}")


def cmd_exporter(args, settings: Settings) -> None:
    box = _box(args.cle_privee)
    if args.courriels and box is None:
        raise CommandError("--courriels demande --cle-privee : les adresses sont scellées "
                           "avec la clé de l’équipe")
    rows = _database(settings).confirmed()
    header = ["nom", "code postal", "date"] + (["adresse électronique"] if args.courriels else [])
    lines = [[r.name, r.postcode, r.confirmed_at.date().isoformat()]
             + ([_unseal(box, r.email_sealed)] if args.courriels else []) for r in rows]
    if args.format == "html":
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line) + "</tr>\n"
                       for line in lines)
        text = (f'<!doctype html>\n<html lang="fr"><meta charset="utf-8">'
                f"<title>{html.escape(settings.campaign.title)}</title>\n"
                f"<h1>{html.escape(settings.campaign.title)}</h1>\n"
                f"<p>{format_number(len(lines))} signatures confirmées.</p>\n"
                f"<table>\n<tr>{head}</tr>\n{body}</table>\n</html>\n")
    else:
        text = csv_text(header, lines)
    _write(text, args.sortie)


def cmd_statistiques(args, settings: Settings) -> None:
    db = _database(settings)
    labels = settings.campaign.origins
    rows = db.stats_rows()
    total = sum(r.n for r in rows)
    print(f"Signatures confirmées : {format_number(total)} "
          f"(objectif {format_number(settings.campaign.goal)})")
    unconfirmed, waiting, dropped = db.pending_counts()
    print(f"En attente de confirmation : {format_number(unconfirmed)} ; "
          f"courriels en file d’attente : {format_number(waiting)}")
    print(f"Courriels abandonnés (non remis en "
          f"{settings.campaign.retention.mail_days} jours) : {format_number(dropped)}")
    by_origin: dict[str, int] = {}
    print("\nPar jour et par site :")
    for r in rows:
        label = _origin_label(r.origin, labels)
        by_origin[label] = by_origin.get(label, 0) + r.n
        print(f"  {r.day}  {label:<40} {r.n:>8}")
    print("\nPar site :")
    for label, n in sorted(by_origin.items(), key=lambda item: -item[1]):
        print(f"  {label:<40} {n:>8}")
    coalition_cli.print_partner_stats(db, settings)


def _origin_label(origin: str, labels: dict[str, str]) -> str:
    if not origin:
        return "origine inconnue"
    return f"{labels[origin]} ({origin})" if origin in labels else origin


def cmd_exporter_nouvelles(args, settings: Settings) -> None:
    box = _box(args.cle_privee)
    rows = [r for r in _database(settings).confirmed() if r.newsletter]
    _write(csv_text(["adresse électronique", "nom", "date"],
                    [[_unseal(box, r.email_sealed), r.name, r.confirmed_at.date().isoformat()]
                     for r in rows]), args.sortie)


def cmd_oublier(args, settings: Settings) -> None:
    db = _database(settings)
    if args.temoignage:
        if not db.forget_testimony(args.temoignage.strip().upper()):
            raise CommandError(f"aucun témoignage de référence « {args.temoignage} »")
        print(f"Témoignage {args.temoignage} effacé.")
        return
    from .forms import normalise_email
    from .mailbox import mailbox_key
    email = normalise_email(args.adresse or "")
    if email is None:
        raise CommandError(f"« {args.adresse} » n’est pas une adresse électronique valide")
    # The mailbox's key, and the key schema version 1 gave the address (lower case, +tag
    # kept): a signature made before version 2 is found however it was written then.
    keys = {keyed(settings.secret, "email", mailbox_key(email)),
            keyed(settings.secret, "email", email.lower())}
    if not sum(db.forget(key) for key in sorted(keys)):
        raise CommandError(f"aucune donnée pour « {email} » (déjà effacée, ou jamais reçue)")
    print(f"Toutes les données de {email} sont effacées (signature et courriels).")


def cmd_purger_non_confirmees(args, settings: Settings) -> None:
    days = (settings.campaign.retention.unconfirmed_days if args.jours is None
            else args.jours)
    gone = _database(settings).purge_unconfirmed(utcnow() - dt.timedelta(days=days))
    print(f"Signatures non confirmées depuis plus de {days} jours effacées : {gone}")


def cmd_purger_tout(args, settings: Settings) -> None:
    end = settings.campaign.retention.delete_after
    if not args.confirmer:
        raise CommandError("ajoutez --confirmer : cette commande efface toutes les signatures, "
                           f"tous les témoignages et tous les courriels (fin de conservation "
                           f"prévue le {end.isoformat()})")
    gone = _database(settings).purge_all()
    print("Tout est effacé : " + ", ".join(f"{n} {table}" for table, n in gone.items()))


def cmd_appliquer_conservation(args, settings: Settings) -> None:
    gone = apply_retention(_database(settings), settings.campaign.retention, utcnow())
    print("Durées de conservation appliquées : "
          + ", ".join(f"{n} {what}" for what, n in gone.items()))


def cmd_exporter_temoignages(args, settings: Settings) -> None:
    rows = _database(settings).testimonies()
    text = "".join(json.dumps({"reference": r.reference, "date": r.created_at.isoformat(),
                               "origine": r.origin, "scelle": r.sealed}) + "\n" for r in rows)
    _write(text, args.sortie)


def cmd_dechiffrer_temoignages(args, settings) -> None:
    box = _box(args.cle_privee)
    if args.fichier:
        try:
            records = [json.loads(line) for line in
                       args.fichier.read_text(encoding="utf-8").splitlines() if line.strip()]
        except (OSError, ValueError) as error:
            raise CommandError(f"{args.fichier} illisible : {error}") from None
    else:
        records = [{"reference": r.reference, "date": r.created_at.isoformat(),
                    "scelle": r.sealed} for r in _database(load_settings()).testimonies()]
    parts = [f"=== {r['reference']} · reçu le {r['date'][:10]} ===\n"
             f"{_unseal(box, r['scelle'])}\n" for r in records]
    _write("\n".join(parts) if parts else "Aucun témoignage.\n", args.sortie)


def cmd_publier_compteur(args, settings: Settings) -> None:
    from .publication import PublicationError, count_record, publish_count
    db = _database(settings)
    count, today = db.count(), dt.date.today()
    campaign = settings.campaign
    record = count_record(count, campaign.goal_at(count), campaign.goals, today,
                          coalition_cli.partner_counts(db, settings))
    try:
        publish_count(args.site, args.page, record, args.kit)
    except PublicationError as error:
        raise CommandError(str(error)) from None
    kit = f" et dans le kit {args.kit}" if args.kit else ""
    print(f"Compteur publié dans {args.site}{kit} : {count} signatures au "
          f"{today.isoformat()}.", file=sys.stderr)


def cmd_envoyer(args, settings: Settings) -> None:
    from .outbox import Outbox
    outbox = Outbox(_database(settings), settings)
    total_sent = total_failed = 0
    while True:
        sent, failed = outbox.send_due()
        total_sent, total_failed = total_sent + sent, total_failed + failed
        if not sent:
            break
    print(f"Courriels envoyés : {total_sent} ; en échec (réessayés plus tard) : {total_failed}")


def cmd_servir(args, settings: Settings) -> None:
    import uvicorn

    from .app import create_app
    uvicorn.run(create_app(settings), host=args.hote, port=args.port, access_log=False,
                proxy_headers=False, log_level="info")


# -- the parser ---------------------------------------------------------------------------

class FrenchHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="Utilisation : ")


ARGPARSE_FRENCH = (  # argparse's own messages, in French
    (r"the following arguments are required: (.*)", r"argument obligatoire manquant : \1"),
    (r"unrecognized arguments: (.*)", r"argument inconnu : \1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
     r"\1 : valeur refusée \2 (valeurs possibles : \3)"),
    (r"argument (\S+): invalid int value: (.*)", r"\1 : nombre entier attendu, reçu \2"),
    (r"argument (\S+): expected one argument", r"\1 : une valeur est attendue"),
)


class FrenchParser(argparse.ArgumentParser):
    def error(self, message: str):
        for pattern, french in ARGPARSE_FRENCH:
            message = re.sub(pattern, french, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"Erreur : {message} (voir `{self.prog} --help`)\n")


def _french(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p._positionals.title = "arguments"
    p._optionals.title = "options"
    p.add_argument("-h", "--help", action="help", help="affiche cette aide")
    return p


def parser() -> argparse.ArgumentParser:
    main = _french(FrenchParser(
        prog="python -m service", formatter_class=FrenchHelp, add_help=False,
        description="Service de signature et de témoignages du portail : commandes des "
                    "organisateurs. Réglages dans l’environnement (voir service/README.md)."))
    sub = main.add_subparsers(dest="commande", required=True, metavar="COMMANDE",
                              title="commandes", parser_class=FrenchParser)

    def command(name, function, help_text):
        p = _french(sub.add_parser(name, help=help_text, description=help_text,
                                   prog=f"python -m service {name}",
                                   formatter_class=FrenchHelp, add_help=False))
        p.set_defaults(function=function)
        return p

    command("migrer", cmd_migrer, "crée ou met à jour le schéma de la base de données")
    p = command("generer-cles", cmd_generer_cles,
                "crée la paire de clés de l’équipe (à faire sur un poste de l’équipe, "
                "jamais sur le serveur)")
    p.add_argument("dossier", type=Path, help="dossier où écrire les deux clés")
    p = command("exporter", cmd_exporter,
                "liste interne des signatures confirmées (nom, code postal, date) ; pour les "
                "destinataires, ecrire-dossier ne nomme que qui l’a accepté")
    p.add_argument("--courriels", action="store_true",
                   help="ajoute les adresses électroniques (demande --cle-privee)")
    p.add_argument("--cle-privee", type=Path, help="fichier de la clé privée de l’équipe")
    p.add_argument("--format", choices=("csv", "html"), default="csv",
                   help="csv (tableur) ou html (à imprimer) ; csv par défaut")
    p.add_argument("--sortie", type=Path, help="fichier à écrire (sinon : la console)")
    command("statistiques", cmd_statistiques,
            "signatures confirmées par jour et par site d’origine (portail ou miroir)")
    p = command("exporter-nouvelles", cmd_exporter_nouvelles,
                "adresses des signataires qui ont demandé des nouvelles de la campagne")
    p.add_argument("--cle-privee", type=Path, required=True,
                   help="fichier de la clé privée de l’équipe")
    p.add_argument("--sortie", type=Path, help="fichier à écrire (sinon : la console)")
    p = command("oublier", cmd_oublier,
                "efface toutes les données d’une personne (signature, courriels) ou un "
                "témoignage, sur demande")
    p.add_argument("adresse", nargs="?", help="adresse électronique de la personne")
    p.add_argument("--temoignage", metavar="REFERENCE",
                   help="efface le témoignage de cette référence (T-…)")
    p = command("purger-non-confirmees", cmd_purger_non_confirmees,
                "efface les signatures non confirmées au-delà du délai prévu")
    p.add_argument("--jours", type=int, help="délai en jours (par défaut celui de "
                                             "data/petition.yml)")
    p = command("purger-tout", cmd_purger_tout,
                "fin de campagne : efface signatures, témoignages et courriels")
    p.add_argument("--confirmer", action="store_true", help="confirme l’effacement")
    command("appliquer-conservation", cmd_appliquer_conservation,
            "applique les durées de conservation de data/petition.yml (le service le fait "
            "seul chaque heure)")
    p = command("exporter-temoignages", cmd_exporter_temoignages,
                "copie les témoignages, toujours scellés, pour les déchiffrer ailleurs")
    p.add_argument("--sortie", type=Path, help="fichier à écrire (sinon : la console)")
    p = command("dechiffrer-temoignages", cmd_dechiffrer_temoignages,
                "déchiffre les témoignages avec la clé privée de l’équipe")
    p.add_argument("fichier", type=Path, nargs="?",
                   help="copie faite par exporter-temoignages (sinon : la base de données)")
    p.add_argument("--cle-privee", type=Path, required=True,
                   help="fichier de la clé privée de l’équipe")
    p.add_argument("--sortie", type=Path, help="fichier à écrire (sinon : la console)")
    p = command("publier-compteur", cmd_publier_compteur,
                "écrit le nombre de signatures dans le site construit (page de la pétition "
                "et compteur.json)")
    p.add_argument("site", type=Path, help="dossier du site construit, par exemple site/")
    p.add_argument("--page", default="agir/petition.html",
                   help="page de la pétition dans le site (agir/petition.html par défaut)")
    p.add_argument("--kit", type=Path,
                   help="kit de miroir fait depuis ce site (make mirror : dist/), refait avec "
                        "le nouveau compteur pour que ses empreintes restent justes")
    command("envoyer", cmd_envoyer, "envoie maintenant les courriels en attente")
    coalition_cli.register(command, _database, CommandError)
    p = command("servir", cmd_servir, "lance le service web (uvicorn)")
    p.add_argument("--hote", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001)
    return main


NO_SETTINGS = {cmd_generer_cles}


def main(argv: list[str] | None = None) -> int:
    restrict_umask()  # database, keys, exports: owner only, whatever the caller's umask
    args = parser().parse_args(argv)
    try:
        if args.function is cmd_dechiffrer_temoignages and args.fichier:
            settings = None
        else:
            settings = (None if args.function in NO_SETTINGS
                        or getattr(args, "no_settings", False) else load_settings())
        if args.function is cmd_oublier and not (args.adresse or args.temoignage):
            raise CommandError("indiquez l’adresse électronique de la personne, ou "
                               "--temoignage REFERENCE")
        args.function(args, settings)
    except (CommandError, SettingsError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    return 0
