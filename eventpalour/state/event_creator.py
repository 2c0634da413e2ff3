"""/workspace/{id}/events/new: the step-by-step creator's state. Each step is checked by the services
(`events.check_new_event`, as creating the event is), kept as a draft on the server at its Next, and
the last step previews the public page."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime

import reflex as rx

from eventpalour import routes
from eventpalour.services import events
from eventpalour.services.platform import N_, DomainError, utc_moment
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.event_detail import EventPage, TierOffer, event_page, tier_offer
from eventpalour.state.event_form import DEFAULT_VALUES, EventFormMixin, PartnerRow, TierRow

STEPS = [N_("Details"), N_("When"), N_("Where"), N_("Pricing"), N_("Tickets"), N_("Partners")]
STEP_FIELDS = [
    {"title", "description", "category", "banner_url"},
    {"start_local", "end_local", "timezone"},
    {"type", "venue", "city", "country", "online_link", "meeting_platform"},
    {
        "pricing",
        "currency",
        "fee_mode",
        "refund_policy",
        "refund_days",
        "refund_policy_text",
        "waitlist_offer_minutes",
        "sms_tickets",
    },
    {"tiers"},
    {"partners"},
]


class EventCreateState(EventFormMixin, AuthState):
    """/workspace/{id}/events/new: six short steps, each checked by the services before the next, and
    kept on the server as a draft at each step's Next, so "Continue editing" brings it back."""

    step: int = 0
    draft_saved: str = ""  # "Draft saved 06 Dec, 18:05 UTC" while a kept draft is open
    previewing: bool = False
    preview: EventPage | None = None
    preview_tiers: list[TierOffer] = []
    preview_partners: list[PartnerRow] = []

    @rx.event
    async def start(self):
        """on_load: the organizer's kept draft when there is one, else an empty form with the
        currency and time zone of the workspace's country."""
        self._reset_form()
        self.step, self.draft_saved, self.previewing = 0, "", False
        try:
            actor = await self.require_user()
            draft = await call_service(events.get_event_draft, actor=actor, workspace_id=self._workspace_id())
            defaults = await call_service(events.creator_defaults, actor=actor, workspace_id=self._workspace_id())
        except DomainError:  # not allowed here: the page says so and offers nothing to fill in
            return
        await self._load_categories()
        await self._load_tier_templates(self._workspace_id())
        if draft is None:
            self.values = {**self.values, **asdict(defaults)}
        else:
            self._restore(draft)
        self._offer_templates()

    def _restore(self, draft: events.EventDraftView) -> None:
        form = draft.form
        self.values = {**DEFAULT_VALUES, **form.values}
        known = {f.name for f in fields(TierRow)}
        self.tier_rows = [TierRow(**{k: v for k, v in t.items() if k in known}) for t in form.tiers] or self.tier_rows
        self.partner_rows = [
            PartnerRow(**{k: str(p.get(k, "")) for k in ("name", "url", "logo_url")}) for p in form.partners
        ]
        self.step = min(max(form.step, 0), len(STEPS) - 1)
        self.draft_saved = self._saved_note(draft.updated_at)

    def _saved_note(self, moment: datetime) -> str:
        """ "Draft saved 6 Dec 2026 18:05 UTC", in the organizer's language."""
        return self._t(N_("Draft saved {when}")).format(when=utc_moment(moment, self._language()))

    def _draft_form(self) -> events.DraftForm:
        kept = ("name", "description", "price", "quantity", "sales_start_local", "sales_end_local", "max_per_order")
        return events.DraftForm(
            values=dict(self.values),
            tiers=tuple({**{k: getattr(row, k) for k in kept}, "hidden": row.hidden} for row in self.tier_rows),
            partners=tuple(asdict(row) for row in self.partner_rows),
            step=self.step,
        )

    @rx.event
    async def next_step(self):
        """Check this step's fields; when they pass, move on and keep the draft on the server."""
        if not await self._check(STEP_FIELDS[self.step]):
            return None
        self.step = min(self.step + 1, len(STEPS) - 1)
        try:
            actor = await self.require_user()
            draft = await call_service(
                events.save_event_draft, actor=actor, workspace_id=self._workspace_id(), form=self._draft_form()
            )
        except DomainError as error:
            return self.show_error(error)
        self.draft_saved = self._saved_note(draft.updated_at)
        return None

    @rx.event
    def previous_step(self) -> None:
        self.errors, self.step, self.previewing = {}, max(self.step - 1, 0), False

    @rx.event
    def go_to_step(self, index: int) -> None:
        if index < self.step:
            self.errors, self.step, self.previewing = {}, index, False

    @rx.event
    async def discard_draft(self):
        """Start over: the kept draft goes, and the form is empty again (with the country's defaults)."""
        try:
            actor = await self.require_user()
            await call_service(events.discard_event_draft, actor=actor, workspace_id=self._workspace_id())
        except DomainError as error:
            return self.show_error(error)
        return [EventCreateState.start, rx.toast.success(self._t(N_("Draft discarded. You are starting a new event.")))]

    @rx.event
    async def show_preview(self):
        """The public page as it will look, from the form as it is (checked first, like Save)."""
        try:
            actor = await self.require_user()
            event = await call_service(
                events.preview_event,
                actor=actor,
                workspace_id=self._workspace_id(),
                data=self._event_input(),
                tiers=self._tier_inputs(),
            )
        except DomainError as error:
            return self._show_errors(error)
        language = self._language()
        self.preview = event_page(event, language)
        self.preview_tiers = [tier_offer(tier, event.currency, language) for tier in event.tiers]
        self.preview_partners = [PartnerRow(p.name, p.url, p.logo_url) for p in event.partners]
        self.previewing = True
        return None

    @rx.event
    def close_preview(self) -> None:
        self.previewing = False

    @rx.event
    async def save_draft(self):
        self.is_saving = True
        yield
        try:
            actor = await self.require_user()
            event = await call_service(
                events.create_event,
                actor=actor,
                workspace_id=self._workspace_id(),
                data=self._event_input(),
                tiers=self._tier_inputs(),
            )
        except DomainError as error:
            yield self._show_errors(error)
            first = next(iter(self.errors), "")
            self.step = next((i for i, f in enumerate(STEP_FIELDS) if first.split(".")[0] in f), self.step)
            return
        self.is_saving, self.draft_saved, self.previewing = False, "", False
        yield rx.toast.success(self._t(N_("Draft saved. Review it and publish when ready.")))
        yield rx.redirect(routes.event_manage_url(self._workspace_id(), event.short_id))
