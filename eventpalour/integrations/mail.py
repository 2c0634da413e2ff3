"""Sending one email: SMTP when SMTP_HOST is set, otherwise kept for the development outbox."""

from __future__ import annotations

import base64
import smtplib
from email.message import EmailMessage
from typing import Any

from eventpalour.config import settings
from eventpalour.models import OutboxEmail


class MailError(Exception):
    """The message could not be handed to the mail server; the outbox will retry."""


def _build(row: OutboxEmail, attachments: list[dict[str, Any]]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = row.to_email
    message["Subject"] = row.subject
    for name, value in (row.headers or {}).items():
        message[name] = value
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    html_part = message.get_body(("html",)) if row.html_body else None
    for attachment in attachments:
        maintype, _, subtype = attachment["content_type"].partition("/")
        data = base64.b64decode(attachment["data_b64"])
        if attachment.get("inline_cid") and html_part is not None:
            # Shown where the HTML places it (<img src="cid:…">), not as a separate file.
            html_part.add_related(
                data,
                maintype=maintype,
                subtype=subtype,
                cid=f"<{attachment['inline_cid']}>",
                filename=attachment["filename"],
            )
            continue
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=attachment["filename"])
    return message


def uses_smtp() -> bool:
    """Whether emails leave the machine (otherwise they are kept for the development outbox)."""
    return bool(settings.smtp_host)


def send(row: OutboxEmail, attachments: list[dict[str, Any]]) -> str:
    """Deliver `row` with its rendered `attachments`; returns the transport used (`smtp` or `dev`).

    Raises MailError on failure.
    """
    if not uses_smtp():
        # Development: the row itself is the delivered copy, listed at /dev/outbox.
        return "dev"
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
            if settings.smtp_tls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(_build(row, attachments))
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}") from exc
    return "smtp"
