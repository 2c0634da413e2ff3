"""The Paystack sandbox's store hands out typed, frozen rows (issue #17, item 6), whichever way a row
is read: the verify hot path's prepared statement, a unit of work, or a listing."""

from __future__ import annotations

import dataclasses

import pytest

from eventpalour.db import transaction
from eventpalour.sandbox.paystack import settle, store
from eventpalour.sandbox.paystack.controls import Controls, read_controls


def _open_transaction(reference: str) -> None:
    store.insert_transaction(
        reference=reference,
        access_code=f"ac-{reference}",
        email="buyer@example.com",
        amount=150_000,
        currency="KES",
        callback_url=None,
        metadata={"order_id": "o1"},
    )


def test_every_read_gives_the_same_frozen_transaction():
    _open_transaction("ref-1")
    hot = store.transaction_by_reference("ref-1")
    by_code = store.transaction_by_access_code("ac-ref-1")
    with transaction() as session:
        in_unit = store.find_transaction(session, reference="ref-1")
    assert isinstance(hot, store.Transaction)
    assert hot == by_code == in_unit
    assert (hot.amount, hot.status, hot.metadata_json, hot.refunded_amount) == (
        150_000,
        "abandoned",
        {"order_id": "o1"},
        0,
    )
    assert hot.created_at.tzinfo is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        hot.status = "success"  # type: ignore[misc]
    assert store.transaction_by_reference("missing") is None


def test_settling_records_one_webhook_once():
    _open_transaction("ref-2")
    paid, webhook_id = settle("pay", reference="ref-2")
    again, second_webhook = settle("pay", reference="ref-2")
    assert isinstance(paid, store.Transaction) and paid.status == "success" and paid.paid_at is not None
    assert again == paid and second_webhook is None
    [webhook] = store.list_webhooks("ref-2")
    assert isinstance(webhook, store.Webhook)
    assert (webhook.id, webhook.event, webhook.attempts, webhook.delivered_at) == (
        webhook_id,
        "charge.success",
        0,
        None,
    )


def test_controls_are_typed_and_stored_ones_override_the_defaults():
    assert read_controls() == Controls(
        fail_initialize=False,
        fail_verify=False,
        hang_seconds=0,
        webhook_enabled=True,
        fail_refunds=False,
        refund_auto_seconds=None,
    )
    store.write_controls({"hang_seconds": 3, "fail_refunds": True})
    store.write_controls({"hang_seconds": 200})
    controls = read_controls()
    assert (controls.hang_seconds, controls.hang, controls.fail_refunds) == (200, 120.0, True)
    store.reset_controls()
    assert read_controls().hang_seconds == 0
