"""Ed25519 QR codes (#21): a code verifies with its event's public key alone, any change to it is
refused, the private key is stored sealed, old HMAC codes keep scanning online, and a newer version
of a ticket's code revokes the older one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import update
from sqlmodel import select

from eventpalour.db import read_only, transaction
from eventpalour.models import EventSigningKey, Ticket
from eventpalour.services import platform
from eventpalour.services.tickets import scanning, signing_keys, ticket_tokens
from tests.factories import add_member, make_user
from tests.ticket_support import issue, make_venue

VECTORS = json.loads((Path(__file__).parent.parent / "vectors" / "ticket_signatures.json").read_text())


@pytest.fixture
def door():
    venue = make_venue()
    staff = make_user(full_name="Gate Keeper")
    add_member(venue.workspace_id, staff, "member")
    return venue, staff


def _signed(t: Ticket) -> str:
    return ticket_tokens.sign_signed(t.id, t.event_id, t.tier_id, t.secret_version)


def _scan(staff, venue, text: str) -> scanning.ScanOutcome:
    return scanning.scan_ticket(actor=staff.summary, event_id=venue.short_id, token_or_code=text, device="Gate A")


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_verify_signed_matches_the_shared_vectors(case):
    key = Ed25519PublicKey.from_public_bytes(signing_keys.unb64(VECTORS["public_key"]))
    claims = ticket_tokens.verify_signed(case["token"].split("."), key)
    assert (claims is not None) == case["valid"]


def test_signed_code_reads_back_with_its_tier(door):
    venue, _ = door
    [t] = issue(venue)
    token = _signed(t)
    assert token.startswith("EP2.")
    assert ticket_tokens.read(token) == ticket_tokens.TicketClaims(t.id, t.event_id, 1, t.tier_id)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t, other: t.replace(".1.", ".2."),  # another version
        lambda t, other: t[:-3],  # truncated signature
        lambda t, other: t.rsplit(".", 1)[0] + "." + other.rsplit(".", 1)[1],  # another ticket's signature
        lambda t, other: t.rsplit(".", 1)[0] + ".!!!",  # not base64
        lambda t, other: t.replace(t.split(".")[2], "nosuchevent00000"),  # an event without keys
    ],
)
def test_altered_signed_codes_are_refused(door, tamper):
    venue, _ = door
    first, second = issue(venue, count=2)
    assert ticket_tokens.read(tamper(_signed(first), _signed(second))) is None


def test_code_signed_by_another_events_key_is_refused(door):
    venue, _ = door
    [t] = issue(venue)
    elsewhere = make_venue(title="Another night")
    [other] = issue(elsewhere)
    forged = ticket_tokens.sign_signed(t.id, other.event_id, t.tier_id, 1).replace(other.event_id, t.event_id)
    _signed(t)  # the event has its own pair now
    assert ticket_tokens.read(forged) is None


def test_private_key_is_stored_sealed_and_public_key_matches(door):
    venue, _ = door
    [t] = issue(venue)
    shown = signing_keys.event_public_key(t.event_id)
    with read_only() as session:
        stored = session.exec(select(EventSigningKey).where(EventSigningKey.event_id == t.event_id)).one()
    assert stored.public_key == shown.public_key
    seed = signing_keys.unb64(platform.unseal(stored.sealed_private_key))
    assert len(seed) == 32 and signing_keys.b64(seed) not in stored.sealed_private_key
    key = Ed25519PublicKey.from_public_bytes(signing_keys.unb64(shown.public_key))
    assert ticket_tokens.verify_signed(_signed(t).split("."), key) is not None


def test_signed_code_scans_once_at_the_door(door):
    venue, staff = door
    [t] = issue(venue)
    assert _scan(staff, venue, _signed(t)).result == "ok"
    assert _scan(staff, venue, _signed(t)).result == "already_used"


def test_hmac_code_issued_before_keeps_scanning_online(door):
    venue, staff = door
    [t] = issue(venue)
    assert _scan(staff, venue, ticket_tokens.sign(t.id, t.event_id, t.secret_version)).result == "ok"


def test_newer_version_revokes_older_signed_code(door):
    venue, staff = door
    [t] = issue(venue)
    old = _signed(t)
    with transaction() as session:
        session.exec(update(Ticket).where(Ticket.id == t.id).values(secret_version=2))
    assert _scan(staff, venue, old).result == "invalid"
    assert _scan(staff, venue, ticket_tokens.sign_signed(t.id, t.event_id, t.tier_id, 2)).result == "ok"
