"""Two withdrawals racing cannot overdraw (SPEC §5), on SQLite and PostgreSQL.

A workspace has KES 10,000 available and 16 admins' requests of KES 3,000 arrive at once: exactly
three fit. The control run turns the balance lock off (a test-only context variable): each request
then checks a balance it read before its write transaction, and more than three get through.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

import pytest

from eventpalour.services.finance import billing, withdrawals
from eventpalour.services.finance.withdrawals import WithdrawalInput
from eventpalour.services.platform.errors import ValidationFailed
from tests.billing_support import insert_order
from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace

REQUESTS = 16
AVAILABLE = 1_000_000  # KES 10,000.00
AMOUNT = "3000"  # KES 3,000.00: three fit, a fourth would overdraw


@pytest.fixture
def treasury():
    owner = make_organizer(two_factor=True)
    ws = make_workspace(owner)
    event = make_event(owner, ws.id)
    # 5% of 1,052,632 is 52,632 (half up): the share left is exactly KES 10,000.00.
    insert_order(event, make_user().id, subtotal=1_052_632, provider_fee=0)
    admins = [make_user(two_factor=True) for _ in range(REQUESTS)]
    for admin in admins:
        add_member(ws.id, admin, "admin")
    assert billing.billing_overview(actor=owner.summary, workspace_id=ws.id).balances[0].available == AVAILABLE
    return owner, ws, admins


def _rush(ws_id: str, admins: list, guarded: bool) -> dict[str, int]:
    barrier = threading.Barrier(REQUESTS)

    def ask(admin) -> str:
        context = nullcontext() if guarded else withdrawals.balance_lock_disabled_for_tests()
        try:
            barrier.wait(timeout=10)
        except threading.BrokenBarrierError:
            pass
        with context:
            try:
                withdrawals.request_withdrawal(
                    actor=admin.summary,
                    workspace_id=ws_id,
                    data=WithdrawalInput(currency="KES", amount=AMOUNT, method="mpesa", phone_number="0712345678"),
                )
                return "requested"
            except ValidationFailed:
                return "refused"

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        outcomes = list(pool.map(ask, admins))
    return {kind: outcomes.count(kind) for kind in ("requested", "refused")}


def _kes(owner, ws) -> billing.Balance:
    return billing.billing_overview(actor=owner.summary, workspace_id=ws.id).balances[0]


def test_withdrawal_race_prevented(treasury):
    owner, ws, admins = treasury
    outcomes = _rush(ws.id, admins, guarded=True)
    assert outcomes == {"requested": 3, "refused": REQUESTS - 3}
    kes = _kes(owner, ws)
    assert (kes.pending, kes.available) == (900_000, 100_000)


def test_withdrawal_race_happens_without_the_lock(treasury):
    owner, ws, admins = treasury
    outcomes = _rush(ws.id, admins, guarded=False)
    assert outcomes["requested"] > 3, outcomes
    assert _kes(owner, ws).available < 0  # overdrawn: what the lock prevents
