"""The money chart card shared by workspace billing and /admin/revenue: one currency at a time
(a picker when there are several), bars and a line in whole major units, labelled for screen readers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from eventpalour.state.language import fill, t


@dataclass(frozen=True)
class Series:
    """One series of the chart: its key in each data point, its colour and its legend name."""

    key: str
    color: str
    shade: int = 8
    label: str | rx.Var = ""  # a translated name (`t("Revenue")`); the key when empty

    @property
    def name(self) -> str | rx.Var:
        return self.label if isinstance(self.label, rx.Var) or self.label else self.key


def chart_rows(data: rx.Var) -> rx.Var:
    """Typed rows (dataclasses) as the plain records recharts reads, which is what they are in the browser."""
    return data.to(list[dict[str, Any]])


def money_chart_card(
    *,
    title: str | rx.Var,
    data: rx.Var,
    x_key: str,
    bars: list[Series],
    line: Series,
    currencies: rx.Var,
    currency: rx.Var,
    on_pick: rx.EventHandler,
    aria_label: str | rx.Var,
    unit_note: str | rx.Var,
    empty_text: str | rx.Var = "",
    box_id: str | None = None,
) -> rx.Component:
    """`aria_label` is followed by ", in <currency>"; `unit_note` by nothing (e.g. "months in UTC")."""
    chart = rx.box(
        rx.recharts.composed_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke=rx.color("gray", 6)),
            rx.recharts.x_axis(data_key=x_key, stroke=rx.color("gray", 9)),
            rx.recharts.y_axis(stroke=rx.color("gray", 9), width=70),
            rx.recharts.tooltip(),
            rx.recharts.legend(),
            *[rx.recharts.bar(data_key=s.key, name=s.name, fill=rx.color(s.color, s.shade)) for s in bars],
            rx.recharts.line(
                data_key=line.key,
                name=line.name,
                stroke=rx.color(line.color, line.shade),
                stroke_width=2,
                type_="monotone",
            ),
            data=chart_rows(data),
            height=300,
            width="100%",
        ),
        width="100%",
        role="img",
        aria_label=fill(t("{chart}, in {currency}"), chart=aria_label, currency=currency),
        id=box_id,
    )
    has_data = currencies.length() > 0
    note = rx.text(
        fill(t("Whole units of {currency}; {note}."), currency=currency, note=unit_note), size="1", color_scheme="gray"
    )
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(title, size="4", as_="h2"),
                rx.spacer(),
                rx.cond(
                    currencies.length() > 1,
                    rx.select(currencies, value=currency, on_change=on_pick, size="1", aria_label=t("Chart currency")),
                    rx.badge(currency, variant="surface"),
                ),
                width="100%",
                align="center",
            ),
            rx.cond(has_data, chart, rx.text(empty_text, color_scheme="gray", size="2"))
            if isinstance(empty_text, rx.Var) or empty_text
            else chart,
            rx.cond(has_data, note),
            width="100%",
        ),
        width="100%",
    )
