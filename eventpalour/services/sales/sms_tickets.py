"""SMS tickets (#23 §3): the buyer's phone asked at checkout, and who has a phone to text.

An organizer turns on `events.sms_tickets`; checkout then takes an optional phone, normalised to
E.164 by the one phone rule (`answer_rules.normalize_phone`, the attendee questions' too: a national
number is read in the country of the event's currency) and kept on the order. The confirmation
goes to that number; a transfer's recipient and an announcement's audience are texted at the phone
they last gave on an order, when the event sends SMS.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, and_, func, select, update
from sqlmodel import Session

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.models import Order
from eventpalour.services import platform
from eventpalour.services.platform import ValidationFailed
from eventpalour.services.sales.answer_rules import CURRENCY_COUNTRY, BadAnswer, normalize_phone

PHONE_FIELD = "phone"
CHUNK = 500
_orders = Order.__table__


def asks_phone(sms_tickets: bool) -> bool:
    """Whether checkout asks for a phone: the event sends SMS and this deployment can send them."""
    return sms_tickets and settings.sms_enabled


def checked_phone(raw: str | None, *, sms_tickets: bool, currency: str) -> str | None:
    """The phone typed at checkout as stored: E.164, or None when left empty or the event sends no
    SMS. Raises ValidationFailed on the `phone` field for a number that cannot be read."""
    typed = (raw or "").strip()
    if not typed or not asks_phone(sms_tickets):
        return None
    try:
        return normalize_phone(typed, CURRENCY_COUNTRY.get(currency))
    except BadAnswer as bad:
        raise ValidationFailed(bad.template, details=[bad.field_error((PHONE_FIELD,))], values=bad.values) from None


def known_phones(connection: Connection | Session, user_ids: Iterable[str]) -> dict[str, str]:
    """The phone each of `user_ids` gave on their latest order that has one (users without one are
    left out). Asked in chunks, so an announcement to thousands stays within any driver's limits."""
    wanted, found = sorted(set(user_ids)), {}
    for start in range(0, len(wanted), CHUNK):
        found.update(_latest_phones(connection, wanted[start : start + CHUNK]))
    return found


def _latest_phones(connection: Connection | Session, user_ids: list[str]) -> dict[str, str]:
    latest = (
        select(_orders.c.buyer_id, func.max(_orders.c.created_at).label("at"))
        .where(_orders.c.buyer_id.in_(user_ids), _orders.c.buyer_phone.is_not(None))
        .group_by(_orders.c.buyer_id)
        .subquery()
    )
    rows = connection.execute(
        select(_orders.c.buyer_id, _orders.c.buyer_phone).join(
            latest, and_(_orders.c.buyer_id == latest.c.buyer_id, _orders.c.created_at == latest.c.at)
        )
    ).all()
    return {buyer_id: phone for buyer_id, phone in rows if phone}


def forget_phones_of(session: Session, user_id: str) -> int:
    """Erase the phones on `user_id`'s orders (the account is being deleted); how many orders had one."""
    return session.execute(
        update(_orders)
        .where(_orders.c.buyer_id == user_id, _orders.c.buyer_phone.is_not(None))
        .values(buyer_phone=None)
    ).rowcount


def queue_ticket_sms(
    connection: Connection | Session,
    *,
    to_email: str,
    phone: str,
    event_title: str,
    codes: list[str],
    language: str = platform.DEFAULT_LANGUAGE,
) -> None:
    """Queue the confirmation's text message (the event, the codes, the tickets link) in the buyer's
    `language`, in the caller's transaction."""
    link = settings.app_url + routes.MY_TICKETS
    text = platform.ticket_sms_text(event_title=event_title, codes=codes, link=link, language=language)
    platform.enqueue_sms(
        connection,
        platform.SmsMessage(
            to_email=to_email,
            to_phone=phone,
            subject=f"SMS: your tickets for {event_title}",
            text=text,
            kind="order_sms",
        ),
    )
