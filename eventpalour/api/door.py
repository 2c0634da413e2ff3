"""Door devices over JSON (#21): a signed-in door member's phone downloads the event's ticket list
(then only changes) to scan offline, and uploads the check-ins it queued while offline. The same
services decide as for the scanner page; these routes only carry JSON."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from eventpalour import routes
from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers, reader_language
from eventpalour.services import tickets
from eventpalour.services.platform import Message, NotFound, gettext, said
from eventpalour.services.tickets import OfflineCheckIn

router = APIRouter(tags=["door"])


class SyncedPassOut(BaseModel):
    listId: str  # noqa: N815
    direction: str
    at: datetime


class SyncedTicketOut(BaseModel):
    id: str
    codeHash: str = Field(description="SHA-256 hex of '<event id>:<short code>' (typed codes match it).")  # noqa: N815
    tierId: str  # noqa: N815
    tierName: str  # noqa: N815
    holderName: str  # noqa: N815
    status: str
    version: int = Field(description="The secret version its current QR code carries; older codes are revoked.")
    usedAt: datetime | None  # noqa: N815
    passes: list[SyncedPassOut] = Field(description="Its passes through the event's check-in lists, oldest first.")


class SyncedListOut(BaseModel):
    id: str
    name: str
    allTiers: bool  # noqa: N815
    tierIds: list[str]  # noqa: N815
    readmitDaily: bool  # noqa: N815
    countExits: bool  # noqa: N815


class DeviceSyncOut(BaseModel):
    eventId: str  # noqa: N815
    shortId: str  # noqa: N815
    title: str
    timezone: str = Field(description="The event's time zone: a list that re-admits daily counts days there.")
    lists: list[SyncedListOut] = Field(description="The event's check-in lists, the main one first.")
    publicKey: str = Field(description="The event's Ed25519 public key, raw 32 bytes in base64url.")  # noqa: N815
    cursor: str = Field(description="Send back as `since` for the tickets written after this answer.")
    full: bool = Field(description="true: the whole list (replace what the device had); false: changes only.")
    doorsClosed: bool  # noqa: N815
    tickets: list[SyncedTicketOut]


class OfflineScanIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    sequence: int = Field(ge=0, lt=2**31, description="The scan's number on this device (unique per device).")
    ticket_id: str = Field(default="", alias="ticketId", max_length=16)
    scanned_at: AwareDatetime = Field(alias="scannedAt")
    result: str = Field(max_length=16, description="What the device decided: ok, already_used, invalid, …")
    list_id: str = Field(default="", alias="listId", max_length=16, description="The check-in list; empty: the main.")
    direction: str = Field(default="entry", max_length=8, description="entry, or exit on a list that counts exits")


class OfflineUploadIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    device_id: str = Field(alias="deviceId", max_length=64)
    scans: list[OfflineScanIn] = Field(max_length=1000)


class AppliedScanOut(BaseModel):
    sequence: int
    outcome: str = Field(description="admitted, conflict (let in twice or on a voided ticket) or logged")
    message: str = Field(description="What the server made of the scan, in the reader's language.")
    template: str = Field(
        default="",
        description="The message's English sentence with {fields} (a device translating it itself looks it up "
        "by this); empty for a scan stored before such sentences were kept, whose message is as written.",
    )
    values: dict[str, str] = Field(default_factory=dict, description="The template's {fields}, e.g. at, gate.")


def _applied_out(applied: tickets.AppliedScan, language: str) -> AppliedScanOut:
    note = applied.message
    is_sentence = isinstance(note, Message)
    return AppliedScanOut(
        sequence=applied.sequence,
        outcome=applied.outcome,
        message=gettext(language, note),
        template=note.template if is_sentence else "",
        # each value as the reader reads it (the default list's name in their language), for door.js
        # to put in the sentence it looks up by the template
        values={name: said(language, v if isinstance(v, str) else str(v)) for name, v in note.values.items()}
        if is_sentence
        else {},
    )


class ConflictOut(BaseModel):
    shortCode: str  # noqa: N815
    holderName: str  # noqa: N815
    deviceId: str  # noqa: N815
    scannedAt: str  # noqa: N815
    note: str


@router.get("/api/events/{event_id}/door/sync", responses=answers(403, 404))
def read_door_sync(event_id: str, user: CurrentUser, since: Annotated[str, Query(max_length=64)] = "") -> DeviceSyncOut:
    """The event's tickets for a door device to scan offline (workspace members): all of them, or
    with `since` (the last answer's cursor) those written after it, with the event's public key."""
    found = tickets.device_sync(actor=user, event_id=event_id, since=since)
    return DeviceSyncOut(
        eventId=found.event_id,
        shortId=found.short_id,
        title=found.title,
        timezone=found.timezone,
        lists=[
            SyncedListOut(
                id=g.id,
                name=g.name,
                allTiers=g.all_tiers,
                tierIds=list(g.tier_ids),
                readmitDaily=g.readmit_daily,
                countExits=g.count_exits,
            )
            for g in found.lists
        ],
        publicKey=found.public_key,
        cursor=found.cursor,
        full=found.full,
        doorsClosed=found.doors_closed,
        tickets=[
            SyncedTicketOut(
                id=t.id,
                codeHash=t.code_hash,
                tierId=t.tier_id,
                tierName=t.tier_name,
                holderName=t.holder_name,
                status=t.status,
                version=t.version,
                usedAt=t.used_at,
                passes=[SyncedPassOut(listId=p.list_id, direction=p.direction, at=p.at) for p in t.passes],
            )
            for t in found.tickets
        ],
    )


@router.post("/api/events/{event_id}/door/scans", responses=answers(403, 404))
def upload_door_scans(
    event_id: str, body: OfflineUploadIn, user: CurrentUser, request: Request
) -> list[AppliedScanOut]:
    """Upload the check-ins a device made offline. Each (device, sequence) is applied once: sending
    the same queue again answers the same. A ticket let in twice is a `conflict` (the first time wins)."""
    applied = tickets.upload_offline_scans(
        actor=user,
        event_id=event_id,
        device_id=body.device_id,
        scans=[
            OfflineCheckIn(s.sequence, s.ticket_id, s.scanned_at, s.result, s.list_id, s.direction) for s in body.scans
        ],
    )
    language = reader_language(request)
    return [_applied_out(a, language) for a in applied]


@router.get("/api/events/{event_id}/door/conflicts", responses=answers(403, 404))
def read_door_conflicts(event_id: str, user: CurrentUser, request: Request) -> list[ConflictOut]:
    """Tickets let in twice by offline devices (or after they were voided), latest first; each note in
    the reader's language."""
    language = reader_language(request)
    return [
        ConflictOut(
            shortCode=c.short_code,
            holderName=c.holder_name,
            deviceId=c.device_id,
            scannedAt=c.scanned_at_label,
            note=gettext(language, c.note),
        )
        for c in tickets.offline_conflicts(actor=user, event_id=event_id)
    ]


SCAN_SCOPE = routes.scan_url("")  # "/scan/": every event's scanner page
DOOR_ASSETS = Path(__file__).resolve().parents[2] / "assets" / "door"
# The worker's own policy governs its fetches (the default for non-pages lets nothing load).
WORKER_HEADERS = {
    "Service-Worker-Allowed": SCAN_SCOPE,
    "Cache-Control": "no-cache",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
}
SHORT_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@router.get(routes.API_DOOR_WORKER, include_in_schema=False)
def read_door_worker() -> Response:
    """The scanner's service worker, served here so it may control /scan/ pages."""
    body = (DOOR_ASSETS / "sw.js").read_bytes()
    return Response(body, media_type="text/javascript", headers=WORKER_HEADERS)


@router.get("/api/events/{short_id}/door/manifest.webmanifest", include_in_schema=False)
def read_door_manifest(short_id: str) -> Response:
    """The web app manifest that makes one event's scanner installable. Browsers fetch it without
    cookies, so it names nothing but the page it opens."""
    if not SHORT_ID.match(short_id):
        raise NotFound("This event does not exist.")
    manifest = {
        "name": "EventPalour door scanner",
        "short_name": "Door",
        "start_url": routes.scan_url(short_id),
        "scope": SCAN_SCOPE,
        "display": "standalone",
        "background_color": "#111113",
        "theme_color": "#6e56cf",  # the theme's accent (Radix violet 9)
        # Browsers offer to install an app only with 192 and 512 pixel icons (assets/door/icon-*.png).
        "icons": [
            {"src": f"/door/icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any maskable"}
            for size in (192, 512)
        ],
    }
    return Response(json.dumps(manifest), media_type="application/manifest+json", headers={"Cache-Control": "no-cache"})
