"""Alembic owns the schema: upgrade from empty works, and the models and migrations agree."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from eventpalour.config import settings
from eventpalour.db import create_db_engine, get_engine
from eventpalour.models import CAPACITY_CHECK, CAPACITY_RULE
from tests.dbsetup import alembic_config, include_object


def test_models_match_migrations():
    with get_engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_upgrade_from_empty_and_downgrade_to_base(tmp_path):
    if settings.is_sqlite:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        url = settings.database_url  # the suite's own database: go down to empty and back up
    config = alembic_config(url)
    command.downgrade(config, "base")
    engine = create_db_engine(url)
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() is None
    command.upgrade(config, "head")
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() is not None
    engine.dispose()


def _key(minute: datetime, rowid: int) -> int:
    return int(minute.replace(tzinfo=UTC).timestamp()) // 60 * 2**32 + rowid


def test_sqlite_search_migration_indexes_existing_events_and_downgrades(tmp_path):
    """d380714205ae fills the start-ordered events_fts from the events already there (listed ones,
    keyed start minute * 2^32 + rowid); its downgrade brings back the rowid-keyed table."""
    if not settings.is_sqlite:
        pytest.skip("SQLite's full-text table")
    path = tmp_path / "search.db"
    config = alembic_config(f"sqlite:///{path}")
    command.upgrade(config, "04a5897d9129")
    common = {
        "workspace_id": "w", "title": "Jazz", "description": "", "type": "physical", "pricing": "free",
        "timezone": "Africa/Nairobi", "currency": "KES", "fee_mode": "absorb", "created_at": "2030-01-01",
        "updated_at": "2030-01-01",
    }  # fmt: skip
    rows = [
        {**common, "id": "e1", "short_id": "aaaaaa", "status": "active", "is_listed": 1, "search_text": "jazz night",
         "start_at": "2030-01-02 18:30:45.000000", "end_at": "2030-01-02 21:00:00.000000"},
        {**common, "id": "e2", "short_id": "bbbbbb", "status": "draft", "is_listed": 0, "search_text": "jazz draft",
         "start_at": "2030-01-01 18:00:00.000000", "end_at": "2030-01-01 21:00:00.000000"},
    ]  # fmt: skip
    with sqlite3.connect(path) as connection:
        for row in rows:
            names = ", ".join(row)
            connection.execute(f"INSERT INTO events ({names}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    search = "SELECT rowid FROM events_fts WHERE events_fts MATCH '\"jaz\"*' ORDER BY rowid"

    command.upgrade(config, "head")
    with sqlite3.connect(path) as connection:
        listed_rowid = connection.execute("SELECT rowid FROM events WHERE id = 'e1'").fetchone()[0]
        assert connection.execute(search).fetchall() == [(_key(datetime(2030, 1, 2, 18, 30), listed_rowid),)]
        connection.execute("UPDATE events SET is_listed = 0 WHERE id = 'e1'")
        connection.execute("UPDATE events SET is_listed = 1 WHERE id = 'e2'")
        draft_rowid = connection.execute("SELECT rowid FROM events WHERE id = 'e2'").fetchone()[0]
        assert connection.execute(search).fetchall() == [(_key(datetime(2030, 1, 1, 18, 0), draft_rowid),)]
        connection.execute("DELETE FROM events WHERE id = 'e2'")
        assert connection.execute(search).fetchall() == []
        connection.execute("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')")

    command.downgrade(config, "04a5897d9129")
    with sqlite3.connect(path) as connection:
        assert connection.execute(search).fetchall() == [(listed_rowid,)]


def _bare(sql: str) -> str:
    """A CHECK's condition without the brackets and spacing each database adds when it reports it."""
    return re.sub(r"[()\s]", "", sql).lower()


def test_capacity_check_built_by_the_migrations_is_the_models_rule():
    """The revision that created ck_ticket_tiers_capacity writes its condition out (a revision keeps
    the schema of its day); the database it builds must still hold the model's `CAPACITY_RULE`."""
    checks = {c["name"]: c["sqltext"] for c in inspect(get_engine()).get_check_constraints("ticket_tiers")}
    assert _bare(checks[CAPACITY_CHECK]) == _bare(CAPACITY_RULE)


def test_sqlite_table_rebuilds_keep_the_rows_that_point_at_the_rebuilt_table():
    """SQLite alters a table in batch mode by rebuilding it (copy, DROP, rename). With foreign keys
    enforced, dropping `orders` would delete the order lines and tickets that cascade from it, so a
    migration run on a live database would lose what people paid for (alembic/env.py switches
    enforcement off for the run and checks the keys afterwards). Down past a rebuild of `orders`
    and back: every row is still there."""
    if not settings.is_sqlite:
        pytest.skip("SQLite's table rebuilds")
    from eventpalour.services.events.event_rules import TierInput
    from eventpalour.services.sales import checkout
    from tests.factories import make_event, make_organizer, make_user, make_workspace

    owner = make_organizer()
    event = make_event(owner, make_workspace(owner).id, publish=True, tiers=[TierInput(name="Entry", price=0)])
    [tier] = _tier_ids(owner, event.id)
    checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier: 2})
    counts = "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM order_items), (SELECT count(*) FROM tickets)"
    with get_engine().connect() as connection:
        before = connection.exec_driver_sql(counts).one()
    config = alembic_config(settings.database_url)
    command.downgrade(config, "a3f0d7c2e915")  # below d15c0de5a7b1, whose downgrade rebuilds orders
    command.upgrade(config, "head")
    with get_engine().connect() as connection:
        assert connection.exec_driver_sql(counts).one() == before == (1, 1, 2)


def _tier_ids(owner, event_id: str) -> list[str]:
    from eventpalour.services.events.tiers import get_tiers

    return [t.id for t in get_tiers(actor=owner.summary, event_id=event_id)]


def test_the_door_counters_migration_counts_the_passes_made_before_it():
    """b4d6f8a0c2e4 creates `check_in_counts` and counts the passes already made: down past it and
    back up, every list's counters read as before (two of three tickets in, one of them out again)."""
    from sqlmodel import select

    from eventpalour.db import read_only
    from eventpalour.models import Ticket
    from eventpalour.services.events.event_rules import TierInput
    from eventpalour.services.sales import checkout
    from eventpalour.services.tickets import checkin_lists, scanning, ticket_tokens
    from eventpalour.services.tickets.checkin_lists import ListInput
    from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace

    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(owner, workspace.id, publish=True, tiers=[TierInput(name="Entry", price=0, quantity=10)])
    [tier] = _tier_ids(owner, event.id)
    staff = make_user()
    add_member(workspace.id, staff, "member")
    lounge = checkin_lists.create_checkin_list(
        actor=owner.summary, event_id=event.id, data=ListInput(name="Lounge", count_exits=True)
    ).id
    for _ in range(3):
        checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier: 1})
    with read_only() as session:
        tickets = session.exec(select(Ticket).where(Ticket.event_id == event.id)).all()
    for ticket, direction in ((tickets[0], "entry"), (tickets[1], "entry"), (tickets[1], "exit")):
        scanning.scan_ticket(
            actor=staff.summary,
            event_id=event.id,
            token_or_code=ticket_tokens.sign_signed(ticket.id, event.id, ticket.tier_id, ticket.secret_version),
            list_id=lounge,
            direction=direction,
        )
    scanning.check_in_ticket(actor=staff.summary, event_id=event.id, ticket_id=tickets[2].id)

    def counters() -> list[tuple[str, int, int, int]]:
        rows = checkin_lists.event_checkin_lists(actor=staff.summary, event_id=event.id)
        return [(row.name, row.admitted, row.total, row.inside) for row in rows]

    before = counters()
    config = alembic_config(settings.database_url)
    command.downgrade(config, "a3c5e7f9b1d2")  # the revision before: no kept counters
    command.upgrade(config, "head")
    assert counters() == before == [("Main entrance", 1, 3, 0), ("Lounge", 2, 3, 1)]
