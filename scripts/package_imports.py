"""List imports of an area package's private modules from outside that package (#17).

Each area under eventpalour/services/ (identity, workspaces, events, sales, tickets, finance, admin,
platform) exports its public actions and types from its `__init__`; its modules are its own
business. App code (eventpalour/, bench/, scripts/) outside a package may import the package, never
`eventpalour.services.<area>.<module>`. Tests are exempt: they test modules from the inside and
patch their hooks (`capacity.guard_disabled_for_tests`...).

Prints one line per offending import and exits 1 when there is any; `make lint` and `make test` run it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "eventpalour" / "services"
CHECKED = ("eventpalour", "bench", "scripts")


def areas() -> set[str]:
    return {p.name for p in SERVICES.iterdir() if (p / "__init__.py").exists()}


def area_of(path: Path) -> str | None:
    if SERVICES not in path.parents:
        return None
    parts = path.relative_to(SERVICES).parts
    return parts[0] if len(parts) > 1 else None


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted module) for every import in the file, at any depth."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from eventpalour.services.sales import checkout` reaches the module too
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def offences() -> list[str]:
    known = areas()
    out = []
    for top in CHECKED:
        for path in sorted((ROOT / top).rglob("*.py")):
            if ".web" in path.parts:
                continue
            here = area_of(path)
            for line, module in imported_modules(ast.parse(path.read_text(), str(path))):
                parts = module.split(".")
                if parts[:2] != ["eventpalour", "services"] or len(parts) < 4 or parts[2] not in known:
                    continue
                if parts[2] != here and (SERVICES / parts[2] / f"{parts[3]}.py").exists():
                    out.append(f"{path.relative_to(ROOT)}:{line}: imports {'.'.join(parts[:4])}")
    return sorted(set(out))


def main() -> int:
    found = offences()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
