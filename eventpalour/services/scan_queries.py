"""The SQL of one door scan, built once at import.

A door phone scans every few seconds and a big venue has many of them, so each scan runs three
prepared Core statements with bound parameters (read, admit, log) instead of composing ORM queries
per call: composing was most of a scan's CPU time, and each extra round trip is latency at the door.
The rules that use them live in services/scanning.py.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.sql.selectable import Alias

from eventpalour.models import Event, OrderItem, Ticket, TicketScan, TicketStatus, User, WorkspaceMember

_tickets = Ticket.__table__
_events = Event.__table__
_members = WorkspaceMember.__table__
_items = OrderItem.__table__
_holder = User.__table__.alias("holder")
_scanner = User.__table__.alias("scanner")


def _name(person: Alias) -> ColumnElement[str]:
    """Full name, or the username when none was given."""
    return func.coalesce(func.nullif(person.c.full_name, ""), person.c.username)


# Everything a result shows about a ticket: holder, tier, and who scanned it in.
_TICKET_COLUMNS = (
    _tickets.c.id,
    _tickets.c.short_code,
    _tickets.c.event_id,
    _tickets.c.status,
    _tickets.c.secret_version,
    _tickets.c.used_at,
    _name(_holder),
    _items.c.tier_name,
    func.coalesce(_name(_scanner), ""),
)
_TICKET_JOIN = (
    _tickets.join(_holder, _holder.c.id == _tickets.c.holder_id)
    .join(_items, _items.c.id == _tickets.c.order_item_id)
    .outerjoin(_scanner, _scanner.c.id == _tickets.c.used_by_id)
)
TICKET_BY_ID = select(*_TICKET_COLUMNS).select_from(_TICKET_JOIN).where(_tickets.c.id == bindparam("key"))
TICKET_BY_CODE = select(*_TICKET_COLUMNS).select_from(_TICKET_JOIN).where(_tickets.c.short_code == bindparam("key"))


def _door_and(ticket_key: ColumnElement[str]) -> Select:
    """The event (by id or short id, with its end), the scanning user's role in its workspace
    (NULL: not a member) and the named ticket in any event (NULLs: none), in one round trip."""
    return (
        select(_events.c.id, _events.c.timezone, _events.c.end_at, _members.c.role, *_TICKET_COLUMNS)
        .select_from(
            _events.outerjoin(
                _members,
                and_(_members.c.workspace_id == _events.c.workspace_id, _members.c.user_id == bindparam("actor_id")),
            ).outerjoin(_TICKET_JOIN, ticket_key == bindparam("key"))
        )
        .where(or_(_events.c.id == bindparam("ref"), _events.c.short_id == bindparam("ref")))
        .limit(1)
    )


DOOR_AND_TICKET_BY_ID = _door_and(_tickets.c.id)
DOOR_AND_TICKET_BY_CODE = _door_and(_tickets.c.short_code)

_ADMIT_VALUES = {
    "status": TicketStatus.USED.value,
    "used_at": bindparam("at", type_=_tickets.c.used_at.type),
    "used_by_id": bindparam("actor_id"),
}
# The guard: only a ticket that is valid at the instant of the write changes, so of two devices
# scanning one ticket together exactly one changes the row.
ADMIT = (
    update(_tickets)
    .where(_tickets.c.id == bindparam("ticket_id"), _tickets.c.status == TicketStatus.VALID.value)
    .values(**_ADMIT_VALUES)
)
# Only for the control test that proves the race exists without the guard.
ADMIT_UNGUARDED = update(_tickets).where(_tickets.c.id == bindparam("ticket_id")).values(**_ADMIT_VALUES)

LOG = insert(TicketScan.__table__)
