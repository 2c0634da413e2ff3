"""The write helpers of eventpalour/db.py, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventpalour.db import answers_deferred, get_engine, read_connection, write_batch
from eventpalour.models import TicketTier, User
from eventpalour.services import capacity
from eventpalour.services.event_rules import TierInput
from eventpalour.services.tiers import get_tiers
from tests.factories import approve_kyc, make_event, make_organizer, make_workspace

_users = User.__table__
_tiers = TicketTier.__table__


@pytest.fixture
def tier_of_three() -> str:
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(owner, ws.id, pricing="paid", tiers=[TierInput(name="Small", price=100000, quantity=3)])
    return get_tiers(actor=owner.summary, event_id=event.id)[0].id


def _held(tier_id: str) -> int:
    with read_connection() as reader:
        return reader.execute(select(_tiers.c.held).where(_tiers.c.id == tier_id)).scalar_one()


def _user_count() -> int:
    with read_connection() as reader:
        return reader.execute(select(func.count()).select_from(_users)).scalar_one()


def test_a_batch_defers_answers_only_on_postgresql(tier_of_three):
    with write_batch() as connection:
        assert answers_deferred(connection) == (get_engine().dialect.name == "postgresql")
        capacity.hold(connection, tier_of_three, 2)
    assert _held(tier_of_three) == 2


def test_a_refused_statement_undoes_the_whole_batch(tier_of_three):
    users_before = _user_count()
    with pytest.raises(IntegrityError) as refused:
        with write_batch() as connection:
            connection.execute(_tiers.update().where(_tiers.c.id == tier_of_three).values(held=1))
            # Past the tier's quantity: the capacity CHECK refuses it (at COMMIT on PostgreSQL).
            connection.execute(capacity.ADD_HELD, {"tier_id": tier_of_three, "n": 3})
    assert capacity.refused_for_capacity(refused.value)
    assert _held(tier_of_three) == 0
    assert _user_count() == users_before
    # The connection went back to the pool clean: the next batch works.
    with write_batch() as connection:
        capacity.hold(connection, tier_of_three, 3)
    assert _held(tier_of_three) == 3
