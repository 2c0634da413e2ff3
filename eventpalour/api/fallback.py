"""The last API routes: whatever under /api no route claims gets a JSON 404, or 405 with `Allow`.

Reflex mounts its own app behind every API route (`api.mount("", ...)`), and a mount matches any
path and method, so without these an unknown /api path, or a known one asked with the wrong method,
would reach Reflex and get the site's HTML 404 page. Pages keep that page: only /api is caught here.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, Match

from eventpalour.api.errors import error_body

ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
FALLBACK_PATHS = ("/api", "/api/{rest:path}")


def _methods_allowed_at(routes: Sequence[BaseRoute], request: Request) -> set[str]:
    """The methods of the API routes whose path matches this request (none matched its method).

    Every route of every included router, each as FastAPI resolved it (prefix and all)."""
    allowed: set[str] = set()
    for route in iter_route_contexts(routes):
        if route.path in FALLBACK_PATHS or not route.methods:
            continue
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            allowed |= route.methods
    return allowed


def add_fallback_routes(api: FastAPI) -> None:
    """Call after every router is included: routes are tried in the order they were added."""

    async def no_api_route(request: Request) -> JSONResponse:
        method, path = request.method, request.url.path
        allowed = _methods_allowed_at(api.router.routes, request)
        if allowed:
            listed = ", ".join(sorted(allowed))
            return JSONResponse(
                error_body(f"{method} is not allowed on {path}; use {listed}."),
                status_code=405,
                headers={"Allow": listed},
            )
        return JSONResponse(error_body(f"There is no API route at {path}."), status_code=404)

    for path in FALLBACK_PATHS:
        api.add_api_route(path, no_api_route, methods=ANY_METHOD, include_in_schema=False)
