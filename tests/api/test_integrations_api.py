"""/api/workspace/{id}/api-tokens and /webhooks over real HTTP with the session cookie (#23 §2): a
workspace admin creates, lists and revokes tokens (the secret works on /api/v1 until revoked) and
registers, lists and removes webhook endpoints, reads a delivery log and resends, as the settings
page does; everyone else is refused in the JSON error format and nothing changes."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from sqlmodel import func, select

from eventpalour.db import read_only
from eventpalour.models import ApiToken, AuditLogEntry, WebhookDelivery, WebhookEndpoint
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform import webhooks
from eventpalour.services.sales import checkout
from tests.api.serving import assert_json_error
from tests.api.support import with_session
from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace
from tests.webhook_receiver import webhook_receiver


@pytest.fixture
def receiver():
    with webhook_receiver() as running:
        yield running


@pytest.fixture
def scene(api_url: str):
    owner = make_organizer()
    workspace = make_workspace(owner)
    return owner, workspace, f"/api/workspace/{workspace.id}"


def _count(model: type) -> int:
    with read_only() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _audited(action: str) -> int:
    with read_only() as session:
        return len(session.exec(select(AuditLogEntry).where(AuditLogEntry.action == action)).all())


def test_an_admin_creates_lists_and_revokes_a_token_that_works_until_revoked(http: httpx.Client, api_url, scene):
    owner, _, base = scene
    admin = make_user()
    add_member(scene[1].id, admin, "admin")
    client = with_session(http, admin.token)

    created = client.post(f"{base}/api-tokens", json={"name": "Door app", "scopes": ["events:read"]})
    assert created.status_code == 201, created.text
    body = created.json()
    secret, token = body["secret"], body["token"]
    assert secret.startswith("ep_") and token["hint"] == secret[:10]
    assert (token["name"], token["scopes"], token["revokedAt"], token["canRevoke"]) == (
        "Door app",
        ["events:read"],
        None,
        True,
    )
    with httpx.Client(base_url=api_url, headers={"Authorization": f"Bearer {secret}"}) as integration:
        assert integration.get("/api/v1/events").status_code == 200

        listed = client.get(f"{base}/api-tokens")
        assert listed.status_code == 200
        [row] = listed.json()["tokens"]
        assert row["id"] == token["id"] and row["lastUsedAt"] is not None
        assert secret not in listed.text  # shown once, never listed

        revoked = client.delete(f"{base}/api-tokens/{token['id']}")
        assert revoked.status_code == 200, revoked.text
        assert revoked.json()["revokedAt"] is not None and revoked.json()["canRevoke"] is False
        assert assert_json_error(integration.get("/api/v1/events"), 401) == "This API token was revoked."
    again = client.delete(f"{base}/api-tokens/{token['id']}")  # twice: nothing more happens
    assert again.status_code == 200 and again.json()["revokedAt"] == revoked.json()["revokedAt"]
    assert (_audited("api_token.create"), _audited("api_token.revoke")) == (1, 1)
    assert [t["revokedAt"] is not None for t in client.get(f"{base}/api-tokens").json()["tokens"]] == [True]


def test_bad_token_fields_are_named_and_nothing_is_stored(http: httpx.Client, scene):
    owner, _, base = scene
    client = with_session(http, owner.token)
    answer = client.post(f"{base}/api-tokens", json={"name": "  ", "scopes": ["orders:write"]})
    assert_json_error(answer, 400)
    assert {tuple(d["path"]) for d in answer.json()["details"]} == {("name",), ("scopes",)}
    assert "orders:write" in answer.text
    assert_json_error(client.post(f"{base}/api-tokens", json={"name": "CRM", "scopes": []}), 400)
    assert_json_error(client.post(f"{base}/api-tokens", json={"name": 5, "scopes": ["events:read"]}), 422)
    assert _count(ApiToken) == 0


def test_an_admin_registers_a_webhook_reads_its_log_resends_and_removes_it(http: httpx.Client, scene, receiver):
    owner, workspace, base = scene
    client = with_session(http, owner.token)
    event = make_event(owner, workspace.id, publish=True, tiers=[TierInput(name="Free", price=0, quantity=9)])
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id

    created = client.post(f"{base}/webhooks", json={"url": receiver.url, "events": ["order.paid"]})
    assert created.status_code == 201, created.text
    secret, hook = created.json()["secret"], created.json()["webhook"]
    assert secret.startswith("whsec_") and hook["events"] == ["order.paid"] and hook["canRemove"]
    listed = client.get(f"{base}/webhooks")
    assert [w["id"] for w in listed.json()["webhooks"]] == [hook["id"]] and secret not in listed.text

    booked = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 1})
    log_url = f"{base}/webhooks/{hook['id']}/deliveries"
    [queued] = client.get(log_url).json()["deliveries"]
    assert (queued["eventType"], queued["status"], queued["statusLabel"], queued["canResend"]) == (
        "order.paid",
        "pending",
        "Queued",
        False,
    )
    busy = client.post(f"{base}/webhook-deliveries/{queued['id']}/resend")
    assert "still being tried" in assert_json_error(busy, 409)

    assert webhooks.deliver_due_webhooks() == 1
    [done] = client.get(log_url).json()["deliveries"]
    assert (done["status"], done["attempts"], done["responseStatus"], done["canResend"]) == ("delivered", 1, 200, True)
    assert json.loads(done["body"])["data"]["order_id"] == booked.order_id

    resent = client.post(f"{base}/webhook-deliveries/{done['id']}/resend")
    assert resent.status_code == 201, resent.text
    assert resent.json()["id"] > done["id"] and resent.json()["body"] == done["body"]
    assert webhooks.deliver_due_webhooks() == 1
    assert [r.body for r in receiver.received] == [done["body"]] * 2
    for got in receiver.received:
        assert webhooks.verify_signature(secret, got.headers[webhooks.SIGNATURE_HEADER], got.body, now=int(time.time()))

    removed = client.delete(f"{base}/webhooks/{hook['id']}")
    assert removed.status_code == 200 and removed.json()["removedAt"] is not None
    assert not removed.json()["canRemove"]
    assert len(client.get(log_url).json()["deliveries"]) == 2  # the log stays readable
    assert "removed" in assert_json_error(client.post(f"{base}/webhook-deliveries/{done['id']}/resend"), 409)
    assert _count(WebhookDelivery) == 2 and _audited("webhook.resend") == 1


def test_bad_webhook_fields_are_named_and_nothing_is_stored(http: httpx.Client, scene):
    owner, _, base = scene
    client = with_session(http, owner.token)
    answer = client.post(f"{base}/webhooks", json={"url": "http://crm.example.com/h", "events": ["order.lost"]})
    assert_json_error(answer, 400)
    assert {tuple(d["path"]) for d in answer.json()["details"]} == {("url",), ("events",)}
    assert_json_error(client.post(f"{base}/webhooks", json={"url": "https://crm.example.com/h"}), 422)
    assert _count(WebhookEndpoint) == 0


def test_members_below_admin_strangers_and_anonymous_callers_are_refused(http: httpx.Client, api_url, scene):
    owner, workspace, base = scene
    token = (
        with_session(http, owner.token)
        .post(f"{base}/api-tokens", json={"name": "CRM", "scopes": ["orders:read"]})
        .json()["token"]
    )
    hook = http.post(f"{base}/webhooks", json={"url": "https://crm.example.com/h", "events": ["order.paid"]}).json()[
        "webhook"
    ]
    moderator = make_user()
    add_member(workspace.id, moderator, "moderator")
    routes = [
        ("GET", f"{base}/api-tokens", None),
        ("POST", f"{base}/api-tokens", {"name": "Mine", "scopes": ["orders:read"]}),
        ("DELETE", f"{base}/api-tokens/{token['id']}", None),
        ("GET", f"{base}/webhooks", None),
        ("POST", f"{base}/webhooks", {"url": "https://evil.example.com/h", "events": ["order.paid"]}),
        ("DELETE", f"{base}/webhooks/{hook['id']}", None),
        ("GET", f"{base}/webhooks/{hook['id']}/deliveries", None),
        ("POST", f"{base}/webhook-deliveries/1/resend", None),
    ]
    with (
        httpx.Client(base_url=api_url) as anonymous,
        httpx.Client(base_url=api_url) as as_moderator,
        httpx.Client(base_url=api_url) as stranger,
    ):
        with_session(as_moderator, moderator.token)
        with_session(stranger, make_organizer().token)
        for method, url, body in routes:
            assert_json_error(anonymous.request(method, url, json=body), 401)
            assert_json_error(as_moderator.request(method, url, json=body), 403)
            assert stranger.request(method, url, json=body).status_code in (403, 404)

    other_owner = make_organizer()
    other = make_workspace(other_owner, name="Other Society")
    with httpx.Client(base_url=api_url) as other_admin:
        with_session(other_admin, other_owner.token)
        # Another workspace's ids through one's own workspace: not found, and nothing changes.
        assert_json_error(other_admin.delete(f"/api/workspace/{other.id}/api-tokens/{token['id']}"), 404)
        assert_json_error(other_admin.delete(f"/api/workspace/{other.id}/webhooks/{hook['id']}"), 404)
    assert_json_error(http.post(f"{base}/webhook-deliveries/{2**31}/resend"), 422)
    assert_json_error(http.post(f"{base}/webhook-deliveries/999999/resend"), 404)
    assert [t["revokedAt"] for t in http.get(f"{base}/api-tokens").json()["tokens"]] == [None]
    assert [w["removedAt"] for w in http.get(f"{base}/webhooks").json()["webhooks"]] == [None]


def test_the_routes_are_in_the_openapi_schema(http: httpx.Client):
    paths = http.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/workspace/{workspace_id}/api-tokens"]) == {"get", "post"}
    assert set(paths["/api/workspace/{workspace_id}/api-tokens/{token_id}"]) == {"delete"}
    assert set(paths["/api/workspace/{workspace_id}/webhooks"]) == {"get", "post"}
    assert set(paths["/api/workspace/{workspace_id}/webhooks/{endpoint_id}"]) == {"delete"}
    assert set(paths["/api/workspace/{workspace_id}/webhooks/{endpoint_id}/deliveries"]) == {"get"}
    resend = paths["/api/workspace/{workspace_id}/webhook-deliveries/{delivery_id}/resend"]["post"]
    assert {"201", "401", "403", "404", "409"} <= set(resend["responses"])
