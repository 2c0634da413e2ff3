"""The services' own words that reached Kiswahili and French pages in English (#23 §1): labels kept in
tables and properties without N_ (analytics' channels, "Direct or hidden", "Unknown"), country names,
Yes/No answers, the buyer's refund-request badge, a tier's sale badge, the two-factor notice, the
waitlist, a series' rule. Each is said where it is shown, in the reader's language; the CSV exports
and the API keep their English (they are data, not pages)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from eventpalour import routes
from eventpalour.db import read_only
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import Event, TicketTier
from eventpalour.models.types import utcnow
from eventpalour.services import identity
from eventpalour.services.events import page_views
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.series_rules import rule_label
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform import SecondFactorRequired, said
from eventpalour.services.sales import (
    SaleState,
    checkout,
    event_orders,
    orders,
    payments,
    questions,
    refund_requests,
    shown_value,
    tier_sale,
)
from eventpalour.services.sales.answers import AttendeeAnswers, TicketAnswers
from eventpalour.services.sales.questions import QuestionInput
from eventpalour.services.tickets import attendees
from eventpalour.services.tickets.attendees import AttendeeFilters
from eventpalour.state.analytics import AnalyticsState
from eventpalour.state.attendees import answer_choices, attendee_line
from eventpalour.state.base import second_factor_words
from eventpalour.state.event_detail import tier_offer, waitlist_spot_words
from eventpalour.state.event_orders import order_row
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for
from tests.unit.test_refund_requests import _paid, _ticket_ids, concert  # noqa: F401 (a fixture)

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def _browser(language: str, token: str) -> dict[str, str]:
    """A handshake carrying the session and the footer switcher's language cookie."""
    return {"cookie": f"ep_session={token}; ep_lang={language}"}


# --- analytics: channels, "Direct or hidden", "Unknown", countries ----------------------------------


@pytest.mark.parametrize(
    ("language", "card", "free", "direct", "countries"),
    [
        ("en", "Card", "Free registration", "Direct or hidden", ["Tanzania", "Germany", "Unknown"]),
        ("sw", "Kadi", "Usajili wa bure", "Moja kwa moja au kimefichwa", ["Tanzania", "Ujerumani", "Haijulikani"]),
        ("fr", "Carte", "Inscription gratuite", "Direct ou masqué", ["Tanzanie", "Allemagne", "Inconnu"]),
    ],
)
async def test_the_analytics_page_speaks_the_reader_s_language(
    language: str, card: str, free: str, direct: str, countries: list[str]
) -> None:
    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    tiers = [TierInput(name="Regular", price=150000, quantity=50, max_per_order=5)]
    paid = make_event(owner, workspace.id, publish=True, pricing="paid", currency="KES", tiers=tiers)
    free_event = make_event(owner, workspace.id, publish=True)
    for event, quantity, raw in (
        (paid, 3, {"channel": "card", "authorization": {"country_code": "TZ"}}),
        (paid, 2, {"channel": "card", "authorization": {"country_code": "DE"}}),
        (free_event, 1, {}),
    ):
        tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
        held = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: quantity})
        if held.reference:
            result = VerifyResult("success", held.amount, held.currency, 3000, None, held.reference, raw)
            payments.settle(held.reference, result)
    assert page_views.count_page_view(short_id=paid.short_id, user_agent=CHROME)  # no referrer: direct

    page = state_for(
        AnalyticsState,
        token=owner.token,
        path=routes.workspace_url(workspace.id, "analytics"),
        headers=_browser(language, owner.token),
    )
    await run_handler(page, "open_analytics")

    assert not page.analytics_problem
    assert {c.label for c in page.channels} == {card, free}
    assert [s.name for s in page.referrers] == [direct]
    assert [p.country for p in page.countries] == countries


def test_a_country_is_named_per_language_and_stays_english_in_the_exports() -> None:
    from eventpalour.services.sales import CountryName, country_name

    assert [country_name("TZ", language) for language in ("en", "sw", "fr")] == ["Tanzania", "Tanzania", "Tanzanie"]
    assert [country_name("US", language) for language in ("en", "sw", "fr")] == [
        "United States",
        "Marekani",
        "États-Unis",
    ]
    assert country_name("XX", "fr") == "XX"  # not a country: the code as typed
    named = CountryName("CI")
    assert str(named) == "Côte d'Ivoire" and said("fr", named) == "Côte d’Ivoire"


# --- answers: the attendee list, its filter, the Orders tab; the CSV stays English ------------------


@pytest.fixture
def gathering():
    """A free event asking a per-ticket yes/no and a per-order country; one registration."""
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner, ws.id, publish=True, tiers=[TierInput(name="Pass", price=0, quantity=50, max_per_order=4)]
    )
    (tier,) = get_tiers(actor=owner.summary, event_id=event.id)

    def ask(**fields):
        return questions.create_question(actor=owner.summary, event_id=event.id, data=QuestionInput(**fields))[-1]

    veg = ask(label="Vegetarian?", kind="yes_no", required=True, per_ticket=True)
    home = ask(label="Country", kind="country")
    checkout.book_ticket(
        actor=make_user(full_name="Paying Parent").summary,
        event_id=event.id,
        quantities={tier.id: 1},
        answers=AttendeeAnswers(
            order={home.id: "DE"}, tickets=(TicketAnswers(tier.id, "Amina Njeri", {veg.id: "yes"}),)
        ),
    )
    return owner, event


@pytest.mark.parametrize(
    ("language", "lines", "choices", "order_lines"),
    [
        (
            "en",
            ["Vegetarian?: Yes", "Country: Germany"],
            ["Vegetarian?: Yes", "Vegetarian?: No"],
            ["Country: Germany", "Pass 1 · Amina Njeri — Vegetarian?: Yes"],
        ),
        (
            "sw",
            ["Vegetarian?: Ndiyo", "Country: Ujerumani"],
            ["Vegetarian?: Ndiyo", "Vegetarian?: Hapana"],
            ["Country: Ujerumani", "Pass 1 · Amina Njeri — Vegetarian?: Ndiyo"],
        ),
        (
            "fr",
            ["Vegetarian? : Oui", "Country : Allemagne"],
            ["Vegetarian? : Oui", "Vegetarian? : Non"],
            ["Country : Allemagne", "Pass 1 · Amina Njeri — Vegetarian? : Oui"],
        ),
    ],
)
def test_shown_answers_say_yes_no_and_countries_in_the_reader_s_language(
    gathering, language: str, lines: list[str], choices: list[str], order_lines: list[str]
) -> None:
    owner, event = gathering

    page = attendees.event_attendees(actor=owner.summary, event_id=event.id, filters=AttendeeFilters())
    (row,) = page.rows
    assert attendee_line(row, event.timezone, language).answers == lines
    assert [choice.label for choice in answer_choices(page.questions, language)] == choices
    (order,) = event_orders(actor=owner.summary, event_id=event.id).rows
    assert order_row(order, event.timezone, language).answers == order_lines


def test_the_exports_keep_the_answers_in_english(gathering) -> None:
    owner, event = gathering

    _name, text = attendees.attendees_csv(actor=owner.summary, event_id=event.id, filters=AttendeeFilters())

    assert text.splitlines()[1].endswith(",Amina Njeri,Yes,Germany")
    assert shown_value("yes_no", "no") == "No" and said("sw", shown_value("yes_no", "no")) == "Hapana"


# --- the buyer's My orders page: the refund request's badge -----------------------------------------


@pytest.mark.parametrize(
    ("language", "waiting", "declined"),
    [
        (
            "sw",
            "Umeomba kurejeshewa pesa, unasubiri waandaaji",
            "Ombi la kurejeshewa pesa limekataliwa: Hamisha tiketi badala yake.",
        ),
        (
            "fr",
            "Remboursement demandé, en attente des organisateurs",
            "Demande de remboursement refusée : Hamisha tiketi badala yake.",
        ),
    ],
)
def test_the_refund_request_badge_is_in_the_buyer_s_language(concert, language, waiting, declined):  # noqa: F811
    owner, _ws, event, tier_id = concert
    buyer = make_user()
    order = _paid(buyer, event, tier_id)
    request = refund_requests.request_refund(
        actor=buyer.summary, order_id=order.order_id, ticket_ids=_ticket_ids(order.order_id), reason="Ill"
    )

    def badge() -> str:
        mine = orders.list_my_orders(actor=buyer.summary, language=language)
        return next(o for o in mine if o.order_id == order.order_id).refund_request_label

    assert badge() == waiting
    # The organizers' reason stays as they typed it, whatever its language.
    refund_requests.decline_refund_request(
        actor=owner.summary, request_id=request.id, reason="Hamisha tiketi badala yake."
    )
    assert badge() == declined


# --- the event page: a tier's sale badge, the waitlist place ----------------------------------------


def test_a_tier_s_sale_badge_is_in_the_reader_s_language() -> None:
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    now = utcnow()
    starts = (now + timedelta(days=40)).replace(hour=15, minute=0, second=0, microsecond=0)
    event = make_event(owner, ws.id, publish=True, tiers=[TierInput(name="Pass", price=0, quantity=5)])
    with read_only() as session:
        event = session.get(Event, event.id)  # as published
        tier = session.exec(select(TicketTier).where(TicketTier.event_id == event.id)).one()

    def badges(**changes) -> list[str]:
        for name, value in changes.items():
            setattr(tier, name, value)
        sale = tier_sale(tier, event_status=event.status, event_end=event.end_at, zone_name="UTC", now=now)
        return [said(language, sale.label) for language in ("en", "sw", "fr")]

    assert badges() == ["On sale", "Zinauzwa", "En vente"]
    # Its day in the locale's own words ("15 Jan", "15 janv."), with the year when it is not this one.
    english, swahili, french = badges(sales_start=starts.replace(tzinfo=UTC))
    assert english.startswith("Sales start ") and english.endswith(", 15:00")
    assert swahili.startswith(f"Mauzo yanaanza {starts.day} ") and swahili.endswith(", saa 15:00")
    assert french.startswith(f"Début des ventes le {starts.day} ") and french.endswith(" à 15:00")
    assert badges(sales_start=None, sales_end=now - timedelta(hours=1)) == [
        "Sales ended",
        "Mauzo yamekwisha",
        "Ventes terminées",
    ]


def test_the_event_page_s_tier_and_waitlist_place_are_in_the_reader_s_language() -> None:
    from eventpalour.services.events.discovery import PublicTier
    from eventpalour.services.platform import Message
    from eventpalour.services.sales import WaitlistSpot

    sold_out = PublicTier("t1", "VIP", "", 500000, SaleState.SOLD_OUT, Message("Sold out"), 0, 0)
    assert [tier_offer(sold_out, "KES", language).sale_label for language in ("en", "sw", "fr")] == [
        "Sold out",
        "Zimekwisha",
        "Complet",
    ]
    spot = WaitlistSpot(tier_id="t1", position=3, quantity=2, can_leave=True)
    assert waitlist_spot_words(spot, "en") == "You're number 3 on the waitlist, for 2 tickets."
    assert waitlist_spot_words(spot, "sw") == "Wewe ni wa 3 kwenye orodha ya kusubiri, kwa tiketi 2."
    assert waitlist_spot_words(spot, "fr") == "Vous êtes n° 3 sur la liste d'attente, pour 2 billets."


# --- two-factor, a series' rule ---------------------------------------------------------------------


def test_the_two_factor_notice_and_its_refusal_are_in_the_reader_s_language() -> None:
    owner = make_organizer()
    with read_only() as session:
        need = identity.second_factor_need(session, owner.summary, "refund")

    english = "Turn on two-factor sign-in before refunding an order: it protects your workspace's money."
    assert (need.message, need.link_label) == (english, "Set up two-factor sign-in")
    french = second_factor_words(need, "fr")
    assert french.message.startswith("Activez la connexion en deux étapes avant de rembourser une commande")
    assert french.link_label != "Set up two-factor sign-in" and french.setup_url == need.setup_url
    refused = SecondFactorRequired(need.message, reason="refund")
    assert refused.message == english
    assert refused.in_language("sw").startswith("Washa kuingia kwa hatua mbili kabla ya kurejesha pesa")


def test_a_series_rule_is_in_the_reader_s_language() -> None:
    weekly, fortnightly, picked = rule_label("weekly", 1, 4), rule_label("weekly", 2, 1), rule_label("dates", 1, 3)

    assert (weekly, fortnightly, picked) == ("Every week · 4 dates", "Every 2 weeks · 1 date", "Picked dates · 3 dates")
    assert said("sw", weekly) == "Kila wiki · tarehe 4"
    assert said("fr", fortnightly) == "Toutes les 2 semaines · 1 date"
    assert said("fr", picked) == "Dates choisies · 3 dates"


# --- the audit's finds: the waitlist table, the checkout's questions form, refusals, notices ---------


def test_the_waitlist_table_is_in_the_reader_s_language() -> None:
    from eventpalour.models import WaitlistStatus
    from eventpalour.services.sales import TierWaitlistView, WaitlistRow
    from eventpalour.services.sales.waitlist import _state
    from eventpalour.state.event_waitlist import waitlist_table

    joined = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
    left = WaitlistRow(
        None, "Amina", "a@example.com", 2, joined, joined, 1, _state(WaitlistStatus.LEFT, None, None), ""
    )
    view = TierWaitlistView("t1", "VIP", True, 3, 1, 2, 0, (left,))

    swahili, french = waitlist_table(view, "Africa/Nairobi", "sw"), waitlist_table(view, "Africa/Nairobi", "fr")

    assert waitlist_table(view, "Africa/Nairobi").lines[0].state == "Left the waitlist"
    assert swahili.counts == "wanaosubiri 3 · waliopewa nafasi 1 · walionunua 2 · muda umeisha 0"
    assert (swahili.lines[0].state, swahili.lines[0].wanted) == (
        "Ameondoka kwenye orodha ya kusubiri",
        "2 (zilizotolewa: 1)",
    )
    assert swahili.lines[0].joined.startswith("Jumamosi")
    assert french.counts == "en attente : 3 · proposés : 1 · achetés : 2 · expirés : 0"
    assert (french.lines[0].state, french.lines[0].wanted) == ("A quitté la liste d'attente", "2 (offre : 1)")


def test_the_checkout_s_questions_form_is_in_the_reader_s_language() -> None:
    from eventpalour.services.sales import CheckoutQuestion
    from eventpalour.state.checkout_answers import arrange

    heard = CheckoutQuestion("q1", "How did you hear of us?", "short_text", (), False, False, ())
    size = CheckoutQuestion("q2", "T-shirt size", "single_choice", ("S", "M"), True, True, ())

    def words(language: str) -> list[tuple[str, list[str]]]:
        sections, _seats = arrange([heard, size], {"vip": 1}, {"vip": "VIP"}, language)
        return [(section.title, [field.label for field in section.fields]) for section in sections]

    assert words("en") == [
        ("Your order", ["How did you hear of us? (optional)"]),
        ("Ticket 1 · VIP", ["Attendee's name", "T-shirt size"]),
    ]
    assert words("sw") == [
        ("Oda yako", ["How did you hear of us? (si lazima)"]),
        ("Tiketi 1 · VIP", ["Jina la mhudhuriaji", "T-shirt size"]),
    ]
    assert words("fr")[1] == ("Billet 1 · VIP", ["Nom du participant", "T-shirt size"])


def test_a_refused_status_change_is_a_whole_sentence_in_the_reader_s_language() -> None:
    from eventpalour.services.events import lifecycle
    from eventpalour.services.platform import Conflict

    owner = make_organizer()
    event = make_event(owner, make_workspace(owner).id)  # a draft: only publishing applies

    with pytest.raises(Conflict) as refused:
        lifecycle.change_status(actor=owner.summary, event_id=event.id, action="hide")

    assert refused.value.message == "This event cannot be hidden: only a published event can."
    assert refused.value.in_language("sw") == "Tukio hili haliwezi kufichwa: ni tukio lililochapishwa pekee linaloweza."
    assert (
        refused.value.in_language("fr")
        == "Cet événement ne peut pas être masqué : seul un événement publié peut l'être."
    )


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("Unknown device", "Untitled event", "All tiers")),
        ("sw", ("Kifaa kisichojulikana", "Tukio lisilo na jina", "Aina zote za tiketi")),
        ("fr", ("Appareil inconnu", "Événement sans titre", "Tous les types de billets")),
    ],
)
def test_fallbacks_and_labels_are_said_in_the_reader_s_language(language: str, words: tuple[str, ...]) -> None:
    """A session whose browser gave no name, a draft without a title, the check-in list of every tier:
    the services' own words, said in the reader's language where shown (and English in the API)."""
    from eventpalour.services.events import creator
    from eventpalour.services.tickets import event_checkin_lists
    from eventpalour.state.checkin_lists import _line

    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(owner, workspace.id)
    (session,) = identity.list_sessions(actor=owner.summary, current_token=owner.token)
    draft = creator.save_event_draft(
        actor=owner.summary, workspace_id=workspace.id, form=creator.DraftForm(values={"title": ""})
    )
    (gate,) = event_checkin_lists(actor=owner.summary, event_id=event.id)

    assert (session.device, draft.title, gate.tiers_label) == ("Unknown device", "Untitled event", "All tiers")
    assert (said(language, session.device), said(language, draft.title), _line(gate, language).tiers_label) == words


def test_a_series_tab_and_its_preview_are_in_the_reader_s_language() -> None:
    """The organizer's Repeat tab: the rule, each date and its seats, and a change's preview."""
    from eventpalour.services import events
    from eventpalour.services.events.series_rules import SeriesInput

    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    event = make_event(owner, workspace.id, publish=True, tiers=[TierInput(name="Pass", price=0, quantity=5)])
    created = events.create_series(actor=owner.summary, event_id=event.id, data=SeriesInput("weekly", count=3))

    swahili = events.get_event_series(actor=owner.summary, event_id=event.id, language="sw")
    preview = events.preview_series_change(
        actor=owner.summary, event_id=event.id, mode="extend", data=SeriesInput("weekly", count=4), language="fr"
    )

    assert said("sw", swahili.label) == "Kila wiki · tarehe 3"
    assert [d.label for d in swahili.dates] != [d.label for d in created.dates]  # English by default
    assert swahili.dates[0].label.split(",")[0] in {
        "Jumatatu",
        "Jumanne",
        "Jumatano",
        "Alhamisi",
        "Ijumaa",
        "Jumamosi",
        "Jumapili",
    }
    assert preview.added and preview.added[0].split(" ")[0] in {"lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."}


def test_a_passkey_s_dates_are_in_the_reader_s_language() -> None:
    from eventpalour.state.passkeys import _when

    added = datetime(2026, 12, 5, 18, 42, tzinfo=UTC)

    assert (_when(added), _when(None)) == ("05 Dec 2026, 18:42 UTC", "Never")
    assert (_when(added, "sw"), _when(added, "fr")) == ("5 Des 2026 18:42 UTC", "5 déc. 2026 18:42 UTC")
    assert (_when(None, "sw"), _when(None, "fr")) == ("Kamwe", "Jamais")
