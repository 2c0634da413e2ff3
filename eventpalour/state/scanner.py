"""/scan/{short_id}: a door device. Each camera read or typed code goes to services/scanning,
which decides; this state only shows the result and keeps the counters fresh."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import reflex as rx

from eventpalour import routes
from eventpalour.models import ScanResult
from eventpalour.services import tickets
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, NC_, DomainError, RateLimited, gettext, said
from eventpalour.services.tickets import ConflictRow, ListCounters, ListRow, ScanOutcome
from eventpalour.state.base import AuthState, call_service

# The headline over one scan's result, each said of the one person scanned: in context "scan result"
# apart from the same English said of many ("Checked in" here is Kiswahili "Ameingia", the
# counters' "Checked in" is "Wameingia"). door.js shows them offline too (components/door_offline.py).
TITLE_CONTEXT = "scan result"
TITLES = {
    "ok": NC_("scan result", "Checked in"),
    "already_used": NC_("scan result", "Already used"),
    "invalid": NC_("scan result", "Invalid ticket"),
    "wrong_event": NC_("scan result", "Wrong event"),
    "not_valid": NC_("scan result", "Not valid"),
    "event_ended": NC_("scan result", "Event has ended"),
    "wrong_gate": NC_("scan result", "Not valid at this gate"),
    "exited": NC_("scan result", "Exit recorded"),
    "not_inside": NC_("scan result", "Not inside"),
}
# Why the camera cannot be used, by the code components/qr_scanner.jsx reports.
CAMERA_PROBLEMS = {
    "unsupported": N_("This browser cannot use the camera here. Open the page over https, or type the code below."),
    "refused": N_("Camera access was refused. Allow the camera for this site, or type the code below."),
    "unavailable": N_("No camera could be started. Type the code below instead."),
    "no-picture": N_("The camera shows no picture. Try it again, or type the code below."),
}
# (vibration pattern in ms, tone in Hz): one short buzz to wave someone in, a long one to stop them.
# The page plays them (components/qr_scanner.jsx's ScanSignal) each time `signal_count` goes up.
SIGNALS = {"ok": ([120], 880), "exited": ([120], 660), "already_used": ([90, 60, 90, 60, 90], 440)}
# The keys assets/door/door.js reads too: the list and direction stay chosen on this device, online
# and offline.
LIST_KEY = "ep_door_list"
DIRECTION_KEY = "ep_door_direction"
DEVICE_KEY = "ep_door_device"  # door.js keeps this device's id (made once, in IndexedDB) here too
ENTRY, EXIT = "entry", "exit"
READ_CHOICE = (
    "JSON.stringify(["
    + ", ".join(f"localStorage.getItem('{key}') || ''" for key in (LIST_KEY, DIRECTION_KEY, DEVICE_KEY))
    + "])"
)


def remember_script(key: str, value: str) -> str:
    return f"(() => {{ try {{ localStorage.setItem({json.dumps(key)}, {json.dumps(value)}); }} catch (e) {{}} }})()"


STOP_SIGNAL = ([450], 220)


RESULT_BOX_ID = "scan-result"
CODE_FIELD_ID = "door-code"  # the typed-code field (pages/scanner.py)
HEADER_ID = "site-header"  # the sticky navbar (components/navbar.py)


def clear_code_script(sent: str) -> str:
    """Empty the code field after its scan, unless it no longer holds the code that was sent: the
    clearing runs a moment after the result shows, and must not wipe a next code typed meanwhile."""
    return (
        f"(() => {{ const field = document.getElementById({json.dumps(CODE_FIELD_ID)});"
        f" if (field && field.value === {json.dumps(sent)}) field.value = ''; }})()"
    )


@dataclass(frozen=True)
class DoorEvent:
    """The event this door admits to; blank until loaded."""

    id: str = ""
    short_id: str = ""
    workspace_id: str = ""
    title: str = ""
    schedule: str = ""
    ended: bool = False
    can_watch: bool = False  # the live door dashboard is open to this member


@dataclass(frozen=True)
class GateShown:
    """A check-in list as the scanner's picker and counters show it."""

    id: str = ""
    name: str = ""
    count_exits: bool = False
    admitted: int = 0
    total: int = 0
    inside: int = 0


def gate_shown(row: ListRow, language: str = "en") -> GateShown:
    return GateShown(row.id, said(language, row.name), row.count_exits, row.admitted, row.total, row.inside)


@dataclass(frozen=True)
class ScanShown:
    """The last scan on this device, as the big result box shows it; blank before the first."""

    result: str = ""
    title: str = ""
    message: str = ""
    holder: str = ""
    tier: str = ""
    code: str = ""


@dataclass(frozen=True)
class ConflictShown:
    """A ticket offline devices let in twice (or after it was voided), as the door lists it."""

    code: str
    holder: str
    device: str
    at: str
    note: str


def conflict_shown(row: ConflictRow, language: str) -> ConflictShown:
    return ConflictShown(
        code=row.short_code,
        holder=row.holder_name,
        device=row.device_id[:12],
        at=row.scanned_at_label,
        note=gettext(language, row.note),
    )


def scan_shown(outcome: ScanOutcome, language: str = "en") -> ScanShown:
    """The result box's words in the door's language: the headline, and the service's sentence (a
    catalog sentence with the ticket's values; one that is not in the catalogs reads as it came)."""
    return ScanShown(
        result=outcome.result,
        title=gettext(language, TITLES.get(outcome.result, outcome.result), TITLE_CONTEXT),
        message=gettext(language, outcome.message),
        holder=outcome.holder_name,
        tier=outcome.tier_name,
        code=outcome.short_code,
    )


class ScannerState(AuthState):
    door_event: DoorEvent = DoorEvent()
    door_problem: str = ""
    door_loaded: bool = False
    checked_in: int = 0
    sold: int = 0
    inside: int = 0
    lists: list[GateShown] = []
    list_id: str = ""  # the check-in list this device scans for (its choice kept in localStorage)
    direction: str = ENTRY
    counts_exits: bool = False  # the chosen list has an Entry/Exit switch
    device_id: str = ""  # this phone's door device id (assets/door/door.js), once known
    last_scan: ScanShown = ScanShown()
    scans_here: int = 0
    signal_count: int = 0  # up by one per answer the page signals (ScanSignal plays it)
    signal_result: str = ""  # which answer: a key of SIGNALS (else STOP_SIGNAL)
    camera_error: str = ""
    camera_on: bool = True
    camera_unavailable: bool = False  # no camera, or its use refused: the typed code is the way in
    code_error: str = ""
    is_checking: bool = False
    conflicts: list[ConflictShown] = []
    manifest_url: str = ""

    def _event_ref(self) -> str:
        parts = self.router.url.path.strip("/").split("/")
        return parts[1] if len(parts) > 1 and parts[0] == "scan" else ""

    def _device(self) -> str:
        """Which phone scanned: its door device id (the one its offline scans upload under), else its
        browser session (two phones of one model stay apart) and user agent."""
        if self.device_id:
            return self.device_id
        return f"{(self.router.session.client_token or '')[:8]} {self.router.headers.user_agent or ''}".strip()

    def _show_lists(self, rows: list[ListRow]) -> None:
        """The lists and the chosen one's counters (the main list when the choice is not one of them)."""
        self.lists = [gate_shown(row, self._language()) for row in rows]
        if self.lists and not any(g.id == self.list_id for g in self.lists):
            self.list_id = self.lists[0].id
        self._show_chosen()

    async def _load_lists(self, actor: UserSummary) -> None:
        self._show_lists(await call_service(tickets.event_checkin_lists, actor=actor, event_id=self.door_event.id))

    @rx.event
    async def load_scanner(self):
        self.door_loaded, self.door_problem, self.last_scan, self.camera_error = False, "", ScanShown(), ""
        self.code_error, self.scans_here, self.camera_on, self.camera_unavailable = "", 0, True, False
        try:
            actor = await self.require_user()
            found = await call_service(tickets.scanner_event, actor=actor, event_id=self._event_ref())
        except DomainError as error:
            self.door_problem, self.door_loaded = error.in_language(self._language()), True
            return
        self.door_event = DoorEvent(
            id=found.event_id,
            short_id=found.short_id,
            workspace_id=found.workspace_id,
            title=found.title,
            schedule=found.schedule,
            ended=found.ended,
            can_watch=found.can_watch,
        )
        self.manifest_url = routes.door_manifest_url(found.short_id)
        await self._load_lists(actor)
        await self._load_conflicts(actor)
        self.door_loaded = True
        return rx.call_script(READ_CHOICE, callback=ScannerState.restore_choice)

    @rx.event
    async def restore_choice(self, remembered: str) -> None:
        """The list and direction this device chose before (localStorage), if still valid here."""
        try:
            list_id, direction, device_id = json.loads(remembered or "[]")
        except (ValueError, TypeError):
            return
        if not all(isinstance(value, str) for value in (list_id, direction, device_id)):
            return
        self.device_id = device_id[:64]
        if any(g.id == list_id for g in self.lists):
            self.list_id = list_id
        self.direction = EXIT if direction == EXIT else ENTRY
        self._show_chosen()

    def _show_counters(self, counters: ListCounters) -> None:
        """One list's new counters (after a scan on it); its total and the other lists wait for the
        periodic refresh."""
        self._assign(
            lists=[
                replace(g, admitted=counters.admitted, inside=counters.inside) if g.id == counters.list_id else g
                for g in self.lists
            ]
        )
        self._show_chosen()

    def _show_chosen(self) -> None:
        """The chosen list's switch and counters; only what changed, so a scan's delta stays small."""
        chosen = next((g for g in self.lists if g.id == self.list_id), None)
        if chosen is None:
            return
        self._assign(
            counts_exits=chosen.count_exits, checked_in=chosen.admitted, sold=chosen.total, inside=chosen.inside
        )
        if not chosen.count_exits:
            self._assign(direction=ENTRY)

    @rx.event
    def pick_list(self, list_id: str):
        """The door's list picker: scans go to this list from now on, on this device."""
        if not any(g.id == list_id for g in self.lists):
            return None
        self.list_id = list_id
        self._show_chosen()
        return rx.call_script(remember_script(LIST_KEY, list_id))

    @rx.event
    def pick_direction(self, direction: str | list[str]):
        """Entry or Exit, on a list that counts exits (the switch sends its one value)."""
        direction = direction if isinstance(direction, str) else (direction[0] if direction else ENTRY)
        self.direction = EXIT if direction == EXIT and self.counts_exits else ENTRY
        return rx.call_script(remember_script(DIRECTION_KEY, self.direction))

    async def _load_conflicts(self, actor: UserSummary) -> None:
        rows = await call_service(tickets.offline_conflicts, actor=actor, event_id=self.door_event.id)
        language = self._language()
        self.conflicts = [conflict_shown(row, language) for row in rows]

    async def _scan(self, text: str):
        try:
            outcome = await self.call_as_user(
                tickets.scan_ticket,
                event_id=self.door_event.id,
                token_or_code=text,
                device=self._device(),
                list_id=self.list_id,
                direction=self.direction,
                counters=True,
            )
        except RateLimited as error:
            self.code_error = error.in_language(self._language())
            self._signal(ScanResult.INVALID)
            return [rx.toast.error(self.code_error)]
        except DomainError as error:
            return self.show_error(error)
        self.last_scan, self.scans_here = scan_shown(outcome, self._language()), self.scans_here + 1
        if outcome.counters is not None:  # this list's counters, other devices' scans included
            self._show_counters(outcome.counters)
        self._signal(outcome.result)
        return []

    def _signal(self, result: str) -> None:
        """Have the page buzz, beep and show the result (no event of its own: the scan's delta says it)."""
        self.signal_result, self.signal_count = result, self.signal_count + 1

    @rx.event
    async def scan_qr(self, text: str):
        """A camera read (the component already dropped repeats of the same code)."""
        return await self._scan(text[:512])

    @rx.event
    async def scan_code(self, form: dict[str, str]):
        sent = str(form.get("code") or "")[:64]  # the field holds 12 at most; echoed back to clear it
        if problem := tickets.typed_code_problem(sent):
            self.code_error = gettext(self._language(), problem)
            return
        self.code_error, self.is_checking = "", True
        yield
        events = await self._scan(tickets.normalize_code(sent))
        self.is_checking = False
        yield [*events, rx.call_script(clear_code_script(sent))]

    @rx.event
    async def refresh_counts(self):
        if not self.door_event.id:
            return None
        try:
            actor = await self.require_user()
            await self._load_lists(actor)
            await self._load_conflicts(actor)
            if self.device_id:  # heard from: the live door dashboard shows this phone online
                await call_service(
                    tickets.see_door_device, actor=actor, event_id=self.door_event.id, device_id=self.device_id
                )
        except DomainError:
            return None  # the next tick tries again; a scan shows any real problem
        # The offline door (door.js) may have changed the choice while the server was out of reach.
        return rx.call_script(READ_CHOICE, callback=ScannerState.restore_choice)

    @rx.event
    def toggle_camera(self) -> None:
        """Stop or start the camera; after a failure, try it again (e.g. once the camera was allowed)."""
        self.camera_on = self.camera_unavailable or not self.camera_on
        self.camera_error, self.camera_unavailable = "", False

    @rx.event
    def camera_failed(self, code: str) -> None:
        """The camera cannot be used (qr_scanner.jsx says why): the video box and its Stop button go,
        the code field moves up, and the reason shows in the reader's language."""
        message = CAMERA_PROBLEMS.get(str(code), CAMERA_PROBLEMS["unavailable"])
        self.camera_error = gettext(self._language(), message)
        self.camera_on, self.camera_unavailable = False, True
