"""Tier templates (#19 §6): who may keep them, the tier rules they obey, unique names whatever their
case, the currency rule, and the pages' handlers (settings section, "Add from template")."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from eventpalour.db import read_only, transaction
from eventpalour.models import TierTemplate
from eventpalour.services.events import tier_templates
from eventpalour.services.events.event_rules import MAX_PER_ORDER
from eventpalour.services.events.tier_templates import (
    TierTemplateInput,
    TierTemplateView,
    create_tier_template,
    delete_tier_template,
    list_tier_templates,
    offered_templates,
    template_offer_refusal,
    update_tier_template,
)
from eventpalour.services.platform import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from eventpalour.state.event_creator import EventCreateState
from eventpalour.state.events import EventManageState
from eventpalour.state.tier_templates import TierTemplatesState
from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for

VIP = TierTemplateInput(name="VIP", description="Front row", price=500000, currency="KES", quantity=50, max_per_order=4)


def _stored() -> list[tuple]:
    with read_only() as session:
        rows = session.exec(select(TierTemplate).order_by(TierTemplate.name_key)).all()
        return [(t.workspace_id, t.name, t.price, t.currency, t.quantity, t.max_per_order, t.description) for t in rows]


@pytest.fixture
def team():
    owner = make_organizer()
    workspace = make_workspace(owner)
    people = {"owner": owner}
    for role in ("admin", "moderator", "member"):
        people[role] = make_user()
        add_member(workspace.id, people[role], role)
    people["outsider"] = make_user()
    return workspace, people


# --- who may keep templates: the roles that may manage events -----------------------------------------


@pytest.mark.parametrize("role", ["owner", "admin", "moderator"])
def test_event_managers_keep_templates(team, role):
    workspace, people = team
    actor = people[role].summary
    made = create_tier_template(actor=actor, workspace_id=workspace.id, data=VIP)
    assert [t.id for t in list_tier_templates(actor=actor, workspace_id=workspace.id)] == [made.id]
    changed = update_tier_template(
        actor=actor, workspace_id=workspace.id, template_id=made.id, data=replace(VIP, name="VIP Lounge")
    )
    assert changed.name == "VIP Lounge" and changed.updated_at >= made.updated_at
    delete_tier_template(actor=actor, workspace_id=workspace.id, template_id=made.id)
    assert _stored() == []


@pytest.mark.parametrize("caller", ["member", "outsider", "anonymous"])
def test_others_can_neither_read_nor_change_templates(team, caller):
    workspace, people = team
    made = create_tier_template(actor=people["owner"].summary, workspace_id=workspace.id, data=VIP)
    before = _stored()
    actor = None if caller == "anonymous" else people[caller].summary
    refused = NotAuthenticated if caller == "anonymous" else PermissionDenied
    with pytest.raises(refused):
        list_tier_templates(actor=actor, workspace_id=workspace.id)
    with pytest.raises(refused):
        create_tier_template(actor=actor, workspace_id=workspace.id, data=replace(VIP, name="Other"))
    with pytest.raises(refused):
        update_tier_template(actor=actor, workspace_id=workspace.id, template_id=made.id, data=VIP)
    with pytest.raises(refused):
        delete_tier_template(actor=actor, workspace_id=workspace.id, template_id=made.id)
    assert _stored() == before


def test_a_template_is_reached_only_through_its_own_workspace(team):
    workspace, people = team
    made = create_tier_template(actor=people["owner"].summary, workspace_id=workspace.id, data=VIP)
    other_owner = make_organizer()
    other = make_workspace(other_owner, name="Other Society")
    before = _stored()
    with pytest.raises(NotFound):
        update_tier_template(actor=other_owner.summary, workspace_id=other.id, template_id=made.id, data=VIP)
    with pytest.raises(NotFound):
        delete_tier_template(actor=other_owner.summary, workspace_id=other.id, template_id=made.id)
    assert _stored() == before


# --- the tier rules, written once in event_rules ---------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", "Name the ticket"),
        ({"name": "x" * 81}, "name", "Name the ticket"),
        ({"description": "d" * 501}, "description", "under 500 characters"),
        ({"price": -1}, "price", "zero or more"),
        ({"price": 299}, "price", "at least KES 3.00"),
        ({"price": 150, "currency": "USD"}, "price", "at least USD 2.00"),
        ({"quantity": 0}, "quantity", "between 1 and 1,000,000"),
        ({"max_per_order": 0}, "max_per_order", "between 1 and"),
        ({"max_per_order": MAX_PER_ORDER + 1}, "max_per_order", "between 1 and"),
        ({"currency": "EUR"}, "currency", "Choose KES, USD"),
    ],
)
def test_bad_fields_are_named_and_change_nothing(team, changes, field, message):
    workspace, people = team
    with pytest.raises(ValidationFailed) as refused:
        create_tier_template(actor=people["owner"].summary, workspace_id=workspace.id, data=replace(VIP, **changes))
    paths = {d.path: d.message for d in refused.value.details}
    assert (field,) in paths and message in paths[(field,)]
    assert _stored() == []


def test_every_problem_is_listed_at_once(team):
    workspace, people = team
    bad = TierTemplateInput(name="", price=-5, quantity=0, max_per_order=99, currency="XYZ")
    with pytest.raises(ValidationFailed) as refused:
        create_tier_template(actor=people["owner"].summary, workspace_id=workspace.id, data=bad)
    assert {d.path for d in refused.value.details} == {
        ("currency",),
        ("name",),
        ("price",),
        ("quantity",),
        ("max_per_order",),
    }


def test_free_and_unlimited_templates_are_kept_and_text_is_cleaned(team):
    workspace, people = team
    data = TierTemplateInput(name="  Student  ", description=" Bring ID ", price=0, quantity=None)
    made = create_tier_template(actor=people["owner"].summary, workspace_id=workspace.id, data=data)
    assert (made.name, made.description, made.price, made.quantity, made.is_free) == (
        "Student",
        "Bring ID",
        0,
        None,
        True,
    )


def test_a_workspace_keeps_at_most_the_limit(team, monkeypatch):
    workspace, people = team
    monkeypatch.setattr(tier_templates, "MAX_TEMPLATES", 2)
    for name in ("One", "Two"):
        create_tier_template(actor=people["owner"].summary, workspace_id=workspace.id, data=replace(VIP, name=name))
    with pytest.raises(ValidationFailed, match="at most 2"):
        create_tier_template(actor=people["owner"].summary, workspace_id=workspace.id, data=replace(VIP, name="Three"))
    assert [row[1] for row in _stored()] == ["One", "Two"]


# --- names: unique in a workspace whatever their case ----------------------------------------------------


def test_names_are_unique_per_workspace_whatever_their_case(team):
    workspace, people = team
    owner = people["owner"].summary
    create_tier_template(actor=owner, workspace_id=workspace.id, data=VIP)
    before = _stored()
    for name in ("vip", " VIP ", "Vip"):
        with pytest.raises(ValidationFailed) as refused:
            create_tier_template(actor=owner, workspace_id=workspace.id, data=replace(VIP, name=name))
        assert [d.path for d in refused.value.details] == [("name",)]
        assert "already has a template called" in refused.value.message
    assert _stored() == before
    other = make_workspace(people["owner"], name="Second Society")
    create_tier_template(actor=owner, workspace_id=other.id, data=VIP)  # another workspace may use it


def test_renaming_onto_another_template_is_refused_but_a_case_change_is_not(team):
    workspace, people = team
    owner = people["owner"].summary
    vip = create_tier_template(actor=owner, workspace_id=workspace.id, data=VIP)
    early = create_tier_template(actor=owner, workspace_id=workspace.id, data=replace(VIP, name="Early Bird"))
    with pytest.raises(ValidationFailed) as refused:
        update_tier_template(
            actor=owner, workspace_id=workspace.id, template_id=early.id, data=replace(VIP, name="vip")
        )
    assert [d.path for d in refused.value.details] == [("name",)]
    renamed = update_tier_template(
        actor=owner, workspace_id=workspace.id, template_id=vip.id, data=replace(VIP, name="vip")
    )
    assert renamed.name == "vip"


def test_the_unique_index_refuses_a_name_the_check_missed(team, monkeypatch):
    """Two saves at the same moment both pass the read; the database's unique index refuses the second."""
    workspace, people = team
    create_tier_template(actor=people["owner"].summary, workspace_id=workspace.id, data=VIP)
    monkeypatch.setattr(tier_templates, "_refuse_taken_name", lambda *args, **kwargs: None)
    with pytest.raises(ValidationFailed) as refused:
        create_tier_template(actor=people["owner"].summary, workspace_id=workspace.id, data=replace(VIP, name="VIp"))
    assert [d.path for d in refused.value.details] == [("name",)]
    assert [row[1] for row in _stored()] == ["VIP"]


def test_the_index_is_on_the_case_folded_name():
    owner = make_organizer()
    workspace = make_workspace(owner)
    with pytest.raises(IntegrityError):
        with transaction() as session:
            for name in ("Gold", "GOLD"):
                session.add(TierTemplate(workspace_id=workspace.id, name=name, name_key=name.casefold()))
                session.flush()


# --- partial updates ---------------------------------------------------------------------------------------


def test_a_partial_update_keeps_the_other_fields(team):
    workspace, people = team
    owner = people["owner"].summary
    made = create_tier_template(actor=owner, workspace_id=workspace.id, data=VIP)
    changed = update_tier_template(
        actor=owner,
        workspace_id=workspace.id,
        template_id=made.id,
        data=TierTemplateInput(price=750000),
        only=frozenset({"price"}),
    )
    assert (changed.name, changed.price, changed.quantity, changed.max_per_order, changed.description) == (
        "VIP",
        750000,
        50,
        4,
        "Front row",
    )


def test_a_partial_update_is_checked_whole(team):
    """Moving a KES 3.00 template to NGN breaks NGN's minimum, though only the currency was sent."""
    workspace, people = team
    owner = people["owner"].summary
    made = create_tier_template(actor=owner, workspace_id=workspace.id, data=replace(VIP, price=300))
    before = _stored()
    with pytest.raises(ValidationFailed) as refused:
        update_tier_template(
            actor=owner,
            workspace_id=workspace.id,
            template_id=made.id,
            data=TierTemplateInput(currency="NGN"),
            only=frozenset({"currency"}),
        )
    assert [d.path for d in refused.value.details] == [("price",)]
    assert _stored() == before


# --- the currency rule: never converted ------------------------------------------------------------------


def _view(price: int, currency: str, name: str = "T") -> TierTemplateView:
    now = datetime.now(UTC)
    return TierTemplateView("id-" + name, name, "", price, currency, None, 10, now, now)


@pytest.mark.parametrize(
    ("price", "template_currency", "event_currency", "pricing", "offered"),
    [
        (500000, "KES", "KES", "paid", True),
        (500000, "KES", "USD", "paid", False),
        (500000, "KES", "KES", "free", False),
        (0, "USD", "KES", "free", True),
        (0, "USD", "KES", "paid", True),
    ],
)
def test_priced_templates_are_offered_only_in_their_currency(
    price, template_currency, event_currency, pricing, offered
):
    template = _view(price, template_currency)
    refusal = template_offer_refusal(template, currency=event_currency, pricing=pricing)
    assert (refusal is None) is offered
    assert offered_templates([template], currency=event_currency, pricing=pricing) == ([template] if offered else [])
    if not offered:
        assert template.name in refusal


# --- the pages' handlers -------------------------------------------------------------------------------------


async def test_settings_section_adds_edits_and_deletes(team):
    workspace, people = team
    state = state_for(TierTemplatesState, token=people["moderator"].token, path=f"/workspace/{workspace.id}/settings")
    await run_handler(state, "load_templates")
    assert state.loaded and state.templates == []
    await run_handler(state, "new_template")
    for name, value in {"name": "Early Bird", "price": "1,500.50", "quantity": "", "max_per_order": "5"}.items():
        await run_handler(state, "set_draft", name, value)
    await run_handler(state, "save_template")
    assert state.field_errors == {} and not state.editor_open
    assert [(r.name, r.price_label, r.quantity_label) for r in state.templates] == [
        ("Early Bird", "KES 1,500.50", "Unlimited")
    ]
    await run_handler(state, "edit_template", state.templates[0].id)
    assert state.draft.price == "1500.50" and state.editor_open
    await run_handler(state, "set_draft", "quantity", "many")
    await run_handler(state, "save_template")
    assert state.field_errors == {"quantity": "Enter a whole number, or leave empty for unlimited."}
    await run_handler(state, "set_draft", "quantity", "200")
    await run_handler(state, "set_draft", "price", "2")
    await run_handler(state, "save_template")
    assert "price" in state.field_errors and state.editor_open  # under Paystack's minimum: the service's rule
    assert _stored()[0][2:5] == (150050, "KES", None)
    await run_handler(state, "set_draft", "price", "2000")
    await run_handler(state, "save_template")
    assert _stored()[0][2:5] == (200000, "KES", 200)
    await run_handler(state, "delete_template", state.templates[0].id)
    assert state.templates == [] and _stored() == []


async def test_settings_section_shows_the_name_taken_under_the_field(team):
    workspace, people = team
    create_tier_template(actor=people["owner"].summary, workspace_id=workspace.id, data=VIP)
    state = state_for(TierTemplatesState, token=people["owner"].token, path=f"/workspace/{workspace.id}/settings")
    await run_handler(state, "load_templates")
    await run_handler(state, "new_template")
    await run_handler(state, "set_draft", "name", "vip")
    await run_handler(state, "save_template")
    assert "already has a template called vip" in state.field_errors["name"]
    assert len(_stored()) == 1


async def test_members_get_no_templates_in_settings(team):
    workspace, people = team
    create_tier_template(actor=people["owner"].summary, workspace_id=workspace.id, data=VIP)
    state = state_for(TierTemplatesState, token=people["member"].token, path=f"/workspace/{workspace.id}/settings")
    await run_handler(state, "load_templates")
    assert state.templates == [] and "moderator" in state.load_problem
    await run_handler(state, "new_template")
    await run_handler(state, "set_draft", "name", "Forged")
    await run_handler(state, "save_template")
    assert [row[1] for row in _stored()] == ["VIP"]


async def test_event_creator_adds_a_tier_from_a_fitting_template(team):
    workspace, people = team
    owner = people["owner"].summary
    vip = create_tier_template(actor=owner, workspace_id=workspace.id, data=VIP)
    usd = create_tier_template(actor=owner, workspace_id=workspace.id, data=replace(VIP, name="Dollar", currency="USD"))
    free = create_tier_template(actor=owner, workspace_id=workspace.id, data=TierTemplateInput(name="Guest", price=0))
    state = state_for(EventCreateState, token=people["owner"].token, path=f"/workspace/{workspace.id}/events/new")
    await run_handler(state, "start")
    assert state.has_tier_templates and state.templates_path == f"/workspace/{workspace.id}/settings"
    assert [c.id for c in state.template_choices] == [free.id]  # a free event: free templates only
    await run_handler(state, "add_tier_from_template", vip.id)  # forged: a priced template on a free event
    assert len(state.tier_rows) == 1
    await run_handler(state, "set_pricing", "paid")
    assert sorted(c.id for c in state.template_choices) == sorted([free.id, vip.id])
    assert "VIP · KES 5,000.00 · 50 seats" in [c.label for c in state.template_choices]
    await run_handler(state, "add_tier_from_template", vip.id)
    row = state.tier_rows[-1]
    assert (row.id, row.name, row.description, row.price, row.quantity, row.max_per_order) == (
        "",
        "VIP",
        "Front row",
        "5000.00",
        "50",
        "4",
    )
    await run_handler(state, "add_tier_from_template", usd.id)  # forged: not offered to a KES event
    assert len(state.tier_rows) == 2


async def test_manage_page_adds_from_template_and_saves(team):
    workspace, people = team
    owner = people["owner"]
    template = create_tier_template(
        actor=owner.summary, workspace_id=workspace.id, data=TierTemplateInput(name="Student", price=0, quantity=30)
    )
    event = make_event(owner, workspace.id)
    state = state_for(EventManageState, token=owner.token, path=f"/workspace/{workspace.id}/events/{event.short_id}")
    await run_handler(state, "load_event")
    await run_handler(state, "add_tier_from_template", template.id)
    await run_handler(state, "set_tier", 1, "quantity", "40")  # editable after
    await run_handler(state, "save_tickets")
    assert [(r.name, r.quantity) for r in state.tier_rows] == [("General", "100"), ("Student", "40")]
    assert [row[4] for row in _stored()] == [30]  # the template stays as it was
