"""Logging for operators: one line per HTTP request and per domain action, each with a request id.

The id comes from the load balancer's `X-Request-ID` when it sends a sane one (so a request can be
followed across proxies), otherwise a new one; it is echoed in the response and attached to every
log line written while the request runs. Paths that carry secrets (password-reset and invitation
tokens) are logged with the token replaced, and query strings are never logged.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import secrets
import time
from typing import Any

from eventpalour.config import settings

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_SECRET_PATHS = re.compile(r"^(/auth/reset/|/invite/|/api/auth/reset/)[^/]+")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
access_logger = logging.getLogger("eventpalour.access")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so the format can always show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def configure_logging(level: int = logging.INFO) -> None:
    """Our loggers write `LOG_FORMAT` lines to stderr (idempotent: safe to call from every worker)."""
    root = logging.getLogger("eventpalour")
    if any(isinstance(f, RequestIdFilter) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


def loggable_path(path: str) -> str:
    return _SECRET_PATHS.sub(lambda m: m.group(1) + "…", path)


class RequestLogMiddleware:
    """Pure ASGI (no body buffering): a request id for each HTTP request and one access line when it ends."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_ID.match(incoming) else secrets.token_hex(8)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
                if not settings.is_production:
                    # Which worker answered: lets tests prove requests spread over several workers.
                    message["headers"].append((b"x-served-by", str(os.getpid()).encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_logger.info(
                "%s %s %s %.1fms",
                scope.get("method", "-"),
                loggable_path(scope.get("path", "")),
                status,
                (time.perf_counter() - started) * 1000,
            )
            request_id_var.reset(token)
