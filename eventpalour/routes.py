"""Every page path of the app, and builders for the ones with parameters. No literal paths elsewhere."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

if TYPE_CHECKING:
    from eventpalour.services.identity import UserSummary

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
WORKSPACE_ANALYTICS = "/workspace/[workspace_id]/analytics"
WORKSPACE_EVENT_ATTENDEES = "/workspace/[workspace_id]/events/[short_id]/attendees"
WORKSPACE_EVENT_DOOR = "/workspace/[workspace_id]/events/[short_id]/door"
ADMIN = "/admin"
ADMIN_USERS = "/admin/users"
ADMIN_KYC = "/admin/kyc"
ADMIN_BLUE_TICKETS = "/admin/blue-tickets"
ADMIN_CATEGORIES = "/admin/categories"
ADMIN_REVENUE = "/admin/revenue"
ADMIN_AUDIT = "/admin/audit"
ADMIN_ADMINS = "/admin/admins"
WORKSPACE_VERIFICATION = "/workspace/[workspace_id]/verification"
CHECKOUT_RETURN = "/checkout/return"
MY_ORDERS = "/account/orders"
MY_TICKETS = "/tickets"
GUEST_TICKETS = "/tickets/guest/[guest_token]"  # a guest buyer's order, by the signed link emailed to them
SCAN = "/scan/[short_id]"
INVITE = "/invite/[invite_token]"
EVENTS = "/events"
EVENT = "/e/[short_id]"
ORGANIZER = "/o/[slug]"
JOIN = "/join/[invite_code]"
ANNOUNCEMENTS_UNSUBSCRIBE = "/announcements/unsubscribe/[token]"
NOT_FOUND = "/404"  # Reflex's 404 page: what every unknown path shows (served with status 404)
LEGAL_TERMS = "/legal/terms"
LEGAL_PRIVACY = "/legal/privacy"
LEGAL_REFUNDS = "/legal/refund-policy"
LEGAL_EVENTS = "/legal/events-policy"
LEGAL_ACCEPTABLE_USE = "/legal/acceptable-use"

SITEMAP = "/sitemap.xml"  # the pages' own, built by Reflex
SITEMAP_ORGANIZERS = "/sitemap-organizers.xml"  # organizer pages with public events, served by the API
ROBOTS = "/robots.txt"
# What robots.txt keeps crawlers out of: private areas, and pages whose links carry tokens or codes.
CRAWLERS_KEEP_OUT = (
    ADMIN,
    ACCOUNT,
    "/workspace",
    ONBOARDING,
    MY_TICKETS,
    "/scan/",
    "/checkout/",
    "/dev/",
    "/auth/reset/",
    VERIFY,
    "/invite/",
    "/join/",
    "/announcements/",
    "/api/",
)
CRAWLERS_MAY_FETCH = ("/api/files/",)  # public images (event banners, logos) in link previews

API_SESSION = "/api/auth/session"
API_SIGN_OUT = "/api/auth/sign-out"


def two_factor_setup(reason: str = "") -> str:
    """The account page's two-factor section; `reason` (a key of identity.TWO_FACTOR_REASONS) says why."""
    return ACCOUNT + (f"?two_factor={reason}" if reason else "") + "#two-factor"


API_OAUTH_PREFIX = "/api/auth/oauth"
API_GOOGLE_START = "/api/auth/oauth/google"
API_GOOGLE_CALLBACK = "/api/auth/oauth/google/callback"
API_ACCOUNT_EXPORT_JSON = "/api/account/export.json"
API_ACCOUNT_EXPORT_CSV = "/api/account/export.csv"
API_ACCOUNT_DELETION_CODE = "/api/account/deletion/code"
API_ACCOUNT_DELETION = "/api/account/deletion"
ACCOUNT_EXPORT_JSON_NAME = "my-data.json"
ACCOUNT_EXPORT_CSV_NAME = "my-orders-and-tickets.csv"
API_TWO_FACTOR_CANCEL = "/api/auth/2fa/cancel"
API_UPLOAD = "/api/upload"
API_FILES = "/api/files"
API_BILLING_CSV = "/api/workspace/{workspace_id}/billing/transactions.csv"
API_ANALYTICS_CSV = "/api/workspace/{workspace_id}/analytics/{table}.csv"
API_TICKETS = "/api/tickets"
API_EVENTS = "/api/events"
API_ORGANIZERS = "/api/organizers"
API_DOOR_WORKER = "/api/door/sw.js"  # the scanner's service worker (scope /scan/, Service-Worker-Allowed)
DOOR_SCRIPT = "/door/door.js"  # assets/door/door.js: the scanner's offline door


def reset_url(token: str) -> str:
    return f"/auth/reset/{quote(token, safe='')}"


def guest_tickets_url(token: str) -> str:
    return f"/tickets/guest/{quote(token, safe='')}"


def invite_url(token: str) -> str:
    return f"/invite/{quote(token, safe='')}"


def join_url(code: str) -> str:
    return f"/join/{quote(code, safe='')}"


def unsubscribe_url(token: str) -> str:
    """The page that stops one event's announcements to one address (the token says which)."""
    return f"/announcements/unsubscribe/{quote(token, safe='')}"


def one_click_unsubscribe_url(token: str) -> str:
    """The API route of announcement emails' List-Unsubscribe header: a POST unsubscribes at once
    (RFC 8058), a GET goes on to `unsubscribe_url`'s page."""
    return f"/api/announcements/unsubscribe/{quote(token, safe='')}"


def workspace_url(workspace_id: str, section: str = "") -> str:
    return f"/workspace/{workspace_id}" + (f"/{section}" if section else "")


def billing_csv_url(workspace_id: str, filters: dict[str, str]) -> str:
    """The CSV export of a workspace's transactions with the filters shown on the billing page."""
    kept = {key: value for key, value in filters.items() if value}
    path = API_BILLING_CSV.format(workspace_id=quote(workspace_id, safe=""))
    return f"{path}?{urlencode(kept)}" if kept else path


def analytics_csv_url(workspace_id: str, table: str, period: dict[str, str]) -> str:
    """One table of the analytics page as CSV, for the period and event the page shows."""
    kept = {key: value for key, value in period.items() if value}
    path = API_ANALYTICS_CSV.format(workspace_id=quote(workspace_id, safe=""), table=quote(table, safe=""))
    return f"{path}?{urlencode(kept)}" if kept else path


def file_url(key: str) -> str:
    """Where an uploaded file is served; keys are `BUCKET/folder/name.ext`, so their slashes stay."""
    return f"{API_FILES}/{quote(key, safe='/')}"


def event_manage_url(workspace_id: str, short_id: str) -> str:
    return f"/workspace/{workspace_id}/events/{short_id}"


def event_attendees_url(workspace_id: str, short_id: str) -> str:
    return f"/workspace/{workspace_id}/events/{short_id}/attendees"


def event_door_url(workspace_id: str, short_id: str) -> str:
    """The live door dashboard of an event (#21 §6)."""
    return f"/workspace/{workspace_id}/events/{short_id}/door"


def scan_url(short_id: str) -> str:
    return f"/scan/{quote(short_id, safe='')}"


def door_manifest_url(short_id: str) -> str:
    """The scanner's web app manifest for one event (installable door app)."""
    return f"{API_EVENTS}/{quote(short_id, safe='')}/door/manifest.webmanifest"


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


def discount_codes_csv_url(event_id: str) -> str:
    """An event's discount codes as CSV (GET, moderator and above)."""
    return f"{API_EVENTS}/{quote(event_id, safe='')}/discount-codes.csv"


def event_url(short_id: str, quantities: Mapping[str, int] | None = None) -> str:
    """An event's page; with `quantities` (tier id → count) it opens with those tickets picked."""
    picked = ",".join(f"{tier_id}:{count}" for tier_id, count in (quantities or {}).items() if count > 0)
    return f"/e/{short_id}?{urlencode({'tiers': picked})}" if picked else f"/e/{short_id}"


def queue_url(short_id: str) -> str:
    """An event's waiting room (#18): a plain page served by api/waiting_room_page.py, no websocket."""
    return f"/e/{short_id}/queue"


def queue_status_url(short_id: str) -> str:
    """What the waiting room's page polls: the visitor's place, estimate and, once admitted, the pass."""
    return f"/api/waiting-room/{short_id}/status"


def queue_entry_url(short_id: str, pass_token: str) -> str:
    """Where a pass is redeemed: it binds to this browser, then sends it on to the event page."""
    return f"/api/waiting-room/{short_id}/enter?{urlencode({'pass': pass_token})}"


def organizer_url(slug: str) -> str:
    """A workspace's public organizer page."""
    return f"/o/{quote(slug, safe='')}"


def new_workspace_url(next_path: str | None) -> str:
    """The new-workspace form, carrying `next` on when there is one (onboarding as an organizer)."""
    return with_next(WORKSPACE_NEW, next_path)


_PICKED = re.compile(r"^([A-Za-z0-9_-]{1,32}):([0-9]{1,3})$")


def picked_quantities(raw: str | None) -> dict[str, int]:
    """The `tiers` parameter of an event link read back: `{tier id: count}`, malformed parts left out."""
    found = (_PICKED.match(part) for part in (raw or "").split(","))
    return {match[1]: int(match[2]) for match in found if match and int(match[2]) > 0}


def events_url(params: dict[str, str] | None = None) -> str:
    """/events with the discovery filters in the query string (empty values left out), so links are shareable."""
    kept = {key: value for key, value in (params or {}).items() if value}
    return f"{EVENTS}?{urlencode(kept)}" if kept else EVENTS


def _has_control_character(text: str) -> bool:
    """C0 and DEL, the characters browsers drop from a URL: a redirect target holding one is refused whole,
    not cleaned as services/platform/text.py cleans typed text, since what is left could be another address."""
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


def after_sign_in(user: UserSummary, next_path: str, workspace_id: str = "") -> str:
    """Where a signed-in person goes next: verify first, then onboarding, then where they were headed;
    headed nowhere in particular (`next_path` is the home page), an organizer lands on the dashboard
    of `workspace_id` (`workspaces.landing_workspace`: the one used last, else the first by name).

    Each step carries `next_path` on, so signing up in the middle of a purchase ends on the event.
    Invitation and join links skip onboarding: joining a team makes the account an organizer.
    """
    if not user.is_verified:
        return with_next(VERIFY, next_path)
    joining = next_path.startswith(("/invite/", "/join/"))
    if user.account_type is None and not joining:
        return with_next(ONBOARDING, next_path)
    if next_path == HOME and workspace_id:
        return workspace_url(quote(workspace_id, safe=""))
    return next_path
