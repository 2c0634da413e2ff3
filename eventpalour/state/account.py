"""The account page: profile, password, two-factor sign-in, sessions, signing out of every device,
the policies agreed to, downloading my data and deleting the account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import identity, platform
from eventpalour.services.platform import DomainError, Figure
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.forms import FormMixin

RECOVERY_FILE = "eventpalour-recovery-codes.txt"


@dataclass(frozen=True)
class SessionLine:
    id: str
    device: str
    where: str
    signed_in: str
    last_seen: str
    two_factor: bool
    is_current: bool


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

    # Two-factor sign-in. The secret and the recovery codes are shown once, then forgotten.
    two_factor_enabled: bool = False
    recovery_codes_left: int = 0
    setup_secret: str = ""
    setup_qr: str = ""
    recovery_codes: list[str] = []
    sessions: list[SessionLine] = []
    sessions_error: str = ""

    @rx.var
    def two_factor_reason(self) -> str:
        """Why a page sent the person here (`routes.two_factor_setup(reason)`), in words."""
        return identity.TWO_FACTOR_REASONS.get(self.router.url.query_parameters.get("two_factor", ""), "")

    @rx.var
    def recovery_text(self) -> str:
        return "\n".join(self.recovery_codes)

    @rx.event
    async def load(self):
        user = await self.current_user()
        if user is None:
            yield rx.redirect(self._sign_in_url())
            return
        self.username, self.full_name = user.username, user.full_name
        self.field_errors, self.form_error, self.password_changed = {}, "", False
        self.deletion_code_sent, self.is_sending_code, self.deletion_checked = False, False, False
        self.setup_secret, self.setup_qr, self.recovery_codes = "", "", []
        await self._refresh_two_factor(user)
        yield
        try:
            terms = await call_service(identity.terms_agreement, actor=user)
            check = await call_service(identity.check_account_deletion, actor=user)
        except DomainError as error:
            yield self.show_error(error)
            return
        self.terms_summary = self._t(terms.summary)
        self.can_delete, self.deletion_refusal = check.can_delete, check.reason
        self.deletion_checked = True

    @rx.event
    async def send_deletion_code(self):
        self.is_sending_code = True
        yield
        try:
            actor = await self.require_user()
            await self._limit("auth")
            await call_service(identity.request_deletion_code, actor=actor)
        except DomainError as error:
            self.is_sending_code = False
            yield self.show_error(error)
            return
        self.is_sending_code = False
        self.deletion_code_sent = True
        yield rx.toast.success(self._t("We emailed you a 6-digit code. It works for 15 minutes."))

    @rx.event
    async def delete_account(self, form: dict[str, Any]):
        self._start()
        yield
        try:
            actor = await self.require_user()
            await self._limit("auth")
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
        yield rx.toast.success(self._t("Your account was deleted. Goodbye."))
        yield AccountState.sign_out

    async def _refresh_two_factor(self, user: identity.UserSummary) -> None:
        status = await call_service(identity.two_factor_status, actor=user)
        self.two_factor_enabled, self.recovery_codes_left = status.enabled, status.recovery_codes_left
        try:
            rows = await call_service(identity.list_sessions, actor=user, current_token=self._session_token())
        except DomainError as error:
            self.sessions, self.sessions_error = [], error.in_language(self._language())
            return
        self.sessions_error = ""
        language = self._language()
        self.sessions = [
            SessionLine(
                id=r.id,
                device=platform.said(language, r.device),
                where=r.ip or self._t("Unknown address"),
                signed_in=platform.utc_moment(r.signed_in_at, language),
                last_seen=platform.utc_moment(r.last_seen_at, language),
                two_factor=r.two_factor,
                is_current=r.is_current,
            )
            for r in rows
        ]

    def _fail_code(self, error: DomainError, field: str) -> list[rx.event.EventSpec]:
        """`_fail`, with the service's `code` field error shown under this form's own code input."""
        events = self._fail(error)
        if "code" in self.field_errors:
            self.field_errors = {field: self.field_errors["code"]}
        return events

    @rx.event
    async def start_two_factor(self):
        try:
            actor = await self.require_user()
            setup = await call_service(identity.start_two_factor_setup, actor=actor)
        except DomainError as error:
            return self.show_error(error)
        self.setup_secret, self.setup_qr, self.recovery_codes = setup.secret, setup.qr_svg_data_uri, []
        return None

    @rx.event
    def cancel_two_factor_setup(self) -> None:
        self.setup_secret, self.setup_qr, self.field_errors = "", "", {}

    @rx.event
    async def confirm_two_factor(self, form: dict[str, Any]):
        self._start()
        yield
        try:
            actor = await self.require_user()
            await self._limit("auth", actor)
            codes = await call_service(
                identity.confirm_two_factor_setup,
                actor=actor,
                code=str(form.get("setup_code", "")),
                session_token=self._session_token(),
            )
        except DomainError as error:
            yield self._fail_code(error, "setup_code")
            return
        self.is_submitting = False
        self.setup_secret, self.setup_qr, self.recovery_codes = "", "", codes
        await self._refresh_two_factor(await self.require_user())
        yield rx.toast.success(self._t("Two-factor sign-in is on. Other devices were signed out."))

    @rx.event
    async def renew_recovery_codes(self, form: dict[str, Any]):
        self._start()
        yield
        try:
            actor = await self.require_user()
            await self._limit("auth", actor)
            codes = await call_service(
                identity.regenerate_recovery_codes, actor=actor, code=str(form.get("renew_code", ""))
            )
        except DomainError as error:
            yield self._fail_code(error, "renew_code")
            return
        self.is_submitting = False
        self.recovery_codes = codes
        await self._refresh_two_factor(actor)
        yield rx.toast.success(self._t("New recovery codes made. The old ones no longer work."))

    @rx.event
    async def turn_off_two_factor(self, form: dict[str, Any]):
        self._start()
        yield
        try:
            actor = await self.require_user()
            await self._limit("auth", actor)
            await call_service(identity.turn_off_two_factor, actor=actor, code=str(form.get("off_code", "")))
        except DomainError as error:
            yield self._fail_code(error, "off_code")
            return
        self.is_submitting = False
        self.recovery_codes = []
        await self._refresh_two_factor(await self.require_user())
        yield rx.toast.success(self._t("Two-factor sign-in is off."))

    @rx.event
    def hide_recovery_codes(self) -> None:
        self.recovery_codes = []

    @rx.event
    def download_recovery_codes(self) -> rx.event.EventSpec:
        return rx.download(data=self.recovery_text + "\n", filename=RECOVERY_FILE)

    @rx.event
    def copy_recovery_codes(self) -> list[rx.event.EventSpec]:
        return [rx.set_clipboard(self.recovery_text), rx.toast.success(self._t("Recovery codes copied."))]

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
        yield rx.toast.success(self._t("Profile saved."))

    @rx.event
    async def change_password(self, form: dict[str, Any]):
        self._start()
        yield
        new_password = str(form.get("new_password", ""))
        if new_password != str(form.get("confirm_password", "")):
            self.is_submitting = False
            self.field_errors = {"confirm_password": self._t("The two passwords do not match.")}
            return
        try:
            actor = await self.require_user()
            await self._limit("auth")
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
        yield rx.toast.success(self._t("Password changed. Other devices were signed out."))

    @rx.event
    async def sign_out_everywhere(self):
        try:
            actor = await self.require_user()
            ended = await call_service(identity.sign_out_everywhere, actor=actor)
        except DomainError as error:
            return self.show_error(error)
        # This browser's session ended too; the sign-out route also clears its cookie.
        return [
            rx.toast.success(
                self._t("Signed out of 1 session.")
                if ended == 1
                else self._t("Signed out of {count} sessions.").format(
                    count=Figure(ended).in_language(self._language())
                )
            ),
            AccountState.sign_out,
        ]
