"""The shared components that carry names for assistive technology (#24 §13): what they render.

The browser suite (tests/e2e/test_accessibility.py) runs axe over the pages; these check the rendered
props where a Reflex upgrade could silently drop them.
"""

from __future__ import annotations

import pytest
import reflex as rx

from eventpalour.components.layout import MAIN_ID, skip_link
from eventpalour.components.tables import scrolling_table
from eventpalour.components.uploads import file_drop

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)


def _tags(rendered: dict) -> list[dict]:
    """Every element of a rendered component tree, depth first."""
    found = [rendered]
    for child in rendered.get("children", []):
        found.extend(_tags(child))
    return found


def test_the_file_drop_names_its_file_input() -> None:
    rendered = file_drop(rx.text("Drop a file"), id="test-upload", label="Event banner").render()
    inputs = [tag for tag in _tags(rendered) if tag.get("name") == '"input"']
    assert len(inputs) == 1
    assert '"aria-label":"Event banner"' in inputs[0]["props"]


def test_a_scrolling_table_is_a_focusable_named_region() -> None:
    rendered = scrolling_table([rx.table.column_header_cell("Buyer")], rx.fragment(), label="Orders").render()
    assert 'role:"region"' in rendered["props"]
    assert '"aria-label":"Orders"' in rendered["props"]
    assert "tabIndex:0" in rendered["props"]
    assert 'className:"scroll-region"' in rendered["props"]


def test_the_skip_link_is_a_plain_anchor_to_the_content() -> None:
    rendered = skip_link().render()
    assert rendered["name"] == '"a"'  # not react-router's Link, which resolves "#content" against the path
    assert f'href:"#{MAIN_ID}"' in rendered["props"]
