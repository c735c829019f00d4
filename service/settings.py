"""Settings: the environment for secrets and addresses, `data/petition.yml` for the campaign.

Retention periods are campaign decisions published in the privacy notice, so they come from
`data/petition.yml` (block `service:`) and nowhere else: the notice and the code cannot drift
apart silently (tests/test_service_privacy.py holds one to the other).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from common import config as _config  # mkdocs.yml read as the build reads it (common/)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "sqlite:///var/service.db"
MAIL_BACKENDS = ("smtp", "console", "folder")
SMTP_SECURITY = ("starttls", "ssl", "none")


class SettingsError(Exception):
    """A setting is missing or wrong: the message says which and how to fix it (French)."""


@dataclass(frozen=True)
class Retention:
    link_days: int          # a confirmation link stays valid this long
    unconfirmed_days: int   # unconfirmed signatures are deleted after this
    testimony_days: int     # testimonies are deleted after this
    delete_after: dt.date   # end of the campaign: everything is deleted after this day
    mail_days: int = 3      # a mail not delivered after this many days is given up, deleted


@dataclass(frozen=True)
class Campaign:
    title: str
    goal: int
    retention: Retention
    service_url: str
    # origin ("https://host[:port]") -> label shown in statistics: the portal, then mirrors
    origins: dict[str, str] = field(default_factory=dict)
    goals: tuple[int, ...] = ()  # every step of the goal (common/goal.py)
    partners: dict = field(default_factory=dict)  # code -> service.partners.Partner
    share_links: tuple = ()  # `extra.action.share_links` of mkdocs.yml ({name, url})
    # The petition itself, for the dossier handed to the addressees (service/dossier.py).
    addressee: str = ""
    text: str = ""
    demands: tuple[str, ...] = ()
    # The other action offered once a signature is confirmed (`after_signing` of
    # data/petition.yml): title, sentence, link's words (French, the catalogue translates
    # them) and the page's address relative to the petition page; empty: none.
    after_signing: tuple[str, str, str, str] | tuple = ()

    def title_in(self, words) -> str:
        """The petition's title in the language of `words`: its catalogue's translation
        (`make words` takes the title from data/petition.yml), the French title otherwise."""
        return words.gettext(self.title) if self.title else self.title

    def goal_at(self, count: int) -> int:
        """The goal shown for `count`: it steps up once reached."""
        from .markup import goal_for
        return goal_for(count, self.goals or (self.goal,))


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret: bytes
    public_url: str            # the service's own address, for links in mails (ends with /)
    portal_url: str            # the petition page readers come back to
    campaign: Campaign
    allowed_origins: frozenset[str]
    public_key: bytes         # the team's Curve25519 public key (32 bytes)
    mail_backend: str = "console"
    mail_folder: Path | None = None
    mail_from: str = "petition@localhost"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_security: str = "none"
    rate_limit: int = 10              # form posts per client address per window
    rate_window: int = 600            # seconds
    mails_per_address: int = 5        # mails to one address a day, at most (flood guard)
    retry_base: float = 30.0          # first retry of a failed mail after this many seconds
    retry_max: float = 3600.0         # back-off ceiling
    run_worker: bool = True           # send the outbox from this process
    # Peers whose X-Forwarded-For is believed (nginx/Caddy in front): addresses or networks.
    trusted_proxies: tuple = ()
    max_body: int = 65_536            # bytes of a form post
    # The petition page in each language other than French (its edition under /<lang>/),
    # where a signer who wrote in that language comes back to.
    editions: dict = field(default_factory=dict)

    def petition_url(self, lang: str) -> str:
        """The petition page in `lang` (the French page when that edition has none)."""
        return self.editions.get(lang, self.portal_url)


def origin_of(url: str) -> str:
    """`https://host[:port]` of an address, lower-case, default ports dropped."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    port = parts.port
    default = {"http": 80, "https": 443}[parts.scheme]
    netloc = parts.hostname.lower() + (f":{port}" if port and port != default else "")
    return f"{parts.scheme}://{netloc}"


def portal_address(root: Path = ROOT, env: dict | None = None) -> str:
    """The portal's address: PORTAL_SITE_URL, else mkdocs.yml's `site_url` as the build reads
    it (common/config.py: an empty variable counts as unset)."""
    return (_config.portal_environ(env).get(_config.SITE_URL_VARIABLE)
            or _config.PortalConfig.read(root / _config.CONFIG_FILE, env).site_url)


def _positive_int(block: dict, key: str, label: str) -> int:
    value = block.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SettingsError(f"{label} : `service.{key}` doit être un nombre entier de jours "
                            f"supérieur à 0 (valeur lue : « {value} »)")
    return value


def load_campaign(root: Path = ROOT, petition: str = _config.PETITION_DATA,
                  mirrors: str = _config.MIRRORS_DATA) -> Campaign:
    """Title, goal, retention and known origins, from the portal's data files."""
    data = yaml.safe_load((root / petition).read_text(encoding="utf-8")) or {}
    block = data.get("service") or {}
    if not isinstance(block, dict):
        raise SettingsError(f"{petition} : `service:` doit être un bloc de champs")
    delete_after = block.get("delete_after")
    if not isinstance(delete_after, dt.date) or isinstance(delete_after, dt.datetime):
        raise SettingsError(f"{petition} : `service.delete_after` doit être une date AAAA-MM-JJ "
                            f"(fin de la conservation des données ; valeur lue : "
                            f"« {delete_after} »)")
    retention = Retention(
        link_days=_positive_int(block, "link_days", petition),
        unconfirmed_days=_positive_int(block, "unconfirmed_days", petition),
        testimony_days=_positive_int(block, "testimony_days", petition),
        delete_after=delete_after,
        mail_days=(_positive_int(block, "mail_days", petition) if "mail_days" in block
                   else Retention.mail_days))
    origins = {}
    portal = origin_of(portal_address(root))
    if portal:
        origins[portal] = "portail"
    mirror_file = root / mirrors
    if mirror_file.exists():
        for entry in yaml.safe_load(mirror_file.read_text(encoding="utf-8")) or []:
            if isinstance(entry, dict) and origin_of(str(entry.get("url", ""))):
                origins.setdefault(origin_of(str(entry["url"])), str(entry.get("nom", "miroir")))
    from .markup import goal_steps
    from .partners import PartnerDataError, load_partners
    steps = goal_steps(data.get("goal")) or (1,)
    try:
        partners = load_partners(root)
    except PartnerDataError as error:
        raise SettingsError(str(error)) from None
    for partner in partners.values():  # data/partenaires.yml: the one list of partners
        for origin in partner.origins:
            origins.setdefault(origin, partner.name)
    return Campaign(title=str(data.get("title", "")).strip(), goal=steps[0],
                    addressee=str(data.get("addressee", "")).strip(),
                    text=str(data.get("text", "")),
                    demands=tuple(str(d).strip() for d in data.get("demands") or []),
                    retention=retention, service_url=str(block.get("url") or ""),
                    origins=origins, goals=steps, partners=partners,
                    share_links=_share_links(root),
                    after_signing=_after_signing(root, data.get("after_signing")))


def _after_signing(root: Path, block) -> tuple:
    """`after_signing` of data/petition.yml (checked by the build: macros/action/petition.py),
    its page as an address relative to the petition page (`droits.html` beside it)."""
    import posixpath

    if not isinstance(block, dict):
        return ()
    texts = [str(block.get(key) or "").strip() for key in ("title", "text", "link", "page")]
    if not all(texts):
        return ()
    petition_page = _config.PortalConfig.read(root / _config.CONFIG_FILE).petition_page
    page = posixpath.splitext(texts[3])[0] + ".html"
    return (*texts[:3], posixpath.relpath(page, posixpath.dirname(petition_page) or "."))


def _share_links(root: Path) -> tuple:
    """The portal's share links (checked by the build), for the confirmation page."""
    links = _config.PortalConfig.read(root / _config.CONFIG_FILE).share_links or []
    return tuple(link for link in links if isinstance(link, dict)
                 and str(link.get("url", "")).startswith("https://"))


def _flag(env, name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "oui", "yes", "on"):
        return True
    if value in ("0", "false", "non", "no", "off"):
        return False
    raise SettingsError(f"{name} : « {value} » n’est pas un booléen (écrivez 1 ou 0)")


def _number(env, name: str, default, kind=int):
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = kind(value)
    except ValueError:
        raise SettingsError(f"{name} : « {value} » n’est pas un nombre") from None
    if number <= 0:
        raise SettingsError(f"{name} : « {value} » doit être supérieur à 0")
    return number


def load_settings(env: dict[str, str] | None = None, root: Path | None = None) -> Settings:
    """Settings from the environment (see service/README.md for each variable)."""
    env = dict(os.environ if env is None else env)
    root = Path(env.get("SERVICE_ROOT") or root or ROOT)
    campaign = load_campaign(root)
    secret = env.get("SERVICE_SECRET", "")
    if len(secret) < 32:
        raise SettingsError("SERVICE_SECRET manquant ou trop court : mettez dans "
                            "l’environnement au moins 32 caractères aléatoires, par exemple "
                            "la sortie de `python -c 'import secrets; "
                            "print(secrets.token_urlsafe(48))'`. Gardez-le : il sert à "
                            "reconnaître les adresses déjà inscrites.")
    public_url = env.get("SERVICE_PUBLIC_URL") or campaign.service_url
    if not origin_of(public_url):
        raise SettingsError("SERVICE_PUBLIC_URL manquant : l’adresse publique du service "
                            "(par exemple https://agir.exemple.org/), utilisée dans les liens "
                            "des courriels")
    public_url = public_url.rstrip("/") + "/"
    site = portal_address(root, env).rstrip("/") + "/"
    portal_url = env.get("SERVICE_PORTAL_URL") or f"{site}agir/petition.html"
    extra = {origin_of(o) for o in env.get("SERVICE_ALLOWED_ORIGINS", "").split() if o}
    if "" in extra:
        raise SettingsError("SERVICE_ALLOWED_ORIGINS : chaque origine doit être une adresse "
                            "http(s):// complète, séparées par des espaces")
    backend = env.get("SERVICE_MAIL", "smtp").strip()
    if backend not in MAIL_BACKENDS:
        raise SettingsError(f"SERVICE_MAIL : « {backend} » inconnu ; valeurs possibles : "
                            + ", ".join(MAIL_BACKENDS))
    folder = env.get("SERVICE_MAIL_FOLDER", "")
    if backend == "folder" and not folder:
        raise SettingsError("SERVICE_MAIL=folder demande SERVICE_MAIL_FOLDER (un dossier)")
    security = env.get("SMTP_SECURITY", "starttls" if env.get("SMTP_USER") else "none")
    if security not in SMTP_SECURITY:
        raise SettingsError(f"SMTP_SECURITY : « {security} » inconnu ; valeurs possibles : "
                            + ", ".join(SMTP_SECURITY))
    if not env.get("SERVICE_PUBLIC_KEY"):
        raise SettingsError("SERVICE_PUBLIC_KEY manquant : la clé publique de l’équipe, qui "
                            "scelle témoignages et adresses dès leur arrivée. Créez la paire "
                            "avec `python -m service generer-cles DOSSIER` sur un poste de "
                            "l’équipe, et ne copiez sur le serveur que la clé publique.")
    from .crypto import parse_public_key
    key = parse_public_key(env["SERVICE_PUBLIC_KEY"])
    origins = frozenset({*campaign.origins, origin_of(public_url), *extra})
    return Settings(
        database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE,
        secret=secret.encode(), public_url=public_url, portal_url=portal_url,
        campaign=campaign, allowed_origins=origins, mail_backend=backend,
        mail_folder=Path(folder) if folder else None,
        mail_from=env.get("SERVICE_MAIL_FROM", "petition@localhost"),
        smtp_host=env.get("SMTP_HOST", "127.0.0.1"), smtp_port=_number(env, "SMTP_PORT", 25),
        smtp_user=env.get("SMTP_USER", ""), smtp_password=env.get("SMTP_PASSWORD", ""),
        smtp_security=security, public_key=key,
        rate_limit=_number(env, "SERVICE_RATE_LIMIT", 10),
        rate_window=_number(env, "SERVICE_RATE_WINDOW", 600),
        mails_per_address=_number(env, "SERVICE_MAILS_PER_ADDRESS", 5),
        retry_base=_number(env, "SERVICE_RETRY_BASE", 30.0, float),
        retry_max=_number(env, "SERVICE_RETRY_MAX", 3600.0, float),
        run_worker=_flag(env, "SERVICE_WORKER", True),
        trusted_proxies=_proxies(env),
        editions=editions(site, portal_url),
    )


def editions(site: str, portal_url: str) -> dict[str, str]:
    """The petition page of each edition: the same path under `/<lang>/` (how the site
    places its editions); none when the petition page is not on the portal's site."""
    from common.words import LANGUAGES, SOURCE_LANGUAGE
    if not portal_url.startswith(site):
        return {}
    return {lang: f"{site}{lang}/{portal_url[len(site):]}" for lang in LANGUAGES
            if lang != SOURCE_LANGUAGE}


def _proxies(env) -> tuple:
    """SERVICE_TRUSTED_PROXIES; the old all-or-nothing SERVICE_TRUST_PROXY is refused."""
    from .ratelimit import parse_proxies
    if env.get("SERVICE_TRUST_PROXY", "").strip():
        raise SettingsError("SERVICE_TRUST_PROXY n’existe plus : il croyait l’en-tête "
                            "X-Forwarded-For de n’importe qui. Retirez-le et donnez l’adresse "
                            "de votre proxy, par exemple SERVICE_TRUSTED_PROXIES=127.0.0.1 "
                            "pour nginx ou Caddy sur la même machine.")
    text = env.get("SERVICE_TRUSTED_PROXIES", "")
    try:
        return parse_proxies(text)
    except ValueError as error:
        raise SettingsError(f"SERVICE_TRUSTED_PROXIES : « {error} » n’est ni une adresse IP ni "
                            "un réseau (CIDR) ; séparez-les par des espaces, par exemple "
                            "SERVICE_TRUSTED_PROXIES=\"127.0.0.1 ::1 10.0.0.0/24\"") from None

