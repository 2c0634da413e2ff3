"""Languages (#23 §1): catalogs, fallback, Accept-Language, per-locale money and dates, the pages'
t() and the switcher's handler, and server texts in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from eventpalour.cookies import LANGUAGE_COOKIE
from eventpalour.db import read_only
from eventpalour.models import QuestionKind, User, UserSession
from eventpalour.services import identity, platform, sales
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform import ValidationFailed, i18n
from eventpalour.services.sales import checkout
from eventpalour.state.account import AccountState
from eventpalour.state.auth import SignInState, SignUpState
from eventpalour.state.checkout_return import bought_for
from eventpalour.state.event_detail import EventDetailState
from eventpalour.state.language import LanguageState, t
from eventpalour.state.tickets import TicketsState
from tests.factories import (
    DEFAULT_PASSWORD,
    latest_email,
    make_event,
    make_organizer,
    make_user,
    make_workspace,
    unique_email,
)
from tests.state_support import run_handler, state_for

CONCERT = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)  # 18:00 in Nairobi, a Saturday


def test_catalogs_load_with_their_translations() -> None:
    assert platform.gettext("sw", "Sign in") == "Ingia"
    assert platform.gettext("fr", "Sign in") == "Se connecter"
    assert len(i18n.catalog("sw")) > 50 and len(i18n.catalog("fr")) > 50


def test_english_unknown_languages_and_missing_texts_fall_back_to_english() -> None:
    assert platform.gettext("en", "Sign in") == "Sign in"
    assert platform.gettext("de", "Sign in") == "Sign in"
    assert platform.gettext(None, "Sign in") == "Sign in"
    assert platform.gettext("sw", "A text nobody translated") == "A text nobody translated"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("sw-KE,sw;q=0.9,en;q=0.8", "sw"),
        ("fr-CI,fr;q=0.9", "fr"),
        ("de-DE,de;q=0.9,fr;q=0.5,en;q=0.4", "fr"),
        ("en;q=0.5,sw;q=0.8", "sw"),
        ("de-DE", "en"),
        ("sw;q=0", "en"),
        ("", "en"),
        (None, "en"),
        ("fr;q=abc, sw", "sw"),
    ],
)
def test_first_language_from_accept_language(header: str | None, language: str) -> None:
    assert platform.negotiate_language(header) == language


def test_money_per_locale() -> None:
    assert platform.format_money(150050, "KES") == "KES 1,500.50"
    assert platform.format_money(150050, "KES", "sw") == "KES 1,500.50"
    # French groups with a narrow no-break space and writes the code after the amount.
    assert platform.format_money(150050, "NGN", "fr") == "1\u202f500,50\xa0NGN"
    assert platform.price_label(0, "KES", "sw") == "Bure"
    assert platform.price_from_label(50000, 90000, "KES", "fr") == "À partir de 500,00\xa0KES"


def test_dates_per_locale_in_the_events_zone() -> None:
    end = CONCERT.replace(hour=20)
    assert platform.event_schedule(CONCERT, end, "Africa/Nairobi") == "Sat 5 Dec 2026 · 18:00 – 23:00 EAT"
    assert platform.event_schedule(CONCERT, end, "Africa/Nairobi", "sw") == "Jumamosi, 5 Des 2026 · 18:00 – 23:00 EAT"
    assert platform.event_schedule(CONCERT, end, "Africa/Lagos", "fr") == "sam. 5 déc. 2026 · 16:00 – 21:00 WAT"
    now = CONCERT.replace(month=1)
    assert platform.sales_start_label(CONCERT, "Africa/Nairobi", now=now, language="sw") == (
        "Mauzo yanaanza 5 Des, saa 18:00"
    )
    assert platform.sales_start_label(CONCERT, "Africa/Nairobi", now=now) == "Sales start 5 Dec, 18:00"


def test_page_text_carries_its_translations_indexed_by_the_language_cookie() -> None:
    js = str(t("Sign in"))

    assert '"sw": "Ingia"' in js and '"fr": "Se connecter"' in js
    assert str(LanguageState.lang) in js and js.endswith('?? "Sign in")')
    assert str(t("A text nobody translated")) == '"A text nobody translated"'


def _form_in(language: str) -> Any:
    """A signed-out visitor's sign-in form whose handshake carried the language cookie."""
    return state_for(SignInState, token=None, path="/auth/sign-in", headers={"cookie": f"{LANGUAGE_COOKIE}={language}"})


async def test_sign_in_error_in_the_readers_language() -> None:
    user = make_user()

    swahili, french = _form_in("sw"), _form_in("fr")
    for form in (swahili, french):
        await run_handler(form, "submit", {"email": user.email, "password": "not-the-password"})

    assert swahili.field_errors == {"password": "Barua pepe au nenosiri si sahihi."}
    assert french.field_errors == {"password": "E-mail ou mot de passe incorrect."}


async def test_switcher_remembers_the_choice_on_the_account() -> None:
    user = make_user()
    state = state_for(LanguageState, token=user.token, path="/")

    emitted = await run_handler(state, "set_language", "fr")

    assert state.lang == "fr"
    assert "ep_lang=fr" in str(emitted) and "reload" in str(emitted)
    with read_only() as session:
        assert session.get(User, user.id).language == "fr"


async def test_switcher_for_a_visitor_sets_only_the_cookie_and_refuses_unknown_languages() -> None:
    state = state_for(LanguageState, token=None, path="/")

    await run_handler(state, "set_language", "sw")
    assert state.lang == "sw"
    await run_handler(state, "set_language", "de")
    assert state.lang == "sw"


def test_account_language_refuses_what_we_do_not_speak() -> None:
    user = make_user()
    with pytest.raises(ValidationFailed) as refused:
        identity.set_language(actor=user.summary, language="klingon")
    assert refused.value.details[0].path == ("language",)
    assert identity.set_language(actor=user.summary, language="SW-ke") == "sw"


def _register_free(buyer_language: str | None) -> tuple[Any, Any]:
    """A buyer (speaking `buyer_language`) registered for two tickets of a free Nairobi event."""
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(
        owner, workspace.id, publish=True, tiers=[TierInput(name="Seat", price=0, quantity=20, max_per_order=4)]
    )
    tier = get_tiers(actor=owner.summary, event_id=event.id)[0]
    buyer = make_user()
    if buyer_language:
        identity.set_language(actor=buyer.summary, language=buyer_language)
    checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier.id: 2})
    return event, latest_email(buyer.email, "order_confirmation")


def test_confirmation_email_in_the_buyers_language() -> None:
    event, email = _register_free("sw")

    assert email.subject == f"Umesajiliwa: {event.title}"
    assert email.text_body.startswith(f"Habari,\n\nUmesajiliwa kwa {event.title}!")
    assert "· tiketi 2 · Bure" in email.text_body
    assert "Msimbo wa QR wa kila tiketi umeambatishwa" in email.text_body
    assert "Ukurasa wa tukio:" in email.text_body and "Ukurasa wa tukio</a>" in email.html_body


def test_confirmation_email_in_french_and_by_default_in_english() -> None:
    event, french = _register_free("fr")
    _, english = _register_free(None)

    assert french.subject == f"Inscription confirmée : {event.title}"
    assert "· 2 billets · Gratuit" in french.text_body
    assert english.subject.startswith("You're registered: ") and "· 2 tickets · Free" in english.text_body


async def test_sign_up_keeps_the_language_it_was_made_in() -> None:
    email = unique_email("mgeni")
    form = state_for(SignUpState, token=None, path="/auth/sign-up", headers={"cookie": f"{LANGUAGE_COOKIE}=sw"})

    await run_handler(form, "submit", {"email": email, "password": DEFAULT_PASSWORD, "accept_terms": "on"})

    with read_only() as session:
        assert session.exec(select(User.language).where(User.email == email)).one() == "sw"
    code_email = latest_email(email, "verification_code")
    assert code_email.subject.startswith("Msimbo wako wa uthibitisho wa ")
    assert "Unatumika kwa dakika 15." in code_email.text_body


async def test_event_page_code_errors_in_the_readers_language() -> None:
    french = state_for(EventDetailState, token=None, path="/e/x", headers={"cookie": f"{LANGUAGE_COOKIE}=fr"})

    await run_handler(french, "apply_code", {"code": "  "})

    assert french.code_error == "Saisissez un code."


async def test_my_tickets_in_the_readers_language() -> None:
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(
        owner, workspace.id, publish=True, tiers=[TierInput(name="Seat", price=0, quantity=20, max_per_order=4)]
    )
    tier = get_tiers(actor=owner.summary, event_id=event.id)[0]
    buyer = make_user()
    checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier.id: 3})
    cookie = f"ep_session={buyer.token}; {LANGUAGE_COOKIE}=sw"
    state = state_for(TicketsState, token=buyer.token, path="/tickets", headers={"cookie": cookie})

    await run_handler(state, "load_tickets")

    assert state.summary == ["matukio 0 uliyohudhuria", "tukio 1 lijalo", "tiketi 3 za kutumia"]
    card = state.upcoming[0]
    assert card.price == "Bure"
    assert card.when == platform.event_schedule(event.start_at, event.end_at, event.timezone, "sw")
    assert card.when.split(",")[0] in {"Jumatatu", "Jumanne", "Jumatano", "Alhamisi", "Ijumaa", "Jumamosi", "Jumapili"}


def test_checkout_return_facts_in_the_readers_language() -> None:
    found = sales.OrderEvent(
        short_id="abc", title="Benga Night", start_at=CONCERT, end_at=CONCERT.replace(hour=20), timezone="Africa/Dakar"
    )

    assert bought_for(found, [], "fr").schedule == "sam. 5 déc. 2026 · 15:00 – 20:00 GMT"
    assert bought_for(found, []).schedule == "Sat 5 Dec 2026 · 15:00 – 20:00 GMT"


async def test_event_page_in_french_without_reading_the_account() -> None:
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(
        owner, workspace.id, publish=True, tiers=[TierInput(name="Seat", price=0, quantity=5, max_per_order=4)]
    )
    page = state_for(
        EventDetailState, token=None, path=f"/e/{event.short_id}", headers={"cookie": f"{LANGUAGE_COOKIE}=fr"}
    )
    page.router = page.router.__class__.from_router_data(
        {
            "headers": {"cookie": f"{LANGUAGE_COOKIE}=fr"},
            "pathname": "/e/[short_id]",
            "asPath": f"/e/{event.short_id}",
            "query": {"short_id": event.short_id},
            "token": "t",
        }
    )
    node = page.parent_state
    while node is not None:
        node.router = page.router
        node = node.parent_state

    await run_handler(page, "load_event")

    assert page.event.schedule == platform.event_schedule(event.start_at, event.end_at, event.timezone, "fr")
    assert [(offer.price, offer.left) for offer in page.tiers] == [("Gratuit", "Plus que 5")]
    assert page.lowest_price == "Gratuit" and page.total_label == "Gratuit" and page.total_is_free


def test_an_error_with_figures_is_said_in_each_language_with_the_same_figures() -> None:
    """The catalog holds the template; the figures are filled in after translating, and the English
    message (logs, tests, an untranslated reader) stays the whole sentence."""
    error = platform.Conflict(platform.N_("{name} is not sold out: buy your tickets now."), values={"name": "VIP"})

    assert error.message == str(error) == "VIP is not sold out: buy your tickets now."
    assert error.in_language("sw") == "VIP hazijaisha: nunua tiketi zako sasa."
    assert error.in_language("fr") == "VIP n'est pas épuisé : achetez vos billets maintenant."
    assert error.in_language("de") == error.message


def test_a_field_error_and_a_message_repeating_it_are_translated_alike() -> None:
    field = platform.FieldError(
        ("quantities", "t1"),
        platform.N_("At most {max_per_order} {name} per order."),
        {"max_per_order": 3, "name": "VIP"},
    )
    error = ValidationFailed(field.message, details=[field])

    assert field.message == "At most 3 VIP per order."
    assert field.as_dict("fr") == {"path": ["quantities", "t1"], "message": "VIP : 3 au plus par commande."}
    assert error.in_language("fr") == "VIP : 3 au plus par commande."
    assert ValidationFailed.field("name", platform.N_("Use at most {NAME_MAX} characters."), NAME_MAX=80).in_language(
        "sw"
    ) == ("Tumia herufi zisizozidi 80.")


def test_check_the_answers_says_the_inner_answer_error_in_the_readers_language_too() -> None:
    """ "Check the answers: {message}" embeds the first answer's error: it is said in the reader's
    language (with its figures), not left in English inside a translated sentence."""
    from eventpalour.services.sales.answers import AskedQuestion, AttendeeAnswers, check_answers

    asked = (
        AskedQuestion("q1", "Vegetarian?", QuestionKind.YES_NO, (), True, False, None),
        AskedQuestion("q2", "Company", QuestionKind.SHORT_TEXT, (), False, False, None),
    )
    with pytest.raises(ValidationFailed) as bad:
        check_answers(asked, {"t1": 1}, AttendeeAnswers(order={"q1": "perhaps"}), "KES")
    assert bad.value.message == "Check the answers: Answer yes or no."
    assert bad.value.in_language("fr") == "Vérifiez les réponses : Répondez par oui ou par non."
    assert bad.value.in_language("sw") == "Kagua majibu: Jibu ndiyo au hapana."
    assert bad.value.details[0].as_dict("sw")["message"] == "Jibu ndiyo au hapana."
    with pytest.raises(ValidationFailed) as long:
        check_answers(asked, {"t1": 1}, AttendeeAnswers(order={"q1": "yes", "q2": "x" * 500}), "KES")
    assert long.value.in_language("fr") == "Vérifiez les réponses : Utilisez au plus 200 caractères."


def test_a_sessions_moments_are_dated_in_the_readers_language() -> None:
    moment = datetime(2026, 12, 6, 13, 24, tzinfo=UTC)

    assert platform.utc_moment(moment) == "6 Dec 2026 13:24 UTC"
    assert platform.utc_moment(moment, "sw") == "6 Des 2026 13:24 UTC"
    assert platform.utc_moment(moment, "fr") == "6 déc. 2026 13:24 UTC"


def test_price_lines_and_result_counts_in_french() -> None:
    lines = sales.price_lines(
        tickets=2,
        subtotal=300000,
        platform_fee=0,
        amount=270000,
        currency="KES",
        discount=30000,
        discount_code="AMIS",
        language="fr",
    )

    assert [line.label for line in lines] == ["Billets × 2", "Réduction (AMIS)", "Total"]
    assert lines[-1].value.replace("\u202f", " ").replace("\u00a0", " ") == "2 700,00 KES"
    assert platform.event_count_words(12, "sw") == "matukio 12"
    assert platform.event_count_words(1, "fr") == "1 événement"


async def test_account_sessions_are_dated_in_the_readers_language() -> None:
    user = make_user()
    cookie = f"ep_session={user.token}; {LANGUAGE_COOKIE}=fr"
    page = state_for(AccountState, token=user.token, path="/account", headers={"cookie": cookie})

    await run_handler(page, "load")

    [line] = page.sessions
    with read_only() as session:
        [row] = session.exec(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert line.signed_in == platform.utc_moment(row.created_at, "fr")
    assert line.signed_in.endswith(" UTC") and line.signed_in != platform.utc_moment(row.created_at)
