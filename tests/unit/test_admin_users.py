"""Admin user management: search and filters, detail, and suspension that signs out and blocks sign-in."""

from __future__ import annotations

import pytest

from eventpalour.services.admin import admin_audit, admin_users, admins
from eventpalour.services.admin.admin_users import UserFilters
from eventpalour.services.identity import auth
from eventpalour.services.identity.accounts import ClientInfo
from eventpalour.services.platform.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from tests.api.support import session_count
from tests.factories import make_admin, make_organizer, make_user, make_workspace


def test_search_filters_and_pages():
    support = make_admin("support")
    organizer = make_organizer(email="zawadi@example.test")
    make_workspace(organizer)
    for n in range(55):
        make_user(email=f"bulk{n}@example.test")
    first = admin_users.search_users(actor=support.summary, filters=UserFilters(search="bulk"))
    assert first.total == 55 and len(first.rows) == 50 and first.pages == 2
    second = admin_users.search_users(actor=support.summary, filters=UserFilters(search="bulk"), page=2)
    assert len(second.rows) == 5 and not {r.id for r in second.rows} & {r.id for r in first.rows}
    found = admin_users.search_users(actor=support.summary, filters=UserFilters(search="ZAWADI"))
    assert [r.email for r in found.rows] == ["zawadi@example.test"]
    organizers = admin_users.search_users(actor=support.summary, filters=UserFilters(account_type="organizer"))
    assert [r.email for r in organizers.rows] == ["zawadi@example.test"]
    with pytest.raises(ValidationFailed):
        admin_users.search_users(actor=support.summary, filters=UserFilters(status="archived"))
    detail = admin_users.user_detail(actor=support.summary, user_id=organizer.id)
    assert [w.role for w in detail.workspaces] == ["owner"] and detail.active_sessions == 1
    assert detail.user.last_sign_in_at is not None


@pytest.mark.parametrize("status", ["suspended", "blocked"])
def test_suspend_signs_out_everywhere_and_blocks_sign_in(status):
    support = make_admin("support")
    person = make_user()
    second_device = auth.password_session(email=person.email, password=person.password).token
    assert session_count(person.id) == 2
    admin_users.set_user_status(
        actor=support.summary,
        user_id=person.id,
        status=status,
        reason="Chargeback fraud",
        client=ClientInfo(ip="10.0.0.9", user_agent="pytest"),
    )
    assert session_count(person.id) == 0
    assert auth.current_user(person.token) is None and auth.current_user(second_device) is None
    with pytest.raises(PermissionDenied) as raised:
        auth.sign_in(email=person.email, password=person.password)
    assert status.removesuffix("ed").removesuffix("d") in raised.value.message
    log = admin_audit.list_audit(actor=support.summary, filters=admin_audit.AuditFilters(action="user."))
    entry = log.rows[0]
    assert entry.action == ("user.suspend" if status == "suspended" else "user.block")
    assert entry.details["reason"] == "Chargeback fraud" and entry.details["sessions_ended"] == 2
    assert (entry.ip, entry.user_agent, entry.actor_email) == ("10.0.0.9", "pytest", support.email)

    admin_users.set_user_status(actor=support.summary, user_id=person.id, status="active", reason="Cleared")
    assert auth.sign_in(email=person.email, password=person.password).user.id == person.id


def test_status_change_rules():
    support, boss = make_admin("support"), make_admin("super_admin")
    other_admin = make_admin("finance")
    person = make_user()
    with pytest.raises(ValidationFailed) as raised:
        admin_users.set_user_status(actor=support.summary, user_id=person.id, status="suspended", reason=" ")
    assert raised.value.details[0].path == ("reason",)
    with pytest.raises(PermissionDenied):
        admin_users.set_user_status(actor=support.summary, user_id=support.id, status="suspended", reason="x")
    with pytest.raises(PermissionDenied):
        admin_users.set_user_status(actor=support.summary, user_id=other_admin.id, status="suspended", reason="x")
    admin_users.set_user_status(actor=boss.summary, user_id=other_admin.id, status="suspended", reason="Left")
    with pytest.raises(Conflict):
        admin_users.set_user_status(actor=boss.summary, user_id=other_admin.id, status="suspended", reason="Left")


def test_super_admins_manage_admins_but_bootstrap_rows_stay():
    boss = make_admin("super_admin")
    bootstrap = make_user(email="boss@eventpalour.test")  # in SUPER_ADMIN_EMAILS: granted at sign-in
    auth.sign_in(email=bootstrap.email, password=bootstrap.password)
    assert admins.admin_level(bootstrap.id) == "super_admin"
    person = make_user()
    assert admins.grant_admin(actor=boss.summary, email=person.email.upper(), level="finance").level == "finance"
    assert admins.grant_admin(actor=boss.summary, email=person.email, level="moderator").level == "moderator"
    assert {r.email: r.level for r in admins.list_admins(actor=boss.summary)}[person.email] == "moderator"
    with pytest.raises(PermissionDenied):
        admins.grant_admin(actor=boss.summary, email=bootstrap.email, level="support")
    with pytest.raises(PermissionDenied):
        admins.revoke_admin(actor=boss.summary, user_id=bootstrap.id)
    with pytest.raises(Conflict):
        admins.revoke_admin(actor=boss.summary, user_id=boss.id)
    with pytest.raises(ValidationFailed):
        admins.grant_admin(actor=boss.summary, email=person.email, level="god")
    admins.revoke_admin(actor=boss.summary, user_id=person.id)
    assert admins.admin_level(person.id) is None
    actions = [
        r.action
        for r in admin_audit.list_audit(actor=boss.summary, filters=admin_audit.AuditFilters(action="admin.")).rows
    ]
    assert sorted(set(actions)) == ["admin.bootstrap", "admin.change_level", "admin.grant", "admin.revoke"]


def test_admin_sign_in_recorded_with_result():
    boss = make_admin("super_admin")
    client = ClientInfo(ip="192.0.2.1", user_agent="Firefox")
    assert admin_audit.record_admin_sign_in(actor=boss.summary, client=client, path="/admin") == "super_admin"
    with pytest.raises(PermissionDenied):
        admin_audit.record_admin_sign_in(actor=make_user().summary, client=client, path="/admin/users")
    with pytest.raises(NotAuthenticated):
        admin_audit.record_admin_sign_in(actor=None, client=client, path="/admin")
    rows = admin_audit.list_audit(actor=boss.summary, filters=admin_audit.AuditFilters(action="admin.sign_in")).rows
    assert sorted(r.result for r in rows) == ["denied", "denied", "ok"]
    assert {(r.ip, r.user_agent) for r in rows} == {("192.0.2.1", "Firefox")}
    mine = admin_audit.list_audit(actor=boss.summary, filters=admin_audit.AuditFilters(actor=boss.email)).rows
    assert [r.result for r in mine if r.action == "admin.sign_in"] == ["ok"]


def test_audit_date_filters():
    boss = make_admin("super_admin")
    filters = admin_audit.AuditFilters(date_from="2020-01-02", date_to="2020-01-01")
    with pytest.raises(ValidationFailed) as raised:
        admin_audit.list_audit(actor=boss.summary, filters=filters)
    assert raised.value.details[0].path == ("date_to",)
    with pytest.raises(ValidationFailed):
        admin_audit.list_audit(actor=boss.summary, filters=admin_audit.AuditFilters(date_from="yesterday"))
    assert admin_audit.list_audit(actor=boss.summary, filters=admin_audit.AuditFilters(date_to="2020-01-01")).total == 0
    today = admin_audit.list_audit(actor=boss.summary, filters=admin_audit.AuditFilters(date_from="2020-01-01"))
    assert today.total >= 1


FLAG_OF_STATUS = {"active": "can_reactivate", "suspended": "can_suspend", "blocked": "can_block"}


@pytest.mark.parametrize(
    ("actor_level", "target", "target_status"),
    [
        ("support", "user", "active"),
        ("support", "user", "suspended"),
        ("support", "user", "blocked"),
        ("support", "self", "active"),
        ("support", "admin", "active"),
        ("super_admin", "admin", "active"),
        ("super_admin", "self", "active"),
        ("moderator", "user", "active"),
    ],
)
def test_user_detail_offers_exactly_the_status_changes_the_service_allows(actor_level, target, target_status):
    """Each flag of the detail is True exactly when set_user_status would take that change: the page
    no longer offers Suspend on the admin's own account or on another admin's to a non-super admin."""
    actor = make_admin(actor_level)
    person = {"self": actor, "admin": make_admin("finance"), "user": make_user()}[target]
    if target_status != "active":
        admin_users.set_user_status(
            actor=make_admin("super_admin").summary, user_id=person.id, status=target_status, reason="Set up"
        )
    detail = admin_users.user_detail(actor=actor.summary, user_id=person.id)
    for status, flag in FLAG_OF_STATUS.items():
        try:
            admin_users.set_user_status(actor=actor.summary, user_id=person.id, status=status, reason="Trying")
        except (PermissionDenied, Conflict):
            allowed = False
        else:  # it took: put the account back for the next status tried
            allowed = True
            restorer = make_admin("super_admin").summary
            admin_users.set_user_status(actor=restorer, user_id=person.id, status=target_status, reason="Back")
        assert getattr(detail, flag) is allowed, (status, flag)
