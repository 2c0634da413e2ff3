"""/scan/{short_id}: the door. A phone reads QR codes continuously; each scan gets one big coloured
answer; a typed code works when the camera cannot; the counters show who is in."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.door_offline import offline_conflicts, offline_door
from eventpalour.components.layout import loading, page
from eventpalour.components.qr_scanner import every, qr_scanner, scan_signal
from eventpalour.services.platform import N_
from eventpalour.state.language import t
from eventpalour.state.scanner import CODE_FIELD_ID, HEADER_ID, RESULT_BOX_ID, SIGNALS, STOP_SIGNAL, ScannerState

S = ScannerState
RESULT_COLORS = (("ok", "grass"), ("exited", "blue"), ("already_used", "orange"), ("event_ended", "gray"), "red")
RESULT_ICONS = (
    ("ok", "circle-check-big"),
    ("exited", "log-out"),
    ("already_used", "clock-alert"),
    ("event_ended", "calendar-x"),
    "circle-x",
)


def _gate_picker() -> rx.Component:
    """Which check-in list this phone scans for (kept on the device), and Entry/Exit on a list that
    counts exits. Offline, assets/door/door.js shows the same choice in its own box."""
    return rx.vstack(
        rx.el.label(t("Check-in list"), html_for="door-list", style={"font-weight": "600"}),
        rx.el.select(
            rx.foreach(S.lists, lambda g: rx.el.option(g.name, value=g.id)),
            id="door-list",
            value=S.list_id,
            on_change=S.pick_list,
            style={
                "width": "100%",
                "font-size": "1rem",
                "padding": "8px",
                "border-radius": "8px",
                "border": "1px solid var(--gray-7)",
                "background": "var(--color-surface)",
                "color": "var(--gray-12)",
            },
        ),
        rx.cond(
            S.counts_exits,
            rx.segmented_control.root(
                rx.segmented_control.item(t("Entry"), value="entry"),
                rx.segmented_control.item(t("Exit"), value="exit"),
                value=S.direction,
                on_change=S.pick_direction,
                aria_label=t("Entry or exit"),
                width="100%",
            ),
        ),
        spacing="1",
        width="100%",
        class_name="door-online-only",
    )


def _counters() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(t("Checked in"), size="2", color_scheme="gray"),
                rx.cond(
                    S.counts_exits, rx.text(t("· inside now "), rx.text.strong(S.inside, id="door-inside"), size="2")
                ),
                rx.spacer(),
                rx.text(
                    rx.text.strong(S.checked_in, id="door-checked-in"),
                    " / ",
                    rx.text.span(S.sold, id="door-sold"),
                    t(" sold"),
                    size="4",
                ),
                width="100%",
                align="center",
            ),
            rx.progress(
                value=rx.cond(S.sold > 0, S.checked_in * 100 / S.sold, 0),
                max=100,
                width="100%",
                aria_label=t("Checked in"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        aria_label=t("Door counters"),
    )


def _result() -> rx.Component:
    scan = S.last_scan
    color = rx.match(scan.result, *RESULT_COLORS)
    return rx.box(
        rx.cond(
            S.scans_here > 0,
            rx.vstack(
                rx.hstack(
                    rx.match(
                        scan.result,
                        *[(key, rx.icon(icon, size=40)) for key, icon in RESULT_ICONS[:-1]],
                        rx.icon(RESULT_ICONS[-1], size=40),
                    ),
                    rx.heading(scan.title, size="8", as_="h2"),
                    align="center",
                    spacing="3",
                ),
                rx.text(scan.message, size="5", weight="medium"),
                rx.cond(
                    scan.code != "",
                    rx.text(scan.holder, " · ", scan.tier, " · ", rx.code(scan.code), size="3"),
                ),
                spacing="2",
            ),
            rx.text(t("Point the camera at a ticket's QR code, or type its code below."), size="3"),
        ),
        background=rx.cond(S.scans_here > 0, rx.color(color, 9), rx.color("gray", 3)),
        color=rx.cond(S.scans_here > 0, "white", rx.color("gray", 12)),
        border_radius="16px",
        padding="20px",
        width="100%",
        min_height="140px",
        role="status",
        aria_live="assertive",
        id=RESULT_BOX_ID,
        data_testid="scan-result",
        data_result=scan.result,
    )


def _camera() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.camera_on,
            rx.box(
                qr_scanner(
                    on_scan=S.scan_qr,
                    on_error=S.camera_failed,
                    repeat_ms=2500,
                    aria_label=t("Camera view"),
                    style={"width": "100%", "height": "100%", "objectFit": "cover", "display": "block"},
                ),
                width="100%",
                aspect_ratio="1 / 1",
                max_height="60vh",
                overflow="hidden",
                border_radius="16px",
                background="black",
            ),
        ),
        rx.cond(
            S.camera_unavailable,
            rx.vstack(
                rx.callout(S.camera_error, icon="camera-off", color_scheme="amber", width="100%", role="alert"),
                rx.button(
                    rx.icon("camera", size=16),
                    t("Try the camera again"),
                    variant="ghost",
                    color_scheme="gray",
                    size="1",
                    on_click=S.toggle_camera,
                ),
                width="100%",
                align="center",
                spacing="2",
            ),
            rx.button(
                rx.cond(S.camera_on, rx.icon("camera-off", size=16), rx.icon("camera", size=16)),
                rx.cond(S.camera_on, t("Stop camera"), t("Start camera")),
                variant="soft",
                color_scheme="gray",
                on_click=S.toggle_camera,
            ),
        ),
        width="100%",
        align="center",
        spacing="2",
    )


def _code_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label(t("Ticket code"), html_for=CODE_FIELD_ID, style={"font-weight": "600"}),
            rx.hstack(
                rx.input(
                    id=CODE_FIELD_ID,
                    name="code",
                    placeholder="ABCD2345",
                    auto_complete="off",
                    auto_capitalize="characters",
                    spell_check=False,
                    max_length=12,
                    size="3",
                    flex="1",
                    font_family="monospace",
                    aria_invalid=rx.cond(S.code_error != "", "true", "false"),
                    aria_describedby="door-code-error",
                ),
                rx.button(t("Check in"), type="submit", size="3", loading=S.is_checking),
                width="100%",
            ),
            rx.cond(
                S.code_error != "",
                rx.text(S.code_error, color_scheme="red", size="2", role="alert", id="door-code-error"),
            ),
            spacing="1",
            width="100%",
        ),
        on_submit=S.scan_code,
        reset_on_submit=False,
        width="100%",
    )


def _placed(section: rx.Component, *, with_camera: int, without: int, online_only: bool = False) -> rx.Component:
    """`section` at its place in the door's column: one order while the camera runs, another without it.
    `online_only`: hidden while the offline door (assets/door/door.js) decides scans instead."""
    return rx.box(
        section,
        order=rx.cond(S.camera_on, str(with_camera), str(without)),
        width="100%",
        class_name="door-online-only" if online_only else "",
    )


def _door() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.text(t("Door scanner"), size="2", color_scheme="gray"),
            rx.heading(S.door_event.title, size="6", as_="h1"),
            rx.text(S.door_event.schedule, size="2", color_scheme="gray"),
            rx.cond(
                S.door_event.can_watch,
                rx.link(
                    t("Live door dashboard"),
                    href=routes.event_door_url(S.door_event.workspace_id, S.door_event.short_id),
                    size="2",
                ),
            ),
            spacing="1",
        ),
        _gate_picker(),
        rx.cond(
            S.door_event.ended,
            rx.callout(
                t("This event has ended: the door is closed and every ticket is refused."),
                icon="calendar-x",
                color_scheme="gray",
                width="100%",
            ),
        ),
        # Without the camera the typed code is the way in: its field comes first, the result under it.
        # Reordered by CSS, not re-rendered, so a code being typed as the camera fails is kept.
        offline_conflicts(),
        _placed(_counters(), with_camera=1, without=4),
        _placed(_result(), with_camera=2, without=3, online_only=True),
        _placed(_camera(), with_camera=3, without=2),
        _placed(_code_form(), with_camera=4, without=1, online_only=True),
        every(seconds=10, on_tick=S.refresh_counts),
        scan_signal(
            count=S.signal_count,
            result=S.signal_result,
            signals={result: list(signal) for result, signal in SIGNALS.items()},
            fallback=list(STOP_SIGNAL),
            box_id=RESULT_BOX_ID,
            header_id=HEADER_ID,
        ),
        spacing="4",
        width="100%",
    )


@page(routes.SCAN, N_("Scan tickets"), on_load=S.load_scanner, require="user", width="560px", unguarded=offline_door)
def scanner() -> rx.Component:
    return rx.cond(
        ~S.door_loaded,
        loading(t("Opening the scanner…")),
        rx.cond(
            S.door_problem != "",
            rx.callout(S.door_problem, icon="lock", color_scheme="red", role="alert"),
            _door(),
        ),
    )
