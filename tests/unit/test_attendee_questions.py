"""Attendee questions (#19 §3): the validators of each kind, the Questions tab's rules, and checkout
asking them (required/optional, tiers, names per ticket; a bad answer holds nothing)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import func, select

from eventpalour.db import read_only
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import Order, OrderAnswer, Ticket, TicketTier
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform.errors import Conflict, PermissionDenied, ValidationFailed
from eventpalour.services.sales import checkout, payments, questions
from eventpalour.services.sales.answer_rules import BadAnswer, check_answer, normalize_phone, shown_value
from eventpalour.services.sales.answers import AttendeeAnswers, TicketAnswers
from eventpalour.services.sales.questions import CheckoutQuestion, QuestionInput
from eventpalour.state.checkout_answers import arrange
from tests.factories import add_member, approve_kyc, make_event, make_organizer, make_user, make_workspace
from tests.sql_watch import statements_sent


@pytest.mark.parametrize(
    ("typed", "currency", "stored"),
    [
        ("0712 345 678", "KES", "+254712345678"),
        ("0110-123-456", "KES", "+254110123456"),
        ("+254 712 345 678", "NGN", "+254712345678"),
        ("254712345678", "USD", "+254712345678"),
        ("+254 0712 345 678", "KES", "+254712345678"),
        ("0803 123 4567", "NGN", "+2348031234567"),
        ("2348031234567", "KES", "+2348031234567"),
        ("024 123 4567", "GHS", "+233241234567"),
        ("+233 24 123 4567", "KES", "+233241234567"),
        ("082 123 4567", "ZAR", "+27821234567"),
        ("(+27) 82-123-4567", "KES", "+27821234567"),
        ("0044 20 7946 0958", "KES", "+442079460958"),
        ("+1 415 555 0100", "KES", "+14155550100"),
    ],
)
def test_phone_formats_are_normalised_to_e164(typed, currency, stored):
    assert check_answer("phone", (), True, typed, currency) == stored


@pytest.mark.parametrize(
    ("typed", "currency"),
    [
        ("0712 345 678", "USD"),  # a national number outside the four countries: which country?
        ("0712 345 67", "KES"),  # one digit short
        ("+254 712 345 6789", "KES"),  # too long for Kenya
        ("+2348031234", "NGN"),
        ("phone me", "KES"),
        ("+12", "KES"),
    ],
)
def test_phone_refuses_numbers_it_cannot_place(typed, currency):
    with pytest.raises(BadAnswer):
        check_answer("phone", (), True, typed, currency)


def test_a_national_number_is_read_in_the_events_country():
    assert normalize_phone("0241234567", "GH") == "+233241234567"
    assert normalize_phone("0241234567", "ZA") == "+27241234567"
    with pytest.raises(BadAnswer, match="0712 345 678"):
        normalize_phone("241234567", "KE")


def test_each_kind_checks_and_stores_its_answer():
    sizes = ("S", "M", "L")
    assert check_answer("short_text", (), True, "  Amina \n Njeri ", "KES") == "Amina Njeri"
    assert check_answer("long_text", (), True, "line one\r\nline two", "KES") == "line one\nline two"
    assert check_answer("number", (), True, "1,200", "KES") == "1200"
    assert check_answer("number", (), True, "2.50", "KES") == "2.50"
    assert check_answer("single_choice", sizes, True, "m", "KES") == "M"
    assert check_answer("multiple_choice", sizes, True, ["L", "s"], "KES") == json.dumps(["S", "L"])
    assert check_answer("yes_no", (), True, "Yes", "KES") == "yes"
    assert check_answer("email", (), True, " Amina@Example.TEST ", "KES") == "amina@example.test"
    assert check_answer("country", (), True, "ke", "KES") == "KE"
    assert check_answer("country", (), True, "south africa", "KES") == "ZA"
    assert shown_value("country", "NG") == "Nigeria"
    assert shown_value("multiple_choice", json.dumps(["S", "L"])) == "S, L"
    assert shown_value("yes_no", "no") == "No"
    for kind, options, typed in [
        ("number", (), "twelve"),
        ("number", (), "NaN"),
        ("single_choice", sizes, "XL"),
        ("multiple_choice", sizes, ["S", "XL"]),
        ("yes_no", (), "maybe"),
        ("email", (), "not-an-address"),
        ("country", (), "Atlantis"),
        ("short_text", (), "x" * 201),
        ("single_choice", sizes, ["S", "M"]),
    ]:
        with pytest.raises(BadAnswer):
            check_answer(kind, options, True, typed, "KES")


def test_required_and_optional_answers():
    with pytest.raises(BadAnswer, match="Required"):
        check_answer("short_text", (), True, "   ", "KES")
    with pytest.raises(BadAnswer, match="at least one"):
        check_answer("multiple_choice", ("A", "B"), True, [], "KES")
    assert check_answer("phone", (), False, "", "KES") is None
    assert check_answer("multiple_choice", ("A", "B"), False, [""], "KES") is None


@pytest.fixture
def shop():
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        tiers=[
            TierInput(name="Regular", price=100000, quantity=20, max_per_order=5),
            TierInput(name="VIP", price=500000, quantity=5),
        ],
    )
    tiers = {t.name: t.id for t in get_tiers(actor=owner.summary, event_id=event.id)}
    return Shop(event, tiers["Regular"], tiers["VIP"], owner.summary)


@dataclass(frozen=True)
class Shop:
    event: Any
    regular: str
    vip: str
    owner: UserSummary

    def __iter__(self):
        return iter((self.event, self.regular, self.vip))


def _ask(shop: Shop, **fields) -> list[questions.QuestionRow]:
    data = {"label": "T-shirt size", "kind": "single_choice", "options": ("S", "M", "L"), **fields}
    return questions.create_question(actor=shop.owner, event_id=shop.event.id, data=QuestionInput(**data))


def _fields(problem: ValidationFailed) -> dict[tuple, str]:
    return {tuple(detail.path): detail.message for detail in problem.details}


def test_questions_are_validated_with_field_errors(shop):
    event, regular, _vip = shop
    with pytest.raises(ValidationFailed) as bad:
        _ask(shop, label="  ", kind="single_choice", options=("Only one",), tier_ids=("nope",))
    assert set(_fields(bad.value)) == {("label",), ("options",), ("tier_ids",)}
    with pytest.raises(ValidationFailed) as dup:
        _ask(shop, options=("S", "s"))
    assert _fields(dup.value) == {("options",): "Each option must be different."}
    with pytest.raises(ValidationFailed):
        _ask(shop, kind="essay")
    rows = _ask(shop, kind="phone", options=("ignored",), label="Phone", tier_ids=(regular,), per_ticket=True)
    row = rows[0]
    assert (row.kind_label, row.options, row.tiers_label, row.scope_label) == ("Phone", (), "Regular", "Each ticket")
    assert row.can_delete and not row.can_move_up and not row.can_move_down


def test_questions_are_kept_by_moderators_only(shop):
    event, *_ = shop
    outsider = make_user()
    with pytest.raises(PermissionDenied):
        questions.list_questions(actor=outsider.summary, event_id=event.id)
    _ask(shop)
    workspace_id = event.workspace_id
    member = make_user()
    add_member(workspace_id, member, "member")
    with pytest.raises(PermissionDenied):
        _ask_as(member, event)
    moderator = make_user()
    add_member(workspace_id, moderator, "moderator")
    assert len(_ask_as(moderator, event)) == 2


def _ask_as(user, event):
    data = QuestionInput(label="Company", kind="short_text")
    return questions.create_question(actor=user.summary, event_id=event.id, data=data)


def test_reorder_and_delete(shop):
    event, *_ = shop
    owner = shop.owner
    _ask(shop, label="First", kind="short_text")
    rows = _ask(shop, label="Second", kind="short_text")
    rows = questions.move_question(actor=owner, event_id=event.id, question_id=rows[1].id, up=True)
    assert [r.label for r in rows] == ["Second", "First"]
    rows = questions.delete_question(actor=owner, event_id=event.id, question_id=rows[0].id)
    assert [(r.label, r.position) for r in rows] == [("First", 0)]


def _buyer():
    return make_user().summary


def _book(event, quantities, answers=None, buyer=None):
    return checkout.book_ticket(actor=buyer or _buyer(), event_id=event.id, quantities=quantities, answers=answers)


def _held(tier_id: str) -> int:
    with read_only() as session:
        return session.get(TicketTier, tier_id).held


def _orders(event) -> int:
    with read_only() as session:
        return session.exec(select(func.count()).select_from(Order).where(Order.event_id == event.id)).one()


def test_checkout_refuses_bad_answers_and_holds_nothing(shop):
    event, regular, vip = shop
    size = _ask(shop, required=True, per_ticket=True)[0]
    phone = _ask(shop, label="Phone", kind="phone", options=(), required=True)[-1]
    answers = AttendeeAnswers(
        order={phone.id: "12"},
        tickets=(TicketAnswers(regular, "Amina", {size.id: "XXL"}), TicketAnswers(regular, "", {size.id: "M"})),
    )
    with pytest.raises(ValidationFailed) as bad:
        _book(event, {regular: 2}, answers)
    assert set(_fields(bad.value)) == {
        ("answers", "order", phone.id),
        ("answers", "tickets", 0, size.id),
        ("answers", "tickets", 1, "name"),
    }
    with pytest.raises(ValidationFailed) as missing:
        _book(event, {regular: 2}, AttendeeAnswers(order={phone.id: "0712345678"}))
    assert ("answers", "tickets") in _fields(missing.value)
    assert _held(regular) == 0 and _orders(event) == 0


def test_checkout_stores_answers_and_names_on_the_tickets(shop):
    event, regular, vip = shop
    size = _ask(shop, required=True, per_ticket=True, tier_ids=(vip,))[0]
    heard = _ask(shop, label="How did you hear of us?", kind="short_text", options=())[-1]
    answers = AttendeeAnswers(
        order={heard.id: "A friend"},
        tickets=(
            TicketAnswers(regular, "Amina Njeri"),  # Regular is not asked the size: the name only
            TicketAnswers(vip, "Brian Otieno", {size.id: "l"}),
        ),
    )
    held = _book(event, {regular: 1, vip: 1}, answers)
    payments.settle(held.reference, VerifyResult("success", held.amount, "KES", 100, None, held.reference, {}))
    with read_only() as session:
        tickets = session.exec(select(Ticket).where(Ticket.order_id == held.order_id)).all()
        stored = session.exec(select(OrderAnswer).where(OrderAnswer.order_id == held.order_id)).all()
    names = {t.tier_id: (t.attendee_name, t.seat) for t in tickets}
    assert names == {regular: ("Amina Njeri", 0), vip: ("Brian Otieno", 0)}
    values = {(a.question_id, a.seat): a.value for a in stored}
    assert values == {(heard.id, None): "A friend", (size.id, 0): "L"}
    vip_ticket = next(t for t in tickets if t.tier_id == vip)
    size_answer = next(a for a in stored if a.question_id == size.id)
    assert size_answer.order_item_id == vip_ticket.order_item_id
    owner = shop.owner
    assert not questions.list_questions(actor=owner, event_id=event.id)[0].can_delete
    with pytest.raises(Conflict):
        questions.delete_question(actor=owner, event_id=event.id, question_id=size.id)


def test_questions_for_other_tiers_are_not_asked(shop):
    event, regular, vip = shop
    _ask(shop, label="Seat preference", kind="short_text", options=(), required=True, tier_ids=(vip,))
    booked = _book(event, {regular: 1})  # no answers needed: the one question is VIP's
    assert booked.status == "pending"


def test_an_optional_question_may_be_left_out(shop):
    event, regular, _vip = shop
    _ask(shop, label="Company", kind="short_text", options=())
    assert _book(event, {regular: 1}, AttendeeAnswers()).status == "pending"


def test_answers_to_an_event_without_questions_are_refused(shop):
    event, regular, _vip = shop
    with pytest.raises(ValidationFailed):
        _book(event, {regular: 1}, AttendeeAnswers(order={"nope": "x"}))
    assert _book(event, {regular: 1}).status == "pending"


def test_checkout_form_lists_the_questions(shop):
    event, regular, vip = shop
    assert questions.checkout_questions(event_id=event.id) == []
    _ask(shop, per_ticket=True, tier_ids=(vip,))
    (asked,) = questions.checkout_questions(event_id=event.id)
    assert (asked.label, asked.per_ticket, asked.tier_ids, asked.options) == (
        "T-shirt size",
        True,
        (vip,),
        ("S", "M", "L"),
    )


@contextmanager
def _statements() -> Iterator[list[str]]:
    """The SQL statements run inside the block (an executemany counts once), first words only."""
    with statements_sent() as ran:
        first_words: list[str] = []
        yield first_words
    first_words.extend(" ".join(statement.split()[:3]) for statement in ran)


def test_checkout_without_questions_runs_no_extra_statement(shop):
    """The event's one read says whether it asks anything (no round trip more than before questions;
    on PostgreSQL the write is one batch whatever its statements): the questions are read, and
    answers written, only for an event that asks some."""
    event, regular, _vip = shop
    buyer, second = _buyer(), _buyer()
    with _statements() as plain:
        _book(event, {regular: 1}, buyer=buyer)
    _ask(shop, label="Company", kind="short_text", options=())
    with _statements() as asked:
        _book(event, {regular: 1}, AttendeeAnswers(order={}), buyer=second)
    reads = [s for s in plain if s.startswith("SELECT")]
    assert len(reads) == 1  # the event and its tiers (and whether it asks questions)
    assert len([s for s in asked if s.startswith("SELECT")]) == 2  # ... and then its questions
    assert [s for s in plain if not s.startswith("SELECT")] == [s for s in asked if not s.startswith("SELECT")]
    with _statements() as answered:
        _book(event, {regular: 1}, AttendeeAnswers(order={_questions_of(shop)[0]: "Acme"}), buyer=_buyer())
    assert any(s.startswith("INSERT INTO order_answers") for s in answered)


def _questions_of(shop: Shop) -> list[str]:
    return [q.id for q in questions.list_questions(actor=shop.owner, event_id=shop.event.id)]


def test_the_checkout_form_asks_per_order_then_per_ticket_with_names():
    size = CheckoutQuestion("q1", "Size", "single_choice", ("S", "M"), True, True, ("vip",))
    heard = CheckoutQuestion("q2", "Heard from", "short_text", (), False, False, ())
    sections, seats = arrange([size, heard], {"reg": 1, "vip": 2}, {"reg": "Regular", "vip": "VIP"})
    assert [s.title for s in sections] == ["Your order", "Ticket 1 · Regular", "Ticket 2 · VIP", "Ticket 3 · VIP"]
    assert [f.label for f in sections[0].fields] == ["Heard from (optional)"]
    assert [f.key for f in sections[1].fields] == ["t.reg.0.name"]  # Regular is not asked the size
    assert [f.aria for f in sections[3].fields] == ["Ticket 3 · VIP: Attendee's name", "Ticket 3 · VIP: Size"]
    assert seats == [("reg", 0), ("vip", 0), ("vip", 1)]
    assert arrange([heard], {"reg": 2}, {"reg": "Regular"})[1] == []  # nothing per ticket: no names


def test_an_answer_in_the_wrong_place_is_refused(shop):
    event, regular, _vip = shop
    size = _ask(shop, per_ticket=True)[0]
    heard = _ask(shop, label="Heard from", kind="short_text", options=())[-1]
    misplaced = AttendeeAnswers(
        order={size.id: "S"}, tickets=(TicketAnswers(regular, "Amina", {size.id: "S", heard.id: "Radio"}),)
    )
    with pytest.raises(ValidationFailed) as bad:
        _book(event, {regular: 1}, misplaced)
    assert set(_fields(bad.value)) == {("answers", "order", size.id), ("answers", "tickets", 0, heard.id)}
