"""The words of every email we send. Each builder returns an `EmailMessage` ready to queue."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from eventpalour.config import settings
from eventpalour.services.platform.i18n import N_, gettext, ticket_count_words
from eventpalour.services.platform.outbox import EmailMessage


def _brand() -> str:
    """The platform's name as the deployment's settings give it (PLATFORM_NAME), read at send time."""
    return settings.platform_name


def _speaker(language: str):
    """`_("English {x}", x=…)`: a text in `language` with its values filled in (pybabel extracts `_`)."""

    def _(text: str, **values: object) -> str:
        return gettext(language, text).format(**values)

    return _


def _html(heading: str, paragraphs: list[str], *, highlight: str | None = None) -> str:
    body = "".join(f"<p style='margin:0 0 12px'>{p}</p>" for p in paragraphs)
    code = (
        f"<p style='font-size:28px;letter-spacing:6px;font-weight:700;margin:16px 0'>{escape(highlight)}</p>"
        if highlight
        else ""
    )
    return (
        "<div style='font-family:system-ui,sans-serif;max-width:520px;margin:auto;padding:24px'>"
        f"<h2 style='color:#6e56cf;margin:0 0 16px'>{escape(heading)}</h2>{code}{body}"
        f"<p style='color:#888;font-size:12px;margin-top:24px'>{_brand()}</p></div>"
    )


def verification_code(to_email: str, name: str, code: str, language: str = "en") -> EmailMessage:
    """The sign-up code, in the language the account was made in (#23 §1)."""

    def _(text: str, **values: str) -> str:
        return gettext(language, text).format(**values)

    greeting = _("Hi {name},", name=name) if name else _("Hi,")
    brand = _brand()
    text = (
        f"{greeting}\n\n"
        + _("Your {brand} verification code is: {code}", brand=brand, code=code)
        + "\n\n"
        + _("It is valid for 15 minutes. If you did not sign up, you can ignore this email.")
        + "\n"
    )
    html = _html(
        _("Verify your email"),
        [escape(greeting), escape(_("Enter this code to verify your email. It is valid for 15 minutes."))],
        highlight=code,
    )
    return EmailMessage(
        to_email=to_email,
        subject=_("Your {brand} verification code: {code}", brand=brand, code=code),
        text_body=text,
        html_body=html,
        kind="verification_code",
    )


def account_deletion_code(to_email: str, name: str, code: str, language: str = "en") -> EmailMessage:
    _ = _speaker(language)
    greeting = _("Hi {name},", name=name) if name else _("Hi,")
    text = (
        f"{greeting}\n\n"
        + _("Your code to delete your {brand} account is: {code}", brand=_brand(), code=code)
        + "\n\n"
        + _(
            "It is valid for 15 minutes. Deleting erases your profile and signs you out everywhere; it cannot "
            "be undone. If you did not ask for this, ignore this email and consider changing your password."
        )
        + "\n"
    )
    html = _html(
        _("Confirm deleting your account"),
        [
            escape(greeting),
            escape(_("Enter this code on your account page to delete your account. It is valid for 15 minutes.")),
            escape(
                _(
                    "Deleting cannot be undone. If you did not ask for this, ignore this email and consider "
                    "changing your password."
                )
            ),
        ],
        highlight=code,
    )
    return EmailMessage(
        to_email=to_email,
        subject=_("Your code to delete your {brand} account: {code}", brand=_brand(), code=code),
        text_body=text,
        html_body=html,
        kind="account_deletion_code",
    )


def password_reset(to_email: str, name: str, reset_url: str, language: str = "en") -> EmailMessage:
    _ = _speaker(language)
    greeting = _("Hi {name},", name=name) if name else _("Hi,")
    text = (
        f"{greeting}\n\n"
        + _("Someone asked to reset the password of your {brand} account.", brand=_brand())
        + "\n"
        + _("Open this link within one hour to choose a new password:")
        + f"\n\n{reset_url}\n\n"
        + _("If it was not you, ignore this email: your password stays as it is.")
        + "\n"
    )
    html = _html(
        _("Reset your password"),
        [
            escape(greeting),
            escape(_("Someone asked to reset the password of your account. The link works once, within one hour.")),
            f"<a href='{escape(reset_url)}' style='color:#6e56cf;font-weight:600'>"
            f"{escape(_('Choose a new password'))}</a>",
            escape(_("If it was not you, ignore this email: your password stays as it is.")),
        ],
    )
    return EmailMessage(
        to_email=to_email,
        subject=_("Reset your {brand} password", brand=_brand()),
        text_body=text,
        html_body=html,
        kind="password_reset",
    )


def workspace_invitation(
    to_email: str, workspace_name: str, inviter: str, role: str, url: str, language: str = "en"
) -> EmailMessage:
    """An invitation to a workspace, in the invitee's language (their account's, else the inviter's);
    `role` is the role's noun as the catalogs hold it ("moderator", services/workspaces ROLE_NAMES)."""
    _ = _speaker(language)
    who = inviter or _("A teammate")
    role_name = gettext(language, role)
    text = (
        _("Hi,")
        + "\n\n"
        + _(
            "{who} invited you to join {workspace} on {brand} as {role}.",
            who=who,
            workspace=workspace_name,
            brand=_brand(),
            role=role_name,
        )
        + "\n\n"
        + _("Accept the invitation (valid for 7 days):")
        + f"\n\n{url}\n\n"
        + _("If you do not have an account yet, you can create one with this email address first.")
        + "\n"
    )
    html = _html(
        _("Join {workspace}", workspace=workspace_name),
        [
            _(
                "{who} invited you to join {workspace} on {brand} as {role}.",
                who=escape(who),
                workspace=f"<strong>{escape(workspace_name)}</strong>",
                brand=escape(_brand()),
                role=escape(role_name),
            ),
            f"<a href='{escape(url)}' style='color:#6e56cf;font-weight:600'>{escape(_('Accept the invitation'))}</a>",
            escape(_("The link works for 7 days. No account yet? Create one with this email address first.")),
        ],
    )
    return EmailMessage(
        to_email=to_email,
        subject=_("{who} invited you to {workspace} on {brand}", who=who, workspace=workspace_name, brand=_brand()),
        text_body=text,
        html_body=html,
        kind="workspace_invitation",
    )


@dataclass(frozen=True)
class Organizer:
    """Who runs the event, as a ticket names them; `verified` is the workspace's blue ticket."""

    name: str
    verified: bool = False
    language: str = "en"  # the reader's: "Organized by" and the badge speak it

    @property
    def text(self) -> str:
        _ = _speaker(self.language)
        return _("Organized by {name}", name=self.name) + (_(" (verified organizer)") if self.verified else "")

    @property
    def html(self) -> str:
        _ = _speaker(self.language)
        badge = (
            " <span style='display:inline-block;background:#0090ff;color:#fff;border-radius:4px;"
            f"padding:1px 6px;font-size:12px;font-weight:600'>&#10003; {escape(_('Verified organizer'))}</span>"
            if self.verified
            else ""
        )
        return _("Organized by {name}", name=f"<strong>{escape(self.name)}</strong>") + badge


@dataclass(frozen=True)
class TicketLine:
    """One admission in a confirmation email."""

    ticket_id: str
    short_code: str
    tier_name: str
    attendee_name: str = ""  # when the event asks each ticket's attendee

    @property
    def caption(self) -> str:
        """The tier, and the attendee when named: "VIP · Amina Njeri"."""
        return f"{self.tier_name} · {self.attendee_name}" if self.attendee_name else self.tier_name


@dataclass(frozen=True)
class ConfirmationFacts:
    """What a confirmation says about the event and the order."""

    event_id: str
    event_title: str
    schedule: str
    place: str
    event_url: str
    reference: str
    total_label: str
    organizer: Organizer
    # What the order cost, line by line (sales.price_lines: tickets × n, the discount code, platform fee
    # when passed on, total).
    price_lines: tuple[tuple[str, str], ...] = ()
    # The event's refund policy in words (sales.policy_view: the summary, then the organizer's text);
    # empty for a free registration, which has nothing to refund.
    refund_policy: tuple[str, ...] = ()
    # A guest buyer's signed link to the order's tickets (sales.guest_link), "" for an account's order.
    guest_link: str = ""
    # The buyer's language (services/platform/i18n.py): the email, its dates and its money speak it.
    language: str = "en"


def order_confirmation(to_email: str, facts: ConfirmationFacts, tickets: list[TicketLine]) -> EmailMessage:
    """Free registration or purchase: a QR code per ticket (inline images) and the .ics invite, in the
    buyer's language (`facts.language`, #23 §1).

    The images and the invite are rendered when the email is sent (services/email_attachments),
    so fulfilment, which holds the database's write lock, never waits on image encoding.
    """
    language = facts.language

    def _(text: str, **values: str) -> str:
        return gettext(language, text).format(**values)

    title = facts.event_title
    free = facts.total_label == gettext(language, "Free")
    heading = _("You're registered for {event}", event=title) if free else _("You're going to {event}", event=title)
    count = ticket_count_words(len(tickets), language)
    lines = "\n".join(f"  - {t.short_code} ({t.caption})" for t in tickets)
    cost_text = "".join(f"{label}: {value}\n" for label, value in facts.price_lines)
    cost_html = "<br>".join(f"{escape(label)}: <strong>{escape(value)}</strong>" for label, value in facts.price_lines)
    refund_label = _("Refund policy:")
    policy_text = f"{refund_label} " + "\n".join(facts.refund_policy) + "\n\n" if facts.refund_policy else ""
    order_line = _("Order {reference}", reference=facts.reference)
    # Looked up outside the f-strings below: pybabel does not read calls inside an f-string.
    hi, page_label, page_link = _("Hi,"), _("Event page:"), _("Event page")
    guest_label, guest_view = _("Your tickets, any time, without an account:"), _("View your tickets")
    text = (
        f"{hi}\n\n{heading}!\n\n{facts.schedule}\n{facts.place}\n{facts.organizer.text}\n\n"
        f"{order_line} · {count} · {facts.total_label}\n{cost_text}{lines}\n\n"
        + _(
            "Each ticket's QR code is attached; show it (or type its code) at the door. "
            "Add the event to your calendar with the attached invite."
        )
        + "\n\n"
        f"{policy_text}"
        f"{page_label} {facts.event_url}\n"
    )
    if facts.guest_link:
        text += (
            f"\n{guest_label} {facts.guest_link}\n"
            + _(
                "Create an account with this email address to keep your tickets: they move into it once the "
                "address is verified."
            )
            + "\n"
        )
    policy_html = (
        [f"<strong>{escape(refund_label)}</strong> " + "<br>".join(escape(line) for line in facts.refund_policy)]
        if facts.refund_policy
        else []
    )
    qr_alt = _("QR code for ticket ")
    ticket_html = "".join(
        "<div style='display:inline-block;text-align:center;margin:8px;padding:12px;border:1px solid #ddd;"
        "border-radius:12px;background:#fff'>"
        f"<img src='cid:{_qr_cid(t.short_code)}' width='180' height='180' alt='{escape(qr_alt)}{t.short_code}'>"
        f"<div style='font-family:monospace;font-size:18px;letter-spacing:3px;font-weight:700'>{t.short_code}</div>"
        f"<div style='color:#666;font-size:13px'>{escape(t.caption)}</div></div>"
        for t in tickets
    )
    html = _html(
        heading,
        [
            f"<strong>{escape(facts.schedule)}</strong><br>{escape(facts.place)}<br>{facts.organizer.html}",
            f"{escape(order_line)} · {escape(count)} · {escape(facts.total_label)}",
            *([cost_html] if cost_html else []),
            ticket_html,
            escape(
                _("Show a QR code (or type its code) at the door. The attached invite adds the event to your calendar.")
            ),
            *policy_html,
            f"<a href='{escape(facts.event_url)}'>{escape(page_link)}</a>",
            *(
                [
                    f"<a href='{escape(facts.guest_link)}'>{escape(guest_view)}</a> "
                    + escape(
                        _(
                            "any time, without an account. Create an account with this email address to keep your "
                            "tickets: they move into it once the address is verified."
                        )
                    )
                ]
                if facts.guest_link
                else []
            ),
        ],
    )
    attachments = [
        {
            "filename": f"ticket-{t.short_code}.png",
            "content_type": "image/png",
            "inline_cid": _qr_cid(t.short_code),
            "render": {"kind": "ticket_qr", "ticket_id": t.ticket_id},
        }
        for t in tickets
    ]
    attachments.append(
        {
            "filename": "event.ics",
            "content_type": "text/calendar",
            "render": {"kind": "event_ics", "event_id": facts.event_id},
        }
    )
    return EmailMessage(
        to_email=to_email,
        subject=_("You're registered: {event}", event=title) if free else _("Your tickets for {event}", event=title),
        text_body=text,
        html_body=html,
        kind="order_confirmation",
        attachments=tuple(attachments),
    )


def _qr_cid(short_code: str) -> str:
    return f"qr-{short_code}@eventpalour"


def late_payment_refund(to_email: str, reference: str, money: str, language: str = "en") -> EmailMessage:
    _ = _speaker(language)
    return _simple(
        to_email,
        "late_payment_refund",
        _("Refund for order {reference}", reference=reference),
        _("Your payment is being refunded"),
        [
            _(
                "Your payment for order {reference} arrived after your reservation expired, and the tickets had "
                "sold out in the meantime. We are refunding {money} in full; you will get another email when "
                "Paystack has processed it, and your bank shows it within a few days after that.",
                reference=reference,
                money=money,
            ),
        ],
        language,
    )


def code_used_up_refund(to_email: str, reference: str, money: str, code: str, language: str = "en") -> EmailMessage:
    _ = _speaker(language)
    return _simple(
        to_email,
        "code_used_up_refund",
        _("Refund for order {reference}", reference=reference),
        _("Your payment is being refunded"),
        [
            _(
                "Your payment for order {reference} arrived after your reservation expired, and the code {code} "
                "had been used up by other buyers in the meantime. We are refunding {money} in full; you will get "
                "another email when Paystack has processed it, and your bank shows it within a few days after that.",
                reference=reference,
                code=code,
                money=money,
            ),
        ],
        language,
    )


def payment_mismatch_refund(
    to_email: str, event_title: str, reference: str, received: str, expected: str, language: str = "en"
) -> EmailMessage:
    _ = _speaker(language)
    return _simple(
        to_email,
        "payment_mismatch_refund",
        _("Your payment for {event} is being refunded", event=event_title),
        _("Your payment did not match your order"),
        [
            _(
                "Paystack charged you {received} for order {reference} ({event}), but the order's total "
                "is {expected}, so we could not issue your tickets.",
                received=received,
                reference=reference,
                event=event_title,
                expected=expected,
            ),
            _(
                "We are refunding the {received} in full; you will get another email when Paystack has processed "
                "it. The seats you chose were released: you are welcome to book again.",
                received=received,
            ),
        ],
        language,
    )


def _simple(
    to_email: str, kind: str, subject: str, heading: str, paragraphs: list[str], language: str = "en"
) -> EmailMessage:
    """A plain notice: the same paragraphs as text and as (escaped) HTML, greeted in `language`."""
    text = gettext(language, "Hi,") + "\n\n" + "\n\n".join(paragraphs) + "\n"
    html = _html(heading, [escape(p) for p in paragraphs])
    return EmailMessage(to_email=to_email, subject=subject, text_body=text, html_body=html, kind=kind)


def refund_processed(
    to_email: str, event_title: str, reference: str, money: str, *, had_tickets: bool = True, language: str = "en"
) -> EmailMessage:
    _ = _speaker(language)
    return _simple(
        to_email,
        "refund_processed",
        _("Your refund for {event}", event=event_title),
        _("Your refund is on its way"),
        [
            _(
                "We have refunded {money} for order {reference} ({event}).",
                money=money,
                reference=reference,
                event=event_title,
            ),
            _("Your bank usually shows it within 10 working days.")
            + (_(" The refunded tickets no longer work at the door.") if had_tickets else ""),
        ],
        language,
    )


def waitlist_offer(
    to_email: str,
    event_title: str,
    seats: str,
    tier_name: str,
    money: str,
    until: str,
    url: str,
    *,
    free: bool = False,
    language: str = "en",
) -> EmailMessage:
    """To someone on a waitlist (#19 §4): seats came back and are held for them until `until`.
    `free`: a free tier's seats, claimed by registering (nothing to pay). `seats`, `money` and `until`
    come already written in `language`."""
    _ = _speaker(language)
    claim = (
        _("Register for them before then: {url}", url=url)
        if free
        else _("Total: {money}. Claim them before then: {url}", money=money, url=url)
    )
    late = (
        _("If you do not register in time, they go to the next person on the waitlist.")
        if free
        else _("If you do not pay in time, they go to the next person on the waitlist.")
    )
    return _simple(
        to_email,
        "waitlist_offer",
        _("Seats are waiting for you: {event}", event=event_title),
        _("Your waitlist seats are held for you"),
        [
            _(
                "{seats} of {tier} for {event} came back, and they are held for you until {until}.",
                seats=seats,
                tier=tier_name,
                event=event_title,
                until=until,
            ),
            claim,
            late,
        ],
        language,
    )


def refund_request_received(
    to_email: str,
    event_title: str,
    reference: str,
    buyer: str,
    money: str,
    ticket_count: int,
    reason: str,
    url: str,
    language: str = "en",
) -> EmailMessage:
    """To a workspace admin, in their language: a buyer asks for a refund (#19 §5). `money` comes
    formatted in `language`."""
    _ = _speaker(language)
    return _simple(
        to_email,
        "refund_request_received",
        _("Refund request for {event}", event=event_title),
        _("A buyer asks for a refund"),
        [
            _(
                "{buyer} asks for a refund of {money} ({tickets}) on order {reference} for {event}.",
                buyer=buyer,
                money=money,
                tickets=ticket_count_words(ticket_count, language),
                reference=reference,
                event=event_title,
            ),
            _("Their reason: {reason}", reason=reason),
            _("Approve or decline it on the event's Orders tab: {url}", url=url),
        ],
        language,
    )


def refund_request_approved(
    to_email: str, event_title: str, reference: str, money: str, tickets: str, language: str = "en"
) -> EmailMessage:
    """To the buyer: the organizer approved their refund request; the refund itself follows."""
    _ = _speaker(language)
    return _simple(
        to_email,
        "refund_request_approved",
        _("Your refund request for {event} is approved", event=event_title),
        _("Your refund request is approved"),
        [
            _(
                "The organizers of {event} approved your refund request for order {reference}: "
                "{money} is being refunded.",
                event=event_title,
                reference=reference,
                money=money,
            ),
            _(
                "The refunded tickets ({tickets}) no longer work at the door. "
                "We email you again when the payment provider completes the refund.",
                tickets=tickets,
            ),
        ],
        language,
    )


def refund_request_declined(
    to_email: str, event_title: str, reference: str, reason: str, language: str = "en"
) -> EmailMessage:
    """To the buyer: the organizer declined their refund request, and why."""
    _ = _speaker(language)
    return _simple(
        to_email,
        "refund_request_declined",
        _("Your refund request for {event} was declined", event=event_title),
        _("Your refund request was declined"),
        [
            _(
                "The organizers of {event} declined your refund request for order {reference}.",
                event=event_title,
                reference=reference,
            ),
            _("Their reason: {reason}", reason=reason),
            _("Your tickets still work."),
        ],
        language,
    )


def refund_failed(
    to_email: str, event_title: str, reference: str, money: str, reason: str | None, language: str = "en"
) -> EmailMessage:
    """To a workspace's owner and admins, each in their language: Paystack gave up on a refund.
    `reason` is Paystack's own words, passed on as they came."""
    _ = _speaker(language)
    return _simple(
        to_email,
        "refund_failed",
        _("A refund for {event} failed", event=event_title),
        _("A refund did not go through"),
        [
            _(
                "Paystack could not refund {money} for order {reference} ({event}).",
                money=money,
                reference=reference,
                event=event_title,
            ),
            _("Reason given: {reason}.", reason=reason) if reason else _("Paystack gave no reason."),
            _("The order's tickets are valid again. You can try the refund once more from the event's Orders tab."),
        ],
        language,
    )


def event_cancelled(to_email: str, event_title: str, refunded: bool, language: str = "en") -> EmailMessage:
    _ = _speaker(language)
    money = (
        _("Your payment is being refunded in full; you will get another email when it is processed.")
        if refunded
        else _("Your registration has been cancelled.")
    )
    return _simple(
        to_email,
        "event_cancelled",
        _("{event} is cancelled", event=event_title),
        _("{event} is cancelled", event=event_title),
        [
            _("We're sorry: the organizers have cancelled {event}.", event=event_title),
            money,
            _("Your tickets no longer work."),
        ],
        language,
    )


def event_postponed(to_email: str, event_title: str, schedule: str, url: str, language: str = "en") -> EmailMessage:
    _ = _speaker(language)
    return _simple(
        to_email,
        "event_postponed",
        _("New dates for {event}", event=event_title),
        _("{event} has new dates", event=event_title),
        [
            _("The organizers have moved {event} to {schedule}.", event=event_title, schedule=schedule),
            _("Your tickets stay valid for the new dates; there is nothing you need to do."),
            _("Event page: {url}", url=url),
        ],
        language,
    )


def withdrawal_paid(
    to_email: str, workspace_name: str, money: str, destination: str, reference: str, language: str = "en"
) -> EmailMessage:
    """To the workspace owner, in their language, when finance has sent a payout (`money` comes
    formatted in `language`)."""
    _ = _speaker(language)
    text = (
        _("Hi,")
        + "\n\n"
        + _(
            "We have paid {money} from {workspace}'s balance to {destination}.",
            money=money,
            workspace=workspace_name,
            destination=destination,
        )
        + "\n"
        + _("Transfer reference: {reference}", reference=reference)
        + "\n\n"
        + _("It can take a business day to show in your account.")
        + "\n"
    )
    html = _html(
        _("Your withdrawal was paid"),
        [
            _(
                "We have paid {money} from {workspace}'s balance to {destination}.",
                money=f"<strong>{escape(money)}</strong>",
                workspace=escape(workspace_name),
                destination=escape(destination),
            ),
            _("Transfer reference: {reference}", reference=f"<code>{escape(reference)}</code>"),
            escape(_("It can take a business day to show in your account.")),
        ],
    )
    return EmailMessage(
        to_email=to_email,
        subject=_("Withdrawal of {money} paid", money=money),
        text_body=text,
        html_body=html,
        kind="withdrawal_paid",
    )


def withdrawal_rejected(
    to_email: str, workspace_name: str, money: str, reason: str, language: str = "en"
) -> EmailMessage:
    """To the workspace owner, in their language, when finance refused a payout; the amount is
    available again. `reason` is the finance admin's own words."""
    _ = _speaker(language)
    back = _("The amount is back in your available balance; you can request a new withdrawal from the billing page.")
    text = (
        _("Hi,")
        + "\n\n"
        + _("The withdrawal of {money} from {workspace} was not paid.", money=money, workspace=workspace_name)
        + "\n"
        + _("Reason: {reason}", reason=reason)
        + f"\n\n{back}\n"
    )
    html = _html(
        _("Your withdrawal was not paid"),
        [
            _(
                "The withdrawal of {money} from {workspace} was not paid.",
                money=f"<strong>{escape(money)}</strong>",
                workspace=escape(workspace_name),
            ),
            _("Reason: {reason}", reason=escape(reason)),
            escape(back),
        ],
    )
    return EmailMessage(
        to_email=to_email,
        subject=_("Withdrawal of {money} not paid", money=money),
        text_body=text,
        html_body=html,
        kind="withdrawal_rejected",
    )


def registration_cancelled(to_email: str, event_title: str, reason: str, language: str = "en") -> EmailMessage:
    _ = _speaker(language)
    return _simple(
        to_email,
        "registration_cancelled",
        _("Your registration for {event} was cancelled", event=event_title),
        _("Your registration was cancelled"),
        [
            _("The organizers of {event} cancelled your registration.", event=event_title),
            _("Their reason: {reason}", reason=reason),
            _("Your ticket no longer works at the door."),
        ],
        language,
    )


@dataclass(frozen=True)
class TransferFacts:
    """What both transfer emails say: the event, who gave the ticket and who got it."""

    event_id: str
    event_title: str
    schedule: str
    place: str
    tickets_url: str
    sender_name: str
    recipient_name: str
    recipient_email: str
    old_code: str
    organizer: Organizer


def ticket_transfer_sent(to_email: str, facts: TransferFacts, language: str = "en") -> EmailMessage:
    """To the person who gave a ticket away: their code no longer works (`facts.schedule` is written in
    the recipient's language; this email gives the sender's own `language` its words)."""
    _ = _speaker(language)
    who = f"{facts.recipient_name} ({facts.recipient_email})"
    gone = _(
        "The code {code} and its QR code no longer work at the door; {name} has a new ticket with a new code.",
        code=facts.old_code,
        name=facts.recipient_name,
    )
    not_you = _("If you did not do this, reply to this email at once.")
    text = (
        _("Hi {name},", name=facts.sender_name)
        + "\n\n"
        + _(
            "You transferred ticket {code} for {event} to {who}.", code=facts.old_code, event=facts.event_title, who=who
        )
        + f"\n\n{facts.schedule}\n\n{gone}\n\n{not_you}\n"
    )
    html = _html(
        _("Ticket transferred"),
        [
            _(
                "You transferred ticket {code} for {event} to {who}.",
                code=f"<strong>{escape(facts.old_code)}</strong>",
                event=f"<strong>{escape(facts.event_title)}</strong>",
                who=escape(who),
            ),
            escape(facts.schedule),
            escape(gone),
            escape(not_you),
        ],
    )
    return EmailMessage(
        to_email=to_email,
        subject=_("You transferred your ticket for {event}", event=facts.event_title),
        text_body=text,
        html_body=html,
        kind="ticket_transfer_sent",
    )


def ticket_transfer_received(
    to_email: str, facts: TransferFacts, ticket: TicketLine, language: str = "en"
) -> EmailMessage:
    """To the recipient: their own ticket, with its QR code inline and the calendar invite attached."""
    _ = _speaker(language)
    sent = _("{name} sent you a ticket", name=facts.sender_name)
    text = (
        _("Hi {name},", name=facts.recipient_name)
        + "\n\n"
        + _("{name} sent you a ticket for {event}.", name=facts.sender_name, event=facts.event_title)
        + f"\n\n{facts.schedule}\n{facts.place}\n{facts.organizer.text}\n\n"
        + _("Your ticket: {code} ({tier})", code=ticket.short_code, tier=ticket.tier_name)
        + "\n\n"
        + _("Its QR code is attached; show it (or type its code) at the door.")
        + " "
        + _("All your tickets: {url}", url=facts.tickets_url)
        + "\n"
    )
    qr_alt = _("QR code for ticket {code}", code=ticket.short_code)
    html = _html(
        sent,
        [
            f"<strong>{escape(facts.event_title)}</strong><br>{escape(facts.schedule)}<br>{escape(facts.place)}"
            f"<br>{facts.organizer.html}",
            "<div style='display:inline-block;text-align:center;padding:12px;border:1px solid #ddd;"
            "border-radius:12px;background:#fff'>"
            f"<img src='cid:{_qr_cid(ticket.short_code)}' width='180' height='180' "
            f"alt='{escape(qr_alt)}'>"
            f"<div style='font-family:monospace;font-size:18px;letter-spacing:3px;font-weight:700'>"
            f"{ticket.short_code}</div><div style='color:#666;font-size:13px'>{escape(ticket.tier_name)}</div></div>",
            escape(_("Show the QR code (or type its code) at the door.")),
            f"<a href='{escape(facts.tickets_url)}'>{escape(_('All your tickets'))}</a>",
        ],
    )
    attachments = (
        {
            "filename": f"ticket-{ticket.short_code}.png",
            "content_type": "image/png",
            "inline_cid": _qr_cid(ticket.short_code),
            "render": {"kind": "ticket_qr", "ticket_id": ticket.ticket_id},
        },
        {
            "filename": "event.ics",
            "content_type": "text/calendar",
            "render": {"kind": "event_ics", "event_id": facts.event_id},
        },
    )
    return EmailMessage(
        to_email=to_email,
        subject=_("{name} sent you a ticket for {event}", name=facts.sender_name, event=facts.event_title),
        text_body=text,
        html_body=html,
        kind="ticket_transfer_received",
        attachments=attachments,
    )


KYC_OUTCOMES = {
    "approved": (N_("Your KYC is approved"), N_("You can now publish paid events and receive payouts.")),
    "rejected": (
        N_("Your KYC was not approved"),
        N_("You can correct your details and submit KYC again from the workspace settings."),
    ),
    "requires_update": (
        N_("Your KYC needs an update"),
        N_("Please update your details and submit KYC again from the workspace settings."),
    ),
}


BLUE_TICKET_OUTCOMES = {
    "approved": (
        N_("Your workspace is verified"),
        N_("The blue verified badge now shows on your workspace, your events and their tickets."),
    ),
    "rejected": (
        N_("Your verification request was not approved"),
        N_("You can send a new request from the workspace settings when you have more to show."),
    ),
    "revoked": (
        N_("Your verified badge was removed"),
        N_("The badge no longer shows on your workspace and events. You can request verification again later."),
    ),
}


def kyc_decision(to_email: str, workspace_name: str, decision: str, note: str, language: str = "en") -> EmailMessage:
    """To the workspace's owner and whoever filed its KYC, each in their language; the reviewer's
    `note` is passed on in the reviewer's own words."""
    _ = _speaker(language)
    heading, next_step = (_(text) for text in KYC_OUTCOMES[decision])
    paragraphs = [_("We have reviewed the KYC details of {workspace}.", workspace=workspace_name), next_step]
    if note:
        paragraphs.insert(1, _("Reviewer's note: {note}", note=note))
    subject = _("{outcome}: {workspace}", outcome=heading, workspace=workspace_name)
    return _simple(to_email, "kyc_decision", subject, heading, paragraphs, language)


def blue_ticket_decision(
    to_email: str, workspace_name: str, outcome: str, reason: str, language: str = "en"
) -> EmailMessage:
    """To the workspace's owner and whoever asked for the badge, each in their language."""
    _ = _speaker(language)
    heading, next_step = (_(text) for text in BLUE_TICKET_OUTCOMES[outcome])
    paragraphs = [_("About {workspace}'s verified organizer badge:", workspace=workspace_name), next_step]
    if reason:
        paragraphs.insert(1, _("Reason: {reason}", reason=reason))
    subject = _("{outcome}: {workspace}", outcome=heading, workspace=workspace_name)
    return _simple(to_email, "blue_ticket_decision", subject, heading, paragraphs, language)


@dataclass(frozen=True)
class AnnouncementFacts:
    """An organizer's announcement as every recipient gets it; `body_html` is the rendered Markdown
    (platform/markdown_text.py: no HTML of the author's own), `body_text` the Markdown as written."""

    event_title: str
    organizer: str
    subject: str
    body_text: str
    body_html: str
    event_url: str


def announcement(
    to_email: str, facts: AnnouncementFacts, unsubscribe_url: str, one_click_url: str, language: str = "en"
) -> EmailMessage:
    """An organizer's message to ticket holders. Unlike transactional emails it carries a link that
    stops this event's announcements (and only them) for this address, and the List-Unsubscribe
    headers mail apps turn into their own "Unsubscribe" button: `one_click_url` takes the one-click
    POST of RFC 8058 and sends a browser (GET) on to `unsubscribe_url`'s page. The organizer's words
    are theirs; the footer is in the holder's `language`."""
    _ = _speaker(language)
    footer = (
        _(
            "You get this because you hold a ticket to {event}, organized by {organizer}.",
            event=facts.event_title,
            organizer=facts.organizer,
        )
        + "\n"
        + _("Event page: {url}", url=facts.event_url)
        + "\n"
        + _("Stop announcements of this event: {url}", url=unsubscribe_url)
        + "\n"
    )
    text = f"{facts.body_text.strip()}\n\n--\n{footer}"
    html = (
        "<div style='font-family:system-ui,sans-serif;max-width:560px;margin:auto;padding:24px'>"
        f"<p style='color:#888;font-size:13px;margin:0 0 8px'>{escape(facts.organizer)} · "
        f"<a href='{escape(facts.event_url)}' style='color:#6e56cf'>{escape(facts.event_title)}</a></p>"
        f"<h2 style='color:#6e56cf;margin:0 0 16px'>{escape(facts.subject)}</h2>"
        f"<div style='line-height:1.5'>{facts.body_html}</div>"
        "<p style='color:#888;font-size:12px;margin-top:24px;border-top:1px solid #eee;padding-top:12px'>"
        + escape(_("You get this because you hold a ticket to {event}.", event=facts.event_title))
        + f" <a href='{escape(unsubscribe_url)}' style='color:#888'>"
        + escape(_("Unsubscribe from this event's announcements"))
        + f"</a><br>{escape(_brand())}</p></div>"
    )
    return EmailMessage(
        to_email=to_email,
        subject=f"{facts.subject} · {facts.event_title}",
        text_body=text,
        html_body=html,
        kind="announcement",
        headers=(
            ("List-Unsubscribe", f"<{one_click_url}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ),
    )
