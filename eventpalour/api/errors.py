"""The one place where failures become HTTP responses: `{"error": ...}` (+ `details`), never a trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from eventpalour.api.schemas import ErrorOut
from eventpalour.services.platform import (
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


def domain_error_response(exc: DomainError) -> JSONResponse:
    """Map a service error to its status code and JSON body."""
    status = next((code for kind, code in STATUS_BY_ERROR if isinstance(exc, kind)), 400)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    body = error_body(exc.message, [d.as_dict() for d in exc.details])
    if exc.code_in_answer:
        body["code"] = exc.code
    return JSONResponse(body, status_code=status, headers=headers)


def _validation_response(exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return JSONResponse(error_body("The request body is not valid JSON."), status_code=400)
    details = [
        {"path": [p for p in e.get("loc", ()) if p != "body"], "message": e.get("msg", "Invalid value.")}
        for e in errors
    ]
    return JSONResponse(error_body("Some fields are missing or invalid.", details), status_code=422)


def install_error_handlers(api: FastAPI) -> None:
    """Register the handlers on the API app; the last one guarantees no stack trace ever leaks."""

    @api.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError) -> JSONResponse:
        return domain_error_response(exc)

    @api.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_response(exc)

    @api.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        return JSONResponse(error_body(message), status_code=exc.status_code, headers=exc.headers)

    @api.exception_handler(DataError)
    async def _refused_by_database(request: Request, exc: DataError) -> JSONResponse:
        if (refused := nul_in_input(exc)) is not None:
            return domain_error_response(refused)
        return await _unexpected(request, exc)

    @api.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse(error_body("Something went wrong on our side. Please try again."), status_code=500)
