"""Every page path of the app, and builders for the ones with parameters. No literal paths elsewhere."""

from __future__ import annotations

from urllib.parse import quote, urlencode

HOME = "/"
SIGN_UP = "/auth/sign-up"
SIGN_IN = "/auth/sign-in"
VERIFY = "/auth/verify"
FORGOT = "/auth/forgot"
RESET = "/auth/reset/[reset_token]"
ONBOARDING = "/onboarding"
ACCOUNT = "/account"
DEV_OUTBOX = "/dev/outbox"
WORKSPACES = "/workspaces"
WORKSPACE_NEW = "/workspaces/new"
WORKSPACE = "/workspace/[workspace_id]"
WORKSPACE_SETTINGS = "/workspace/[workspace_id]/settings"
WORKSPACE_MEMBERS = "/workspace/[workspace_id]/members"
WORKSPACE_EVENTS = "/workspace/[workspace_id]/events"
WORKSPACE_EVENT_NEW = "/workspace/[workspace_id]/events/new"
WORKSPACE_EVENT = "/workspace/[workspace_id]/events/[short_id]"
WORKSPACE_BILLING = "/workspace/[workspace_id]/billing"
WORKSPACE_EVENT_ATTENDEES = "/workspace/[workspace_id]/events/[short_id]/attendees"
ADMIN = "/admin"
ADMIN_USERS = "/admin/users"
ADMIN_KYC = "/admin/kyc"
ADMIN_BLUE_TICKETS = "/admin/blue-tickets"
ADMIN_REVENUE = "/admin/revenue"
ADMIN_AUDIT = "/admin/audit"
ADMIN_ADMINS = "/admin/admins"
WORKSPACE_VERIFICATION = "/workspace/[workspace_id]/verification"
CHECKOUT_RETURN = "/checkout/return"
MY_ORDERS = "/account/orders"
MY_TICKETS = "/tickets"
SCAN = "/scan/[short_id]"
INVITE = "/invite/[invite_token]"
EVENTS = "/events"
EVENT = "/e/[short_id]"
JOIN = "/join/[invite_code]"

API_SESSION = "/api/auth/session"
API_SIGN_OUT = "/api/auth/sign-out"
API_OAUTH_PREFIX = "/api/auth/oauth"
API_GOOGLE_START = "/api/auth/oauth/google"
API_GOOGLE_CALLBACK = "/api/auth/oauth/google/callback"
API_UPLOAD = "/api/upload"
API_FILES = "/api/files"
API_BILLING_CSV = "/api/workspace/{workspace_id}/billing/transactions.csv"
API_TICKETS = "/api/tickets"
API_EVENTS = "/api/events"


def reset_url(token: str) -> str:
    return f"/auth/reset/{quote(token, safe='')}"


def invite_url(token: str) -> str:
    return f"/invite/{quote(token, safe='')}"


def join_url(code: str) -> str:
    return f"/join/{quote(code, safe='')}"


def workspace_url(workspace_id: str, section: str = "") -> str:
    return f"/workspace/{workspace_id}" + (f"/{section}" if section else "")


def billing_csv_url(workspace_id: str, filters: dict[str, str]) -> str:
    """The CSV export of a workspace's transactions with the filters shown on the billing page."""
    kept = {key: value for key, value in filters.items() if value}
    path = API_BILLING_CSV.format(workspace_id=quote(workspace_id, safe=""))
    return f"{path}?{urlencode(kept)}" if kept else path


def file_url(key: str) -> str:
    """Where an uploaded file is served; keys are `BUCKET/folder/name.ext`, so their slashes stay."""
    return f"{API_FILES}/{quote(key, safe='/')}"


def event_manage_url(workspace_id: str, short_id: str) -> str:
    return f"/workspace/{workspace_id}/events/{short_id}"


def event_attendees_url(workspace_id: str, short_id: str) -> str:
    return f"/workspace/{workspace_id}/events/{short_id}/attendees"


def scan_url(short_id: str) -> str:
    return f"/scan/{quote(short_id, safe='')}"


def ticket_calendar_url(ticket_id: str) -> str:
    """The .ics of the event a ticket admits to (GET, holder only)."""
    return f"{API_TICKETS}/{quote(ticket_id, safe='')}/calendar.ics"


def ticket_image_url(ticket_id: str) -> str:
    """A PNG of the whole ticket, QR code included (GET, holder only)."""
    return f"{API_TICKETS}/{quote(ticket_id, safe='')}/ticket.png"


def attendees_csv_url(event_id: str, filters: dict[str, str] | None = None) -> str:
    """The attendee list as CSV, with the same filters as the page (GET, moderator and above)."""
    kept = {key: value for key, value in (filters or {}).items() if value}
    path = f"{API_EVENTS}/{quote(event_id, safe='')}/attendees.csv"
    return f"{path}?{urlencode(kept)}" if kept else path


def event_url(short_id: str) -> str:
    return f"/e/{short_id}"


def events_url(params: dict[str, str] | None = None) -> str:
    """/events with the discovery filters in the query string (empty values left out), so links are shareable."""
    kept = {key: value for key, value in (params or {}).items() if value}
    return f"{EVENTS}?{urlencode(kept)}" if kept else EVENTS


def _has_control_character(text: str) -> bool:
    return any(ord(char) < 0x20 or ord(char) == 0x7F for char in text)


def safe_next(path: str | None, default: str = HOME) -> str:
    r"""A local path to continue to after sign-in; anything that could leave the site becomes `default`.

    It must start with exactly one `/`, and backslashes and control characters are refused anywhere:
    browsers read `\` as `/` and drop tabs and newlines from URLs, so `/\t/evil.example` would take
    the browser to `//evil.example`, another site.
    """
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path or _has_control_character(path):
        return default
    if path.startswith("/api/") or path.startswith(SIGN_IN) or path.startswith(SIGN_UP):
        return default
    return path


def with_next(route: str, next_path: str | None) -> str:
    """`route` with a `next` query parameter, when there is somewhere worth returning to."""
    target = safe_next(next_path, default="")
    return f"{route}?{urlencode({'next': target})}" if target and target != HOME else route
