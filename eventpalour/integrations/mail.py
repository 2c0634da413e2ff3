"""Sending one email: SMTP when SMTP_HOST is set, otherwise kept for the development outbox."""

from __future__ import annotations

import base64
import smtplib
from email.message import EmailMessage

from eventpalour.config import settings
from eventpalour.models import OutboxEmail


class MailError(Exception):
    """The message could not be handed to the mail server; the outbox will retry."""


def _build(row: OutboxEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = row.to_email
    message["Subject"] = row.subject
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    for attachment in row.attachments:
        maintype, _, subtype = attachment["content_type"].partition("/")
        message.add_attachment(
            base64.b64decode(attachment["data_b64"]),
            maintype=maintype,
            subtype=subtype,
            filename=attachment["filename"],
        )
    return message


def send(row: OutboxEmail) -> str:
    """Deliver `row`; returns the transport used (`smtp` or `dev`). Raises MailError on failure."""
    if not settings.smtp_host:
        # Development: the row itself is the delivered copy, listed at /dev/outbox.
        return "dev"
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
            if settings.smtp_tls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(_build(row))
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}") from exc
    return "smtp"
