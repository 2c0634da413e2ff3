"""The FastAPI app mounted on Reflex: every route lives under /api/ so no page is ever shadowed."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from eventpalour.api import auth, checkout, payments, system, uploads, workspaces
from eventpalour.api.errors import install_error_handlers
from eventpalour.api.og import OpenGraphMiddleware
from eventpalour.api.rate_limit import PostRateLimitMiddleware
from eventpalour.config import settings


def create_api() -> FastAPI:
    """Build the API app; tests serve it alone over real HTTP, `make run` mounts it on Reflex."""
    api = FastAPI(
        title="EventPalour API",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    install_error_handlers(api)
    api.include_router(auth.router)
    api.include_router(system.router)
    api.include_router(uploads.router)
    api.include_router(workspaces.router)
    api.include_router(checkout.router)
    api.include_router(payments.router)
    if settings.google_sandbox:
        from eventpalour.sandbox import google as google_sandbox

        api.include_router(google_sandbox.router)
    if settings.paystack_sandbox:
        from eventpalour.sandbox import paystack as paystack_sandbox

        api.include_router(paystack_sandbox.router)
    # Wraps Reflex's pages too (Reflex mounts its app inside this one), so shared /e/... links get previews.
    api.add_middleware(OpenGraphMiddleware)
    api.add_middleware(PostRateLimitMiddleware)
    # Only authlib's short OAuth dance uses this signed cookie (state, nonce, PKCE verifier).
    api.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="ep_oauth",
        max_age=900,
        path="/api/auth/oauth",
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    return api
