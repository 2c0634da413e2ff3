"""An event's attendee list for its organizers (SPEC §1.3 "view attendees, export CSV", §6): one row
per ticket that admits or admitted someone, with its holder, tier, payment and door status; the
same filters for the page and the CSV export; and check-ins over time for the progress chart.

A ticket given away (`transferred`) is left out: its successor, held by the new attendee, stands
in its place, so every admission is listed exactly once.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from eventpalour.db import read_only
from eventpalour.models import (
    ADMISSION_STATUSES,
    VOID_TICKET_STATUSES,
    DiscountCode,
    Order,
    OrderItem,
    Ticket,
    TicketStatus,
    TicketTier,
    User,
)
from eventpalour.services import sales
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, clean_line, spreadsheet_cell
from eventpalour.services.platform import time_zone as zone
from eventpalour.services.tickets.scanning import can_admit, doors_closed, undo_refusal
from eventpalour.services.workspaces import WorkspaceAction, load_event_for

PAGE_SIZE = 50
SCAN_FILTERS = {
    "checked_in": (TicketStatus.USED,),
    "not_checked_in": (TicketStatus.VALID, TicketStatus.EXPIRED),  # expired: the event ended, nobody came
    "not_valid": VOID_TICKET_STATUSES,
}
PAYMENT_FILTERS = ("paid", "free", "refunded")
# The attendee list's words (the page says them in the reader's language; the CSV writes their English).
PAYMENT_LABELS = {"paid": N_("Paid"), "free": N_("Free"), "refunded": N_("Refunded")}
SCAN_LABELS = {"used": N_("Checked in"), "valid": N_("Not checked in")}


@dataclass(frozen=True)
class AttendeeFilters:
    tier_id: str = ""
    payment: str = ""  # one of PAYMENT_FILTERS, or empty for all
    scan: str = ""  # one of SCAN_FILTERS, or empty for all
    search: str = ""  # name (the account's or the attendee's), email or ticket code
    question_id: str = ""  # with `answer`: tickets whose answer to this question is `answer`
    answer: str = ""


@dataclass(frozen=True)
class AttendeeRow:
    ticket_id: str
    short_code: str
    holder_name: str
    holder_email: str
    tier_name: str
    payment: str  # paid, free or refunded
    ticket_status: str
    checked_in_at: datetime | None
    order_reference: str
    transferred: bool
    can_check_in: bool = False  # door staff may check the holder in by hand now (scanning.can_admit)
    can_undo_check_in: bool = False  # ... or take the check-in back (scanning.undo_refusal)
    discount_code: str = ""  # the discount code of the ticket's order ("" none)
    attendee_name: str = ""  # the name given for this ticket at checkout or transfer ("" none asked)
    answers: tuple[str, ...] = ()  # "Question: answer", the order's and the ticket's own


@dataclass(frozen=True)
class CheckInPoint:
    """Admissions up to the end of one interval, e.g. ("19:30", 212)."""

    label: str
    checked_in: int


@dataclass(frozen=True)
class AttendeesPage:
    event_id: str
    event_title: str
    rows: list[AttendeeRow]
    total: int
    checked_in: int
    admissions: int
    timezone: str
    tiers: list[tuple[str, str]] = field(default_factory=list)  # (id, name) for the tier filter
    questions: list[sales.QuestionColumn] = field(default_factory=list)  # the answer filter's (with choices)


def _query(event_id: str, filters: AttendeeFilters, questions: list[sales.QuestionColumn]):
    query = (
        select(Ticket, User, OrderItem.tier_name, Order.amount, Order.reference, DiscountCode.code)
        .join(User, col(User.id) == col(Ticket.holder_id))
        .join(OrderItem, col(OrderItem.id) == col(Ticket.order_item_id))
        .join(Order, col(Order.id) == col(Ticket.order_id))
        .outerjoin(DiscountCode, col(DiscountCode.id) == col(Order.discount_code_id))
        .where(Ticket.event_id == event_id, Ticket.status != TicketStatus.TRANSFERRED)
    )
    if filters.tier_id:
        query = query.where(Ticket.tier_id == filters.tier_id)
    if filters.scan in SCAN_FILTERS:
        query = query.where(col(Ticket.status).in_(SCAN_FILTERS[filters.scan]))
    if filters.payment == "paid":
        query = query.where(Order.amount > 0, Ticket.status != TicketStatus.REFUNDED)
    elif filters.payment == "free":
        query = query.where(Order.amount == 0)
    elif filters.payment == "refunded":
        query = query.where(Ticket.status == TicketStatus.REFUNDED)
    asked = next((q for q in questions if q.id == filters.question_id and q.choices), None)
    if asked is not None and filters.answer:
        query = query.where(sales.answer_condition(asked, filters.answer))
    needle = clean_line(filters.search).lower()[:120]
    if needle:
        pattern = f"%{needle}%"
        query = query.where(
            or_(
                func.lower(User.full_name).like(pattern),
                func.lower(func.coalesce(Ticket.attendee_name, "")).like(pattern),
                func.lower(User.email).like(pattern),
                func.lower(Ticket.short_code).like(pattern),
            )
        )
    return query


def _row(
    ticket: Ticket, holder: User, tier_name: str, amount: int, reference: str, code: str | None, *, closed: bool = True
) -> AttendeeRow:
    """One attendee; `closed`: the event's doors have closed (no check-in changes any more)."""
    if ticket.status == TicketStatus.REFUNDED:
        payment = "refunded"
    else:
        payment = "paid" if amount > 0 else "free"
    return AttendeeRow(
        ticket_id=ticket.id,
        short_code=ticket.short_code,
        holder_name=holder.full_name or holder.username,
        holder_email=holder.email,
        tier_name=tier_name,
        payment=payment,
        ticket_status=ticket.status,
        checked_in_at=ticket.used_at if ticket.status == TicketStatus.USED else None,
        order_reference=reference,
        transferred=ticket.transferred_from_id is not None,
        can_check_in=can_admit(ticket.status, closed),
        can_undo_check_in=undo_refusal(ticket.status, closed) is None,
        discount_code=code or "",
        attendee_name=ticket.attendee_name or "",
    )


def _with_answers(
    session: Session, found: list, rows: list[AttendeeRow], questions: list[sales.QuestionColumn]
) -> list[AttendeeRow]:
    """The rows with their answers, in question order (nothing read when the event asks none)."""
    if not questions:
        return rows
    places = [sales.TicketPlace(t.order_id, t.order_item_id, t.seat) for t, *_ in found]
    values = sales.answers_of_tickets(session, places)
    return [
        replace(row, answers=tuple(sales.answer_line(q.label, answers[q.id]) for q in questions if q.id in answers))
        for row, answers in zip(rows, values, strict=True)
    ]


def _admission_counts(session: Session, event_id: str) -> tuple[int, int]:
    """(checked in, admissions sold): expired tickets were sold, and never checked in."""
    by_status = dict(
        session.exec(
            select(Ticket.status, func.count())
            .where(Ticket.event_id == event_id, col(Ticket.status).in_(ADMISSION_STATUSES))
            .group_by(col(Ticket.status))
        ).all()
    )
    return int(by_status.get(TicketStatus.USED, 0)), int(sum(by_status.values()))


def event_attendees(
    *, actor: UserSummary | None, event_id: str, filters: AttendeeFilters, page: int = 1
) -> AttendeesPage:
    """A page of the event's attendees (ordered by name), for moderators and above.

    Raises NotAuthenticated, NotFound, PermissionDenied.
    """
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.VIEW_ATTENDEES)
        questions = sales.question_columns(session, event.id)
        query = _query(event.id, filters, questions)
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        found = session.exec(
            query.order_by(func.lower(User.full_name), col(Ticket.short_code))
            .offset((max(page, 1) - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
        closed = doors_closed(event.end_at)
        rows = _with_answers(session, list(found), [_row(*row, closed=closed) for row in found], questions)
        checked_in, admissions = _admission_counts(session, event.id)
        tiers = session.exec(
            select(TicketTier.id, TicketTier.name)
            .where(TicketTier.event_id == event.id)
            .order_by(col(TicketTier.sort_order), col(TicketTier.name))
        ).all()
    return AttendeesPage(
        event_id=event.id,
        event_title=event.title,
        rows=rows,
        total=int(total),
        checked_in=checked_in,
        admissions=admissions,
        timezone=event.timezone,
        tiers=[(tier_id, name) for tier_id, name in tiers],
        questions=[q for q in questions if q.choices],
    )


def attendees_csv(*, actor: UserSummary | None, event_id: str, filters: AttendeeFilters) -> tuple[str, str]:
    """(filename, CSV text) of every attendee matching `filters`; times in the event's zone.

    Raises NotAuthenticated, NotFound, PermissionDenied.
    """
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.VIEW_ATTENDEES)
        questions = sales.question_columns(session, event.id)
        found = session.exec(
            _query(event.id, filters, questions).order_by(func.lower(User.full_name), col(Ticket.short_code))
        ).all()
        places = [sales.TicketPlace(t.order_id, t.order_item_id, t.seat) for t, *_ in found]
        answers = sales.answers_of_tickets(session, places) if questions else [{} for _ in found]
    local = zone(event.timezone)
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["Name", "Email", "Ticket code", "Tier", "Payment", "Status", "Checked in at", "Order", "Discount code"]
    if questions:  # the attendee's name per ticket, and one column per question
        header += ["Attendee", *(spreadsheet_cell(q.label) for q in questions)]
    writer.writerow(header)
    for row, answered in zip((_row(*r) for r in found), answers, strict=True):
        asked = [row.attendee_name, *(answered.get(q.id, "") for q in questions)] if questions else []
        checked = row.checked_in_at.astimezone(local).strftime("%Y-%m-%d %H:%M") if row.checked_in_at else ""
        writer.writerow(
            [
                spreadsheet_cell(row.holder_name),
                row.holder_email,
                row.short_code,
                spreadsheet_cell(row.tier_name),
                PAYMENT_LABELS[row.payment],
                SCAN_LABELS.get(row.ticket_status, row.ticket_status.capitalize()),
                checked,
                row.order_reference,
                row.discount_code,
                *(spreadsheet_cell(value) for value in asked),
            ]
        )
    return f"attendees-{event.short_id}.csv", out.getvalue()


def check_in_progress(*, actor: UserSummary | None, event_id: str) -> list[CheckInPoint]:
    """Cumulative admissions over time, in intervals of the event's zone: 10 minutes while the doors
    were open for up to three hours, else hourly. Empty before the first check-in.

    Raises NotAuthenticated, NotFound, PermissionDenied.
    """
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.VIEW_ATTENDEES)
        moments = session.exec(
            select(Ticket.used_at)
            .where(Ticket.event_id == event.id, Ticket.status == TicketStatus.USED, col(Ticket.used_at).is_not(None))
            .order_by(col(Ticket.used_at))
        ).all()
    return progress_points(list(moments), event.timezone)


def progress_points(moments: list[datetime], zone_name: str) -> list[CheckInPoint]:
    """Bucket sorted check-in times into cumulative points (see check_in_progress)."""
    if not moments:
        return []
    local = zone(zone_name)
    step = timedelta(minutes=10) if moments[-1] - moments[0] <= timedelta(hours=3) else timedelta(hours=1)
    minutes = int(step.total_seconds() // 60)
    first = moments[0].astimezone(local)
    start = first.replace(minute=first.minute - first.minute % minutes, second=0, microsecond=0)
    points: list[CheckInPoint] = []
    index, bucket_end = 0, start + step
    while index < len(moments):
        while index < len(moments) and moments[index] < bucket_end:
            index += 1
        points.append(CheckInPoint(label=f"{bucket_end - step:%H:%M}", checked_in=index))
        bucket_end += step
    return points
