"""The account page: profile, password, signing out of every device, the policies agreed to,
downloading my data and deleting the account."""

from __future__ import annotations

from typing import Any

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import identity
from eventpalour.services.platform import DomainError, plural
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.forms import FormMixin


class AccountState(FormMixin, AuthState):
    username: str = ""
    full_name: str = ""
    has_google: bool = False
    password_changed: bool = False
    terms_summary: str = ""
    can_delete: bool = False
    deletion_refusal: str = ""
    deletion_code_sent: bool = False
    is_sending_code: bool = False
    deletion_checked: bool = False

    @rx.var
    def export_json_url(self) -> str:
        return settings.api_url + routes.API_ACCOUNT_EXPORT_JSON

    @rx.var
    def export_csv_url(self) -> str:
        return settings.api_url + routes.API_ACCOUNT_EXPORT_CSV

    @rx.event
    async def load(self):
        user = await self.current_user()
        if user is None:
            yield rx.redirect(self._sign_in_url())
            return
        self.username, self.full_name = user.username, user.full_name
        self.field_errors, self.form_error, self.password_changed = {}, "", False
        self.deletion_code_sent, self.is_sending_code, self.deletion_checked = False, False, False
        yield
        try:
            terms = await call_service(identity.terms_agreement, actor=user)
            check = await call_service(identity.check_account_deletion, actor=user)
        except DomainError as error:
            yield self.show_error(error)
            return
        self.terms_summary = terms.summary
        self.can_delete, self.deletion_refusal = check.can_delete, check.reason
        self.deletion_checked = True

    @rx.event
    async def send_deletion_code(self):
        self.is_sending_code = True
        yield
        try:
            actor = await self.require_user()
            self._limit("auth")
            await call_service(identity.request_deletion_code, actor=actor)
        except DomainError as error:
            self.is_sending_code = False
            yield self.show_error(error)
            return
        self.is_sending_code = False
        self.deletion_code_sent = True
        yield rx.toast.success("We emailed you a 6-digit code. It works for 15 minutes.")

    @rx.event
    async def delete_account(self, form: dict[str, Any]):
        self._start()
        yield
        try:
            actor = await self.require_user()
            self._limit("auth")
            await call_service(
                identity.delete_account,
                actor=actor,
                email=str(form.get("email", "")),
                code=str(form.get("code", "")),
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        # Every session ended with the account; the sign-out route clears this browser's cookie.
        yield rx.toast.success("Your account was deleted. Goodbye.")
        yield AccountState.sign_out

    @rx.event
    async def save_profile(self, form: dict[str, Any]):
        self._start()
        yield
        try:
            actor = await self.require_user()
            user = await call_service(identity.update_profile, actor=actor, full_name=str(form.get("full_name", "")))
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        self.full_name = user.full_name
        self._remember(user)
        yield rx.toast.success("Profile saved.")

    @rx.event
    async def change_password(self, form: dict[str, Any]):
        self._start()
        yield
        new_password = str(form.get("new_password", ""))
        if new_password != str(form.get("confirm_password", "")):
            self.is_submitting = False
            self.field_errors = {"confirm_password": "The two passwords do not match."}
            return
        try:
            actor = await self.require_user()
            self._limit("auth")
            await call_service(
                identity.change_password,
                actor=actor,
                current_password=str(form.get("current_password", "")),
                new_password=new_password,
                keep_session_token=self._session_token(),
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        self.password_changed = True
        yield rx.toast.success("Password changed. Other devices were signed out.")

    @rx.event
    async def sign_out_everywhere(self):
        try:
            actor = await self.require_user()
            ended = await call_service(identity.sign_out_everywhere, actor=actor)
        except DomainError as error:
            return self.show_error(error)
        # This browser's session ended too; the sign-out route also clears its cookie.
        return [
            rx.toast.success(f"Signed out of {plural(ended, 'session')}."),
            AccountState.sign_out,
        ]
