"""The one family of errors that services raise. Messages are whole sentences a person understands.

`api/errors.py` maps them to HTTP statuses once; `state/base.py` maps them to toasts and field
errors once. Nothing else decides how an error is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from eventpalour.services.platform.i18n import N_, SaidInLanguage, gettext


@dataclass(frozen=True, init=False)
class FieldError:
    """A problem with one input. `path` names the field, e.g. `("email",)` or `("tiers", 0, "price")`.

    `message` is English, whole; when it has {named fields} (`values` fill them) the catalogs hold its
    template, so `in_language` can say it in the reader's language with the same values."""

    path: tuple[str | int, ...]
    message: str
    template: str
    values: tuple[tuple[str, object], ...]

    def __init__(self, path: tuple[str | int, ...], message: str, values: Mapping[str, object] | None = None) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "template", message)
        object.__setattr__(self, "values", tuple((values or {}).items()))
        object.__setattr__(self, "message", message.format(**values) if values else message)

    def in_language(self, language: str | None) -> str:
        return _say(language, self.template, dict(self.values))

    def __str__(self) -> str:
        """Its English message: what `{message}` becomes when another message embeds it."""
        return self.message

    def as_dict(self, language: str | None = None) -> dict[str, object]:
        return {"path": list(self.path), "message": self.in_language(language) if language else self.message}


def _say(language: str | None, template: str, values: Mapping[str, object]) -> str:
    """`template` in `language` filled with `values`, each value with words of its own said in
    `language` too."""
    if isinstance(template, SaidInLanguage) and not values:
        return template.in_language(language)  # a message of parts (`Joined`), each said on its own
    translated = gettext(language, template)
    said = {
        name: value.in_language(language) if isinstance(value, SaidInLanguage) else value
        for name, value in values.items()
    }
    return translated.format(**said) if values else translated


class DomainError(Exception):
    """Base of every business-rule failure. `code` is stable; `message` is for people."""

    code = "error"
    # Whether the API's JSON answer carries `code` too: for errors a client must tell apart from their
    # HTTP status's other causes (a 403 that means "set up two-factor", not "not allowed").
    code_in_answer = False

    def __init__(
        self, message: str, *, details: list[FieldError] | None = None, values: Mapping[str, object] | None = None
    ) -> None:
        english = message.format(**values) if values else message
        super().__init__(english)
        self.message = english
        # The catalogs' message id: the text with its {named fields}, filled with `values` in any language.
        self.template = message
        self.values = dict(values or {})
        self.details = details or []

    def in_language(self, language: str | None) -> str:
        """The message in `language` (English when the catalogs lack it), its values filled in. A
        message that repeats its first field's (`ValidationFailed(problems[0].message, details=...)`)
        is said as that field's is."""
        if not self.values and self.details and self.details[0].message == self.message:
            return self.details[0].in_language(language)
        return _say(language, self.template, self.values)


class NotAuthenticated(DomainError):
    code = "not_authenticated"

    def __init__(self, message: str = N_("Please sign in to continue.")) -> None:
        super().__init__(message)


class PermissionDenied(DomainError):
    code = "permission_denied"


class SecondFactorRequired(PermissionDenied):
    """The action needs a session that passed two-factor sign-in (admin pages, withdrawals, refunds).
    `reason` names what asked (`"admin"`, `"withdrawal"`, `"refund"`): the UI sends the person to set it
    up with it, and the API answers this `code` so a client can do the same."""

    code = "second_factor_required"
    code_in_answer = True

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class NotFound(DomainError):
    code = "not_found"


class ValidationFailed(DomainError):
    """One or more inputs are wrong; `details` says which and why."""

    code = "validation_failed"

    @classmethod
    def field(cls, name: str, message: str, **values: object) -> ValidationFailed:
        return cls(message, details=[FieldError((name,), message, values)], values=values)


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

    def __init__(
        self, retry_after: int, message: str | None = None, *, values: Mapping[str, object] | None = None
    ) -> None:
        if message is None:
            super().__init__(
                N_("Too many attempts. Please wait {seconds} seconds and try again."), values={"seconds": retry_after}
            )
        else:
            super().__init__(message, values=values)
        self.retry_after = retry_after


class PaymentUnavailable(DomainError):
    """The payment provider could not be reached or refused; nothing was charged."""

    code = "payment_unavailable"


NUL_IN_INPUT = N_("The request contains a NUL character (\\0), which no name, code or reference can hold.")


def nul_in_input(exc: BaseException) -> ValidationFailed | None:
    """The domain error for a database refusing a NUL character, or None for any other failure.

    Free text is cleaned of NUL before it is stored (services/platform/text.py), so a NUL that still reaches
    PostgreSQL sits in an id, code or reference someone sent (`/e/ab%00cd`, a JSON body's
    `"event_id": "a\\u0000b"`): PostgreSQL cannot hold it in text at all and refuses the statement
    (SQLite would only find no match). That is bad input, never a failure of ours.
    """
    from sqlalchemy.exc import DataError  # the services' database library, imported where it is needed

    if isinstance(exc, DataError) and "NUL" in str(exc.orig):
        return ValidationFailed(NUL_IN_INPUT)
    return None
