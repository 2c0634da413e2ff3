"""List comparisons against order, ticket and event status words outside the code that owns them.

A page, state, API route or component that compares a status string (`status == "completed"`,
`s in ("valid", "used")`) re-decides a rule its service already decides; it should render a flag
or label the service returns instead (docs/architecture.md names each rule's home). The owners
are services/ and models/ (and the migrations, which freeze the schema as it was); the sandbox and
the Paystack client speak Paystack's own status words, which merely sound alike.

Prints one line per comparison found and exits 1 when there is any, so `make lint` (and `make test`) fail on a new
one. Only comparisons are looked at: the same word in a sentence or a label is no rule.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eventpalour.models import EventStatus, OrderStatus, TicketStatus  # noqa: E402

STATUS_WORDS = {str(s) for enum in (OrderStatus, TicketStatus, EventStatus) for s in enum}
OWNERS = ("services", "models", "sandbox", "integrations")


def _words_in(node: ast.expr) -> list[ast.Constant]:
    """String constants that are a comparison operand, or inside a tuple/list/set operand."""
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    return [n for n in items if isinstance(n, ast.Constant) and n.value in STATUS_WORDS]


def status_comparisons(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                found += [(c.lineno, c.value) for c in _words_in(operand)]
    return sorted(found)


def main() -> int:
    package = ROOT / "eventpalour"
    lines = []
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).parts[0] in OWNERS:
            continue
        lines += [f"{path.relative_to(ROOT)}:{line}: {word!r}" for line, word in status_comparisons(path)]
    print("\n".join(lines)) if lines else None
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
