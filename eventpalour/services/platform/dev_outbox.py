"""Who may read the development outbox (/dev/outbox and /api/dev/outbox): it shows every email the
app would have sent, reset links and invitation tokens included, so it is an account-takeover page
for anyone who can open it.

It exists only in development without SMTP (never in production), and even then it answers only a
browser on the machine running the app: a loopback TCP peer whose request did not come through a
proxy (a reverse proxy on the same machine makes every visitor look local, but it adds its
forwarding headers). DEV_OUTBOX_PUBLIC=yes shows it to other machines too, e.g. for a development
box reached over the network.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from eventpalour.config import settings
from eventpalour.services.platform.errors import NotFound, PermissionDenied
from eventpalour.services.platform.i18n import N_
from eventpalour.services.platform.outbox import OutboxItem, recent_emails

if TYPE_CHECKING:
    from eventpalour.sandbox.africastalking import ReceivedSms

FORWARDING_HEADERS = frozenset({"forwarded", "x-forwarded-for", "x-real-ip"})
ONLY_LOCAL = N_(
    "The development outbox is shown only in a browser on the machine running the app "
    "(http://localhost). Set DEV_OUTBOX_PUBLIC=yes to show it to other machines."
)


def came_through_proxy(header_names: Iterable[str]) -> bool:
    """The request carries a proxy's forwarding header, so its TCP peer is the proxy, not the visitor."""
    return any(name.lower() in FORWARDING_HEADERS for name in header_names)


def is_local_client(client_ip: str | None, *, proxied: bool) -> bool:
    """A loopback peer (127.0.0.0/8, ::1, or either mapped into IPv6) that no proxy stands in front of."""
    if proxied or not client_ip:
        return False
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def check_dev_outbox_access(*, client_ip: str | None, proxied: bool) -> None:
    """Raises NotFound when the outbox is off (production, or SMTP set), PermissionDenied for a
    visitor who is not on this machine (unless DEV_OUTBOX_PUBLIC=yes)."""
    if not settings.dev_outbox_enabled:
        raise NotFound(N_("The development outbox is turned off: emails are sent through SMTP, or this is production."))
    if not settings.dev_outbox_public and not is_local_client(client_ip, proxied=proxied):
        raise PermissionDenied(ONLY_LOCAL)


def dev_outbox_emails(
    *, client_ip: str | None, proxied: bool, limit: int = 50, to_email: str | None = None
) -> list[OutboxItem]:
    """The newest captured emails (optionally to one address) for a caller allowed to see them."""
    check_dev_outbox_access(client_ip=client_ip, proxied=proxied)
    return recent_emails(limit=limit, to_email=to_email)


def dev_outbox_text_messages(*, client_ip: str | None, proxied: bool, limit: int = 50) -> list[ReceivedSms]:
    """The newest text messages the SMS sandbox received (empty when Africa's Talking sends them),
    for a caller allowed to see the outbox."""
    check_dev_outbox_access(client_ip=client_ip, proxied=proxied)
    if not settings.sms_sandbox:
        return []
    # Only where the sandbox runs (development): production never loads it.
    from eventpalour.sandbox.africastalking import received_messages

    return received_messages(limit=limit)
