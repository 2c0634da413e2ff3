"""The event creator's server side (#24 §6): each step's checks (the ones create_event runs), the
draft kept as you go, the workspace country's defaults, the preview, and duplicating an event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from eventpalour.db import read_only, transaction
from eventpalour.models import DiscountCode, EventDraft, EventPartner, TicketTier
from eventpalour.models.types import utcnow
from eventpalour.services.events import copies, creator, lifecycle
from eventpalour.services.events.event_rules import PartnerInput, TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform import PermissionDenied, ValidationFailed
from eventpalour.services.sales import checkout
from eventpalour.services.sales.discount_codes import CodeInput, create_code
from eventpalour.services.workspaces import kyc
from tests.factories import (
    add_member,
    approve_kyc,
    event_input,
    kyc_input,
    local,
    make_event,
    make_organizer,
    make_user,
    make_workspace,
)


def _fields(failure: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {".".join(str(p) for p in d.path): d.message for d in failure.value.details}


@pytest.fixture
def organizer():
    owner = make_organizer()
    return owner, make_workspace(owner)


def test_a_start_in_the_past_is_refused_on_the_start_field():
    yesterday = utcnow() - timedelta(days=1)
    with pytest.raises(ValidationFailed) as failure:
        creator.check_new_event(
            event_input(start_local=local(yesterday), end_local=local(yesterday + timedelta(hours=2)))
        )
    assert _fields(failure) == {"start_local": "Choose a start time in the future."}


def test_an_end_before_the_start_is_refused_on_the_end_field():
    start = utcnow() + timedelta(days=3)
    with pytest.raises(ValidationFailed) as failure:
        creator.check_new_event(event_input(start_local=local(start), end_local=local(start - timedelta(hours=1))))
    assert _fields(failure) == {"end_local": "The event must end after it starts."}


def test_a_paid_event_whose_tickets_are_all_free_is_refused_on_the_tiers_step():
    data = event_input(pricing="paid", currency="KES")
    with pytest.raises(ValidationFailed) as failure:
        creator.check_new_event(data, [TierInput(name="Regular", price=0)])
    assert _fields(failure) == {
        "tiers": "A paid event needs at least one ticket with a price; make the event free instead."
    }
    # A free guest tier beside a priced one is fine.
    creator.check_new_event(data, [TierInput(name="Regular", price=150000), TierInput(name="Guest", price=0)])


def test_a_category_off_the_list_is_refused_and_any_spelling_of_a_listed_one_is_taken(organizer):
    with pytest.raises(ValidationFailed) as failure:
        creator.check_new_event(event_input(category="Underwater Basket Weaving"))
    assert _fields(failure) == {"category": "Choose a category from the list, or suggest a new one."}
    owner, workspace = organizer
    event = lifecycle.create_event(
        actor=owner.summary, workspace_id=workspace.id, data=event_input(category=" food & DRINK ")
    )
    assert lifecycle.get_event_by_id(actor=owner.summary, event_id=event.id).category == "Food & Drink"


def test_create_event_runs_the_same_checks_and_changes_nothing_when_refused(organizer):
    owner, workspace = organizer
    yesterday = utcnow() - timedelta(days=1)
    with pytest.raises(ValidationFailed) as failure:
        lifecycle.create_event(
            actor=owner.summary,
            workspace_id=workspace.id,
            data=event_input(start_local=local(yesterday), end_local=local(yesterday + timedelta(hours=1))),
        )
    assert "start_local" in _fields(failure)
    assert lifecycle.list_workspace_events(actor=owner.summary, workspace_id=workspace.id)[1] == 0


def test_editing_keeps_a_start_already_past_but_refuses_moving_it_into_the_past(organizer):
    owner, workspace = organizer
    event = make_event(owner, workspace.id)
    with transaction() as session:  # the draft's start has since passed
        stored = session.get(lifecycle.Event, event.id)
        stored.start_at, stored.end_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=2)
        kept_start, kept_end = stored.start_at, stored.end_at
    retitled = event_input(title="Jazz on the Lawn, again", start_local=local(kept_start), end_local=local(kept_end))
    assert (
        lifecycle.update_event(actor=owner.summary, event_id=event.id, data=retitled).title == "Jazz on the Lawn, again"
    )
    earlier = kept_start - timedelta(days=1)
    with pytest.raises(ValidationFailed) as failure:
        lifecycle.update_event(
            actor=owner.summary,
            event_id=event.id,
            data=event_input(start_local=local(earlier), end_local=local(kept_end)),
        )
    assert _fields(failure) == {"start_local": "Choose a start time in the future."}


DRAFT = creator.DraftForm(
    values={"title": "Rooftop Sessions", "description": "Sunset sets\\nand friends", "category": "Music"},
    tiers=({"name": "Early", "price": "1,500", "quantity": "", "hidden": True},),
    partners=({"name": "Tusker", "url": "tusker.example.com"},),
    step=2,
)


def test_a_draft_is_kept_per_organizer_and_workspace_and_comes_back_as_typed(organizer):
    owner, workspace = organizer
    assert creator.get_event_draft(actor=owner.summary, workspace_id=workspace.id) is None
    creator.save_event_draft(actor=owner.summary, workspace_id=workspace.id, form=DRAFT)
    later = creator.DraftForm(values={**DRAFT.values, "title": "Rooftop Sessions II"}, tiers=DRAFT.tiers, step=3)
    creator.save_event_draft(actor=owner.summary, workspace_id=workspace.id, form=later)

    draft = creator.get_event_draft(actor=owner.summary, workspace_id=workspace.id)
    assert draft.title == "Rooftop Sessions II" and draft.form.step == 3
    assert draft.form.values["category"] == "Music" and draft.form.values["start_local"] == ""
    assert draft.form.tiers == (
        {**{k: "" for k in creator.DRAFT_TIER_KEYS}, "name": "Early", "price": "1,500", "hidden": True},
    )
    with read_only() as session:
        assert len(session.exec(select(EventDraft)).all()) == 1  # replaced, not added

    colleague = make_user()
    add_member(workspace.id, colleague, "moderator")
    assert creator.get_event_draft(actor=colleague.summary, workspace_id=workspace.id) is None


def test_creating_the_event_removes_its_draft_and_discarding_removes_it_too(organizer):
    owner, workspace = organizer
    creator.save_event_draft(actor=owner.summary, workspace_id=workspace.id, form=DRAFT)
    make_event(owner, workspace.id)
    assert creator.get_event_draft(actor=owner.summary, workspace_id=workspace.id) is None
    creator.save_event_draft(actor=owner.summary, workspace_id=workspace.id, form=DRAFT)
    creator.discard_event_draft(actor=owner.summary, workspace_id=workspace.id)
    assert creator.get_event_draft(actor=owner.summary, workspace_id=workspace.id) is None


def test_members_who_cannot_create_events_keep_no_draft(organizer):
    _, workspace = organizer
    member = make_user()
    add_member(workspace.id, member, "member")
    with pytest.raises(PermissionDenied):
        creator.save_event_draft(actor=member.summary, workspace_id=workspace.id, form=DRAFT)
    with read_only() as session:
        assert session.exec(select(EventDraft)).all() == []


def test_an_oversized_draft_is_refused_whole(organizer):
    owner, workspace = organizer
    huge = creator.DraftForm(values={"title": "x" * 20_001})
    with pytest.raises(ValidationFailed) as failure:
        creator.save_event_draft(actor=owner.summary, workspace_id=workspace.id, form=huge)
    assert _fields(failure) == {"title": "Use at most 20,000 characters."}
    assert creator.get_event_draft(actor=owner.summary, workspace_id=workspace.id) is None


@pytest.mark.parametrize(
    ("country", "tax_id", "expected"),
    [
        ("NG", "12345678", ("NGN", "Africa/Lagos", "Nigeria")),
        ("KE", "A123456789B", ("KES", "Africa/Nairobi", "Kenya")),
        (None, None, ("KES", "Africa/Nairobi", "Kenya")),
    ],
)
def test_currency_and_zone_come_from_the_workspace_country(organizer, country, tax_id, expected):
    owner, workspace = organizer
    if country:
        kyc.submit_kyc(
            actor=owner.summary, workspace_id=workspace.id, data=kyc_input(owner, tax_country=country, tax_id=tax_id)
        )
    defaults = creator.creator_defaults(actor=owner.summary, workspace_id=workspace.id)
    assert (defaults.currency, defaults.timezone, defaults.country) == expected


def test_preview_shows_the_page_the_form_would_make(organizer):
    owner, workspace = organizer
    data = event_input(pricing="paid", currency="KES", partners=(PartnerInput(name="Tusker"),))
    tiers = [TierInput(name="Regular", price=150000, quantity=3), TierInput(name="Crew", price=0, hidden=True)]
    page = creator.preview_event(actor=owner.summary, workspace_id=workspace.id, data=data, tiers=tiers)
    assert (page.title, page.category, page.organizer_name) == ("Jazz on the Lawn", "Music", workspace.name)
    assert [(t.name, t.price, t.sale_label, t.max_quantity) for t in page.tiers] == [("Regular", 150000, "On sale", 3)]
    assert [p.name for p in page.partners] == ["Tusker"]
    with read_only() as session:
        assert session.exec(select(TicketTier)).all() == []  # nothing saved


def test_duplicate_copies_details_partners_and_tiers_without_sales_or_codes(organizer):
    owner, workspace = organizer
    approve_kyc(workspace.id)
    event = make_event(
        owner,
        workspace.id,
        publish=True,
        pricing="paid",
        tiers=[TierInput(name="Regular", price=150000, quantity=50), TierInput(name="VIP", price=500000, quantity=10)],
        partners=(PartnerInput(name="Tusker", url="https://tusker.example.com"),),
    )
    regular_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={regular_id: 2})
    create_code(actor=owner.summary, event_id=event.id, data=CodeInput(code="HALF", kind="percent", value=50))

    copy = copies.duplicate_event(actor=owner.summary, event_id=event.id)

    assert copy.id != event.id and copy.status == "draft" and copy.title == "Jazz on the Lawn (copy)"
    assert (
        copy.start_at - event.start_at == timedelta(days=7)
        and copy.end_at - copy.start_at == event.end_at - event.start_at
    )
    with read_only() as session:
        tiers = session.exec(
            select(TicketTier).where(TicketTier.event_id == copy.id).order_by(TicketTier.sort_order)
        ).all()
        partners = session.exec(select(EventPartner).where(EventPartner.event_id == copy.id)).all()
        codes = session.exec(select(DiscountCode).where(DiscountCode.event_id == copy.id)).all()
    assert [(t.name, t.price, t.quantity, t.sold, t.held) for t in tiers] == [
        ("Regular", 150000, 50, 0, 0),
        ("VIP", 500000, 10, 0, 0),
    ]
    assert [(p.name, p.url) for p in partners] == [("Tusker", "https://tusker.example.com")]
    assert codes == []


def test_a_past_event_duplicates_onto_the_next_same_weekday_ahead(organizer):
    start = utcnow() - timedelta(days=20)
    assert copies.weeks_ahead(start, utcnow()) == timedelta(days=21)
    assert copies.weeks_ahead(utcnow() + timedelta(days=2), utcnow()) == timedelta(days=7)


def test_only_those_who_manage_events_may_duplicate(organizer):
    owner, workspace = organizer
    event = make_event(owner, workspace.id)
    member = make_user()
    add_member(workspace.id, member, "member")
    with pytest.raises(PermissionDenied):
        copies.duplicate_event(actor=member.summary, event_id=event.id)
    assert lifecycle.list_workspace_events(actor=owner.summary, workspace_id=workspace.id)[1] == 1
