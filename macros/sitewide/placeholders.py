"""What must not reach a reader: example addresses, a petition that cannot be signed, an
empty legal notice. A publishing build (PORTAL_BUILD=publish) refuses them all in one
French message, each with its file and line; local and preview builds list them as a
warning and show a banner on every page.

Pure: `find_placeholders` reads values already loaded and returns Problems; where a key is
written comes from common/config.py (`ConfigFile.where`, `key_line`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..floor.errors import ContentError, Problem

BUILD_MODES = ("local", "preview", "publish")
EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")
RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".local")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")

# The legal notice (LCEN, article 6): who publishes, who answers for it, who hosts it.
# Key of `extra.legal` -> (what it is, environment variable).
LEGAL_FIELDS = {
    "publisher": ("le nom de l’éditeur du portail (association, collectif…)",
                  "PORTAL_PUBLISHER"),
    "publisher_address": ("l’adresse de l’éditeur", "PORTAL_PUBLISHER_ADDRESS"),
    "publisher_contact": ("un téléphone ou une adresse électronique de l’éditeur",
                          "PORTAL_PUBLISHER_CONTACT"),
    "director": ("le nom de la directrice ou du directeur de la publication",
                 "PORTAL_PUBLICATION_DIRECTOR"),
    "host": ("le nom de l’hébergeur", "PORTAL_HOST_NAME"),
    "host_address": ("l’adresse de l’hébergeur", "PORTAL_HOST_ADDRESS"),
    "host_contact": ("le téléphone de l’hébergeur", "PORTAL_HOST_CONTACT"),
}


def build_mode(value) -> str:
    mode = str(value or "local").strip().lower()
    if mode not in BUILD_MODES:
        raise ContentError([Problem("PORTAL_BUILD", f"mode de construction inconnu « {value} »",
                                    hint="valeurs possibles : local, preview (aperçu d’une "
                                         "demande de fusion), publish (publication)")])
    return mode


def is_example_host(host: str) -> bool:
    """A documentation or local host: example.org and co, reserved names, this machine."""
    host = host.lower().rstrip(".")
    return (host in EXAMPLE_DOMAINS or host.endswith(tuple("." + d for d in EXAMPLE_DOMAINS))
            or host.endswith(RESERVED_SUFFIXES) or host in LOCAL_HOSTS
            or host in ("example", "localhost"))


def is_example_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return not host or is_example_host(host)


def is_example_email(address: str) -> bool:
    return "@" not in address or is_example_host(address.rsplit("@", 1)[1])


_SIGNING_ADDRESS = ("l’adresse https publique du service de signature du portail dans "
                    "`service.url` (ou la variable PORTAL_SERVICE_URL), ou celle d’un autre "
                    "service dans `endpoint`")


def find_placeholders(*, site_url: str, repo_url: str, contact_email: str | None,
                      legal: dict | None, petition_endpoint: str | None,
                      petition_label: str, petition_line: int | None,
                      where) -> list[Problem]:
    """Every placeholder left in the configuration, in the order of the README's table.
    `petition_endpoint` is None when no petition is announced (no petition page);
    `where(*keys)` gives the (file, line) a configuration key is written on."""
    problems = []

    def add(keys: tuple[str, ...], message: str, hint: str) -> None:
        path, line = where(*keys)
        problems.append(Problem(path, message, line, hint))

    if not site_url or is_example_url(site_url):
        add(("site_url",), f"adresse du portail d’exemple : « {site_url} »",
            "indiquez l’adresse publique du portail dans `site_url` ou la variable "
            "PORTAL_SITE_URL")
    if repo_url and is_example_url(repo_url):
        add(("repo_url",), f"adresse de la forge d’exemple : « {repo_url} »",
            "indiquez l’adresse du dépôt dans `repo_url` ou la variable PORTAL_REPO_URL")
    if contact_email is not None and is_example_email(contact_email):
        add(("extra", "contact", "email"), f"adresse de contact d’exemple : « {contact_email} »",
            "indiquez l’adresse qui lit les messages dans `extra.contact.email` ou la "
            "variable PORTAL_CONTACT_EMAIL")
    if petition_endpoint is not None:
        if not petition_endpoint:
            problems.append(Problem(
                petition_label, "pétition annoncée sans adresse de signature "
                "(`service.url` et `endpoint` vides)", petition_line,
                f"indiquez {_SIGNING_ADDRESS}, ou retirez la page de la pétition"))
        elif is_example_url(petition_endpoint) or urlsplit(petition_endpoint).scheme != "https":
            problems.append(Problem(
                petition_label, f"pétition annoncée avec une adresse de signature d’essai : "
                f"« {petition_endpoint} »", petition_line,
                f"indiquez {_SIGNING_ADDRESS}"))
    legal = legal or {}
    for key, (what, variable) in LEGAL_FIELDS.items():
        if not str(legal.get(key) or "").strip():
            add(("extra", "legal", key), f"mentions légales : `extra.legal.{key}` est vide",
                f"indiquez {what} (ou la variable {variable})")
    return problems


def refusal_header(count: int) -> str:
    """`Publication refusée : N éléments…`, the first line of a publishing build's error."""
    what = ("1 élément d’exemple ou manquant doit être remplacé" if count == 1 else
            f"{count} éléments d’exemple ou manquants doivent être remplacés")
    return f"Publication refusée : {what} (voir README.md, « Publier le portail »)"


def publishing_refused(problems: list[Problem]) -> ContentError:
    """The error of a publishing build that found placeholders: one message listing all."""
    return ContentError(problems, header=refusal_header(len(problems)))


def warning_text(problems: list[Problem]) -> str:
    """The warning of a local or preview build: the same list, not an error."""
    return (f"{len(problems)} élément(s) d’exemple ou manquant(s), refusé(s) à la "
            "publication (PORTAL_BUILD=publish) :\n" + "\n".join(f"  {p}" for p in problems))
