"""Each area package's public names, loaded from their module on first use (PEP 562).

The areas call one another (sales issues tickets, tickets read events, events cancel sales), so an
`__init__` that imported its modules at once would make the import order of the packages matter and
break on the first cycle. Loaded lazily, a package costs nothing to import and each name is resolved
to the module that defines it, exactly as when the caller imported that module itself.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any


def public_names(package: str, homes: dict[str, list[str]]) -> tuple[Callable[[str], Any], list[str]]:
    """`__getattr__` and `__all__` for `package`, whose modules (keys) export the names listed.

    A listed name may be "name as public" to export a module's `name` under another public name
    (two modules of one area use the same word).
    """
    where: dict[str, tuple[str, str]] = {}
    for module, names in homes.items():
        for entry in names:
            name, _, public = entry.partition(" as ")
            where[public or name] = (module, name)

    def load(public: str) -> Any:
        if public not in where:
            raise AttributeError(f"module {package!r} has no attribute {public!r}")
        module, name = where[public]
        value = getattr(import_module(f"{package}.{module}"), name)
        # Kept on the package, so the next lookup does not come here. (A public name must not also
        # be a module of its package: importing that module would set the module there instead;
        # tests/unit/test_public_names.py checks.)
        setattr(sys.modules[package], public, value)
        return value

    return load, sorted(where)
