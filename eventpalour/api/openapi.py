"""The OpenAPI schema documents the error answers each route really gives, in the error format.

Most of them follow from how the route is built, so they are read from it rather than listed by
hand: a signed-in dependency (or the session cookie) can answer 401, an API token (api/v1.py) 401, 403
and 429, the platform-admin dependency
403, the JSON-only dependency 415; a JSON body 400 (not JSON) and, with any query parameter, 422;
a path parameter 404 (nothing by that id); any POST/PUT/PATCH 413 (api/body_limit.py); a POST the
general limit counts, or the sign-in limit, 429. What only the service knows (409 sold out, 403
for a role, ...) each route declares with `responses=errors.answers(...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from eventpalour.api import admin, deps, v1
from eventpalour.api.errors import ERROR_DESCRIPTIONS
from eventpalour.api.rate_limit import EXEMPT_PREFIXES
from eventpalour.api.schemas import ErrorDetailOut, ErrorOut

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
BODY_METHODS = {"POST", "PUT", "PATCH"}


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def derived_errors(route: RouteContext, method: str) -> set[int]:
    """The error statuses `route` can answer for `method` by how it is built (see the module doc)."""
    parts = list(_dependants(route.dependant))
    calls: set[Callable[..., Any] | None] = {part.call for part in parts}
    cookies = {field.alias for part in parts for field in part.cookie_params}
    codes: set[int] = set()
    if deps.current_user in calls or deps.SESSION_COOKIE in cookies:
        codes.add(401)
    if admin.require_platform_admin in calls:
        codes |= {401, 403}
    if v1.BEARER in calls:  # the organizer API's token: missing or wrong, lacking the scope, over its limit
        codes |= {401, 403, 429}
    if admin.require_json in calls:
        codes.add(415)
    if route.body_field is not None:
        codes |= {400, 422}
    if any(part.query_params or part.header_params for part in parts):
        codes.add(422)
    if route.dependant.path_params:
        codes.add(404)
    if method in BODY_METHODS:
        codes.add(413)
    posts_counted = method == "POST" and not route.path.startswith(EXEMPT_PREFIXES)
    if posts_counted or deps.limit_auth_attempts in calls:
        codes.add(429)
    return codes


def _error_answer(code: int) -> dict[str, Any]:
    return {"description": ERROR_DESCRIPTIONS[code], "content": {"application/json": {"schema": ERROR_REF}}}


def _is_fastapi_validation_error(answer: dict[str, Any]) -> bool:
    schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref", "").endswith("/HTTPValidationError")


def _with_errors(schema: dict[str, Any], api: FastAPI) -> dict[str, Any]:
    # Each route as FastAPI resolved it inside its router: prefix, and the router's dependencies too.
    for route in iter_route_contexts(api.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods:
            operation = schema["paths"].get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            answers = operation.setdefault("responses", {})
            # FastAPI adds its own 422 shape to every route with parameters; ours replaces it where it applies.
            if _is_fastapi_validation_error(answers.get("422", {})):
                del answers["422"]
            for code in sorted(derived_errors(route, method)):
                answers.setdefault(str(code), _error_answer(code))
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    for model in (ErrorOut, ErrorDetailOut):
        if model.__name__ not in components:
            definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
            definition.pop("$defs", None)
            components[model.__name__] = definition
    return schema


def document_errors(api: FastAPI) -> None:
    """Make `api.openapi()` (served at /api/openapi.json) list each route's error answers."""
    build = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = _with_errors(build(), api)
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]
