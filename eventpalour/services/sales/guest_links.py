"""The link a guest buyer's confirmation email carries to their order's tickets (#24 §1).

Signed with the app's key for this one purpose (a token of another purpose, e.g. a trusted browser,
never opens it), naming one order, and expiring after GUEST_LINK_DAYS: whoever holds the email may
see the tickets without an account, nobody can make a link to someone else's order.
"""

from __future__ import annotations

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import platform

PURPOSE = "guest-order-tickets"
GUEST_LINK_DAYS = 120
"""Long enough for a ticket bought months ahead to be opened at the door; a lost link is re-sent by
buying no further: signing in with the same email claims the tickets (claim_guest_orders)."""


def guest_link_token(order_id: str) -> str:
    return platform.sign_value({"order": order_id}, purpose=PURPOSE)


def guest_link(order_id: str) -> str:
    """The absolute URL of the order's tickets page, as the email carries it."""
    return settings.app_url + routes.guest_tickets_url(guest_link_token(order_id))


def order_of_link(token: str) -> str | None:
    """The order a genuine, unexpired link names; None for a forged, altered or expired one."""
    payload = platform.signed_value(token, purpose=PURPOSE, max_age=GUEST_LINK_DAYS * 24 * 3600)
    order_id = payload.get("order") if payload else None
    return order_id if isinstance(order_id, str) and order_id else None
