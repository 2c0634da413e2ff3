"""Signing up in the middle of a purchase comes back to the event with the picked quantities: the
sign-in page's links follow the page's `next` (not the first one the tab saw), the navbar's links
carry the page they are on, and verification and onboarding pass `next` along."""

from __future__ import annotations

import re

import pytest
from reflex.istate.data import RouterData

from eventpalour import routes
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.state.auth import OnboardingState, SignInState, VerifyState
from eventpalour.state.event_detail import EventDetailState
from eventpalour.state.navigation import AuthLinksState
from tests.factories import latest_email, make_event, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for


def navigate(state, path: str) -> None:
    """What a client-side navigation does to a live state tree: the same states, a new URL."""
    router = RouterData.from_router_data(
        {"headers": {}, "pathname": path.split("?")[0], "asPath": path, "token": "test-client", "ip": "127.0.0.9"}
    )
    node = state
    while node is not None:
        node.router = router
        node = node.parent_state


def redirected_to(spec) -> str:
    return {name._js_expr: value._var_value for name, value in spec.args}["path"]


@pytest.fixture
def concert():
    owner = make_organizer()
    event = make_event(
        owner,
        make_workspace(owner).id,
        publish=True,
        tiers=[TierInput(name="Regular", quantity=50, max_per_order=4), TierInput(name="VIP", quantity=1)],
    )
    regular, vip = (tier.id for tier in get_tiers(actor=owner.summary, event_id=event.id))
    return event, regular, vip


def test_event_url_carries_the_picked_quantities_and_reads_them_back():
    url = routes.event_url("abc123", {"t1": 2, "t2": 0, "t3": 1})
    assert url == "/e/abc123?tiers=t1%3A2%2Ct3%3A1"
    assert routes.event_url("abc123", {"t1": 0}) == routes.event_url("abc123") == "/e/abc123"
    assert routes.picked_quantities("t1:2,t3:1") == {"t1": 2, "t3": 1}
    assert routes.picked_quantities("t1:x,:3,t2,t3:-1,t4:0,t5:2:1,t6:1000,t7:999,") == {"t7": 999}
    assert routes.picked_quantities("") == {}


async def test_checkout_signed_out_goes_to_sign_in_with_the_event_and_its_quantities(concert):
    event, regular, _ = concert
    page = state_for(EventDetailState, token=None, path=f"/e/{event.short_id}")
    await run_handler(page, "load_event")
    page.change_quantity(regular, 1)
    page.change_quantity(regular, 1)
    [spec] = [item for item in await run_handler(page, "checkout") if item is not None]
    expected_next = routes.event_url(event.short_id, {regular: 2})
    assert redirected_to(spec) == routes.with_next(routes.SIGN_IN, expected_next)


async def test_the_event_page_applies_the_quantities_in_its_url(concert):
    event, regular, vip = concert
    url = f"/e/{event.short_id}?tiers={regular}:2,{vip}:5,unknowntier00000:3"
    page = state_for(EventDetailState, token=None, path=url)
    await run_handler(page, "load_event")
    # VIP has one seat: the wish is cut to what one order may take; an unknown tier is ignored.
    assert page.quantities == {regular: 2, vip: 1}
    assert page.ticket_count == 3
    plain = state_for(EventDetailState, token=None, path=f"/e/{event.short_id}")
    await run_handler(plain, "load_event")
    assert plain.quantities == {regular: 0, vip: 0}


def test_sign_in_page_links_follow_the_page_not_the_first_one_seen():
    page = state_for(SignInState, token=None, path="/auth/sign-in?next=%2Fe%2Ffirst1")
    assert page.sign_up_link == "/auth/sign-up?next=%2Fe%2Ffirst1"
    navigate(page, "/")
    navigate(page, "/auth/sign-in?next=%2Fe%2Fsecond%3Ftiers%3Dt1%253A2")
    assert page.next_path == "/e/second?tiers=t1%3A2"
    assert page.sign_up_link == routes.with_next(routes.SIGN_UP, "/e/second?tiers=t1%3A2")
    assert page.sign_in_link == routes.with_next(routes.SIGN_IN, "/e/second?tiers=t1%3A2")
    assert page.google_url.endswith(routes.API_GOOGLE_START + "?next=%2Fe%2Fsecond%3Ftiers%3Dt1%253A2")


@pytest.mark.parametrize(
    ("path", "comes_back_to"),
    [
        ("/e/abc123?tiers=t1%3A2", "/e/abc123?tiers=t1%3A2"),
        ("/events?q=jazz", "/events?q=jazz"),
        ("/", ""),
        ("/auth/sign-in?next=%2Fe%2Fabc123", "/e/abc123"),
        ("/auth/sign-up?next=%2Finvite%2Ftok", "/invite/tok"),
        ("/auth/sign-in", ""),
        ("/auth/forgot", ""),
        ("/auth/reset/some-token", ""),
        ("/auth/sign-in?next=https%3A%2F%2Fevil.example", ""),
    ],
)
def test_navbar_links_carry_the_page_they_are_on(path, comes_back_to):
    links = state_for(AuthLinksState, token=None, path=path)
    assert links.sign_in_url == routes.with_next(routes.SIGN_IN, comes_back_to)
    assert links.sign_up_url == routes.with_next(routes.SIGN_UP, comes_back_to)
    navigate(links, "/e/other1")
    assert links.sign_in_url == "/auth/sign-in?next=%2Fe%2Fother1"


async def test_verify_then_onboarding_pass_next_along_to_the_event():
    person = make_user(verified=False, account_type=None)
    next_path = "/e/abc123?tiers=t1%3A2"
    verify = state_for(VerifyState, token=person.token, path=routes.with_next(routes.VERIFY, next_path))
    digits = re.search(r"\b(\d{6})\b", latest_email(person.email, "verification_code").text_body).group(1)
    emitted = await run_handler(verify, "submit", {"code": digits})
    assert redirected_to(emitted[-1]) == routes.with_next(routes.ONBOARDING, next_path)

    onboarding = state_for(OnboardingState, token=person.token, path=routes.with_next(routes.ONBOARDING, next_path))
    emitted = await run_handler(onboarding, "submit")
    assert redirected_to(emitted[-1]) == next_path
