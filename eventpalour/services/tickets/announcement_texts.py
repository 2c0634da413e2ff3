"""An announcement's text messages (#23 §3): its headline and the event's link, by SMS to the
recipients who gave a phone on an order, when the event sends SMS. The body stays in the email."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.models import Event
from eventpalour.services import sales
from eventpalour.services.platform import SmsMessage, announcement_sms_text, enqueue_sms
from eventpalour.services.tickets.announcement_audience import Recipient


def queue_texts(
    session: Session, event: Event, subject: str, to: list[Recipient], *, slots: tuple[datetime, timedelta, int]
) -> int:
    """Queue one SMS per recipient with a known phone, in the caller's transaction, each in the rate
    slot of its email (`slots`: the first slot, a slot's length, messages per slot). Returns how many."""
    if not sales.asks_sms_phone(event.sms_tickets):
        return 0
    start, slot, per_slot = slots
    phones = sales.known_phones(session, [person.user_id for person in to])
    link = settings.app_url + routes.event_url(event.short_id)
    queued = 0
    for index, person in enumerate(to):
        if phone := phones.get(person.user_id):
            # The words around the organizer's subject in the holder's language.
            text = announcement_sms_text(event_title=event.title, subject=subject, link=link, language=person.language)
            message = SmsMessage(
                to_email=person.email, to_phone=phone, subject=f"SMS: {subject}", text=text, kind="announcement_sms"
            )
            enqueue_sms(session, message, not_before=start + slot * (index // per_slot))
            queued += 1
    return queued
