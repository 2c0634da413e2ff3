"""A ticket's valid code is seen by its current holder (and the door staff who scan it), nobody else.

After a transfer the order still belongs to its buyer, but the ticket does not: the buyer's order
history says "Transferred to …" for it, with no code, and no page, file or email the buyer (or a
middle holder of a chain of transfers) can reach shows the code that now gets in."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from sqlmodel import col, select

from eventpalour.db import read_only
from eventpalour.models import Order, OutboxEmail, Ticket, TicketStatus
from eventpalour.services.identity.accounts import masked_email
from eventpalour.services.platform.errors import Conflict, NotFound
from eventpalour.services.sales import orders
from eventpalour.services.tickets import holdings as tickets
from eventpalour.services.tickets import scanning, transfers
from eventpalour.state.orders import OrdersState
from tests.factories import MadeUser, make_user
from tests.state_support import run_handler, state_for
from tests.ticket_support import Venue, issue, make_venue


def _valid_codes() -> dict[str, str]:
    """{short code: holder id} of every ticket that gets in at the door right now."""
    with read_only() as session:
        rows = session.exec(select(Ticket.short_code, Ticket.holder_id).where(Ticket.status == TicketStatus.VALID))
        return dict(rows.all())


def _everything_shown_to(person: MadeUser, venue: Venue) -> str:
    """All a person can read about tickets: order history and each order's tickets, "My tickets", the
    event page's own tickets, and every email sent to them."""
    actor = person.summary
    history = orders.list_my_orders(actor=actor)
    with read_only() as session:
        references = session.exec(select(Order.reference).where(Order.buyer_id == person.id)).all()
        mail = session.exec(select(OutboxEmail).where(OutboxEmail.to_email == person.email)).all()
    shown = [repr([asdict(o) for o in history])]
    shown += [repr(tickets.order_tickets(actor=actor, reference=reference)) for reference in references]
    shown.append(repr(tickets.get_user_tickets(actor=actor)))
    shown.append(repr(tickets.my_event_tickets(actor=actor, event_short_id=venue.short_id)))
    shown += [f"{m.subject}\n{m.text_body}\n{m.html_body}\n{m.attachments}" for m in mail]
    return "\n".join(shown)


def _valid_codes_seen_by(person: MadeUser, venue: Venue) -> set[str]:
    shown = _everything_shown_to(person, venue)
    return {code for code in _valid_codes() if code in shown}


def _valid_codes_held_by(person: MadeUser) -> set[str]:
    return {code for code, holder in _valid_codes().items() if holder == person.id}


@pytest.fixture
def chain():
    """Amina buys two tickets and gives one to Brian, who passes it on to Chao (who has no name set)."""
    venue = make_venue()
    amina = make_user(full_name="Amina Wanjiru")
    brian = make_user(full_name="Brian Otieno")
    chao = make_user(full_name="", email="chao.lin@example.test")
    kept, given = issue(venue, amina, count=2)
    to_brian = transfers.transfer_ticket(actor=amina.summary, ticket_id=given.id, recipient_email=brian.email)
    to_chao = transfers.transfer_ticket(
        actor=brian.summary, ticket_id=to_brian.new_ticket_id, recipient_email=chao.email
    )
    return venue, (amina, brian, chao), kept, to_chao


def test_nobody_but_the_holder_sees_a_valid_code(chain):
    venue, people, _, _ = chain
    for person in people:
        assert _valid_codes_seen_by(person, venue) == _valid_codes_held_by(person), person.summary.full_name
    assert all(_valid_codes_held_by(person) for person in people[::2])  # Amina and Chao each hold one


def test_order_history_shows_kept_codes_and_who_a_ticket_went_to(chain):
    venue, (amina, brian, _), kept, to_chao = chain
    [order] = orders.list_my_orders(actor=amina.summary)
    assert order.ticket_codes == [kept.short_code]
    assert order.transferred_to == ["Brian Otieno"]
    assert to_chao.new_short_code not in repr(order)
    assert orders.list_my_orders(actor=brian.summary) == []  # Brian bought nothing


def test_a_ticket_given_to_someone_without_a_name_shows_their_masked_email():
    venue = make_venue()
    buyer = make_user(full_name="Amina Wanjiru")
    friend = make_user(full_name="", email="chao.lin@example.test")
    [given] = issue(venue, buyer)
    transfers.transfer_ticket(actor=buyer.summary, ticket_id=given.id, recipient_email=friend.email)
    [order] = orders.list_my_orders(actor=buyer.summary)
    assert (order.ticket_codes, order.transferred_to) == ([], ["c•••@example.test"])


def test_a_ticket_given_back_shows_its_new_code_to_the_buyer_again():
    venue = make_venue()
    buyer, friend = make_user(full_name="Amina Wanjiru"), make_user(full_name="Brian Otieno")
    [given] = issue(venue, buyer)
    away = transfers.transfer_ticket(actor=buyer.summary, ticket_id=given.id, recipient_email=friend.email)
    back = transfers.transfer_ticket(actor=friend.summary, ticket_id=away.new_ticket_id, recipient_email=buyer.email)
    [order] = orders.list_my_orders(actor=buyer.summary)
    assert (order.ticket_codes, order.transferred_to) == ([back.new_short_code], ["Brian Otieno"])


@pytest.mark.parametrize("file", [tickets.ticket_image, tickets.ticket_calendar], ids=["png", "ics"])
def test_ticket_files_are_refused_to_everyone_who_gave_the_ticket_away(chain, file):
    _, (amina, brian, chao), _, to_chao = chain
    with read_only() as session:
        chain_ids = session.exec(select(Ticket.id, Ticket.holder_id).where(col(Ticket.status) == "transferred")).all()
    for ticket_id, giver in chain_ids:
        for person in (amina, brian):
            expected = Conflict if person.id == giver else NotFound
            with pytest.raises(expected):
                file(actor=person.summary, ticket_id=ticket_id)
        with pytest.raises(NotFound):
            file(actor=chao.summary, ticket_id=ticket_id)
    for person in (amina, brian):
        with pytest.raises(NotFound):
            file(actor=person.summary, ticket_id=to_chao.new_ticket_id)
    assert file(actor=chao.summary, ticket_id=to_chao.new_ticket_id)[1]


def test_door_staff_admit_the_holder_and_refuse_the_codes_given_away(chain):
    venue, _, _, to_chao = chain
    with read_only() as session:
        retired = session.exec(select(Ticket.short_code).where(Ticket.status == TicketStatus.TRANSFERRED)).all()
    door = venue.owner.summary
    for code in retired:
        outcome = scanning.scan_ticket(actor=door, event_id=venue.event_id, token_or_code=code)
        assert outcome.result == "not_valid"
    admitted = scanning.scan_ticket(actor=door, event_id=venue.event_id, token_or_code=to_chao.new_short_code)
    assert admitted.result == "ok"


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("chao.lin@example.test", "c•••@example.test"),
        ("b@example.test", "b•••@example.test"),
        ("not-an-email", "n•••"),
        ("", ""),
    ],
)
def test_masked_email(email, masked):
    assert masked_email(email) == masked


async def test_the_orders_page_state_carries_no_code_of_a_ticket_given_away(chain):
    _, (amina, _, _), kept, to_chao = chain
    page = state_for(OrdersState, token=amina.token, path="/account/orders")
    await run_handler(page, "load_orders")
    [row] = page.order_rows
    assert (row.codes, row.transferred) == (kept.short_code, "Transferred to Brian Otieno")
    assert to_chao.new_short_code not in repr(page.dict())
