"""The HTTP service (Starlette): sign, confirm, count.json, testify, and a health check.

Run: `uvicorn --factory service.app:create_app --no-access-log` (see service/README.md).
Uvicorn's access log is off on purpose: it writes client addresses. This app logs method,
path without query string (the confirmation token travels in it), status and duration.
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

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from . import crypto, forms, momentum, pages, partners
from .groupcommit import GroupCommit
from .mailer import confirmation_mail
from .markup import PETITION_FIELDS, TESTIMONY_FIELDS
from .migrations import migrate
from .outbox import Outbox, run_worker
from .ratelimit import RateLimit, keyed
from .settings import Settings, SettingsError, load_settings, origin_of
from .storage import Database, Mail, Submission, utcnow

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
    pass


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
        self.signatures = GroupCommit(self.db, self.call)
        self.limiter = RateLimit(settings.secret, settings.rate_limit, settings.rate_window)
        self.wake = asyncio.Event()
        self.stop = asyncio.Event()
        self.count_cache: tuple[float, int] = (0.0, 0)

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
    if declared.isdigit() and int(declared) > limit:
        raise TooBig
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooBig
        chunks.append(chunk)
    return b"".join(chunks)


def client_address(request: Request, settings: Settings) -> str:
    if settings.trust_proxy:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.client.host if request.client else ""


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


async def sign(request: Request) -> Response:
    service: Service = request.app.state.service
    s = service.settings
    try:
        body = await read_body(request, s.max_body)
    except TooBig:
        return html_page(pages.too_big(s.portal_url, forms.REFUSALS["too_big"].format(
            size=s.max_body // 1024)), 413)
    form, _bad_encoding = forms.read_form(body)
    checked = forms.check_signature(form)
    origin, allowed = post_origin(request, s)
    brought = partners.attribute(form, origin, s.campaign.partners)  # coalitions
    partner = s.campaign.partners.get(brought.partner)
    # The form shown again keeps the partner's code and the signer's other choices.
    form_page = partial(pages.signature_form_page, partner=partners.form_partner(partner))
    partners.keep_choices(checked.values, brought)
    if not allowed:
        return html_page(form_page(s.portal_url, checked.values, {},
                                   forms.REFUSALS["origin"]), 403)
    if forms.is_bot(form, PETITION_FIELDS):
        return html_page(pages.check_your_mail(s.portal_url, s.campaign.retention.link_days))
    if not service.limiter.allow(client_address(request, s)):
        return html_page(form_page(s.portal_url, checked.values, {},
                                   forms.REFUSALS["rate"]), 429)
    if not checked.ok:
        return html_page(form_page(s.portal_url, checked.values, checked.errors), 422)
    email = checked.clean["email"]
    token = secrets.token_urlsafe(32)
    now = utcnow()
    email_key = keyed(s.secret, "email", email)
    subject, text = confirmation_mail(s, f"{s.public_url}confirmer?jeton={token}")
    text += partners.mail_notice(partner, brought.partner_news)
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
    outcome = await service.signatures.sign(submission, Mail(email_key, email, subject, text),
                                            now)
    if outcome == "already":
        return html_page(form_page(
            s.portal_url, checked.values, {"email": forms.MESSAGES["already"]}), 409)
    service.wake.set()
    return html_page(pages.check_your_mail(s.portal_url, s.campaign.retention.link_days))


async def confirm(request: Request) -> Response:
    service: Service = request.app.state.service
    s = service.settings
    token = request.query_params.get("jeton", "")
    outcome = "unknown"
    if 20 <= len(token) <= 100 and token.replace("-", "").replace("_", "").isalnum():
        outcome = await service.call(service.db.confirm, keyed(s.secret, "token", token),
                                     utcnow())
    if outcome == "confirmed":
        service.count_cache = (0.0, 0)
        choice = await service.call(partners.choice_of_token, service.db,
                                    keyed(s.secret, "token", token))
        return html_page(momentum.confirmed(s, await service.count(), choice))
    status = {"already": 200, "expired": 410}.get(outcome, 404)
    count = await service.count()
    return html_page(pages.token_answer(s.portal_url, outcome, count,
                                        s.campaign.goal_at(count),
                                        s.campaign.retention.link_days), status)


async def count_json(request: Request) -> Response:
    service: Service = request.app.state.service
    count = await service.count()
    return JSONResponse({"count": count, "goal": service.settings.campaign.goal_at(count),
                         "date": dt.date.today().isoformat()},
                        headers={"Access-Control-Allow-Origin": "*",
                                 "Cache-Control": f"public, max-age={int(COUNT_TTL)}"})


def testimony_page_url(settings: Settings) -> str:
    return settings.portal_url.rsplit("/", 1)[0] + "/temoignages.html"


async def testify(request: Request) -> Response:
    service: Service = request.app.state.service
    s = service.settings
    back = testimony_page_url(s)
    try:
        body = await read_body(request, s.max_body)
    except TooBig:
        return html_page(pages.too_big(back, forms.REFUSALS["too_big"].format(
            size=s.max_body // 1024), pages.TESTIMONY_BACK), 413)
    form, _bad_encoding = forms.read_form(body)
    checked = forms.check_testimony(form)
    origin, allowed = post_origin(request, s)
    days = s.campaign.retention.testimony_days
    if not allowed:
        return html_page(pages.testimony_form_page(s.portal_url, back, checked.values, {},
                                                   forms.REFUSALS["origin"]), 403)
    if forms.is_bot(form, TESTIMONY_FIELDS):
        return html_page(pages.testimony_received(back, _reference(), days))
    if not service.limiter.allow(client_address(request, s)):
        return html_page(pages.testimony_form_page(s.portal_url, back, checked.values, {},
                                                   forms.REFUSALS["rate"]), 429)
    if not checked.ok:
        return html_page(pages.testimony_form_page(s.portal_url, back, checked.values,
                                                   checked.errors), 422)
    reference = _reference()
    sealed = crypto.seal(s.public_key, _testimony_text(checked.clean))
    await service.call(service.db.add_testimony, reference, sealed, origin, utcnow())
    return html_page(pages.testimony_received(back, reference, days))


def _reference() -> str:
    """A short code the author can quote to have the testimony deleted (no 0/O, 1/I)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "T-" + "".join(secrets.choice(alphabet) for _ in range(8))


def _testimony_text(clean: dict) -> str:
    contact = clean["contact"] or "(aucun)"
    return f"Pour nous joindre : {contact}\n\n{clean['testimony']}\n"


async def form_again(request: Request) -> Response:
    """GET on a form address (a bookmarked answer page): the empty form."""
    s = request.app.state.service.settings
    if request.url.path.endswith("temoigner"):
        return html_page(pages.testimony_form_page(s.portal_url, testimony_page_url(s), {}, {}))
    return html_page(pages.signature_form_page(s.portal_url, {}, {}))


async def home(request: Request) -> Response:
    return html_page(pages.home(request.app.state.service.settings.portal_url))


async def style(request: Request) -> Response:
    return Response(pages.STYLE, media_type="text/css",
                    headers={"Cache-Control": "public, max-age=86400",
                             "X-Content-Type-Options": "nosniff"})


async def health(request: Request) -> Response:
    service: Service = request.app.state.service
    await service.call(service.db.count)
    return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})


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
        Route("/confirmer", confirm, methods=["GET"]),
        Route("/count.json", count_json, methods=["GET"]),
        Route("/temoigner", testify, methods=["POST"]),
        Route("/temoigner", form_again, methods=["GET"]),
        Route("/style.css", style),
        Route("/sante", health),
    ], lifespan=lifespan)
    app.add_middleware(RequestLog)
    return app
