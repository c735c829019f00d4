"""The HTTP service (Starlette): sign, confirm, count.json, testify, and a health check.

Run: `python -m service.server` (service/server.py: uvicorn with its access log, its
forwarded-header handling and its `Server` header off; see service/README.md). This app logs
method, path without query string (the confirmation token travels in it), status and
duration, and adds the security headers to every answer (SecurityHeaders).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from common.words import LANGUAGES, N_, SOURCE_LANGUAGE, language, translations

from . import crypto, forms, health, momentum, pages, partners
from .groupcommit import GroupCommit
from .mailbox import mailbox_key
from .mailer import already_signed_mail, confirmation_mail
from .markup import LANGUAGE_FIELD, PETITION_FIELDS, TESTIMONY_FIELDS
from .migrations import migrate
from .outbox import Outbox, run_worker
from .private_files import restrict_umask
from .ratelimit import DatabaseLimit, MemoryLimit, client_group, keyed
from .ratelimit import client_address as forwarded_client
from .settings import ROOT, Settings, SettingsError, load_settings, origin_of
from .storage import Database, Letters, MailCap, Submission, utcnow

log = logging.getLogger("service")
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
COUNT_TTL = 2.0  # seconds a count is reused: a burst of readers costs one query


class TooBig(Exception):
    """A post over the size limit; `head`: its first bytes (where the form's `lang` is)."""

    def __init__(self, head: bytes = b""):
        super().__init__()
        self.head = head


class Service:
    """What the routes share: settings, database, its thread, the worker's wake-up call."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.db = Database.open(settings.database_url)
        # SQLite takes one writer at a time: one thread does all database work, in order,
        # instead of threads queueing on its lock. PostgreSQL gets a pool.
        sqlite = self.db.engine.dialect.name == "sqlite"
        self.executor = ThreadPoolExecutor(1 if sqlite else 8, thread_name_prefix="db")
        self.outbox = Outbox(self.db, settings)
        self.signatures = GroupCommit(self.db, self.call, MailCap(settings.mails_per_address))
        # PostgreSQL: the counters live in the database, shared by every instance.
        self.limiter = (
            MemoryLimit(settings.secret, settings.rate_limit, settings.rate_window) if sqlite
            else DatabaseLimit(settings.secret, settings.rate_limit, settings.rate_window,
                               self.db.engine, self.call))
        self.warned_forwarded = False
        self.wake = asyncio.Event()
        self.stop = asyncio.Event()
        self.count_cache: tuple[float, int] = (0.0, 0)
        # The words of each language, read once from the code's catalogues (locales/).
        self.words = {lang: translations(ROOT, lang) for lang in LANGUAGES}

    async def call(self, function, *args):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, partial(function, *args))

    async def count(self) -> int:
        now = time.monotonic()
        if now - self.count_cache[0] > COUNT_TTL:
            self.count_cache = (now, await self.call(self.db.count))
        return self.count_cache[1]


def html_page(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=HEADERS)


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    too_big = declared.isdigit() and int(declared) > limit
    chunks, size = [], 0
    async for chunk in request.stream():  # a declared oversize: its first chunk only
        size += len(chunk)
        if too_big or size > limit:
            raise TooBig((b"".join(chunks) + chunk)[:1024])
        chunks.append(chunk)
    if too_big:
        raise TooBig
    return b"".join(chunks)


def client_address(request: Request, settings: Settings) -> str:
    """What the rate limit counts: the connection's peer, or the client a trusted proxy
    names in X-Forwarded-For (service/ratelimit.py); IPv6 by /64."""
    peer = request.client.host if request.client else ""
    forwarded = request.headers.get("x-forwarded-for", "")
    service = request.app.state.service
    if forwarded and not settings.trusted_proxies and not service.warned_forwarded:
        service.warned_forwarded = True  # once: a proxy nobody declared (no address logged)
        log.warning("En-tête X-Forwarded-For reçu alors que SERVICE_TRUSTED_PROXIES est vide : "
                    "il est ignoré. Derrière nginx ou Caddy, donnez leur adresse dans "
                    "SERVICE_TRUSTED_PROXIES, sinon tous les lecteurs partagent une limite.")
    return client_group(forwarded_client(peer, forwarded, settings.trusted_proxies))


def post_origin(request: Request, settings: Settings) -> tuple[str, bool]:
    """(origin the form was sent from, allowed?). No Origin nor Referer (some privacy
    settings strip both): accepted, recorded as unknown."""
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer")
        if not referer:
            return "", True
        origin = origin_of(referer)
    origin = origin_of(origin) if origin != "null" else "null"
    return origin, origin in settings.allowed_origins


def asked_language(request: Request, form: dict[str, str] | None = None) -> str:
    """The language to answer in: the form's `lang` field for a post; for a GET, the `lang`
    of the address (the link in a mail carries it); French otherwise. Never the browser's
    Accept-Language: a French form, or its link, is answered in French whatever the
    browser's own language."""
    if form is not None:
        return language(form.get(LANGUAGE_FIELD))
    return language(request.query_params.get(LANGUAGE_FIELD))


async def sign(request: Request) -> Response:
    """Every accepted signature gets the same page, whether its address is new, pending or
    already confirmed: the page never tells who has signed. The mailbox's owner learns it
    by mail (storage.Database.sign decides which mail, if any)."""
    service: Service = request.app.state.service
    s = service.settings
    try:
        body = await read_body(request, s.max_body)
    except TooBig as big:
        lang = forms.language_of_form(big.head)
        words = service.words[lang]
        return html_page(pages.too_big(s.petition_url(lang), forms.refusal(
            "too_big", words, size=s.max_body // 1024), words=words), 413)
    form, _bad_encoding = forms.read_form(body)
    lang = asked_language(request, form)
    words, portal = service.words[lang], s.petition_url(lang)
    checked = forms.check_signature(form, words)
    origin, allowed = post_origin(request, s)
    brought = partners.attribute(form, origin, s.campaign.partners)  # coalitions
    partner = s.campaign.partners.get(brought.partner)
    # The form shown again keeps the partner's code, the signer's other choices, the language.
    form_page = partial(pages.signature_form_page, partner=partners.form_partner(partner),
                        words=words)
    partners.keep_choices(checked.values, brought)
    if not allowed:
        return html_page(form_page(portal, checked.values, {},
                                   forms.refusal("origin", words)), 403)
    if forms.is_bot(form, PETITION_FIELDS):
        return html_page(pages.check_your_mail(portal, s.campaign.retention.link_days, words))
    if not await service.limiter.allow(client_address(request, s)):
        return html_page(form_page(portal, checked.values, {},
                                   forms.refusal("rate", words)), 429)
    if not checked.ok:
        return html_page(form_page(portal, checked.values, checked.errors), 422)
    email = checked.clean["email"]  # mail goes to the address as typed
    token = secrets.token_urlsafe(32)
    now = utcnow()
    email_key = keyed(s.secret, "email", mailbox_key(email))  # one mailbox, one signature
    # The link carries the language (nothing stored): its page and the next speak it too.
    carried = "" if lang == SOURCE_LANGUAGE else f"&{LANGUAGE_FIELD}={lang}"
    subject, text = confirmation_mail(s, f"{s.public_url}confirmer?jeton={token}{carried}",
                                      words, portal)
    text += partners.mail_notice(partner, brought.partner_news, words)
    submission = Submission(
        email_key=email_key, email_sealed=crypto.seal(s.public_key, email),
        name=checked.clean["name"], postcode=checked.clean["postcode"],
        newsletter=checked.clean["newsletter"], origin=origin,
        token_key=keyed(s.secret, "token", token),
        token_expires_at=now + dt.timedelta(days=s.campaign.retention.link_days),
        partner=brought.partner, partner_news=brought.partner_news, listed=brought.listed,
        partner_sealed=partners.seal_for_partner(partner, checked.clean["name"], email,
                                                 checked.clean["postcode"])
        if brought.partner_news else None)
    letters = Letters(email_key, email, (subject, text),
                      already_signed_mail(s, words, portal))
    try:
        await service.signatures.sign(submission, letters, now)
    except SQLAlchemyError as error:  # its message may quote what the reader typed
        log.error("signature: database error (%s)", type(error).__name__)
        return html_page(form_page(portal, checked.values, {},
                                   forms.refusal("unavailable", words)), 503)
    service.wake.set()
    return html_page(pages.check_your_mail(portal, s.campaign.retention.link_days, words))


def _token(value: str) -> str | None:
    """A confirmation token as the service makes them (token_urlsafe(32)), or None."""
    if 20 <= len(value) <= 100 and value.replace("-", "").replace("_", "").isalnum() \
            and value.isascii():
        return value
    return None


async def _token_answer(service: Service, outcome: str, lang: str) -> Response:
    s = service.settings
    status = {"already": 200, "expired": 410}.get(outcome, 404)
    count = await service.count()
    return html_page(pages.token_answer(s.petition_url(lang), outcome, count,
                                        s.campaign.goal_at(count),
                                        s.campaign.retention.link_days,
                                        service.words[lang]), status)


async def confirm_page(request: Request) -> Response:
    """GET (and HEAD) of the link in the mail: a page with one button. Reads, never
    writes: mail scanners and previews that open links confirm nothing."""
    service: Service = request.app.state.service
    s = service.settings
    lang = asked_language(request)
    words, portal = service.words[lang], s.petition_url(lang)
    token = _token(request.query_params.get("jeton", ""))
    state = "unknown"
    if token:
        try:
            state = await service.call(service.db.link_state,
                                       keyed(s.secret, "token", token), utcnow())
        except SQLAlchemyError as error:
            log.error("confirmation: database error (%s)", type(error).__name__)
            return html_page(pages.unavailable(portal, words), 503)
    if state == "pending":
        return html_page(pages.confirm_button(portal, token, words))
    return await _token_answer(service, state, lang)


async def confirm(request: Request) -> Response:
    """POST of the button: the only request that confirms a signature."""
    service: Service = request.app.state.service
    s = service.settings
    try:
        body = await read_body(request, s.max_body)
    except TooBig:
        body = b""
    form, _bad_encoding = forms.read_form(body)
    lang = asked_language(request, form)
    words, portal = service.words[lang], s.petition_url(lang)
    token = _token(form.get("jeton", ""))
    outcome = "unknown"
    if token:
        try:
            outcome = await service.call(service.db.confirm,
                                         keyed(s.secret, "token", token), utcnow())
        except SQLAlchemyError as error:
            log.error("confirmation: database error (%s)", type(error).__name__)
            return html_page(pages.unavailable(portal, words), 503)
    if outcome == "confirmed":
        service.count_cache = (0.0, 0)
        choice = await service.call(partners.choice_of_token, service.db,
                                    keyed(s.secret, "token", token))
        return html_page(momentum.confirmed(s, await service.count(), choice, words, portal))
    return await _token_answer(service, outcome, lang)


async def count_json(request: Request) -> Response:
    service: Service = request.app.state.service
    count = await service.count()
    return JSONResponse({"count": count, "goal": service.settings.campaign.goal_at(count),
                         "date": dt.date.today().isoformat()},
                        headers={"Access-Control-Allow-Origin": "*",
                                 "Cache-Control": f"public, max-age={int(COUNT_TTL)}"})


def testimony_page_url(settings: Settings) -> str:
    """The call for testimonies: the French page in every language (no edition has its
    own yet; the answers themselves speak the form's language)."""
    return settings.portal_url.rsplit("/", 1)[0] + "/temoignages.html"


async def testify(request: Request) -> Response:
    service: Service = request.app.state.service
    s = service.settings
    back = testimony_page_url(s)
    try:
        body = await read_body(request, s.max_body)
    except TooBig as big:
        words = service.words[forms.language_of_form(big.head)]
        return html_page(pages.too_big(back, forms.refusal(
            "too_big", words, size=s.max_body // 1024), pages.TESTIMONY_BACK, words), 413)
    form, _bad_encoding = forms.read_form(body)
    lang = asked_language(request, form)
    words, portal = service.words[lang], s.petition_url(lang)
    checked = forms.check_testimony(form, words)
    origin, allowed = post_origin(request, s)
    days = s.campaign.retention.testimony_days
    form_page = partial(pages.testimony_form_page, portal, back, words=words)
    if not allowed:
        return html_page(form_page(checked.values, {}, forms.refusal("origin", words)), 403)
    if forms.is_bot(form, TESTIMONY_FIELDS):
        return html_page(pages.testimony_received(back, _reference(), days, words))
    if not await service.limiter.allow(client_address(request, s)):
        return html_page(form_page(checked.values, {}, forms.refusal("rate", words)), 429)
    if not checked.ok:
        return html_page(form_page(checked.values, checked.errors), 422)
    reference = _reference()
    sealed = crypto.seal(s.public_key, _testimony_text(checked.clean))
    await service.call(service.db.add_testimony, reference, sealed, origin, utcnow())
    return html_page(pages.testimony_received(back, reference, days, words))


def _reference() -> str:
    """A short code the author can quote to have the testimony deleted (no 0/O, 1/I)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "T-" + "".join(secrets.choice(alphabet) for _ in range(8))


def _testimony_text(clean: dict) -> str:
    contact = clean["contact"] or "(aucun)"
    return f"Pour nous joindre : {contact}\n\n{clean['testimony']}\n"


async def form_again(request: Request) -> Response:
    """GET on a form address (a bookmarked answer page): the empty form."""
    service: Service = request.app.state.service
    s, lang = service.settings, asked_language(request)
    words, portal = service.words[lang], s.petition_url(lang)
    if request.url.path.endswith("temoigner"):
        return html_page(pages.testimony_form_page(portal, testimony_page_url(s), {}, {},
                                                   words=words))
    return html_page(pages.signature_form_page(portal, {}, {}, words=words))


async def home(request: Request) -> Response:
    service: Service = request.app.state.service
    lang = asked_language(request)
    return html_page(pages.home(service.settings.petition_url(lang), service.words[lang]))


async def style(request: Request) -> Response:
    return Response(pages.STYLE, media_type="text/css",
                    headers={"Cache-Control": "public, max-age=86400",
                             "X-Content-Type-Options": "nosniff"})


async def health_check(request: Request) -> Response:
    """« ok » only if a signature could be written now (service/health.py), else 503 and
    the reason in French."""
    service: Service = request.app.state.service
    problem = await service.call(health.check, service.db.engine,
                                 service.settings.database_url, utcnow())
    if problem:
        log.error("Contrôle de santé : %s", problem)
        return PlainTextResponse(f"erreur : {problem}\n", status_code=503,
                                 headers={"Cache-Control": "no-store"})
    return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})


ERRORS = {404: N_("Cette adresse n’existe pas sur le service de signature."),
          405: N_("Cette adresse n’accepte pas cette méthode.")}


async def http_error(request: Request, error: HTTPException) -> Response:
    """Starlette's errors (unknown address, wrong method) in the language asked for (the
    address's `lang`), French by default."""
    words = request.app.state.service.words[asked_language(request)]
    text = words.gettext(ERRORS.get(error.status_code, N_("La demande n’a pas pu être "
                                                          "traitée.")))
    return PlainTextResponse(text + "\n", status_code=error.status_code,
                             headers=dict(error.headers or {}))


CRASH_TEXT = ("Erreur du service : réessayez dans un moment.\n"
              "Service error: please try again in a moment.\n")


class SecurityHeaders:
    """ASGI middleware: the same protective headers on every answer, whoever wrote it (a
    route, a 404, a 405, an error), a CSP on HTML, and no header naming the software.
    It also answers a route's crash itself (a 500 in French and English, with the same
    headers: the form's language may not have been read) before the error goes on to the
    server's log."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = [False]

        async def guarded(message):
            if message["type"] == "http.response.start":
                started[0] = True
                message["headers"] = secure_headers(message.get("headers", []))
            await send(message)

        try:
            await self.app(scope, receive, guarded)
        except Exception:
            if not started[0]:
                await guarded({"type": "http.response.start", "status": 500, "headers": [
                    (b"content-type", b"text/plain; charset=utf-8")]})
                await guarded({"type": "http.response.body",
                               "body": CRASH_TEXT.encode()})
            raise


def secure_headers(headers: list) -> list:
    """`headers` (ASGI byte pairs) with nosniff, Referrer-Policy and, on HTML, the CSP."""
    names = {name.lower() for name, _ in headers}
    kept = [(name, value) for name, value in headers if name.lower() != b"server"]
    html = any(name.lower() == b"content-type" and value.startswith(b"text/html")
               for name, value in headers)
    for name, value in HEADERS.items():
        key = name.lower().encode()
        if key not in names and (name != "Content-Security-Policy" or html) \
                and name != "Cache-Control":
            kept.append((key, value.encode()))
    return kept


class RequestLog:
    """ASGI middleware: one line a request, with nothing about who sent it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start, status = time.perf_counter(), [0]

        async def capture(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            log.info("%s %s %d %.1fms", scope["method"], scope["path"], status[0],
                     (time.perf_counter() - start) * 1000)


def configure_logging() -> None:
    """The service's lines on stderr (uvicorn only configures its own loggers)."""
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(os.environ.get("SERVICE_LOG_LEVEL", "INFO").upper())
        log.propagate = False


def create_app(settings: Settings | None = None) -> Starlette:
    if settings is None:
        try:
            settings = load_settings()
        except SettingsError as error:  # a setting to fix: say which, no traceback
            sys.stderr.write(f"Erreur de configuration du service : {error}\n")
            raise SystemExit(2) from None
    configure_logging()
    restrict_umask()  # the database, its -wal and -shm: owner only, whatever the umask

    @contextlib.asynccontextmanager
    async def lifespan(app):
        service = Service(settings)
        app.state.service = service
        await service.call(migrate, service.db.engine)
        worker = None
        if settings.run_worker:
            worker = asyncio.create_task(run_worker(service.outbox, service.call,
                                                    service.wake, service.stop,
                                                    busy=service.signatures.busy))
        try:
            yield
        finally:
            service.stop.set()
            service.wake.set()
            if worker:
                await worker
            service.executor.shutdown(wait=True)
            service.db.close()

    app = Starlette(routes=[
        Route("/", home),
        Route("/signer", sign, methods=["POST"]),
        Route("/signer", form_again, methods=["GET"]),
        Route("/confirmer", confirm_page, methods=["GET"]),  # HEAD too: reads only
        Route("/confirmer", confirm, methods=["POST"]),
        Route("/count.json", count_json, methods=["GET"]),
        Route("/temoigner", testify, methods=["POST"]),
        Route("/temoigner", form_again, methods=["GET"]),
        Route("/style.css", style),
        Route("/sante", health_check),
    ], lifespan=lifespan, exception_handlers={404: http_error, 405: http_error})
    app.add_middleware(RequestLog)
    app.add_middleware(SecurityHeaders)
    return app
