"""The attendee questions in the event page's tickets panel (#19 §3): one section per order and per
ticket, each field drawn by its kind, with checkout's error under it."""

from __future__ import annotations

import reflex as rx

from eventpalour.services import platform, sales
from eventpalour.state.event_detail import EventDetailState
from eventpalour.state.language import in_each_language, t


def _country(code: str, english: str) -> rx.Component:
    """A country of the list, named in the reader's language; the page carries only the names that
    differ from English ("Tanzanie", "Marekani"), so the list costs the bundle little."""
    found = {
        language: name for language in platform.TRANSLATED if (name := sales.country_name(code, language)) != english
    }
    return rx.select.item(in_each_language(english, found), value=code)


def _control(state: type[rx.State], field: rx.Var) -> rx.Component:
    key = field.key
    value = state.answer_values[key]
    common = {
        "id": "answer-" + key,
        "aria_label": field.aria,
        "aria_invalid": rx.cond(state.answer_errors.contains(key), "true", "false"),
        "aria_describedby": "answer-" + key + "-error",
        "width": "100%",
    }

    def text_input(kind: str, **extra) -> rx.Component:
        return rx.input(value=value, on_change=lambda v: state.set_answer(key, v), type=kind, **common, **extra)

    def pick_one(*items: rx.Component) -> rx.Component:
        return rx.select.root(
            rx.select.trigger(
                placeholder=t("Choose…"), custom_attrs={"aria-label": field.aria}, width="100%", id=common["id"]
            ),
            rx.select.content(*items),
            value=value,
            on_change=lambda v: state.set_answer(key, v),
        )

    return rx.match(
        field.kind,
        ("long_text", rx.text_area(value=value, on_change=lambda v: state.set_answer(key, v), rows="3", **common)),
        ("number", text_input("text", input_mode="decimal")),
        ("email", text_input("email", auto_complete="email")),
        ("phone", text_input("tel", auto_complete="tel", placeholder="+254 712 345 678")),
        (
            "single_choice",
            pick_one(rx.foreach(field.options, lambda option: rx.select.item(option, value=option))),
        ),
        ("yes_no", pick_one(rx.select.item(t("Yes"), value="yes"), rx.select.item(t("No"), value="no"))),
        (
            "country",
            # The ISO list is fixed: it ships in the page, not in every visitor's state.
            pick_one(*[_country(code, name) for code, name in sales.country_choices()]),
        ),
        (
            "multiple_choice",
            rx.vstack(
                rx.foreach(
                    field.options,
                    lambda option: rx.el.label(
                        rx.hstack(
                            rx.checkbox(
                                checked=state.answer_picks[key].contains(option),
                                on_change=lambda checked: state.pick_option(key, option, checked),
                            ),
                            rx.text(option, size="2"),
                            spacing="2",
                            align="center",
                        )
                    ),
                ),
                role="group",
                aria_label=field.aria,
                spacing="1",
            ),
        ),
        text_input("text", auto_complete=rx.cond(field.kind == "name", "name", "off")),
    )


def _field(state: type[rx.State], field: rx.Var) -> rx.Component:
    key = field.key
    return rx.vstack(
        rx.el.label(field.label, html_for="answer-" + key, style={"fontSize": "14px", "fontWeight": "500"}),
        _control(state, field),
        rx.cond(
            state.answer_errors.contains(key),
            rx.text(
                state.answer_errors[key],
                id="answer-" + key + "-error",
                size="1",
                color=rx.color("red", 11),
                role="alert",
            ),
        ),
        spacing="1",
        width="100%",
    )


def _section(state: type[rx.State], section: rx.Var) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(rx.text(section.title, weight="bold", size="2")),
        rx.vstack(rx.foreach(section.fields, lambda field: _field(state, field)), spacing="3", width="100%"),
        style={"border": f"1px solid {rx.color('gray', 5)}", "borderRadius": "8px", "padding": "8px 12px 12px"},
        width="100%",
        data_testid="answer-section",
    )


def answers_form(state: type[rx.State] = EventDetailState) -> rx.Component:
    """The questions for the picked tickets (nothing when the event asks none). `state`: the state with
    the answers (a CheckoutAnswersMixin): the event page's, or the order answers editor's."""
    return rx.cond(
        state.answer_sections.length() > 0,
        rx.vstack(
            rx.text(t("A few questions from the organizer"), weight="bold", size="3"),
            rx.foreach(state.answer_sections, lambda section: _section(state, section)),
            spacing="3",
            width="100%",
            aria_label=t("Attendee questions"),
            role="group",
        ),
    )
