"""Several GROUP BYs of the same rows in one statement (the analytics page's sums per event, per
channel, per currency and per day from one read of the sales rollup).

PostgreSQL reads the rows once and groups them by every set at once (`GROUP BY GROUPING SETS`), so
only the few grouped rows travel to Python: for a 30-day window of a 200-event workspace, 208 rows of
views per event, referrer and campaign instead of the 3,000 (event, referrer, campaign) rows Python
used to add up. SQLite has no grouping sets; there the same groups come from one GROUP BY per set
joined by UNION ALL: the same rows, the same figures (tests run both).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, func, literal, null, select, tuple_, union_all

GroupKeys = tuple[str, ...]  # the columns of one grouping, e.g. ("event_id", "currency")


def grouped_sums(
    connection: Connection,
    table: Table,
    where: Sequence[ColumnElement[bool]],
    groupings: Sequence[GroupKeys],
    counters: Sequence[str],
) -> dict[GroupKeys, list[Any]]:
    """{grouping: its rows}: each row has the grouping's columns and the sum of every counter (as
    `int`-able numbers) over the rows of `table` matching `where`. A grouping of no rows is []."""
    columns = list(dict.fromkeys(name for keys in groupings for name in keys))
    masks = {_mask(columns, keys): keys for keys in groupings}
    sums = [func.sum(table.c[name]).label(name) for name in counters]
    if connection.dialect.name == "postgresql":
        statement = (
            select(
                *[table.c[name] for name in columns],
                func.grouping(*[table.c[name] for name in columns]).label("grouping_mask"),
                *sums,
            )
            .where(*where)
            .group_by(func.grouping_sets(*[tuple_(*[table.c[name] for name in keys]) for keys in groupings]))
        )
    else:
        statement = union_all(
            *[
                select(
                    *[table.c[name] if name in keys else null().label(name) for name in columns],
                    literal(mask).label("grouping_mask"),
                    *sums,
                )
                .where(*where)
                .group_by(*[table.c[name] for name in keys])
                for mask, keys in masks.items()
            ]
        )
    found: dict[GroupKeys, list[Any]] = {keys: [] for keys in groupings}
    for row in connection.execute(statement):
        found[masks[int(row.grouping_mask)]].append(row)
    return found


def _mask(columns: list[str], keys: GroupKeys) -> int:
    """What PostgreSQL's GROUPING(c1, …, cn) gives for the rows of `keys`: a bit per column, the
    first column the most significant, set when the column is not one of the grouping's."""
    mask = 0
    for name in columns:
        mask = (mask << 1) | (name not in keys)
    return mask
