"""The shape of the Reflex state tree (#17 item 5): one flat AuthState, every other state one level
below it, and every form cleared when its page loads."""

from __future__ import annotations

import pytest

import eventpalour.eventpalour  # noqa: F401  (registers every page and state)
from eventpalour.components.layout import PAGES
from eventpalour.state.base import AuthState
from eventpalour.state.forms import FormMixin

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)


def test_every_state_sits_directly_under_auth_state():
    nested = {s.__name__: [c.__name__ for c in s.get_substates()] for s in AuthState.get_substates()}
    assert {name: children for name, children in nested.items() if children} == {}


def test_every_form_state_is_reset_by_a_page_of_its_own():
    resets = {handler.fn.__qualname__ for entry in PAGES for handler in entry.on_load}
    forms = [s for s in AuthState.get_substates() if issubclass(s, FormMixin)]
    assert forms
    assert [s.__name__ for s in forms if f"{s.__name__}.reset_form" not in resets] == []
