"""Door scanning (SPEC §6): turn a scanned QR token or a typed short code into one of its results
on one check-in list (#21 §5: `gates` decides whether the ticket may pass that list now), record
the pass exactly once (an entry also marks the ticket `used` at its first check-in anywhere), and
log every attempt. Once the event is over (its end plus
DOORS_CLOSE_AFTER_END) the door is closed: every ticket of the event gets `event_ended`.

Exactly once: the only write that admits someone is one `check_ins` row whose key (list, ticket,
direction, ordinal) is unique, so when two door phones scan the same ticket at the same moment the
database keeps one of them and the other finds it already used.
Tests may switch that guard off (a context variable, never reachable from a request) to prove the
race is real without it.

Door staff can also check someone in by hand from the attendee list (`check_in_ticket`, method
`manual`: the same decision and the same log as a scan) and take a check-in back (`undo_check_in`,
logged as `undone`), e.g. when the wrong row was tapped.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection
from sqlmodel import Session

from eventpalour.db import read_only, transaction
from eventpalour.models import Direction, Event, ScanResult, TicketStatus
from eventpalour.models.types import new_id, utcnow
from eventpalour.services import platform, sales
from eventpalour.services.events import DOORS_CLOSE_AFTER_END
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, Conflict, NotAuthenticated, NotFound, clean_line, event_schedule, message
from eventpalour.services.platform import wall_clock as clock
from eventpalour.services.sales import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH, DoorCounts, ScannedTicket
from eventpalour.services.tickets import gates, ticket_tokens
from eventpalour.services.tickets.checkin_lists import ListCounters, list_counters
from eventpalour.services.workspaces import WorkspaceAction, allows, ensure_role

CODE_RULE = "scan_code"
SHORT_CODE = re.compile(f"^[{SHORT_CODE_ALPHABET}]{{{SHORT_CODE_LENGTH}}}$")
# The door's sentences are marked for the catalogs: they read as English in the API and the scan log,
# and the scanner page says them in the door's language (state/scanner.py, gettext of the Message).
NOT_VALID_MESSAGES = {
    TicketStatus.TRANSFERRED: N_("Not valid. It was transferred to someone else; their new ticket has a new code."),
    TicketStatus.REFUNDED: N_("Not valid. It was refunded."),
    TicketStatus.CANCELLED: N_("Not valid. It was cancelled."),
    TicketStatus.EXPIRED: N_("Not valid. It has expired."),
}
NOT_VALID_OTHERWISE = N_("Not valid. It cannot be used.")
ENDED_MESSAGE = N_("Event has ended. Tickets no longer admit anyone.")
MANUAL = "manual"  # the scan log's method for a check-in (or undo) from the attendee list
MANUAL_DEVICE = "Attendee list"  # stored as the device of a check-in by hand (and shown: `device_name`)
OFFLINE_DEVICE = "Offline device "  # + the first 8 characters of the door device's id, for its uploads


def device_name(stored: str) -> str:
    """A pass's device as people read it: the names the system gives (the attendee list, an offline
    phone) as sentences said in each reader's language; a phone's own id as stored."""
    if stored == MANUAL_DEVICE:
        return message(N_("Attendee list"))
    if stored.startswith(OFFLINE_DEVICE):
        return message(N_("Offline device {device}"), device=stored.removeprefix(OFFLINE_DEVICE))
    return stored


NOT_CHECKED_IN = N_("This ticket is not checked in.")
UNDO_ENDED = N_("The event has ended: its check-ins can no longer be undone.")
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
class ScanOutcome:
    """What the door screen shows for one scan. `used_at_label` is in the event's time zone."""

    result: str
    message: str
    short_code: str = ""
    holder_name: str = ""
    tier_name: str = ""
    used_at_label: str = ""
    used_by_name: str = ""
    # The scanned list's counters just after this scan, when the caller asked (`scan_ticket(counters=True)`).
    counters: ListCounters | None = None

    @property
    def admitted(self) -> bool:
        """This attempt let the holder in."""
        return self.result == ScanResult.OK


@dataclass(frozen=True)
class ScannerEvent:
    event_id: str
    short_id: str
    workspace_id: str
    title: str
    schedule: str
    counts: DoorCounts
    ended: bool = False  # past the end and the grace period: every scan is refused
    can_watch: bool = False  # the live door dashboard is open to this member


@dataclass(frozen=True)
class _Input:
    method: str  # "qr", "code" or "manual"
    claims: ticket_tokens.TicketClaims | None = None
    code: str = ""
    ticket_id: str = ""  # manual: the row's ticket


def normalize_code(text: str) -> str:
    """A typed code as stored: upper case, without the spaces and dashes people add while reading it out."""
    return re.sub(r"[\s-]", "", text or "").upper()


CODE_LENGTH_PROBLEM = N_("A ticket code has 8 letters and digits.")


def typed_code_problem(text: str) -> str | None:
    """Why a typed code cannot name a ticket whatever is stored (its length), before any lookup:
    the scanner says it under the field; None when it may."""
    return CODE_LENGTH_PROBLEM if len(normalize_code(text)) != SHORT_CODE_LENGTH else None


def _parse(text: str) -> _Input:
    """QR tokens carry dots and are long; anything short is a typed code."""
    raw = (text or "").strip()
    if raw.startswith(ticket_tokens.PREFIX + ".") or len(raw) > 16:
        return _Input(method="qr", claims=ticket_tokens.read(raw))
    return _Input(method="code", code=normalize_code(raw))


@dataclass(frozen=True)
class OpenDoor:
    event_id: str
    timezone: str
    closed: bool  # the event is over: no ticket admits anyone any more
    can_watch: bool = False  # the actor may open the live door dashboard (moderators and above)
    check_ins_subscribed: bool = False  # a webhook endpoint takes ticket.checked_in: a check-in is queued for it


def doors_closed(end_at: datetime) -> bool:
    """Whether an event that ends at `end_at` is past its end and the doors' grace period."""
    return utcnow() > end_at + DOORS_CLOSE_AFTER_END


def can_admit(status: str, closed: bool) -> bool:
    """Whether a ticket in `status` lets its holder in now (a scan or a check-in by hand)."""
    return not closed and status == TicketStatus.VALID


def undo_refusal(status: str, closed: bool) -> str | None:
    """Why the check-in of a ticket in `status` cannot be undone now; None when it can."""
    if closed:
        return UNDO_ENDED
    if status != TicketStatus.USED:
        return NOT_CHECKED_IN
    return None


def _door(
    connection: Connection, actor: UserSummary, event_ref: str, given: _Input | None = None
) -> tuple[OpenDoor, ScannedTicket | None]:
    """The event, the actor's right to scan it and (given an input) the ticket it names, in one query.

    Returns (door, seen ticket or None). Raises NotFound, PermissionDenied.
    """
    key = _ticket_key(given) if given is not None else ""
    by_code = given is not None and given.method == "code"
    found = sales.read_door(connection, actor.id, event_ref or "", key, by_code=by_code)
    if found is None:
        raise NotFound(N_("This event does not exist."))
    ensure_role(found.role, WorkspaceAction.SCAN_TICKETS)
    door = OpenDoor(
        event_id=found.event_id,
        timezone=found.timezone,
        closed=doors_closed(found.end_at),
        can_watch=allows(found.role, WorkspaceAction.VIEW_ATTENDEES),
        check_ins_subscribed=found.check_ins_subscribed,
    )
    return door, found.ticket


def open_door(connection: Connection, actor: UserSummary, event_ref: str) -> OpenDoor:
    """The event at its door after the scanning check (offline sync and uploads share it).

    Raises NotFound, PermissionDenied.
    """
    return _door(connection, actor, event_ref)[0]


def _ticket_key(given: _Input) -> str:
    """The key of the ticket this input names: its id or its short code ("" names no ticket)."""
    if given.method == "qr":
        return given.claims.ticket_id if given.claims else ""
    if given.method == MANUAL:
        return given.ticket_id
    return given.code if SHORT_CODE.match(given.code) else ""


def _event_for_scanner(session: Session, actor: UserSummary, event_ref: str) -> tuple[Event, OpenDoor]:
    """The whole event row, after the same check (for the scanner page, not per scan)."""
    door, _ = _door(session.connection(), actor, event_ref)
    return session.get(Event, door.event_id), door


def _lookup(connection: Connection, given: _Input) -> ScannedTicket | None:
    """The ticket the input names, in any event (so "wrong event" can be told from "invalid")."""
    key = _ticket_key(given)
    return sales.scanned_ticket(connection, key, by_code=given.method == "code") if key else None


def _unguarded_precheck(given: _Input, list_id: str) -> list[gates.Pass] | None:
    """Only with the guard off: the ticket's passes read outside the write transaction, then a pause."""
    if not _unguarded.get():
        return None
    with read_only() as reader:
        connection = reader.connection()
        seen = _lookup(connection, given)
        passes = gates.passes_of(connection, list_id or seen.event_id, [seen.id])[seen.id] if seen else []
    time.sleep(0.05)  # the gap a naive check-then-write leaves open
    return passes


@dataclass(frozen=True)
class _Pass:
    """One scan's way through a list: which list, which way, on which device, by whom."""

    actor: UserSummary
    gate: gates.Gate
    direction: str
    device: str
    method: str
    believed: list[gates.Pass] | None = None  # only with the guard off for a test


def _decide(
    connection: Connection, door: OpenDoor, seen: ScannedTicket | None, given: _Input, way: _Pass
) -> tuple[dict, dict | None]:
    """The result for the scanned ticket (`seen`, None when the input names none) at this list,
    recording the pass when the rule (`gates.pass_decision`) allows it; with the pass written (not
    counted yet) or None."""
    if seen is None:
        return {"result": ScanResult.INVALID, "message": N_("Not a ticket. The code may be forged or mistyped.")}, None
    if seen.event_id != door.event_id:
        return {"result": ScanResult.WRONG_EVENT, "message": N_("This ticket is for another event.")}, None
    shown = {"short_code": seen.short_code, "holder_name": seen.holder_name, "tier_name": seen.tier_name}
    if door.closed:
        return {**shown, "result": ScanResult.EVENT_ENDED, "message": ENDED_MESSAGE}, None
    stale = given.claims is not None and given.claims.secret_version != seen.secret_version
    if stale and seen.status in gates.ADMITTING_STATUSES:  # a genuine signature on an old version of the QR code
        return {**shown, "result": ScanResult.INVALID, "message": N_("This QR code was replaced by a newer one.")}, None
    now = utcnow()
    passes = way.believed
    if passes is None and gates.has_passed_no_list(seen.status):
        passes = []
    elif passes is None:
        passes = gates.passes_of(connection, way.gate.id, [seen.id])[seen.id]
    decision = _rule(way, seen, passes, now, door)
    if decision.allowed:
        if written := _record(connection, door, seen, way, decision, now):
            return {**shown, **_allowed_words(decision, seen)}, written
        # another device recorded this very pass a moment ago: say when and who
        passes = gates.passes_of(connection, way.gate.id, [seen.id])[seen.id]
        decision = _rule(way, seen, passes, now, door)
    return {**shown, **_refused_words(decision, seen, way, passes, door)}, None


def _rule(
    way: _Pass, seen: ScannedTicket, passes: list[gates.Pass], now: datetime, door: OpenDoor
) -> gates.PassDecision:
    return gates.pass_decision(
        way.gate,
        tier_id=seen.tier_id,
        status=seen.status,
        passes=passes,
        direction=way.direction,
        at=now,
        timezone=door.timezone,
    )


def _record(
    connection: Connection, door: OpenDoor, seen: ScannedTicket, way: _Pass, decision: gates.PassDecision, at: datetime
) -> dict | None:
    """Write the pass (once: the unique key refuses a second device's same pass); an entry also
    marks the ticket used at its first check-in on any list. The pass when this scan wrote it, for
    the caller to count; None when another device had."""
    if not way.gate.stored:
        gates.ensure_default_list(connection, door.event_id)
    row = {
        "id": new_id(),
        "event_id": door.event_id,
        "list_id": way.gate.id,
        "ticket_id": seen.id,
        "direction": way.direction,
        "ordinal": decision.ordinal,
        "at": at,
        "by_id": way.actor.id,
        "device": clean_line(way.device)[:200],
    }
    entry = way.direction == Direction.ENTRY
    if way.believed is not None:
        gates.record_unguarded(connection, row)
    elif row["id"] not in gates.record_passes(connection, [row], count=False, touch=not entry):
        return None
    if entry:
        sales.enter_ticket(connection, seen.id, way.actor.id, at)  # touched; valid → used
    return row


def _allowed_words(decision: gates.PassDecision, seen: ScannedTicket) -> dict:
    if decision.result == ScanResult.EXITED:
        words = message(N_("Goodbye, {name}! Exit recorded."), name=seen.holder_name)
        return {"result": ScanResult.EXITED, "message": words}
    return {"result": ScanResult.OK, "message": message(N_("Welcome, {name}!"), name=seen.holder_name)}


def _refused_words(
    decision: gates.PassDecision, seen: ScannedTicket, way: _Pass, passes: list[gates.Pass], door: OpenDoor
) -> dict:
    if decision.result == ScanResult.WRONG_GATE:
        words = message(
            N_("Not valid at this gate: {gate} does not admit {tier} tickets."), gate=way.gate.name, tier=seen.tier_name
        )
        return {"result": ScanResult.WRONG_GATE, "message": words}
    if decision.result == ScanResult.NOT_INSIDE:
        words = message(N_("Not inside: this ticket has not entered through {gate}."), gate=way.gate.name)
        return {"result": ScanResult.NOT_INSIDE, "message": words}
    if decision.result == ScanResult.ALREADY_USED:
        entries = [p for p in passes if p.direction == Direction.ENTRY]
        last = entries[-1] if entries else None
        at = clock(last.at, door.timezone) if last else ""
        name = last.by_name if last else ""
        if name:
            words = message(N_("Already used at {time} by {name}."), time=at, name=name)
        else:
            words = message(N_("Already used at {time}."), time=at)
        return {
            "result": ScanResult.ALREADY_USED,
            "message": words,
            "used_at_label": at,
            "used_by_name": name,
        }
    return {
        "result": ScanResult.NOT_VALID,
        "message": NOT_VALID_MESSAGES.get(TicketStatus(seen.status), NOT_VALID_OTHERWISE),
    }


def scan_ticket(
    *,
    actor: UserSummary | None,
    event_id: str,
    token_or_code: str,
    device: str = "",
    list_id: str = "",
    direction: str = Direction.ENTRY.value,
    counters: bool = False,
) -> ScanOutcome:
    """Check one person in (or out) at the door of `event_id` (id or short id), on the check-in
    list `list_id` ("": the event's default list), for any workspace member. `counters`: the outcome
    also carries that list's counters as they are after the scan (the scanner page shows them).

    Guarantees a ticket passes a list at most as often as the list's rule allows (`gates`), whatever
    the number of devices, and logs the attempt (who, when, result, device) in the same transaction
    as the decision. Typed codes that name no ticket of this event count against the scanning user's
    `scan_code` limit, so codes cannot be enumerated.
    Raises NotAuthenticated, NotFound, PermissionDenied, RateLimited, ValidationFailed (a list not
    of this event, an exit on a list without exits).
    """
    if actor is None:
        raise NotAuthenticated()
    given = _parse(token_or_code)
    if given.method == "code":
        platform.ensure_allowed(CODE_RULE, actor.id)
    believed = _unguarded_precheck(given, list_id)
    outcome = _check_in(
        actor, event_id, given, device, list_id=list_id, direction=direction, believed=believed, counters=counters
    )
    if given.method == "code" and outcome.result in (ScanResult.INVALID, ScanResult.WRONG_EVENT):
        platform.hit_rate_limit(CODE_RULE, actor.id)
    return outcome


def check_in_ticket(*, actor: UserSummary | None, event_id: str, ticket_id: str, list_id: str = "") -> ScanOutcome:
    """Check the holder of `ticket_id` in by hand (the attendee list's Check in button), for the same
    members who may scan: the same decision as a scan, logged the same way with method `manual`.

    Raises NotAuthenticated, NotFound, PermissionDenied, ValidationFailed.
    """
    if actor is None:
        raise NotAuthenticated()
    given = _Input(method=MANUAL, ticket_id=(ticket_id or "")[:16])
    return _check_in(actor, event_id, given, MANUAL_DEVICE, list_id=list_id)


def _check_in(
    actor: UserSummary,
    event_id: str,
    given: _Input,
    device: str,
    *,
    list_id: str = "",
    direction: str = Direction.ENTRY.value,
    believed: list[gates.Pass] | None = None,
    counters: bool = False,
) -> ScanOutcome:
    with transaction() as session:
        connection = session.connection()
        door, seen = _door(connection, actor, event_id, given)
        gate = gates.pick_gate(gates.event_gates(connection, door.event_id), (list_id or "")[:16])
        way = _Pass(actor, gate, gates.check_direction(gate, direction), device, given.method, believed)
        shown, passed = _decide(connection, door, seen, given, way)
        ticket_id = seen.id if seen is not None else None
        _log(connection, actor, door, ticket_id, shown["result"], given.method, device)
        if shown["result"] == ScanResult.OK and seen is not None and door.check_ins_subscribed:
            # The door's read said whether anyone takes check-ins: where nobody does (almost every
            # event), the queueing statement, which would add no row, is not sent at all.
            _tell_checked_in(connection, door, seen, given.method, gate)
        if passed is not None:
            # Counted last, just before the commit: the counter row is the one row that the list's
            # scans on every device share (a few per quarter-hour), so its lock is held the least
            # time (counted first, devices waited ~6 ms for it per scan at 16 devices).
            gates.count_passes(connection, [passed], +1)
        if counters:
            # Counted last in the scan's own transaction (this pass included, other devices' committed
            # ones too): a separate read unit after the commit cost a session and a round trip more per
            # scan, for a count that takes the ticket's row lock a moment longer only.
            shown["counters"] = list_counters(connection, gate, door.timezone)
    return ScanOutcome(**shown)


def _tell_checked_in(
    connection: Connection, door: OpenDoor, seen: ScannedTicket, method: str, gate: gates.Gate
) -> None:
    platform.emit_webhook(
        connection,
        platform.WebhookEventType.TICKET_CHECKED_IN,
        event_id=door.event_id,
        subject=f"order:{seen.order_id}",
        data={
            "ticket_id": seen.id,
            "short_code": seen.short_code,
            "order_id": seen.order_id,
            "event_id": door.event_id,
            "tier_name": seen.tier_name,
            "method": method,
            "list_id": gate.id,
            "list_name": gate.name,
            "checked_in_at": utcnow().isoformat(),
        },
    )


def _log(
    connection: Connection,
    actor: UserSummary,
    door: OpenDoor,
    ticket_id: str | None,
    result: str,
    method: str,
    device: str,
) -> None:
    sales.log_scan(
        connection,
        {
            "id": new_id(),
            "event_id": door.event_id,
            "ticket_id": ticket_id,
            "scanned_by_id": actor.id,
            "result": ScanResult(result).value,
            "method": method,
            "device": clean_line(device)[:200],
            "scanned_at": utcnow(),
        },
    )


def undo_check_in(*, actor: UserSummary | None, event_id: str, ticket_id: str) -> ScanOutcome:
    """Take back the check-in of `ticket_id` (scanned or by hand): the ticket is valid again, has
    passed no list, and admits its holder at the next scan. Logged as `undone`, method `manual`.
    Same members as scanning.

    Raises NotAuthenticated, NotFound (no such ticket at this event), PermissionDenied,
    Conflict (`undo_refusal`: not checked in, or the event is over).
    """
    if actor is None:
        raise NotAuthenticated()
    given = _Input(method=MANUAL, ticket_id=(ticket_id or "")[:16])
    with transaction() as session:
        connection = session.connection()
        door, seen = _door(connection, actor, event_id, given)
        if seen is None or seen.event_id != door.event_id:
            raise NotFound(N_("This ticket is not one of this event's tickets."))
        refusal = undo_refusal(seen.status, door.closed)
        if refusal is None and not sales.unadmit_ticket(connection, seen.id):
            refusal = NOT_CHECKED_IN  # undone on another device a moment ago
        if refusal is not None:
            raise Conflict(refusal)
        gates.forget_passes(connection, seen.id)  # not checked in on any list any more
        _log(connection, actor, door, seen.id, ScanResult.UNDONE, MANUAL, MANUAL_DEVICE)
    return ScanOutcome(
        result=ScanResult.UNDONE,
        message=message(N_("Check-in undone: {name} is not checked in."), name=seen.holder_name),
        short_code=seen.short_code,
        holder_name=seen.holder_name,
        tier_name=seen.tier_name,
    )


def scanner_event(*, actor: UserSummary | None, event_id: str) -> ScannerEvent:
    """The event a door device is about to scan for, with its live counts. Any workspace member."""
    if actor is None:
        raise NotAuthenticated()
    with read_only() as session:
        event, door = _event_for_scanner(session, actor, event_id)
        counts = sales.door_counts(session.connection(), event.id)
    return ScannerEvent(
        event_id=event.id,
        short_id=event.short_id,
        workspace_id=event.workspace_id,
        title=event.title,
        schedule=event_schedule(event.start_at, event.end_at, event.timezone),
        counts=counts,
        ended=doors_closed(event.end_at),
        can_watch=door.can_watch,
    )


def door_counts(*, actor: UserSummary | None, event_id: str) -> DoorCounts:
    """Checked in and sold right now, for the counters every door device refreshes."""
    if actor is None:
        raise NotAuthenticated()
    with read_only() as session:
        connection = session.connection()
        door, _ = _door(connection, actor, event_id)
        return sales.door_counts(connection, door.event_id)
