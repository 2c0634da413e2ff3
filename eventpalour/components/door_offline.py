"""The scanner page's offline pieces (#21): the box assets/door/door.js draws the offline door into,
the module that does it, the manifest link, and the list of tickets offline devices let in twice."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.qr_scanner import offline_qr_scanner
from eventpalour.services.platform import N_
from eventpalour.services.tickets import DEFAULT_LIST_NAME
from eventpalour.services.tickets import OFFLINE_UPLOAD_NOTES as UPLOAD_NOTES
from eventpalour.state.base import AuthState
from eventpalour.state.language import fill, t
from eventpalour.state.scanner import TITLE_CONTEXT, TITLES
from eventpalour.state.scanner import ScannerState as S

# The offline door's own words: assets/door/door.js draws the door and reads each text's translation
# from the box's data-texts (keyed by these English texts, so a missing one reads in English); the
# results' headlines are the online scanner's TITLES, the sentences under them DOOR_VERDICTS, and an
# upload's notes (a ticket let in twice) the server's UPLOAD_NOTES.
DOOR_TEXTS = [
    N_(
        "No network. Scanning offline: results come from this device's ticket list, and check-ins upload when "
        "the network is back."
    ),
    N_("No network, and this device was not prepared for offline: scans cannot be checked."),
    N_("Downloading the ticket list… {percent}%"),
    N_("Download this event's ticket list so this phone keeps scanning if the network drops."),
    N_("{count} ticket"),
    N_("{count} tickets"),
    N_("Ready offline: {tickets} · list updated {time}"),
    N_("{count} offline check-in waiting to upload."),
    N_("{count} offline check-ins waiting to upload."),
    N_("All offline check-ins uploaded."),
    N_("Check-in list"),
    N_("Entry or exit"),
    N_("Entry"),
    N_("Exit"),
    N_("Offline: point the camera at a ticket's QR code, or type its code below."),
    N_("Ticket code"),
    N_("Check in"),
    N_("Ticket list download"),
    N_("Prepare this device for offline"),
    N_("Offline scanning"),
    N_("Let in twice"),
    N_("The ticket list could not be downloaded."),
    N_("The offline check-ins could not be uploaded."),
]

# The sentence under each offline result's headline: assets/door/verify.js SENTENCES, the same
# English ids the online scanner says (services/tickets/scanning.py); door.js fills their {fields}
# (a name, a time, a list) after the lookup.
DOOR_VERDICTS = [
    N_("Not a ticket. The code may be forged or mistyped."),
    N_("A ticket code has 8 letters and digits."),
    N_("This ticket is for another event."),
    N_("Event has ended. Tickets no longer admit anyone."),
    N_("This QR code was replaced by a newer one."),
    N_("Not valid. It was transferred to someone else; their new ticket has a new code."),
    N_("Not valid. It was refunded."),
    N_("Not valid. It was cancelled."),
    N_("Not valid. It has expired."),
    N_("Not valid. It cannot be used."),
    N_("Welcome, {name}!"),
    N_("Goodbye, {name}! Exit recorded."),
    N_("Already used at {time}."),
    N_("Not valid at this gate: {gate} does not admit {tier} tickets."),
    N_("Not inside: this ticket has not entered through {gate}."),
]


def door_texts() -> rx.Var:
    """The door's texts in the reader's language as JSON, for door.js: {English: translation}. The
    headlines are keyed by their English too, said in their "scan result" context."""
    # the default list's name too: the picker says it in the door's language (an organizer's, as typed)
    table = {text: t(text) for text in [*DOOR_TEXTS, *DOOR_VERDICTS, *UPLOAD_NOTES, DEFAULT_LIST_NAME]}
    table |= {title: t(title, context=TITLE_CONTEXT) for title in TITLES.values()}
    return rx.Var.create(table).to_string()


def offline_door() -> rx.Component:
    """Rendered outside the session check, so a phone that opens the scanner with no network (from
    the service worker's cache) still gets the offline door, and its camera: until the session is
    checked (never, offline) the page's own camera is not there. React never renders children in
    the box: door.js owns them."""
    return rx.fragment(
        rx.box(id="offline-door", custom_attrs={"data-texts": door_texts()}, width="100%", margin_bottom="16px"),
        rx.cond(
            ~AuthState.auth_checked,
            rx.box(
                offline_qr_scanner(
                    repeat_ms=2500,
                    aria_label=t("Offline camera view"),
                    style={"width": "100%", "maxHeight": "60vh", "objectFit": "cover", "display": "block"},
                ),
                width="100%",
                overflow="hidden",
                border_radius="16px",
                margin_bottom="16px",
            ),
        ),
        rx.el.script(src=routes.DOOR_SCRIPT, type="module", async_=True),
        rx.el.link(rel="manifest", href=S.manifest_url),
    )


def _conflict(c: rx.Var) -> rx.Component:
    line = fill(t("{holder} · {at} · device {device} · {note}"), holder=c.holder, at=c.at, device=c.device, note=c.note)
    return rx.text(rx.code(c.code), " ", line, size="2")


def offline_conflicts() -> rx.Component:
    """Tickets offline devices let in twice: every door member and the organizer see them here."""
    return rx.cond(
        S.conflicts.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.vstack(
                rx.text(t("Let in twice while offline"), weight="bold"),
                rx.foreach(S.conflicts, _conflict),
                spacing="1",
            ),
            color_scheme="orange",
            width="100%",
            aria_label=t("Offline conflicts"),
        ),
    )
