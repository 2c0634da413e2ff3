"""Announcements to ticket holders (#22 §2): who they reach (one email per address, the opted-out
left out), validation, scheduling and the claim that sends each once, the event's rate, cancelling,
and what holders read (services/tickets/announcements.py, announcement_audience.py, announcement_opt_outs.py)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import Announcement, OutboxEmail, Ticket, TicketStatus
from eventpalour.models.types import utcnow
from eventpalour.services import tickets
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from eventpalour.services.platform.outbox import deliver_due
from eventpalour.services.sales import checkout
from eventpalour.services.tickets import announcement_opt_outs, announcements
from eventpalour.services.tickets.announcements import AnnouncementForm, AnnouncementInput
from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace


class Scene:
    """A free event with two tiers and four holders: Ann (two General tickets), Bo (VIP), Cy (General,
    checked in) and Di (General)."""

    def __init__(self) -> None:
        self.owner = make_organizer()
        workspace = make_workspace(self.owner)
        self.workspace_id = workspace.id
        self.event = make_event(
            self.owner,
            workspace.id,
            publish=True,
            tiers=[
                TierInput(name="General", price=0, quantity=50, max_per_order=5),
                TierInput(name="VIP", price=0, quantity=10, max_per_order=5),
            ],
        )
        self.tiers = {t.name: t.id for t in get_tiers(actor=self.owner.summary, event_id=self.event.id)}
        self.ann, self.bo, self.cy, self.di = (make_user(full_name=n) for n in ("Ann", "Bo", "Cy", "Di"))
        self._register(self.ann, "General", 2)
        self._register(self.bo, "VIP", 1)
        cy_tickets = self._register(self.cy, "General", 1)
        self._register(self.di, "General", 1)
        with transaction() as session:  # as the door leaves a scanned ticket
            session.execute(update(Ticket).where(col(Ticket.id).in_(cy_tickets)).values(status=TicketStatus.USED))

    def _register(self, holder, tier: str, count: int) -> list[str]:
        result = checkout.book_ticket(
            actor=holder.summary, event_id=self.event.id, quantities={self.tiers[tier]: count}
        )
        with read_only() as session:
            return list(session.exec(select(Ticket.id).where(Ticket.order_id == result.order_id)))

    def send(self, **changes) -> announcements.AnnouncementRow:
        """Record the announcement, then run one pass of the worker's announcement loop (a "send now"
        one is due at once, and only the worker fans it out), as the organizer sees it after."""
        data = {"subject": "Doors open at 6", "body": "See you **soon**.", **changes}
        row = announcements.create_announcement(
            actor=self.owner.summary, event_id=self.event.id, data=AnnouncementInput(**data)
        )
        announcements.send_due_announcements()
        return _listed(self, row.id)


@pytest.fixture
def scene() -> Scene:
    return Scene()


def _listed(scene: Scene, announcement_id: str) -> announcements.AnnouncementRow:
    rows = announcements.list_announcements(actor=scene.owner.summary, event_id=scene.event.id)
    return next(row for row in rows if row.id == announcement_id)


def _announcement_emails() -> list[OutboxEmail]:
    with read_only() as session:
        return list(
            session.exec(
                select(OutboxEmail).where(OutboxEmail.kind == "announcement").order_by(col(OutboxEmail.to_email))
            )
        )


def _recipients() -> list[str]:
    return sorted(e.to_email for e in _announcement_emails())


def _make_due(announcement_id: str) -> None:
    with transaction() as session:
        session.execute(
            update(Announcement)
            .where(col(Announcement.id) == announcement_id)
            .values(send_at=utcnow() - timedelta(seconds=1))
        )


def _fields(problem: ValidationFailed) -> dict[str, str]:
    return {detail.path[-1]: detail.message for detail in problem.details}


@pytest.mark.parametrize(
    ("audience", "tiers", "who"),
    [
        ("all", (), ("ann", "bo", "cy", "di")),
        ("tiers", ("VIP",), ("bo",)),
        ("tiers", ("VIP", "General"), ("ann", "bo", "cy", "di")),
        ("checked_in", (), ("cy",)),
        ("not_checked_in", (), ("ann", "bo", "di")),
    ],
)
def test_each_audience_gets_one_email_per_holder_address(scene, audience, tiers, who):
    row = scene.send(audience=audience, tier_ids=tuple(scene.tiers[t] for t in tiers))
    expected = sorted(getattr(scene, name).email for name in who)
    assert _recipients() == expected  # Ann holds two tickets and gets one email
    assert (row.status, row.recipients_count, row.recipients_label) == ("sent", len(who), row.recipients_label)
    assert row.recipients_label == (f"{len(who)} recipients" if len(who) > 1 else "1 recipient")
    assert not row.can_cancel


def test_a_ticket_given_back_reaches_nobody(scene):
    with transaction() as session:
        session.execute(
            update(Ticket).where(col(Ticket.holder_id) == scene.di.summary.id).values(status=TicketStatus.CANCELLED)
        )
    scene.send()
    assert scene.di.email not in _recipients()


def test_unsubscribed_holders_get_no_announcements_of_that_event_until_they_resubscribe(scene):
    token = announcement_opt_outs.unsubscribe_token(scene.event.id, scene.bo.email)
    stopped = announcement_opt_outs.unsubscribe_from_announcements(token=token)
    assert (stopped.subscribed, stopped.can_resubscribe, stopped.event_title) == (False, True, scene.event.title)
    assert scene.bo.email not in stopped.masked_email  # the page shows the address masked
    announcement_opt_outs.unsubscribe_from_announcements(token=token)  # a second click changes nothing
    scene.send()
    assert scene.bo.email not in _recipients() and len(_recipients()) == 3
    again = announcement_opt_outs.resubscribe_to_announcements(token=token)
    assert again.subscribed and again.can_unsubscribe
    scene.send(subject="Second")
    assert _recipients().count(scene.bo.email) == 1


def test_every_announcement_email_carries_its_own_unsubscribe_link_and_safe_html(scene):
    scene.send(body="Hello <script>alert(1)</script> [x](javascript:alert(1)) **bold**")
    email = next(e for e in _announcement_emails() if e.to_email == scene.ann.email)
    token = announcement_opt_outs.unsubscribe_token(scene.event.id, scene.ann.email)
    assert f"/announcements/unsubscribe/{token}" in email.text_body
    assert f"/announcements/unsubscribe/{token}" in email.html_body
    assert "<script>" not in email.html_body and "&lt;script&gt;" in email.html_body
    assert 'href="javascript:' not in email.html_body and "<strong>bold</strong>" in email.html_body
    assert email.subject == f"Doors open at 6 · {scene.event.title}"


def test_a_forged_or_altered_link_is_refused(scene):
    token = announcement_opt_outs.unsubscribe_token(scene.event.id, scene.ann.email)
    other = announcement_opt_outs.unsubscribe_token(scene.event.id, scene.bo.email)
    for bad in ("", "nonsense", token[:-2] + "xx", token.split(".")[0] + "." + other.split(".")[1]):
        with pytest.raises(NotFound):
            announcement_opt_outs.unsubscribe_from_announcements(token=bad)
    with read_only() as session:
        assert announcement_opt_outs.opted_out(session, scene.event.id) == set()


def test_every_bad_field_is_named_and_nothing_is_recorded(scene):
    with pytest.raises(ValidationFailed) as bad:
        scene.send(subject=" ", body="", audience="tiers", send_at=utcnow() - timedelta(minutes=1))
    assert set(_fields(bad.value)) == {"subject", "body", "tier_ids", "send_at"}
    with pytest.raises(ValidationFailed) as bad:
        scene.send(subject="x" * 151, audience="everyone")
    assert set(_fields(bad.value)) == {"subject", "audience"}
    with pytest.raises(ValidationFailed) as bad:
        scene.send(audience="tiers", tier_ids=("not-a-tier",))
    assert _fields(bad.value) == {"tier_ids": "Choose ticket types of this event."}
    with pytest.raises(ValidationFailed) as bad:
        announcements.create_from_form(
            actor=scene.owner.summary,
            event_id=scene.event.id,
            form=AnnouncementForm(subject="Hi", body="", schedule=True, send_at_local="tomorrow"),
        )
    assert set(_fields(bad.value)) == {"body", "send_at"}
    assert announcements.list_announcements(actor=scene.owner.summary, event_id=scene.event.id) == []
    assert _announcement_emails() == []


def test_send_now_to_an_empty_audience_is_refused(scene):
    with pytest.raises(ValidationFailed) as bad:
        scene.send(audience="tiers", tier_ids=())
    assert "tier_ids" in _fields(bad.value)
    with transaction() as session:
        session.execute(update(Ticket).values(status=TicketStatus.VALID))
    with pytest.raises(ValidationFailed) as bad:
        scene.send(audience="checked_in")
    assert _fields(bad.value) == {"audience": "No ticket holder is in this audience yet: nobody would get it."}


def test_only_moderators_and_above_write_or_read_announcements(scene):
    member = make_user()
    add_member(scene.workspace_id, member, "member")
    with pytest.raises(PermissionDenied):
        announcements.create_announcement(
            actor=member.summary, event_id=scene.event.id, data=AnnouncementInput(subject="Hi", body="Yo")
        )
    with pytest.raises(PermissionDenied):
        announcements.list_announcements(actor=scene.bo.summary, event_id=scene.event.id)
    moderator = make_user()
    add_member(scene.workspace_id, moderator, "moderator")
    row = announcements.create_announcement(
        actor=moderator.summary, event_id=scene.event.id, data=AnnouncementInput(subject="Hi", body="Yo")
    )
    announcements.send_due_announcements()
    assert _listed(scene, row.id).recipients_count == 4


def test_send_now_only_records_it_and_the_worker_fans_it_out(scene):
    row = announcements.create_announcement(
        actor=scene.owner.summary, event_id=scene.event.id, data=AnnouncementInput(subject="Hi", body="Yo")
    )
    assert (row.status, row.status_label, row.when_label) == ("scheduled", "Queued", "Queued: sending now")
    assert row.recipients_count == 0 and _announcement_emails() == []  # nothing queued inside the request
    assert announcements.send_due_announcements() == 1
    assert len(_announcement_emails()) == 4 and _listed(scene, row.id).status == "sent"
    assert announcements.send_due_announcements() == 0 and len(_announcement_emails()) == 4


def test_announcement_emails_carry_one_click_list_unsubscribe_headers(scene):
    from eventpalour.integrations import mail

    scene.send()
    email = next(e for e in _announcement_emails() if e.to_email == scene.ann.email)
    token = announcement_opt_outs.unsubscribe_token(scene.event.id, scene.ann.email)
    one_click = f"{settings.app_url}/api/announcements/unsubscribe/{token}"
    assert email.headers == {
        "List-Unsubscribe": f"<{one_click}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    message = mail._build(email, [])  # the MIME message SMTP sends
    assert message["List-Unsubscribe"] == f"<{one_click}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with read_only() as session:
        confirmation = session.exec(select(OutboxEmail).where(OutboxEmail.kind != "announcement")).first()
    assert confirmation.headers == {}  # transactional emails carry no unsubscribe header
    assert mail._build(confirmation, [])["List-Unsubscribe"] is None


def test_a_scheduled_announcement_is_sent_once_when_due_even_by_two_workers(scene):
    local = (utcnow() + timedelta(hours=2)).astimezone(settings_zone(scene)).strftime("%Y-%m-%dT%H:%M")
    row = announcements.create_from_form(
        actor=scene.owner.summary,
        event_id=scene.event.id,
        form=AnnouncementForm(subject="Parking", body="Use gate B.", schedule=True, send_at_local=local),
    )
    assert (row.status, row.can_cancel, row.recipients_label) == ("scheduled", True, "")
    assert row.when_label.startswith("Scheduled for ")
    assert announcements.send_due_announcements() == 0 and _announcement_emails() == []
    _make_due(row.id)
    results: list[int | None] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        barrier.wait()
        results.append(announcements.send_announcement(row.id))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=lambda r: r is None) == [4, None]
    assert announcements.send_due_announcements() == 0
    assert len(_announcement_emails()) == 4
    sent = announcements.list_announcements(actor=scene.owner.summary, event_id=scene.event.id)[0]
    assert (sent.status, sent.recipients_count) == ("sent", 4) and sent.when_label.startswith("Sent ")


def settings_zone(scene: Scene):
    from zoneinfo import ZoneInfo

    return ZoneInfo(scene.event.timezone)


def test_the_worker_pass_sends_every_due_announcement(scene):
    first = scene.send(send_at=utcnow() + timedelta(minutes=5))
    second = scene.send(send_at=utcnow() + timedelta(minutes=6), audience="checked_in")
    _make_due(first.id)
    _make_due(second.id)
    assert announcements.send_due_announcements() == 2
    assert len(_announcement_emails()) == 5
    assert announcements.send_due_announcements() == 0


def test_cancelling_a_scheduled_announcement_stops_it(scene):
    row = scene.send(send_at=utcnow() + timedelta(days=1))
    cancelled = announcements.cancel_announcement(
        actor=scene.owner.summary, event_id=scene.event.id, announcement_id=row.id
    )
    assert (cancelled.status, cancelled.can_cancel, cancelled.status_label) == ("cancelled", False, "Cancelled")
    _make_due(row.id)
    assert announcements.send_due_announcements() == 0 and _announcement_emails() == []
    with pytest.raises(Conflict):
        announcements.cancel_announcement(actor=scene.owner.summary, event_id=scene.event.id, announcement_id=row.id)
    sent = scene.send()
    with pytest.raises(Conflict):
        announcements.cancel_announcement(actor=scene.owner.summary, event_id=scene.event.id, announcement_id=sent.id)
    with pytest.raises(NotFound):
        announcements.cancel_announcement(actor=scene.owner.summary, event_id=scene.event.id, announcement_id="nope")


def test_emails_keep_to_the_events_rate_across_announcements(scene, monkeypatch):
    monkeypatch.setattr(settings, "announcement_emails_per_minute", 3)
    before = utcnow()
    scene.send()  # 4 recipients: 3 now, 1 a minute later
    scene.send(subject="Again")  # carries on a minute after that
    slots = sorted(e.next_attempt_at for e in _announcement_emails())
    minutes = [round((slot - slots[0]).total_seconds() / 60) for slot in slots]
    assert minutes == [0, 0, 0, 1, 2, 2, 2, 3]
    assert slots[0] >= before - timedelta(seconds=1)
    deliver_due(limit=100)  # the outbox sends this minute's batch only
    assert sorted(e.status for e in _announcement_emails()) == ["pending"] * 5 + ["sent"] * 3


def test_holders_read_the_sent_announcements_that_reached_their_tickets(scene):
    scene.send(subject="For everyone")
    scene.send(subject="VIP lounge", audience="tiers", tier_ids=(scene.tiers["VIP"],))
    scene.send(subject="Later", send_at=utcnow() + timedelta(days=1))  # not sent: nobody sees it
    short = scene.event.short_id
    bo = announcements.event_announcements(actor=scene.bo.summary, event_short_id=short)
    assert [a.subject for a in bo] == ["VIP lounge", "For everyone"]
    assert "<strong>soon</strong>" in bo[0].body_html and bo[0].event_title == scene.event.title
    ann = announcements.event_announcements(actor=scene.ann.summary, event_short_id=short)
    assert [a.subject for a in ann] == ["For everyone"]
    assert announcements.event_announcements(actor=make_user().summary, event_short_id=short) == []
    assert announcements.event_announcements(actor=None, event_short_id=short) == []
    assert [a.subject for a in announcements.my_announcements(actor=scene.bo.summary)] == [
        "VIP lounge",
        "For everyone",
    ]
    # The event page's one read of its buyer's things says what the three reads say.
    for person in (scene.bo, scene.ann, make_user()):
        mine = tickets.buyer_event_view(actor=person.summary, event_short_id=short)
        assert mine.announcements == announcements.event_announcements(actor=person.summary, event_short_id=short)
        assert mine.tickets == tickets.my_event_tickets(actor=person.summary, event_short_id=short)
        assert mine.hold is None
    assert [t.short_code for t in tickets.buyer_event_view(actor=scene.bo.summary, event_short_id=short).tickets]
    assert tickets.buyer_event_view(actor=None, event_short_id=short) == tickets.BuyerEventView()


async def test_the_tab_previews_validates_sends_and_cancels(scene):
    from eventpalour.state.announcements import EventAnnouncementsState
    from eventpalour.state.events import EventManageState
    from tests.state_support import run_handler, state_for

    manage = state_for(
        EventManageState, token=scene.owner.token, path=f"/workspace/{scene.workspace_id}/events/{scene.event.short_id}"
    )
    await run_handler(manage, "load_event")
    tab = await manage.get_state(EventAnnouncementsState)
    await run_handler(tab, "load_announcements")
    assert tab.announcements_loaded and tab.lines == [] and {t.name for t in tab.tier_choices} == set(scene.tiers)

    await run_handler(tab, "set_field", "body", "Hi <img src=x onerror=alert(1)> *there*")
    assert tab.preview_html == "<p>Hi &lt;img src=x onerror=alert(1)&gt; <em>there</em></p>\n"
    await run_handler(tab, "set_audience", "tiers")
    await run_handler(tab, "set_schedule", "later")
    await run_handler(tab, "submit")
    assert set(tab.field_errors) == {"subject", "tier_ids", "send_at"} and _announcement_emails() == []

    await run_handler(tab, "set_field", "subject", "VIP lounge")
    await run_handler(tab, "toggle_tier", scene.tiers["VIP"], True)
    await run_handler(tab, "set_schedule", "now")
    await run_handler(tab, "submit")
    assert tab.field_errors == {} and tab.form.subject == "" and tab.preview_html == ""
    assert _recipients() == []  # queued: the worker sends it
    announcements.send_due_announcements()
    assert _recipients() == [scene.bo.email]

    later = (utcnow() + timedelta(days=2)).astimezone(settings_zone(scene)).strftime("%Y-%m-%dT%H:%M")
    for name, value in (("subject", "Tomorrow"), ("body", "Bring a coat."), ("send_at_local", later)):
        await run_handler(tab, "set_field", name, value)
    await run_handler(tab, "set_schedule", "later")
    await run_handler(tab, "submit")
    await run_handler(tab, "load_announcements")
    assert [(line.subject, line.status, line.recipients, line.can_cancel) for line in tab.lines] == [
        ("Tomorrow", "Scheduled", "—", True),
        ("VIP lounge", "Sent", "1 recipient", False),
    ]
    await run_handler(tab, "cancel", tab.lines[0].id)
    await run_handler(tab, "load_announcements")
    assert tab.lines[0].status == "Cancelled" and not tab.lines[0].can_cancel


def test_unsubscribing_stops_announcements_only_not_the_events_own_emails(scene):
    from eventpalour.services.events import lifecycle

    token = announcement_opt_outs.unsubscribe_token(scene.event.id, scene.bo.email)
    announcement_opt_outs.unsubscribe_from_announcements(token=token)
    later = utcnow() + timedelta(days=30)
    lifecycle.change_status(
        actor=scene.owner.summary,
        event_id=scene.event.id,
        action="postpone",
        new_start=later,
        new_end=later + timedelta(hours=2),
    )
    with read_only() as session:
        postponed = session.exec(
            select(OutboxEmail.to_email).where(
                OutboxEmail.kind == "event_postponed", OutboxEmail.to_email == scene.bo.email
            )
        ).all()
    assert postponed == [scene.bo.email]
