"""Door scanning (SPEC §6): turn a scanned QR token or a typed short code into one of the five
results, mark the ticket `used` exactly once, and log every attempt.

Exactly once: the only write that admits someone is one conditional UPDATE
(`status valid → used WHERE status = 'valid'`), so when two door phones scan the same ticket at the
same moment the database lets one of them change the row and the other finds it already used.
Tests may switch that guard off (a context variable, never reachable from a request) to prove the
race is real without it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import and_, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from eventpalour.db import read_only, transaction
from eventpalour.models import Event, OrderItem, ScanResult, Ticket, TicketScan, TicketStatus, User, WorkspaceMember
from eventpalour.models.types import utcnow
from eventpalour.services import rate_limit, ticket_tokens
from eventpalour.services.access import WorkspaceAction, ensure_role
from eventpalour.services.accounts import UserSummary
from eventpalour.services.dates import clock, event_schedule
from eventpalour.services.errors import NotAuthenticated, NotFound
from eventpalour.services.fulfilment import SHORT_CODE_ALPHABET

CODE_RULE = "scan_code"
SHORT_CODE = re.compile(f"^[{SHORT_CODE_ALPHABET}]{{8}}$")
NOT_VALID_LABELS = {
    TicketStatus.TRANSFERRED: "It was transferred to someone else; their new ticket has a new code.",
    TicketStatus.REFUNDED: "It was refunded.",
    TicketStatus.CANCELLED: "It was cancelled.",
    TicketStatus.EXPIRED: "It has expired.",
}
_unguarded: ContextVar[bool] = ContextVar("scan_unguarded", default=False)


@contextmanager
def guard_disabled_for_tests() -> Iterator[None]:
    """Check the ticket in a read made before the write, then mark it used unconditionally:
    the check-then-act race that the conditional UPDATE exists to prevent."""
    token = _unguarded.set(True)
    try:
        yield
    finally:
        _unguarded.reset(token)


@dataclass(frozen=True)
class DoorCounts:
    checked_in: int
    sold: int


@dataclass(frozen=True)
class ScanOutcome:
    """What the door screen shows for one scan. `used_at_label` is in the event's time zone."""

    result: str
    message: str
    counts: DoorCounts
    short_code: str = ""
    holder_name: str = ""
    tier_name: str = ""
    used_at_label: str = ""
    used_by_name: str = ""


@dataclass(frozen=True)
class ScannerEvent:
    event_id: str
    short_id: str
    workspace_id: str
    title: str
    schedule: str
    counts: DoorCounts


@dataclass(frozen=True)
class _Input:
    method: str  # "qr" or "code"
    claims: ticket_tokens.TicketClaims | None = None
    code: str = ""


def normalize_code(text: str) -> str:
    """A typed code as stored: upper case, without the spaces and dashes people add while reading it out."""
    return re.sub(r"[\s-]", "", text or "").upper()


def _parse(text: str) -> _Input:
    """QR tokens carry dots and are long; anything short is a typed code."""
    raw = (text or "").strip()
    if raw.startswith(ticket_tokens.PREFIX + ".") or len(raw) > 16:
        return _Input(method="qr", claims=ticket_tokens.read(raw))
    return _Input(method="code", code=normalize_code(raw))


def _event_for_scanner(session: Session, actor: UserSummary, event_ref: str) -> Event:
    """The event and the actor's right to scan it, in one query (every scan pays for this)."""
    found = session.exec(
        select(Event, WorkspaceMember.role)
        .outerjoin(
            WorkspaceMember,
            and_(col(WorkspaceMember.workspace_id) == col(Event.workspace_id), WorkspaceMember.user_id == actor.id),
        )
        .where(or_(col(Event.id) == event_ref, col(Event.short_id) == event_ref))
    ).first()
    if found is None:
        raise NotFound("This event does not exist.")
    event, role = found
    ensure_role(role, WorkspaceAction.SCAN_TICKETS)
    return event


def _counts(session: Session, event_id: str) -> DoorCounts:
    by_status = dict(
        session.exec(
            select(Ticket.status, func.count())
            .where(Ticket.event_id == event_id, col(Ticket.status).in_((TicketStatus.VALID, TicketStatus.USED)))
            .group_by(col(Ticket.status))
        ).all()
    )
    used = int(by_status.get(TicketStatus.USED, 0))
    return DoorCounts(checked_in=used, sold=used + int(by_status.get(TicketStatus.VALID, 0)))


def _match(event: Event, given: _Input):
    """The WHERE clause naming the scanned ticket, or None when the input cannot name one."""
    if given.method == "qr":
        if given.claims is None or given.claims.event_id != event.id:
            return None
        return and_(col(Ticket.id) == given.claims.ticket_id, col(Ticket.event_id) == event.id)
    if not SHORT_CODE.match(given.code):
        return None
    return and_(col(Ticket.short_code) == given.code, col(Ticket.event_id) == event.id)


def _admit(session: Session, actor: UserSummary, event: Event, given: _Input) -> Ticket | None:
    """Mark the named ticket used if, at this instant, it is valid (and its QR is its current one)."""
    match = _match(event, given)
    if match is None:
        return None
    conditions = [match, col(Ticket.status) == TicketStatus.VALID]
    if given.claims is not None:
        conditions.append(col(Ticket.secret_version) == given.claims.secret_version)
    if _unguarded.get():
        conditions = [match]  # the decision was taken earlier, from a read (see _unguarded_precheck)
    admitted = session.execute(
        update(Ticket).where(*conditions).values(status=TicketStatus.USED, used_at=utcnow(), used_by_id=actor.id)
    ).rowcount
    if admitted != 1:
        return None
    return session.exec(select(Ticket).where(match)).one()


def _unguarded_precheck(event_id: str, given: _Input) -> bool:
    """Only with the guard off: "is it still valid?" read outside the write transaction."""
    if not _unguarded.get():
        return True
    with read_only() as reader:
        event = reader.get(Event, event_id) or reader.exec(select(Event).where(Event.short_id == event_id)).one()
        match = _match(event, given)
        seen = reader.exec(select(Ticket.status).where(match)).first() if match is not None else None
    time.sleep(0.05)  # the gap a naive check-then-write leaves open
    return seen == TicketStatus.VALID


def _find(session: Session, given: _Input) -> Ticket | None:
    """The ticket the input names in any event (to tell "wrong event" from "invalid")."""
    if given.method == "qr":
        return session.get(Ticket, given.claims.ticket_id) if given.claims else None
    if not SHORT_CODE.match(given.code):
        return None
    return session.exec(select(Ticket).where(Ticket.short_code == given.code)).first()


def _people(session: Session, ticket: Ticket) -> tuple[str, str, str]:
    """The holder's name, the tier's name and the name of whoever scanned the ticket in."""
    scanner = aliased(User)
    holder_name, holder_username, tier_name, scanner_name, scanner_username = session.exec(
        select(User.full_name, User.username, OrderItem.tier_name, scanner.full_name, scanner.username)
        .select_from(Ticket)
        .join(User, col(User.id) == col(Ticket.holder_id))
        .join(OrderItem, col(OrderItem.id) == col(Ticket.order_item_id))
        .outerjoin(scanner, col(scanner.id) == col(Ticket.used_by_id))
        .where(Ticket.id == ticket.id)
    ).one()
    return holder_name or holder_username, tier_name, scanner_name or scanner_username or ""


def _decide(
    session: Session, actor: UserSummary, event: Event, given: _Input, *, may_admit: bool = True
) -> tuple[dict, Ticket | None]:
    admitted = _admit(session, actor, event, given) if may_admit else None
    ticket = admitted or _find(session, given)
    if ticket is None:
        return {"result": ScanResult.INVALID, "message": "Not a ticket. The code may be forged or mistyped."}, None
    if ticket.event_id != event.id:
        return {"result": ScanResult.WRONG_EVENT, "message": "This ticket is for another event."}, ticket
    holder, tier, scanner = _people(session, ticket)
    shown = {"short_code": ticket.short_code, "holder_name": holder, "tier_name": tier}
    if admitted is not None:
        return {**shown, "result": ScanResult.OK, "message": f"Welcome, {holder}!"}, ticket
    if ticket.status == TicketStatus.USED:
        at = clock(ticket.used_at, event.timezone) if ticket.used_at else ""
        by = f" by {scanner}" if scanner else ""
        return {
            **shown,
            "result": ScanResult.ALREADY_USED,
            "message": f"Already used at {at}{by}.",
            "used_at_label": at,
            "used_by_name": scanner,
        }, ticket
    if ticket.status == TicketStatus.VALID:  # a genuine signature on an old version of the QR code
        return {**shown, "result": ScanResult.INVALID, "message": "This QR code was replaced by a newer one."}, ticket
    reason = NOT_VALID_LABELS.get(TicketStatus(ticket.status), "It cannot be used.")
    return {**shown, "result": ScanResult.NOT_VALID, "message": f"Not valid. {reason}"}, ticket


def scan_ticket(*, actor: UserSummary | None, event_id: str, token_or_code: str, device: str = "") -> ScanOutcome:
    """Check one person in at the door of `event_id` (id or short id), for any workspace member.

    Guarantees a ticket is admitted at most once, whatever the number of devices, and logs the
    attempt (who, when, result, device) in the same transaction as the decision. Typed codes that
    name no ticket of this event count against the scanning user's `scan_code` limit, so codes
    cannot be enumerated. Raises NotAuthenticated, NotFound, PermissionDenied, RateLimited.
    """
    if actor is None:
        raise NotAuthenticated()
    given = _parse(token_or_code)
    if given.method == "code":
        rate_limit.ensure_allowed(CODE_RULE, actor.id)
    may_admit = _unguarded_precheck(event_id, given)
    with transaction() as session:
        event = _event_for_scanner(session, actor, event_id)
        shown, ticket = _decide(session, actor, event, given, may_admit=may_admit)
        session.add(
            TicketScan(
                event_id=event.id,
                ticket_id=ticket.id if ticket else None,
                scanned_by_id=actor.id,
                result=shown["result"],
                method=given.method,
                device=(device or "")[:200],
            )
        )
        counts = _counts(session, event.id)
    if given.method == "code" and shown["result"] in (ScanResult.INVALID, ScanResult.WRONG_EVENT):
        rate_limit.hit(CODE_RULE, actor.id)
    return ScanOutcome(counts=counts, **shown)


def scanner_event(*, actor: UserSummary | None, event_id: str) -> ScannerEvent:
    """The event a door device is about to scan for, with its live counts. Any workspace member."""
    if actor is None:
        raise NotAuthenticated()
    with read_only() as session:
        event = _event_for_scanner(session, actor, event_id)
        counts = _counts(session, event.id)
    return ScannerEvent(
        event_id=event.id,
        short_id=event.short_id,
        workspace_id=event.workspace_id,
        title=event.title,
        schedule=event_schedule(event.start_at, event.end_at, event.timezone),
        counts=counts,
    )


def door_counts(*, actor: UserSummary | None, event_id: str) -> DoorCounts:
    """Checked in and sold right now, for the counters every door device refreshes."""
    if actor is None:
        raise NotAuthenticated()
    with read_only() as session:
        return _counts(session, _event_for_scanner(session, actor, event_id).id)
