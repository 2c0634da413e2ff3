"""The organizer API's order feed (#23 §2): oldest first, by status group and creation time, in
cursor pages that neither skip nor repeat an order, even between orders made in the same instant."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventpalour.models import Order
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import PermissionDenied, ValidationFailed
from eventpalour.services.sales import checkout
from eventpalour.services.sales.order_feed import decode_cursor, encode_cursor, event_order_feed
from tests.api.support import update_rows
from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def event_with_orders():
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(owner, workspace.id, publish=True, tiers=[TierInput(name="Free", price=0, quantity=50)])
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    start = utcnow() - timedelta(hours=1)
    references = []
    for n in range(5):
        booked = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 1})
        # Orders 1 and 2 share one instant: the cursor must still tell them apart (by id).
        update_rows(
            Order, Order.reference == booked.reference, created_at=start + timedelta(minutes=min(n, 2) if n < 3 else n)
        )
        references.append(booked.reference)
    return owner, workspace, event, references


def _all_pages(owner, event_id, **filters) -> list[str]:
    seen, cursor = [], ""
    while True:
        page = event_order_feed(actor=owner.summary, event_id=event_id, cursor=cursor, limit=2, **filters)
        seen += [r.reference for r in page.rows]
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


def test_pages_walk_every_order_once_oldest_first(event_with_orders):
    owner, _, event, references = event_with_orders
    walked = _all_pages(owner, event.id)
    assert sorted(walked) == sorted(references) and len(walked) == len(set(walked)) == 5
    assert walked[0] == references[0] and walked[-2:] == references[-2:]
    whole = event_order_feed(actor=owner.summary, event_id=event.id, limit=100)
    assert [r.reference for r in whole.rows] == walked and whole.next_cursor == ""


def test_since_and_status_filter(event_with_orders):
    owner, _, event, references = event_with_orders
    since = event_order_feed(actor=owner.summary, event_id=event.id).rows[3].created_at
    assert _all_pages(owner, event.id, since=since) == references[3:]
    assert _all_pages(owner, event.id, status="paid") == _all_pages(owner, event.id)  # free orders are complete
    assert _all_pages(owner, event.id, status="refunded") == []


def test_bad_filters_name_their_field(event_with_orders):
    owner, _, event, _ = event_with_orders
    for kwargs, name in (
        ({"status": "done"}, "status"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"limit": 0}, "limit"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            event_order_feed(actor=owner.summary, event_id=event.id, **kwargs)
        assert caught.value.details[0].path == (name,)


def test_cursor_round_trip_and_members_below_moderator_are_refused(event_with_orders):
    owner, workspace, event, _ = event_with_orders
    moment = utcnow()
    assert decode_cursor(encode_cursor(moment, "abc")) == (moment, "abc")
    member = make_user()
    add_member(workspace.id, member, "member")
    with pytest.raises(PermissionDenied):
        event_order_feed(actor=member.summary, event_id=event.id)
