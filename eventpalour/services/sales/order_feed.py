"""An event's orders for the organizer API (#23 §2): oldest first, filtered by status group and
creation time, in cursor pages, so an integration can read every order once and then only new ones.

The rows are the Orders tab's (`order_lists.order_rows`); the status groups are its `STATUS_FILTERS`.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_
from sqlmodel import col, select

from eventpalour.db import read_only
from eventpalour.models import DiscountCode, Order, User
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, ValidationFailed
from eventpalour.services.sales.order_lists import STATUS_FILTERS, EventOrderRow, order_rows
from eventpalour.services.workspaces import WorkspaceAction, load_event_for

MAX_FEED_PAGE = 100
BAD_CURSOR = N_("This cursor is not one this API gave out. Start again without it.")


@dataclass(frozen=True)
class OrderFeedPage:
    rows: list[EventOrderRow]
    next_cursor: str  # "" on the last page


def encode_cursor(created_at: datetime, order_id: str) -> str:
    """Where the next page starts: just after the order created at `created_at` with id `order_id`."""
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{order_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, order_id = text.split("|", 1)
        return datetime.fromisoformat(moment), order_id
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationFailed.field("cursor", BAD_CURSOR) from None


def event_order_feed(
    *,
    actor: UserSummary | None,
    event_id: str,
    status: str = "",
    since: datetime | None = None,
    cursor: str = "",
    limit: int = 50,
) -> OrderFeedPage:
    """Up to `limit` of the event's orders, oldest first (moderators and above).

    `status` is one of STATUS_FILTERS (empty: all); `since` keeps orders created at or after it;
    `cursor` is a page's `next_cursor`. Raises ValidationFailed (`status`, `limit`, `cursor`),
    NotAuthenticated, NotFound, PermissionDenied.
    """
    if status and status not in STATUS_FILTERS:
        raise ValidationFailed.field(
            "status",
            N_("Unknown status '{status}'. Choose from {choices}."),
            status=status,
            choices=", ".join(STATUS_FILTERS),
        )
    if not 1 <= limit <= MAX_FEED_PAGE:
        raise ValidationFailed.field("limit", N_("Ask for 1 to {count} orders a page."), count=MAX_FEED_PAGE)
    after = decode_cursor(cursor) if cursor else None
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.VIEW_ATTENDEES)
        query = (
            select(Order, User, DiscountCode.code)
            .join(User, col(User.id) == col(Order.buyer_id))
            .outerjoin(DiscountCode, col(DiscountCode.id) == col(Order.discount_code_id))
            .where(Order.event_id == event.id)
        )
        if status:
            query = query.where(col(Order.status).in_(STATUS_FILTERS[status]))
        if since is not None:
            query = query.where(col(Order.created_at) >= since)
        if after is not None:
            moment, order_id = after
            query = query.where(
                or_(col(Order.created_at) > moment, and_(col(Order.created_at) == moment, col(Order.id) > order_id))
            )
        found = list(session.exec(query.order_by(col(Order.created_at), col(Order.id)).limit(limit + 1)).all())
        more = len(found) > limit
        rows = order_rows(session, found[:limit])
    last = rows[-1] if rows else None
    return OrderFeedPage(rows=rows, next_cursor=encode_cursor(last.created_at, last.order_id) if more and last else "")
