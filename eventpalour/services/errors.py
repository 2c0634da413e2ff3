"""The one family of errors that services raise. Messages are whole sentences a person understands.

`api/errors.py` maps them to HTTP statuses once; `state/base.py` maps them to toasts and field
errors once. Nothing else decides how an error is shown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """A problem with one input. `path` names the field, e.g. `("email",)` or `("tiers", 0, "price")`."""

    path: tuple[str | int, ...]
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"path": list(self.path), "message": self.message}


class DomainError(Exception):
    """Base of every business-rule failure. `code` is stable; `message` is for people."""

    code = "error"

    def __init__(self, message: str, *, details: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotAuthenticated(DomainError):
    code = "not_authenticated"

    def __init__(self, message: str = "Please sign in to continue.") -> None:
        super().__init__(message)


class PermissionDenied(DomainError):
    code = "permission_denied"


class NotFound(DomainError):
    code = "not_found"


class ValidationFailed(DomainError):
    """One or more inputs are wrong; `details` says which and why."""

    code = "validation_failed"

    @classmethod
    def field(cls, name: str, message: str) -> ValidationFailed:
        return cls(message, details=[FieldError((name,), message)])


class Conflict(DomainError):
    code = "conflict"


class SoldOut(DomainError):
    code = "sold_out"


class PayloadTooLarge(DomainError):
    """The request or file is bigger than this action accepts."""

    code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    """The bytes are not of a kind this action accepts (decided from the content, never the name)."""

    code = "unsupported_media_type"


class RateLimited(DomainError):
    """Too many attempts; `retry_after` is whole seconds until the next one may succeed."""

    code = "rate_limited"

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message or f"Too many attempts. Please wait {retry_after} seconds and try again.")
        self.retry_after = retry_after


class PaymentUnavailable(DomainError):
    """The payment provider could not be reached or refused; nothing was charged."""

    code = "payment_unavailable"
