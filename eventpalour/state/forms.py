"""Shared behaviour of every form: field errors, a submitting flag, error display."""

from __future__ import annotations

import reflex as rx

from eventpalour.services.platform import DomainError


class FormMixin(rx.State, mixin=True):
    """A form's field-level errors (by input name), its message with no field, and whether a submit is
    in flight: the three vars a form shows, so they are vars. Reflex copies them into each page state
    that uses this mixin (`class SignInState(FormMixin, AuthState)`), so no page sees another's errors.

    They outlive a full page load (the client token stays in sessionStorage), so a page with a form
    names its state in `page(form=...)` and `reset_form` runs on that page's load: it never starts
    with the errors or the stuck "busy" button of an earlier visit. Handlers call `show_error`, which
    the page state has from AuthState.
    """

    field_errors: dict[str, str] = {}
    form_error: str = ""
    is_submitting: bool = False

    @rx.event
    def reset_form(self) -> None:
        """on_load of the page (components/layout.py `page(form=...)`): a fresh page, a clean form."""
        self.field_errors = {}
        self.form_error = ""
        self.is_submitting = False

    def _start(self) -> None:
        self.field_errors = {}
        self.form_error = ""
        self.is_submitting = True

    def _fail(self, error: DomainError) -> list[rx.event.EventSpec]:
        """Put each detail under its field; a message with no field goes above the form."""
        self.is_submitting = False
        # In the reader's language (AuthState._t; English when the catalog lacks the message).
        language = self._language()
        self.field_errors = {str(d.path[0]): d.in_language(language) for d in error.details if d.path}
        if not self.field_errors:
            self.form_error = error.in_language(language)
        return self.show_error(error)
