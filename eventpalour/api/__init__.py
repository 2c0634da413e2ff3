"""The FastAPI app mounted on Reflex: every route lives under /api/ so no page is ever shadowed."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from eventpalour import routes
from eventpalour.api import (
    account,
    admin,
    analytics,
    announcements,
    auth,
    billing,
    categories,
    checkin_lists,
    checkout,
    discount_codes,
    docs,
    door,
    event_copies,
    event_series,
    integrations,
    order_answers,
    organizers,
    passkeys,
    payments,
    questions,
    refund_requests,
    site_files,
    system,
    tickets,
    tier_templates,
    uploads,
    v1,
    waiting_room,
    waitlist,
    workspaces,
)
from eventpalour.api.body_limit import BodyLimitMiddleware
from eventpalour.api.errors import install_error_handlers
from eventpalour.api.fallback import add_fallback_routes
from eventpalour.api.language import LanguageCookieMiddleware
from eventpalour.api.og import OpenGraphMiddleware
from eventpalour.api.openapi import document_errors
from eventpalour.api.page_titles import PageTitleMiddleware
from eventpalour.api.rate_limit import PostRateLimitMiddleware
from eventpalour.api.security_headers import SecurityHeadersMiddleware
from eventpalour.api.waiting_room_gate import WaitingRoomGateMiddleware
from eventpalour.config import SANDBOX_OPT_IN, settings
from eventpalour.logs import RequestLogMiddleware, configure_logging

logger = logging.getLogger("eventpalour.api")


class OnlyUnder:
    """Runs `middleware` for HTTP requests whose path starts with `prefix`; the rest skip it."""

    def __init__(self, app: ASGIApp, *, prefix: str, middleware: type, **options: Any) -> None:
        self.app = app
        self.prefix = prefix
        self.wrapped = middleware(app, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(self.prefix):
            await self.wrapped(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def create_api() -> FastAPI:
    """Build the API app; tests serve it alone over real HTTP, `make run` mounts it on Reflex."""
    configure_logging()
    _warn_about_sandboxes_in_production()
    api = FastAPI(
        title="EventPalour API",
        docs_url=None,  # served by api/docs.py, with a policy that lets Swagger UI's scripts run
        redoc_url=None,
        openapi_url=docs.OPENAPI_URL,
    )
    install_error_handlers(api)
    # Each request is matched against the routers in this order, every route of a router before the
    # next (FastAPI 0.165), so the ones a checkout rush hits come first. Prefixes do not overlap.
    api.include_router(checkout.router)
    api.include_router(payments.router)
    if settings.paystack_sandbox:
        from eventpalour.sandbox import paystack as paystack_sandbox

        api.include_router(paystack_sandbox.router)
    if settings.sms_sandbox:
        from eventpalour.sandbox import africastalking as sms_sandbox

        api.include_router(sms_sandbox.router)
    api.include_router(tickets.router)
    api.include_router(door.router)
    api.include_router(checkin_lists.router)
    api.include_router(v1.router)
    api.include_router(discount_codes.router)
    api.include_router(announcements.router)
    api.include_router(announcements.unsubscribe_router)
    api.include_router(refund_requests.router)
    api.include_router(waitlist.router)
    api.include_router(waiting_room.router)
    api.include_router(waiting_room.page_router)
    api.include_router(questions.router)
    api.include_router(order_answers.router)
    api.include_router(event_copies.router)
    api.include_router(event_series.router)
    api.include_router(auth.router)
    api.include_router(passkeys.router)
    api.include_router(account.router)
    api.include_router(system.router)
    api.include_router(uploads.router)
    api.include_router(workspaces.router)
    api.include_router(tier_templates.router)
    api.include_router(integrations.router)
    api.include_router(billing.router)
    api.include_router(analytics.router)
    api.include_router(organizers.router)
    api.include_router(categories.router)
    api.include_router(admin.router)
    api.include_router(site_files.router)
    api.include_router(docs.router)
    if settings.google_sandbox:
        from eventpalour.sandbox import google as google_sandbox

        api.include_router(google_sandbox.router)
    # Last: whatever under /api no route above claims answers JSON, before Reflex's pages get it.
    add_fallback_routes(api)
    document_errors(api)
    # Wraps Reflex's pages too (Reflex mounts its app inside this one), so shared /e/... links get previews.
    api.add_middleware(OpenGraphMiddleware)
    # Outside the page's rewrite: a browser the event's waiting room wants in its queue goes there first.
    api.add_middleware(WaitingRoomGateMiddleware)
    api.add_middleware(PageTitleMiddleware)
    # Pages only: the first visit's language from Accept-Language (api/language.py).
    api.add_middleware(LanguageCookieMiddleware)
    api.add_middleware(BodyLimitMiddleware)
    api.add_middleware(PostRateLimitMiddleware)
    # Outermost: every request (pages and API) gets its id and its access line, whatever answers it.
    # Only authlib's short OAuth dance uses this signed cookie (state, nonce, PKCE verifier), so
    # only its requests pay for reading and re-signing it.
    api.add_middleware(
        OnlyUnder,
        prefix=routes.API_OAUTH_PREFIX,
        middleware=SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="ep_oauth",
        max_age=900,
        path=routes.API_OAUTH_PREFIX,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    # Pages, API answers and static files alike (Reflex's app is mounted inside this one).
    api.add_middleware(SecurityHeadersMiddleware)
    api.add_middleware(RequestLogMiddleware)
    return api


def _warn_about_sandboxes_in_production() -> None:
    """Production serves a sandbox only through the benchmark opt-in; every worker says so at start."""
    if settings.is_production and (settings.paystack_sandbox or settings.google_sandbox):
        logger.warning(
            "%s=yes: the Paystack and Google sandboxes are ON in production. Anyone can sign in as any "
            "email and mark any order paid. Benchmarks only, never a real deployment.",
            SANDBOX_OPT_IN,
        )
