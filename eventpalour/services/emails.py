"""The words of every email we send. Each builder returns an `EmailMessage` ready to queue."""

from __future__ import annotations

from html import escape

from eventpalour.services.outbox import EmailMessage

_BRAND = "EventPalour"


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
        f"<p style='color:#888;font-size:12px;margin-top:24px'>{_BRAND}</p></div>"
    )


def verification_code(to_email: str, name: str, code: str) -> EmailMessage:
    greeting = f"Hi {name}," if name else "Hi,"
    text = (
        f"{greeting}\n\nYour {_BRAND} verification code is: {code}\n\n"
        "It is valid for 15 minutes. If you did not sign up, you can ignore this email.\n"
    )
    html = _html(
        "Verify your email",
        [escape(greeting), "Enter this code to verify your email. It is valid for 15 minutes."],
        highlight=code,
    )
    return EmailMessage(
        to_email=to_email,
        subject=f"Your {_BRAND} verification code: {code}",
        text_body=text,
        html_body=html,
        kind="verification_code",
    )


def password_reset(to_email: str, name: str, reset_url: str) -> EmailMessage:
    greeting = f"Hi {name}," if name else "Hi,"
    text = (
        f"{greeting}\n\nSomeone asked to reset the password of your {_BRAND} account.\n"
        f"Open this link within one hour to choose a new password:\n\n{reset_url}\n\n"
        "If it was not you, ignore this email: your password stays as it is.\n"
    )
    html = _html(
        "Reset your password",
        [
            escape(greeting),
            "Someone asked to reset the password of your account. The link works once, within one hour.",
            f"<a href='{escape(reset_url)}' style='color:#6e56cf;font-weight:600'>Choose a new password</a>",
            "If it was not you, ignore this email: your password stays as it is.",
        ],
    )
    return EmailMessage(
        to_email=to_email,
        subject=f"Reset your {_BRAND} password",
        text_body=text,
        html_body=html,
        kind="password_reset",
    )


def workspace_invitation(to_email: str, workspace_name: str, inviter: str, role: str, url: str) -> EmailMessage:
    who = inviter or "A teammate"
    text = (
        f"Hi,\n\n{who} invited you to join {workspace_name} on {_BRAND} as {role}.\n\n"
        f"Accept the invitation (valid for 7 days):\n\n{url}\n\n"
        "If you do not have an account yet, you can create one with this email address first.\n"
    )
    html = _html(
        f"Join {workspace_name}",
        [
            f"{escape(who)} invited you to join <strong>{escape(workspace_name)}</strong> as {escape(role)}.",
            f"<a href='{escape(url)}' style='color:#6e56cf;font-weight:600'>Accept the invitation</a>",
            "The link works for 7 days. No account yet? Create one with this email address first.",
        ],
    )
    return EmailMessage(
        to_email=to_email,
        subject=f"{who} invited you to {workspace_name} on {_BRAND}",
        text_body=text,
        html_body=html,
        kind="workspace_invitation",
    )


def order_confirmation(to_email: str, event_title: str, reference: str, codes: list[str]) -> EmailMessage:
    lines = "\n".join(f"  - {code}" for code in codes)
    text = (
        f"Hi,\n\nYou're going to {event_title}!\n\nOrder {reference}. Your ticket codes:\n{lines}\n\n"
        "Show a code (or its QR code from My tickets) at the door.\n"
    )
    html = _html(
        f"You're going to {event_title}",
        [
            f"Order {escape(reference)}. Your ticket codes:",
            "<br>".join(f"<code>{escape(c)}</code>" for c in codes),
            "Show a code (or its QR code from My tickets) at the door.",
        ],
    )
    return EmailMessage(
        to_email=to_email,
        subject=f"Your tickets for {event_title}",
        text_body=text,
        html_body=html,
        kind="order_confirmation",
    )


def late_payment_refund(to_email: str, reference: str, amount: int, currency: str) -> EmailMessage:
    from eventpalour.services.money import format_money

    money = format_money(amount, currency)
    text = (
        f"Hi,\n\nYour payment for order {reference} arrived after your reservation expired, and the tickets "
        f"had sold out in the meantime. We have refunded {money} in full; your bank shows it within a few days.\n"
    )
    html = _html("Your payment was refunded", [escape(text.split("\n\n", 1)[1])])
    return EmailMessage(
        to_email=to_email,
        subject=f"Refund for order {reference}",
        text_body=text,
        html_body=html,
        kind="late_payment_refund",
    )
