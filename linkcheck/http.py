"""Check external addresses over HTTP, politely and within a bounded time.

Each address: HEAD first (no body), GET when the server refuses HEAD, reading at most
`max_bytes` of the body. Redirects are followed by hand to name the final address and to
catch loops. 429 and 5xx are retried with exponential backoff (429 honours Retry-After up to
`max_retry_after`). Requests to one host are spaced by `host_interval`; at most `concurrency`
run at once. Every wait is bounded, so a run always ends.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import (
    NewConnectionError,
    ProtocolError,
    SSLError,
)
from urllib3.exceptions import (
    TimeoutError as Urllib3Timeout,
)

# Statuses, from good to bad. `dead` ones mean the evidence is gone for the reader.
OK, REDIRECT, TOO_LARGE = "ok", "redirect", "too_large"
BROKEN, ERROR, TIMEOUT, UNREACHABLE, LOOP = "broken", "error", "timeout", "unreachable", \
    "redirect_loop"
IGNORED = "ignored"
DEAD = (BROKEN, ERROR, TIMEOUT, UNREACHABLE, LOOP)
STATUSES = (OK, REDIRECT, TOO_LARGE, IGNORED, *DEAD)

_REDIRECT_CODES = {301, 302, 303, 307, 308}
# HEAD answers trusted as they are. Any other (405, 403, 404, 5xx…) is asked again with GET:
# some servers answer HEAD wrongly, and a source is only called dead on a GET.
_HEAD_TRUSTED = {200, 204, 429, *_REDIRECT_CODES}


@dataclass(frozen=True)
class Settings:
    timeout: float = 15.0          # connect and read, per request; also caps reading a body
    retries: int = 3               # extra attempts after a 429 or 5xx
    backoff: float = 2.0           # seconds before the first retry, doubled each time
    max_retry_after: float = 60.0  # longest Retry-After honoured
    max_redirects: int = 10
    max_bytes: int = 1_000_000     # stop reading a body after this
    concurrency: int = 8
    host_interval: float = 1.0     # seconds between two requests to one host
    max_time: float = 180.0        # per address, redirects and retries included
    # The campaign's short name first (linkcheck_agent, from extra.campaign.slug).
    user_agent: str = "portail-linkcheck/1.0 (+verification des sources)"


def linkcheck_agent(slug: str, version: str = "1.0") -> str:
    """The link checker's User-Agent: the campaign's short name, the tool, and why."""
    return f"{slug or 'portail'}-linkcheck/{version} (+verification des sources)"


@dataclass(frozen=True)
class Result:
    url: str
    status: str
    code: int | None = None
    final_url: str | None = None   # where a redirect leads
    detail: str = ""
    checked_at: float = 0.0        # time.time() of the check (for the cache)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Result:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


class HostLimiter:
    """Spaces the requests to each host by `interval` seconds, across threads."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> float:
        """Block until this host may be asked again; return how long it waited."""
        with self._lock:
            now = self.clock()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self.interval
        delay = slot - now
        if delay > 0:
            self.sleep(delay)
        return delay


def retry_after(value: str | None, limit: float) -> float | None:
    """Seconds asked by a Retry-After header (seconds or HTTP date), capped at `limit`."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return max(0.0, min(seconds, limit))


class _Answer:
    def __init__(self, code: int, headers, too_large: bool = False):
        self.code, self.headers, self.too_large = code, headers, too_large


class Checker:
    def __init__(self, settings: Settings, pool: urllib3.PoolManager | None = None,
                 limiter: HostLimiter | None = None, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self.pool = pool or urllib3.PoolManager(
            num_pools=max(10, settings.concurrency * 2), maxsize=settings.concurrency,
            headers={"User-Agent": settings.user_agent, "Accept": "*/*"})
        self.limiter = limiter or HostLimiter(settings.host_interval)
        self.sleep = sleep

    # -- one request --------------------------------------------------------
    def _request(self, method: str, url: str, ranged: bool = True) -> _Answer:
        s = self.settings
        self.limiter.wait(urlsplit(url).netloc.lower())
        # Ask for the beginning only; servers that ignore Range are cut off at max_bytes.
        # Headers given here replace the pool's (urllib3 does not merge them): all of them.
        headers = {"User-Agent": s.user_agent, "Accept": "*/*"}
        if method == "GET" and ranged:
            headers["Range"] = f"bytes=0-{s.max_bytes - 1}"
        response = self.pool.request(
            method, url, headers=headers, redirect=False, retries=False, preload_content=False,
            timeout=urllib3.Timeout(connect=s.timeout, read=s.timeout))
        too_large = False
        try:
            if method == "GET":
                deadline, read = time.monotonic() + s.timeout, 0
                for chunk in response.stream(16_384, decode_content=False):
                    read += len(chunk)
                    if read > s.max_bytes:
                        too_large = True
                        break
                    if time.monotonic() >= deadline:
                        raise Urllib3Timeout("body still arriving after the timeout")
            return _Answer(response.status, response.headers, too_large)
        finally:
            # close, never drain: a huge or endless body must not be read to its end.
            response.close()
            response.release_conn()

    def _fetch(self, url: str) -> _Answer:
        answer = self._request("HEAD", url)
        if answer.code in _HEAD_TRUSTED:
            return answer
        answer = self._request("GET", url)
        if answer.code == 416:  # "range not satisfiable": an empty body, say
            answer = self._request("GET", url, ranged=False)
        return answer

    # -- one address, with redirects and retries ----------------------------
    def _follow(self, url: str) -> Result:
        seen, current = {url}, url
        deadline = time.monotonic() + self.settings.max_time
        for _ in range(self.settings.max_redirects + 1):
            answer = self._attempts(current, deadline)
            if isinstance(answer, Result):
                return answer
            location = answer.headers.get("Location")
            if answer.code in _REDIRECT_CODES and location:
                target = urljoin(current, location)
                if target in seen:
                    return Result(url, LOOP, answer.code, target,
                                  f"la redirection revient à {target}")
                seen.add(target)
                current = target
                continue
            return self._classify(url, current, answer)
        return Result(url, LOOP, None, current,
                      f"plus de {self.settings.max_redirects} redirections")

    def _attempts(self, url: str, deadline: float) -> _Answer | Result:
        s = self.settings
        for attempt in range(s.retries + 1):
            if time.monotonic() >= deadline:
                return Result(url, TIMEOUT, detail=f"pas de réponse utile en {s.max_time:.0f} s")
            try:
                answer = self._fetch(url)
            except NewConnectionError as error:   # before timeouts: it subclasses them
                return Result(url, UNREACHABLE, detail=_reason(error))
            except Urllib3Timeout as error:
                return Result(url, TIMEOUT, detail=_reason(error))
            except (ProtocolError, SSLError, urllib3.exceptions.HTTPError, OSError) as error:
                return Result(url, UNREACHABLE, detail=_reason(error))
            retryable = answer.code == 429 or 500 <= answer.code < 600
            if not retryable or attempt == s.retries:
                return answer
            wait = s.backoff * 2 ** attempt
            if answer.code == 429:
                asked = retry_after(answer.headers.get("Retry-After"), s.max_retry_after)
                wait = asked if asked is not None else wait
            self.sleep(min(wait, s.max_retry_after))
        raise AssertionError("unreachable")  # the loop always returns

    @staticmethod
    def _classify(url: str, final: str, answer: _Answer) -> Result:
        code = answer.code
        final_url = final if final != url else None
        if code in (404, 410):
            return Result(url, BROKEN, code, final_url, "page introuvable" if code == 404
                          else "page supprimée")
        if code >= 400:
            return Result(url, ERROR, code, final_url, f"erreur HTTP {code}")
        if answer.too_large:
            return Result(url, TOO_LARGE, code, final_url, "réponse plus longue que la limite")
        if final_url:
            return Result(url, REDIRECT, code, final_url, f"redirigée vers {final_url}")
        return Result(url, OK, code)

    def check(self, url: str) -> Result:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return Result(url, ERROR, detail="adresse non http(s)", checked_at=time.time())
        result = self._follow(url)
        return Result(**{**asdict(result), "checked_at": time.time()})

    def check_all(self, urls: Iterable[str]) -> dict[str, Result]:
        urls = sorted(set(urls))
        if not urls:
            return {}
        with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
            return dict(zip(urls, pool.map(self.check, urls), strict=True))


def _reason(error: Exception) -> str:
    text = str(error)
    if "refused" in text.lower():
        return "connexion refusée"
    if "name or service" in text.lower() or "resolution" in text.lower():
        return "nom de domaine introuvable"
    return text.split(":", 1)[-1].strip()[:200] or type(error).__name__
