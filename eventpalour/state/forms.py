"""Shared behaviour of every form state: field errors, a submitting flag, error display."""

from __future__ import annotations

import reflex as rx

from eventpalour.services.errors import DomainError
from eventpalour.state.base import AuthState


class FormState(AuthState):
    """A form's field-level errors (by input name) and whether a submit is in flight.

    These vars live on this one parent state, so every form shares them, and they outlive a full
    page load (the client token stays in sessionStorage). `reset_form` runs on every page load so
    no page starts with another form's errors or a stuck "busy" button.
    """

    field_errors: dict[str, str] = {}
    form_error: str = ""
    is_submitting: bool = False

    @rx.event
    def reset_form(self) -> None:
        """on_load of every page (components/layout.py): a fresh page starts with a clean form."""
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
        self.field_errors = {str(d.path[0]): d.message for d in error.details if d.path}
        if not self.field_errors:
            self.form_error = error.message
        return self.show_error(error)
