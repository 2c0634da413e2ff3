"""Each area's public names resolve to the same object every time: a name its module shares
(events.buyer_options) once became the submodule after its module was imported."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest

import eventpalour.services as services

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

AREAS = [m.name for m in pkgutil.iter_modules(services.__path__) if m.ispkg]


@pytest.mark.parametrize("area", AREAS)
def test_every_public_name_is_the_same_object_on_every_lookup(area: str) -> None:
    package = importlib.import_module(f"eventpalour.services.{area}")
    for name in package.__all__:
        first = getattr(package, name)
        again = getattr(package, name)
        assert again is first, name
        assert not isinstance(again, ModuleType), f"{area}.{name} is a module"


@pytest.mark.parametrize("area", AREAS)
def test_no_public_name_is_also_a_module_of_its_area(area: str) -> None:
    """Importing a module sets it on its package under its own name, hiding a public name spelt
    the same: `events.buyer_options` was the function once, then the module."""
    package = importlib.import_module(f"eventpalour.services.{area}")
    modules = {m.name for m in pkgutil.iter_modules(package.__path__)}
    assert modules.isdisjoint(package.__all__)
