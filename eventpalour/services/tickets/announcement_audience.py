"""Who an announcement reaches (#22 §2): the one rule, used to address its emails and to show it to
holders on the event page and /tickets.

A ticket reaches an audience by its status and tier: every ticket that admits or admitted someone
(ADMISSION_STATUSES), a chosen tier's, the checked-in ones, or those not checked in (the Attendees
tab's scan filters, so "checked in" means the same on both). A ticket given away, refunded or
cancelled reaches nobody: its new holder's ticket stands in its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from eventpalour.models import ADMISSION_STATUSES, AnnouncementAudience, Ticket, User
from eventpalour.services.identity import email_key
from eventpalour.services.platform import N_, language_or_default
from eventpalour.services.tickets.announcement_opt_outs import opted_out
from eventpalour.services.tickets.attendees import SCAN_FILTERS

# The audience that names its tiers: the form shows the tier boxes for it.
TIERS_AUDIENCE = AnnouncementAudience.TIERS.value
AUDIENCE_LABELS = {
    AnnouncementAudience.ALL: N_("All ticket holders"),
    AnnouncementAudience.TIERS: N_("Chosen ticket types"),
    AnnouncementAudience.CHECKED_IN: N_("Checked in"),
    AnnouncementAudience.NOT_CHECKED_IN: N_("Not checked in"),
}


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    user_id: str = ""
    language: str = "en"  # the holder's choice: the email's footer speaks it


def reaches(audience: str, tier_ids: Sequence[str], ticket_status: str, ticket_tier_id: str) -> bool:
    """Whether a ticket in `ticket_status` of tier `ticket_tier_id` is in the audience."""
    if ticket_status not in ADMISSION_STATUSES:
        return False
    if audience == AnnouncementAudience.TIERS:
        return ticket_tier_id in tier_ids
    if audience == AnnouncementAudience.CHECKED_IN:
        return ticket_status in SCAN_FILTERS["checked_in"]
    if audience == AnnouncementAudience.NOT_CHECKED_IN:
        return ticket_status in SCAN_FILTERS["not_checked_in"]
    return audience == AnnouncementAudience.ALL


def recipients(session: Session, event_id: str, audience: str, tier_ids: Sequence[str]) -> list[Recipient]:
    """One recipient per holder address the audience reaches (however many tickets it holds), minus
    the addresses that opted out of the event's announcements; in address order."""
    rows = session.exec(
        select(User.email, User.full_name, User.username, Ticket.status, Ticket.tier_id, User.id, User.language)
        .join(User, col(User.id) == col(Ticket.holder_id))
        .where(Ticket.event_id == event_id, col(Ticket.status).in_(ADMISSION_STATUSES))
    ).all()
    stopped = opted_out(session, event_id)
    found: dict[str, Recipient] = {}
    for email, full_name, username, status, tier_id, user_id, language in rows:
        key = email_key(email)[0]
        if key in found or key in stopped or not reaches(audience, tier_ids, status, tier_id):
            continue
        found[key] = Recipient(
            email=email, name=full_name or username or "", user_id=user_id, language=language_or_default(language)
        )
    return [found[key] for key in sorted(found)]
