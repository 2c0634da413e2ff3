"""The interactive API docs (Swagger UI) at /api/docs, with a Content-Security-Policy of their own.

FastAPI's docs page loads Swagger UI from the jsDelivr CDN and starts it with an inline script; the
site's page policy allows neither. This page names both: the CDN, and its own inline script by hash
(computed from the very HTML it sends, which holds nothing from the request).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from eventpalour.api.security_headers import inline_script_hashes

DOCS_URL = "/api/docs"
OPENAPI_URL = "/api/openapi.json"
SWAGGER_CDN = "https://cdn.jsdelivr.net"
FASTAPI_FAVICON = "https://fastapi.tiangolo.com"

router = APIRouter()


def docs_policy(script_hashes: list[str]) -> str:
    # Swagger UI styles its elements inline and draws its icons from data: URLs.
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src", "'self'", SWAGGER_CDN, *script_hashes]),
            f"style-src 'self' 'unsafe-inline' {SWAGGER_CDN}",
            f"img-src 'self' data: {FASTAPI_FAVICON}",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


@router.get(DOCS_URL, include_in_schema=False)
def read_docs() -> HTMLResponse:
    swagger = get_swagger_ui_html(openapi_url=OPENAPI_URL, title="EventPalour API - Swagger UI")
    # FastAPI's page names no language; screen readers need it (WCAG 3.1.1, axe's html-has-lang).
    html = swagger.body.replace(b"<html>", b'<html lang="en">', 1)
    page = HTMLResponse(html)
    page.headers["Content-Security-Policy"] = docs_policy(inline_script_hashes(html))
    return page
