"""The one list table: Radix's surface table that scrolls sideways on a phone instead of squeezing."""

from __future__ import annotations

import reflex as rx


def scroll_region(content: rx.Component, label: str | rx.Var) -> rx.Component:
    """`content` (a table) in a box that scrolls sideways when it is wider than the screen.

    The box is the scroller, not Radix's scroll area inside the table (assets/a11y.css keeps that one
    still): a keyboard can only scroll what it can focus, and a screen reader names the region by
    `label` when it lands on it (axe: scrollable-region-focusable).
    """
    return rx.box(content, class_name="scroll-region", tab_index=0, role="region", aria_label=label)


def scrolling_table(
    header_cells: list[rx.Component], rows: rx.Component, *, label: str | rx.Var, **table_props: object
) -> rx.Component:
    """`header_cells` (column header cells, some hidden on small screens), `rows` (an rx.foreach of
    rows), `label` (what the table lists: names the table and its scrolling region), `table_props`
    for the table itself (e.g. `size`, or `variant="ghost"` inside a card)."""
    return scroll_region(
        rx.table.root(
            rx.table.header(rx.table.row(*header_cells)),
            rx.table.body(rows),
            **{"variant": "surface", "width": "100%", "aria_label": label, **table_props},
        ),
        label,
    )
