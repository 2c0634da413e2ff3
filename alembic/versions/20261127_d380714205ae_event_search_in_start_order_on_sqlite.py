"""Event search in start order on SQLite: FTS5 rows keyed by start minute, with filter tokens

Revision ID: d380714205ae
Revises: f7d4a3e98f8d
Create Date: 2026-11-27 17:21:00.000000

The first FTS5 table used the events' own rowids, so a search had to collect every match before
it could walk them by start time (about 9,000 ids for "jazz festival" among 100,000 events). Here
the FTS5 rowid is a sort key, start minute * 2^32 + events.rowid, so `ORDER BY rowid LIMIT n`
walks matches in display order and stops after one page.

- Contentless (the text stays in events.search_text), listed events only.
- A `facets` column holds one token per filter value (city, category, type, pricing: a letter
  and the value in hex, e.g. `0c6c61676f73` for lagos), so filters are matched inside the index
  too and a search in a city with no match ends at once instead of reading every match's row.
- Prefix indexes of 1 to 10 characters let a word typed as a prefix walk its entries in order
  instead of merging every matching term first.

PostgreSQL keeps its generated tsvector column and GIN index: nothing changes there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "d380714205ae"
down_revision: str | None = "f7d4a3e98f8d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Both must match eventpalour/services/events/discovery.py (fts_key, _fts_match): the start minute in the
# key's high bits and the event's rowid (below 2^32) in the low ones; a facet token per filter.
def _key(row: str) -> str:
    return f"((CAST(strftime('%s', {row}.start_at) AS INTEGER) / 60) * 4294967296 + {row}.rowid)"


def _facets(row: str) -> str:
    return (
        f"'0c' || hex(coalesce({row}.city_key, '')) || ' 0k' || hex(coalesce({row}.category_id, '')) "
        f"|| ' 0t' || hex({row}.type) || ' 0p' || hex({row}.pricing)"
    )


TRIGGERS = ("events_fts_insert", "events_fts_delete", "events_fts_update")

ORDERED_SEARCH = [
    "CREATE VIRTUAL TABLE events_fts USING fts5(search_text, facets, content='', columnsize=0, "
    "prefix='1 2 3 4 5 6 7 8 9 10')",
    "CREATE TRIGGER events_fts_insert AFTER INSERT ON events WHEN new.is_listed BEGIN "
    "INSERT INTO events_fts(rowid, search_text, facets) "
    f"VALUES ({_key('new')}, new.search_text, {_facets('new')}); END",
    # A contentless table forgets a row only when told the exact key and text it was given.
    "CREATE TRIGGER events_fts_delete AFTER DELETE ON events WHEN old.is_listed BEGIN "
    "INSERT INTO events_fts(events_fts, rowid, search_text, facets) "
    f"VALUES ('delete', {_key('old')}, old.search_text, {_facets('old')}); END",
    "CREATE TRIGGER events_fts_update "
    "AFTER UPDATE OF search_text, start_at, is_listed, city_key, category_id, type, pricing ON events BEGIN "
    "INSERT INTO events_fts(events_fts, rowid, search_text, facets) "
    f"SELECT 'delete', {_key('old')}, old.search_text, {_facets('old')} WHERE old.is_listed; "
    "INSERT INTO events_fts(rowid, search_text, facets) "
    f"SELECT {_key('new')}, new.search_text, {_facets('new')} WHERE new.is_listed; END",
    "INSERT INTO events_fts(rowid, search_text, facets) "
    f"SELECT {_key('events')}, search_text, {_facets('events')} FROM events WHERE is_listed",
]

# The table of revision 8a8d9caae9d4, restored on downgrade.
ROWID_SEARCH = [
    "CREATE VIRTUAL TABLE events_fts USING fts5(search_text, content='events', content_rowid='rowid')",
    "CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN "
    "INSERT INTO events_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END",
    "CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN "
    "INSERT INTO events_fts(events_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END",
    "CREATE TRIGGER events_fts_update AFTER UPDATE OF search_text ON events BEGIN "
    "INSERT INTO events_fts(events_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); "
    "INSERT INTO events_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END",
    "INSERT INTO events_fts(events_fts) VALUES ('rebuild')",
]


def _replace_search(statements: list[str]) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS events_fts")
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _replace_search(ORDERED_SEARCH)


def downgrade() -> None:
    _replace_search(ROWID_SEARCH)
