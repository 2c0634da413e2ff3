"""The one list table: Radix's surface table that scrolls sideways on a phone instead of squeezing."""

from __future__ import annotations

import reflex as rx


def scrolling_table(header_cells: list[rx.Component], rows: rx.Component, **table_props: object) -> rx.Component:
    """`header_cells` (column header cells, some hidden on small screens), `rows` (an rx.foreach of
    rows), `table_props` for the table itself (e.g. `size`, or `variant="ghost"` inside a card)."""
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*header_cells)),
            rx.table.body(rows),
            **{"variant": "surface", "width": "100%", **table_props},
        ),
        overflow_x="auto",
        width="100%",
    )
