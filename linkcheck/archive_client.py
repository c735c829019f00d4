"""The archives' three services, asked politely over HTTP (httpx), for `make archive-sources`.

- the Wayback Machine's availability API: `GET {availability}?url=…&timestamp=AAAAMMJJ` →
  `{"archived_snapshots": {"closest": {"available": true, "url": …, "timestamp":
  "20250312101500", "status": "200"}}}`, or `{"archived_snapshots": {}}`;
- Save Page Now 2: `POST {save}` (form `url=…`, header `Authorization: LOW key:secret`, the
  Internet Archive's S3 keys) → `{"url": …, "job_id": …}`; then `GET {save}/status/{job_id}`
  → `{"status": "pending" | "success" | "error", "timestamp": …, "original_url": …,
  "status_ext": …, "message": …}`, asked again until it is no longer pending;
- Memento TimeTravel: `GET {timetravel}{AAAAMMJJ}/{url}` → `{"mementos": {"closest":
  {"datetime": "2025-03-12T10:15:00Z", "uri": [...]}}}`, 404 when no archive has a copy.

Every request has a timeout; a 429 or 5xx answer, a timeout or a lost connection is asked
again after a wait that doubles each time (a 429's Retry-After is honoured, up to a limit);
requests to one host are spaced; the User-Agent names the portal and how to reach its team.
Base addresses come from the environment, so tests point them at a server on loopback.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from .http import HostLimiter, retry_after

ENVIRONMENT = {
    "availability_url": ("ARCHIVE_AVAILABILITY_URL", "https://archive.org/wayback/available"),
    "save_url": ("ARCHIVE_SAVE_URL", "https://web.archive.org/save"),
    "web_url": ("ARCHIVE_WEB_URL", "https://web.archive.org/web/"),
    "timetravel_url": ("ARCHIVE_TIMETRAVEL_URL", "https://timetravel.mementoweb.org/api/json/"),
    "timeout": ("ARCHIVE_TIMEOUT", 30.0),
    "retries": ("ARCHIVE_RETRIES", 3),
    "backoff": ("ARCHIVE_BACKOFF", 2.0),
    "max_retry_after": ("ARCHIVE_MAX_RETRY_AFTER", 120.0),
    "host_interval": ("ARCHIVE_HOST_INTERVAL", 2.0),
    "poll_interval": ("ARCHIVE_POLL_INTERVAL", 6.0),
    "max_polls": ("ARCHIVE_MAX_POLLS", 20),
    "access_key": ("IA_S3_ACCESS_KEY", ""),
    "secret_key": ("IA_S3_SECRET_KEY", ""),
}


@dataclass(frozen=True)
class Settings:
    availability_url: str = ENVIRONMENT["availability_url"][1]
    save_url: str = ENVIRONMENT["save_url"][1]
    web_url: str = ENVIRONMENT["web_url"][1]          # a capture: {web_url}{timestamp}/{url}
    timetravel_url: str = ENVIRONMENT["timetravel_url"][1]
    timeout: float = 30.0          # seconds, connect and read, per request
    retries: int = 3               # extra attempts after a 429, a 5xx, a timeout
    backoff: float = 2.0           # seconds before the first retry, doubled each time
    max_retry_after: float = 120.0  # longest Retry-After honoured
    host_interval: float = 2.0     # seconds between two requests to one host
    poll_interval: float = 6.0     # seconds between two questions about a capture
    max_polls: int = 20            # then the capture is given up for this run
    access_key: str = ""           # the Internet Archive's S3 keys, for Save Page Now
    secret_key: str = ""
    user_agent: str = "portail-archive-sources/1.0"

    @property
    def can_capture(self) -> bool:
        return bool(self.access_key and self.secret_key)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], user_agent: str) -> Settings:
        """Each setting from its variable when it is set (an empty one counts as unset)."""
        values: dict = {"user_agent": user_agent}
        for name, (variable, default) in ENVIRONMENT.items():
            raw = (environ.get(variable) or "").strip()
            if not raw:
                continue
            try:
                values[name] = type(default)(raw)
            except ValueError:
                raise SettingError(variable, raw, type(default)) from None
        return cls(**values)


class SettingError(ValueError):
    def __init__(self, variable: str, value: str, kind: type):
        wanted = {int: "un nombre entier", float: "un nombre (par exemple 2.5)"}.get(kind, "")
        super().__init__(f"variable d’environnement {variable} illisible : « {value} » — "
                         f"écrivez {wanted}")


def user_agent(site_name: str, contact: str, version: str = "1.0") -> str:
    """An honest User-Agent: the portal's name (ASCII; scripts/archive_sources.py gives the
    campaign's short name, `extra.campaign.slug`), the tool, and how to reach the team."""
    ascii_name = unicodedata.normalize("NFKD", site_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "portail"
    contact = contact.encode("ascii", "ignore").decode().strip()
    return f"{slug}-archive-sources/{version}" + (f" (+{contact})" if contact else "")


class Unanswered(Exception):
    """A service that gave no usable answer (after its retries): the reason, in French."""


@dataclass(frozen=True)
class Snapshot:
    url: str
    captured: dt.date


@dataclass(frozen=True)
class OriginalState:
    state: str | None            # live, moved, gone; None: not known this time
    moved_to: str | None = None
    detail: str = ""


def _day(stamp: str) -> dt.date | None:
    """`20250312101500` (or an ISO datetime) -> the day."""
    digits = re.sub(r"\D", "", stamp or "")
    if len(digits) < 8:
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _https_wayback(url: str) -> str:
    """The availability API answers with http:// addresses of the Wayback Machine."""
    return "https://" + url[len("http://"):] if url.startswith("http://web.archive.org/") else url


class ArchiveClient:
    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 say: Callable[[str], None] = lambda text: None):
        self.settings = settings
        self.sleep = sleep
        self.say = say
        self.limiter = HostLimiter(settings.host_interval, sleep=sleep)
        self.http = httpx.Client(
            timeout=httpx.Timeout(settings.timeout), transport=transport,
            headers={"User-Agent": settings.user_agent}, follow_redirects=False)

    def close(self) -> None:
        self.http.close()

    # -- one request, with its retries -------------------------------------------------------
    def request(self, method: str, url: str, *, stream: bool = False, **kwargs) -> httpx.Response:
        """The answer, after retrying 429, 5xx, timeouts and lost connections; Unanswered
        when the last attempt failed too. A streamed answer's body is not read."""
        s = self.settings
        reason = ""
        for attempt in range(s.retries + 1):
            self.limiter.wait(urlsplit(url).netloc.lower())
            wait = s.backoff * 2 ** attempt
            try:
                request = self.http.build_request(method, url, **kwargs)
                response = self.http.send(request, stream=stream)
            except httpx.TimeoutException:
                reason = f"pas de réponse en {s.timeout:g} s"
            except httpx.TransportError as error:
                reason = f"serveur injoignable ({type(error).__name__})"
            else:
                if response.status_code != 429 and response.status_code < 500:
                    return response
                if stream:
                    response.close()
                reason = ("trop de requêtes (429)" if response.status_code == 429
                          else f"erreur du serveur ({response.status_code})")
                if response.status_code == 429:
                    asked = retry_after(response.headers.get("Retry-After"), s.max_retry_after)
                    wait = asked if asked is not None else wait
            if attempt < s.retries:
                self.say(f"    {reason} : nouvel essai dans {wait:g} s")
                self.sleep(min(wait, s.max_retry_after))
        raise Unanswered(reason)

    def _json(self, response: httpx.Response) -> dict:
        try:
            data = json.loads(response.content)
        except ValueError:
            raise Unanswered(f"réponse illisible (JSON mal formé, HTTP {response.status_code})") \
                from None
        if not isinstance(data, dict):
            raise Unanswered("réponse illisible (JSON inattendu)")
        return data

    # -- the original ------------------------------------------------------------------------
    def original(self, url: str) -> OriginalState:
        """live (answers), moved (a permanent redirect to another address that answers), gone
        (404 or 410); None when this run cannot tell (an error, a refusal, a timeout)."""
        current, permanent, hops = url, None, 0
        while True:
            try:
                response = self.request("GET", current, stream=True)
            except Unanswered as error:
                return OriginalState(None, detail=str(error))
            response.close()
            code = response.status_code
            location = response.headers.get("Location")
            if code in (301, 302, 303, 307, 308) and location and hops < 10:
                if hops == 0:
                    permanent = code in (301, 308)
                current = str(httpx.URL(current).join(location))
                hops += 1
                continue
            if code in (404, 410):
                return OriginalState("gone", detail=f"HTTP {code}")
            if 200 <= code < 300:
                if current != url and permanent:
                    return OriginalState("moved", current, f"HTTP {code} après redirection")
                return OriginalState("live", detail=f"HTTP {code}")
            return OriginalState(None, detail=f"HTTP {code}")

    # -- the Wayback Machine -----------------------------------------------------------------
    def availability(self, url: str, near: dt.date | None) -> Snapshot | None:
        params = {"url": url}
        if near:
            params["timestamp"] = near.strftime("%Y%m%d")
        data = self._json(self.request("GET", self.settings.availability_url, params=params))
        closest = (data.get("archived_snapshots") or {}).get("closest") \
            if isinstance(data.get("archived_snapshots"), dict) else None
        if not isinstance(closest, dict) or closest.get("available") is False:
            return None
        day = _day(str(closest.get("timestamp") or ""))
        copy = closest.get("url")
        if str(closest.get("status", "200")) != "200" or not day or not isinstance(copy, str):
            return None
        return Snapshot(_https_wayback(copy), day)

    def capture(self, url: str) -> Snapshot:
        """Ask Save Page Now for a capture and wait for it; Unanswered when refused or failed."""
        s = self.settings
        headers = {"Accept": "application/json",
                   "Authorization": f"LOW {s.access_key}:{s.secret_key}"}
        data = self._json(self.request("POST", s.save_url, headers=headers,
                                       data={"url": url, "skip_first_archive": "1"}))
        job = data.get("job_id")
        if not isinstance(job, str) or not job:
            raise Unanswered("capture refusée : " + _spn_reason(data))
        self.say(f"    capture demandée (tâche {job}), attente du résultat…")
        status_url = s.save_url.rstrip("/") + "/status/" + job
        for poll in range(1, s.max_polls + 1):
            self.sleep(s.poll_interval)
            status = self._json(self.request("GET", status_url, headers=headers))
            state = status.get("status")
            if state == "success":
                day = _day(str(status.get("timestamp") or ""))
                original = status.get("original_url") or url
                if not day:
                    raise Unanswered("capture terminée sans date lisible")
                return Snapshot(f"{s.web_url}{status['timestamp']}/{original}", day)
            if state == "error":
                raise Unanswered("capture échouée : " + _spn_reason(status))
            self.say(f"    capture en cours ({poll}/{s.max_polls})")
        raise Unanswered(f"capture toujours en cours après {s.max_polls} questions ; elle sera "
                         "retrouvée par l’API de disponibilité au prochain passage")

    # -- Memento: the other archives ---------------------------------------------------------
    def memento(self, url: str, near: dt.date | None) -> Snapshot | None:
        stamp = (near or dt.date.today()).strftime("%Y%m%d")
        response = self.request("GET", f"{self.settings.timetravel_url}{stamp}/{url}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise Unanswered(f"HTTP {response.status_code}")
        closest = (self._json(response).get("mementos") or {}).get("closest") or {}
        uris = closest.get("uri") if isinstance(closest, dict) else None
        uri = uris[0] if isinstance(uris, list) and uris else uris
        day = _day(str(closest.get("datetime") or "")) if isinstance(closest, dict) else None
        if not isinstance(uri, str) or not day:
            return None
        return Snapshot(uri, day)


def _spn_reason(data: dict) -> str:
    return str(data.get("message") or data.get("status_ext") or "raison non donnée")[:200]
