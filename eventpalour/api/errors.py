"""The one place where failures become HTTP responses: `{"error": ...}` (+ `details`), never a trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from eventpalour.api.schemas import ErrorOut
from eventpalour.cookies import LANGUAGE_COOKIE
from eventpalour.services.platform import (
    DEFAULT_LANGUAGE,
    N_,
    Conflict,
    DomainError,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    PaymentUnavailable,
    PermissionDenied,
    RateLimited,
    SoldOut,
    UnsupportedMediaType,
    ValidationFailed,
    gettext,
    language_or_default,
    negotiate_language,
    nul_in_input,
)

logger = logging.getLogger("eventpalour.api")

STATUS_BY_ERROR: list[tuple[type[DomainError], int]] = [
    (NotAuthenticated, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (SoldOut, 409),
    (ValidationFailed, 400),
    (PayloadTooLarge, 413),
    (UnsupportedMediaType, 415),
    (RateLimited, 429),
    (PaymentUnavailable, 503),
]


ERROR_DESCRIPTIONS = {
    400: "The request is malformed (e.g. not valid JSON) or a value breaks a rule; `details` names the fields.",
    401: "Not signed in, or the session has ended.",
    403: "Signed in, but not allowed to do this.",
    404: "Not found (or not visible to this caller).",
    409: "Conflicts with the current state (e.g. sold out, already done).",
    413: "The request body is too large.",
    415: "The body's media type is not accepted.",
    422: "Some fields are missing or invalid; `details` lists each.",
    429: "Too many requests; `Retry-After` says how many seconds to wait.",
    503: "A provider this action needs (e.g. Paystack) cannot be reached now; nothing was changed.",
}


def answers(*codes: int) -> dict[int | str, dict[str, object]]:
    """`responses=` for a route: the error answers its service can give, beyond what its dependencies,
    body and method already imply (api/openapi.py adds those)."""
    return {code: {"model": ErrorOut, "description": ERROR_DESCRIPTIONS[code]} for code in codes}


def error_body(message: str, details: list[dict[str, object]] | None = None) -> dict[str, object]:
    body: dict[str, object] = {"error": message}
    if details:
        body["details"] = details
    return body


def reader_language(request: Request | None) -> str:
    """The language an API answer's messages speak: the site's language cookie (the reader's own choice,
    sent by a page's fetch, e.g. the offline door's), else the request's Accept-Language (an API client;
    a browser sends its default with every fetch, so it comes second), else English. The `code` and the
    field paths stay as they are."""
    if request is None:
        return DEFAULT_LANGUAGE
    if chosen := request.cookies.get(LANGUAGE_COOKIE):
        return language_or_default(chosen)
    if request.headers.get("accept-language"):
        return negotiate_language(request.headers["accept-language"])
    return DEFAULT_LANGUAGE


def domain_error_response(exc: DomainError, request: Request | None = None) -> JSONResponse:
    """Map a service error to its status code and JSON body, its messages in the reader's language."""
    status = next((code for kind, code in STATUS_BY_ERROR if isinstance(exc, kind)), 400)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    language = reader_language(request)
    body = error_body(exc.in_language(language), [d.as_dict(language) for d in exc.details])
    if exc.code_in_answer:
        body["code"] = exc.code
    return JSONResponse(body, status_code=status, headers=headers)


def _validation_response(exc: RequestValidationError, language: str) -> JSONResponse:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return JSONResponse(error_body(gettext(language, "The request body is not valid JSON.")), status_code=400)
    # Each field's own line is pydantic's (English, for the developer who sent it); the summary is the reader's.
    details = [
        {"path": [p for p in e.get("loc", ()) if p != "body"], "message": e.get("msg", "Invalid value.")}
        for e in errors
    ]
    return JSONResponse(error_body(gettext(language, "Some fields are missing or invalid."), details), status_code=422)


def install_error_handlers(api: FastAPI) -> None:
    """Register the handlers on the API app; the last one guarantees no stack trace ever leaks."""

    @api.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return domain_error_response(exc, request)

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_response(exc, reader_language(request))

    @api.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else N_("Request failed.")
        return JSONResponse(
            error_body(gettext(reader_language(request), message)), status_code=exc.status_code, headers=exc.headers
        )

    @api.exception_handler(DataError)
    async def _refused_by_database(request: Request, exc: DataError) -> JSONResponse:
        if (refused := nul_in_input(exc)) is not None:
            return domain_error_response(refused, request)
        return await _unexpected(request, exc)

    @api.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        message = gettext(reader_language(request), "Something went wrong on our side. Please try again.")
        return JSONResponse(error_body(message), status_code=500)
