"""Withdrawals (SPEC §5): requests checked against the available balance and the policy minimum,
field by field; who may request and who may decide; decisions emailed and audit-logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import AuditLogEntry, Order, Withdrawal
from eventpalour.models.types import utcnow
from eventpalour.services.finance import billing, revenue, withdrawals
from eventpalour.services.finance.withdrawals import WithdrawalInput
from eventpalour.services.identity.accounts import ClientInfo
from eventpalour.services.platform.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from tests.billing_support import insert_order, insert_refund, make_platform_admin
from tests.factories import add_member, latest_email, make_event, make_organizer, make_user, make_workspace

BANK = {"method": "bank", "bank_name": "KCB Bank", "account_number": "1234 5678 90", "account_name": "Jazz Society"}
MPESA = {"method": "mpesa", "phone_number": "0712 345 678"}


@pytest.fixture
def earning():
    """A workspace with KES 9,210.00 and USD 95.00 available."""
    owner = make_organizer(two_factor=True)
    ws = make_workspace(owner)
    event = make_event(owner, ws.id)
    buyer = make_user()
    insert_order(event, buyer.id, subtotal=1000000, provider_fee=29000)  # share 921,000
    insert_order(event, buyer.id, subtotal=10000, provider_fee=0, currency="USD")  # share 9,500
    return owner, ws


def _available(owner, ws) -> dict[str, int]:
    return {b.currency: b.available for b in billing.billing_overview(actor=owner.summary, workspace_id=ws.id).balances}


def _ask(owner, ws, **fields):
    return withdrawals.request_withdrawal(
        actor=owner.summary, workspace_id=ws.id, data=WithdrawalInput(**{"currency": "KES", **BANK, **fields})
    )


def test_request_to_a_bank_account_and_to_mpesa(earning):
    owner, ws = earning
    to_bank = _ask(owner, ws, amount="5,000.00")
    assert (to_bank.status, to_bank.amount, to_bank.destination) == (
        "requested",
        500000,
        "KCB Bank ••••7890 (Jazz Society)",
    )
    to_phone = _ask(owner, ws, amount="1000", **MPESA)
    assert to_phone.destination == "M-Pesa ••••5678"
    assert _available(owner, ws) == {"KES": 921000 - 600000, "USD": 9500}
    with read_only() as session:
        stored = session.get(Withdrawal, to_phone.id)
        assert (stored.phone_number, stored.bank_name, stored.requested_by_id) == ("+254712345678", None, owner.id)
        audit = session.exec(select(AuditLogEntry).where(AuditLogEntry.target_id == to_bank.id)).one()
        assert audit.action == "workspace.withdrawal_requested" and audit.details["amount"] == 500000
    history = withdrawals.list_withdrawals(actor=owner.summary, workspace_id=ws.id)
    assert [w.id for w in history] == [to_phone.id, to_bank.id]


@pytest.mark.parametrize(
    "fields, problems",
    [
        ({"amount": "9,210.01"}, {"amount": "You can withdraw at most KES 9,210.00 in KES."}),
        ({"amount": "999.99"}, {"amount": "The minimum withdrawal is KES 1,000.00."}),
        ({"currency": "USD", "amount": "7.99"}, {"amount": "The minimum withdrawal is USD 8.00."}),
        ({"currency": "USD", "amount": "95.01"}, {"amount": "You can withdraw at most USD 95.00 in USD."}),
        ({"currency": "NGN", "amount": "12000"}, {"amount": "You can withdraw at most NGN 0.00 in NGN."}),
        ({"amount": ""}, {"amount": "Enter an amount, like 1500 or 1,500.00."}),
        ({"amount": "-5000"}, {"amount": "Enter an amount, like 1500 or 1,500.00."}),
        ({"currency": "EUR", "amount": "5000"}, {"currency": "Choose a currency."}),
        (
            {"amount": "5000", "bank_name": " ", "account_number": "12", "account_name": ""},
            {
                "bank_name": "Enter the bank's name.",
                "account_number": "Enter the account number: 5 to 34 letters or digits.",
                "account_name": "Enter the name the account is held in.",
            },
        ),
        (
            {"currency": "USD", "amount": "50", **MPESA, "phone_number": "+1 555 0100"},
            {
                "phone_number": "Enter a Kenyan M-Pesa number, like 0712 345 678.",
                "method": "M-Pesa payouts are in KES only; choose a bank account.",
            },
        ),
        ({"amount": "5000", "method": "cash"}, {"method": "Choose a bank account or M-Pesa."}),
    ],
)
def test_request_refused_with_details(earning, fields, problems):
    owner, ws = earning
    with pytest.raises(ValidationFailed) as refused:
        _ask(owner, ws, **fields)
    assert {str(d.path[0]): d.message for d in refused.value.details} == problems
    assert _available(owner, ws) == {"KES": 921000, "USD": 9500}


def test_the_whole_available_balance_can_be_withdrawn_and_refunds_lower_it(earning):
    owner, ws = earning
    _ask(owner, ws, amount="9210")
    with pytest.raises(ValidationFailed, match="at most KES 0.00"):
        _ask(owner, ws, amount="1000")
    # A refund after the payout leaves the balance below zero; nothing more can be withdrawn.
    with read_only() as session:
        order_id = session.exec(select(Order.id).where(Order.currency == "KES")).one()
    insert_refund(order_id, 50000, "processed")
    assert _available(owner, ws)["KES"] == -50000
    with pytest.raises(ValidationFailed, match="at most KES 0.00"):
        _ask(owner, ws, amount="1000")


@pytest.mark.parametrize("role, allowed", [("owner", True), ("admin", True), ("moderator", False), ("member", False)])
def test_only_admins_and_the_owner_request_withdrawals(earning, role, allowed):
    owner, ws = earning
    person = owner
    if role != "owner":
        person = make_user(two_factor=True)
        add_member(ws.id, person, role)
    if allowed:
        assert _ask(person, ws, amount="1000").status == "requested"
        assert len(withdrawals.list_withdrawals(actor=person.summary, workspace_id=ws.id)) == 1
    else:
        with pytest.raises(PermissionDenied, match="Only a workspace admin or above"):
            _ask(person, ws, amount="1000")
        with pytest.raises(PermissionDenied):
            withdrawals.list_withdrawals(actor=person.summary, workspace_id=ws.id)
    with pytest.raises(PermissionDenied, match="not a member"):
        _ask(make_user(), ws, amount="1000")
    with pytest.raises(NotAuthenticated):
        withdrawals.request_withdrawal(actor=None, workspace_id=ws.id, data=WithdrawalInput(amount="1000", **BANK))


@pytest.fixture
def requested(earning):
    owner, ws = earning
    return owner, ws, _ask(owner, ws, amount="3,000")


@pytest.mark.parametrize("level", ["super_admin", "finance"])
def test_finance_and_super_admins_mark_a_withdrawal_paid(requested, level):
    owner, ws, request = requested
    admin = make_user(two_factor=True)
    make_platform_admin(admin.id, level)
    queue = revenue.withdrawal_queue(actor=admin.summary)
    assert [(q.id, q.account_number, q.owner_email) for q in queue] == [(request.id, "1234567890", owner.email)]

    client = ClientInfo(ip="10.0.0.7", user_agent="pytest")
    withdrawals.mark_withdrawal_paid(
        actor=admin.summary, withdrawal_id=request.id, reference="KCB-TRX-001", client=client
    )
    (done,) = withdrawals.list_withdrawals(actor=owner.summary, workspace_id=ws.id)
    assert (done.status, done.reference) == ("paid", "KCB-TRX-001")
    (kes,) = [
        b for b in billing.billing_overview(actor=owner.summary, workspace_id=ws.id).balances if b.currency == "KES"
    ]
    assert (kes.withdrawn, kes.pending, kes.available) == (300000, 0, 621000)
    assert revenue.withdrawal_queue(actor=admin.summary) == []
    assert [q.id for q in revenue.withdrawal_queue(actor=admin.summary, status="paid")] == [request.id]

    email = latest_email(owner.email, "withdrawal_paid")
    assert email.subject == "Withdrawal of KES 3,000.00 paid" and "KCB-TRX-001" in email.text_body
    with read_only() as session:
        audit = session.exec(select(AuditLogEntry).where(AuditLogEntry.action == "admin.withdrawal_paid")).one()
    assert (audit.actor_id, audit.target_id, audit.ip, audit.details["reference"]) == (
        admin.id,
        request.id,
        "10.0.0.7",
        "KCB-TRX-001",
    )
    with pytest.raises(Conflict, match="already paid"):
        withdrawals.reject_withdrawal(actor=admin.summary, withdrawal_id=request.id, reason="Changed my mind")


def test_a_rejected_withdrawal_gives_the_amount_back(requested):
    owner, ws, request = requested
    admin = make_user(two_factor=True)
    make_platform_admin(admin.id, "finance")
    with pytest.raises(ValidationFailed) as missing:
        withdrawals.reject_withdrawal(actor=admin.summary, withdrawal_id=request.id, reason="  ")
    assert [d.path for d in missing.value.details] == [("reason",)]
    withdrawals.reject_withdrawal(
        actor=admin.summary, withdrawal_id=request.id, reason="Account name does not match KYC"
    )
    assert _available(owner, ws)["KES"] == 921000
    (done,) = withdrawals.list_withdrawals(actor=owner.summary, workspace_id=ws.id)
    assert (done.status, done.rejection_reason) == ("rejected", "Account name does not match KYC")
    email = latest_email(owner.email, "withdrawal_rejected")
    assert "Account name does not match KYC" in email.text_body
    with pytest.raises(Conflict, match="already rejected"):
        withdrawals.mark_withdrawal_paid(actor=admin.summary, withdrawal_id=request.id, reference="TRX-1")
    with pytest.raises(NotFound):
        withdrawals.mark_withdrawal_paid(actor=admin.summary, withdrawal_id="nope", reference="TRX-1")


@pytest.mark.parametrize("level", ["support", "moderator", None])
def test_other_admins_and_organizers_cannot_decide(requested, level):
    owner, _, request = requested
    person = make_user()
    if level:
        make_platform_admin(person.id, level)
    for actor in (person.summary, owner.summary):
        with pytest.raises(PermissionDenied, match="super admins and finance admins"):
            withdrawals.mark_withdrawal_paid(actor=actor, withdrawal_id=request.id, reference="TRX-1")
        with pytest.raises(PermissionDenied):
            withdrawals.reject_withdrawal(actor=actor, withdrawal_id=request.id, reason="No reason")
        with pytest.raises(PermissionDenied):
            revenue.withdrawal_queue(actor=actor)
        with pytest.raises(PermissionDenied):
            revenue.platform_totals(actor=actor)
    with pytest.raises(NotAuthenticated):
        revenue.platform_totals(actor=None)


def test_platform_totals_add_up_every_workspace(requested):
    owner, ws, request = requested
    other_owner = make_organizer()
    other = make_workspace(other_owner, name="Second Crew")
    order = insert_order(make_event(other_owner, other.id), make_user().id, subtotal=200000, provider_fee=5000)
    insert_refund(order, 20000, "processed")
    insert_refund(order, 10000, "failed")
    boss = make_user(two_factor=True)
    make_platform_admin(boss.id, "super_admin")
    totals = {t.currency: t for t in revenue.platform_totals(actor=boss.summary)}
    assert sorted(totals) == ["KES", "USD"]
    kes = totals["KES"]
    assert (kes.paid_orders, kes.gross, kes.platform_fees, kes.provider_fees) == (2, 1200000, 60000, 34000)
    assert (kes.refunds, kes.withdrawn, kes.pending) == (20000, 0, 300000)
    assert (totals["USD"].gross, totals["USD"].platform_fees) == (10000, 500)


def test_daily_revenue_buckets_each_day_and_matches_the_totals():
    owner = make_organizer(two_factor=True)
    ws = make_workspace(owner)
    event = make_event(owner, ws.id)
    buyer = make_user().id
    today = utcnow()
    first = insert_order(event, buyer, subtotal=100000, provider_fee=2900)  # today
    insert_order(event, buyer, subtotal=50000, provider_fee=1450, paid_at=today - timedelta(days=3))
    insert_order(event, buyer, subtotal=70000, provider_fee=0, paid_at=today - timedelta(days=45))  # too old
    insert_order(event, buyer, subtotal=10000, provider_fee=0, currency="USD", paid_at=today - timedelta(days=1))
    insert_order(event, buyer, subtotal=90000, provider_fee=0, paid=False, status="failed")
    insert_refund(first, 30000, "processed")
    insert_refund(first, 5000, "failed")
    boss = make_user(two_factor=True)
    make_platform_admin(boss.id, "finance")

    series = revenue.daily_revenue(actor=boss.summary)
    assert sorted(series) == ["KES", "USD"]
    kes = {d.day: d for d in series["KES"]}
    assert len(kes) == revenue.CHART_DAYS and max(kes) == today.date()
    assert (kes[today.date()].gross, kes[today.date()].refunds) == (100000, 30000)
    assert kes[(today - timedelta(days=3)).date()].gross == 50000
    assert sum(d.gross for d in kes.values()) == 150000
    totals = {t.currency: t for t in revenue.platform_totals(actor=boss.summary)}
    assert sum(d.platform_fees for d in kes.values()) + 3500 == totals["KES"].platform_fees  # 5% of the old 70,000
    assert [d.gross for d in series["USD"] if d.gross] == [10000]

    for level in ("support", "moderator"):
        person = make_user(two_factor=True)
        make_platform_admin(person.id, level)
        with pytest.raises(PermissionDenied):
            revenue.daily_revenue(actor=person.summary)
