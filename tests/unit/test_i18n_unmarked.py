"""The other half of the extraction check (#23 §1): a text a reader sees that is NOT marked for
translation fails here. tests/unit/test_i18n_catalogs.py checks that every marked text has its
Kiswahili and French; this one reads the pages, the components and the states' toasts (their syntax
trees, not their output) and finds the English literals that never reach `t()` / `self._t()`.

What counts as a reader's text, by rule rather than by listing strings:
- in pages and components, every literal handed to a call: the children of rx.text, rx.heading,
  rx.button, rx.link, ..., the labels of the form helpers and a page's own helpers, the kwargs a
  reader or a screen reader gets (label, placeholder, aria_label, title, ...); not those of
  exceptions, logs and scripts (NOT_SHOWN);
- in states, the message of every rx.toast;
looked for through `+`, f-strings, `rx.cond` branches and `a if c else b`;
- in services and states, the words they hand a page without marking them (`unmarked_words`): the
  values of a module's label tables (…_LABELS, …_WORDS, …_REASONS, …), and in services what a function
  returns and what a result or an error is built with (`Row(label="Direct or hidden")`, `x or "Unknown"`),
  so a table or a fallback without N_ fails here instead of reading English on a Kiswahili page.
A literal is a text when it has a letter and either an upper-case letter or a space: "Sign in",
"Free", "Buy tickets" are; "outline", "key-round", "100%", "/events", "you@example.com", "{count}"
(CSS values, icon names, ids, URLs, example inputs, formats) are not.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

ROOT = Path(__file__).resolve().parents[2] / "eventpalour"
SCANNED = ("pages", "components")

# Calls whose string arguments no reader sees: exceptions (for developers), logs, scripts; and `page`,
# whose title the layout translates with t() (every page's title is extracted by the `page` and
# `admin_page` keywords, so tests/unit/test_i18n_catalogs.py requires its translations).
NOT_SHOWN = {"page", "call_script", "script", "compile", "debug", "info_log", "warning_log", "exception"}
PRODUCT_NAMES = {"EventPalour", "Paystack", "M-Pesa", "Google", "Kiswahili", "Français", "English"}
TOASTS = {"toast", "success", "error", "info", "warning"}
# A literal with a letter and either a capital or a space between words is written for a reader.
TEXT_LIKE = re.compile(r"[A-Z]|[A-Za-z]\s+[A-Za-z]|[A-Za-z][.!?…]$")
NOT_TEXT = re.compile(r"^(https?://|mailto:|/|#|var\(|rgba?\(|\{[^}]*\}$)")
# CSS values ("1px solid …", "0 -4px 16px rgba(…)") have letters and spaces but are not texts.
CSS = re.compile(r"\b\d+(px|rem|em|vh|vw|fr)\b|\b(solid|dashed|dotted)\b|rgba?\(")


def _is_text(value: str) -> bool:
    stripped = value.strip()
    if not re.search(r"[A-Za-z]", stripped) or NOT_TEXT.match(stripped) or CSS.search(stripped):
        return False
    # Product names stay as they are in every language (docs/glossary.md), and so do codes in
    # capitals ("KES · NGN · GHS", "PDF").
    if stripped in PRODUCT_NAMES or not re.search(r"[a-z]", stripped):
        return False
    # Example inputs and codes a reader types, not reads as a sentence: "you@example.com", "ABC123".
    if " " not in stripped and ("@" in stripped or re.fullmatch(r"[A-Z0-9_-]+", stripped)):
        return False
    return bool(TEXT_LIKE.search(stripped))


def _name(func: ast.expr) -> tuple[str, str]:
    """(last name, the name before it) of a called function: rx.toast.error → ("error", "toast")."""
    if isinstance(func, ast.Attribute):
        owner = func.value
        before = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
        return func.attr, before
    if isinstance(func, ast.Name):
        return func.id, ""
    return "", ""


def _is_marked(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and _name(node.func)[0] in {"t", "_t", "gettext", "_", "N_"}


def _literals(node: ast.expr) -> list[ast.AST]:
    """The English literals an argument shows, through +, f-strings, rx.cond and a if c else b."""
    if _is_marked(node):
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node] if _is_text(node.value) else []
    if isinstance(node, ast.JoinedStr):
        literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        found = [node] if _is_text(literal.replace("  ", " ")) and re.search(r"[A-Za-z]{2}", literal) else []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                found += _literals(part.value)
        return found
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literals(node.left) + _literals(node.right)
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    if isinstance(node, ast.Call) and _name(node.func)[0] in {"cond", "match"}:
        return [found for arg in node.args[1:] for found in _literals(arg)]
    return []


def _is_toast(call: ast.Call) -> bool:
    name, before = _name(call.func)
    return (name == "toast" and before == "rx") or (name in TOASTS and before == "toast")


def _shown(call: ast.Call) -> bool:
    name = _name(call.func)[0]
    return name not in NOT_SHOWN and not name.endswith(("Error", "Exception")) and not _is_marked(call)


def unmarked(path: Path, toasts_only: bool = False) -> list[str]:
    """ "line: 'text'" for each reader's text in `path` that is not wrapped in t(): any text-like
    literal handed to a call (a component, a helper, a kwarg), or only the toasts' (a state)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[ast.expr] = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        if _is_toast(call):
            found += [f for arg in call.args[:1] for f in _literals(arg)]
        elif not toasts_only and _shown(call):
            found += [f for arg in [*call.args, *(kw.value for kw in call.keywords)] for f in _literals(arg)]
    lines = {(node.lineno, ast.unparse(node)) for node in found}
    return [f"{line}: {text}" for line, text in sorted(lines)]


def scanned_modules() -> dict[str, list[str]]:
    """Every scanned module (relative to eventpalour/) → its unmarked texts."""
    modules: dict[str, list[str]] = {}
    for folder in SCANNED:
        for path in sorted((ROOT / folder).glob("*.py")):
            modules[f"{folder}/{path.name}"] = unmarked(path)
    for path in sorted((ROOT / "state").glob("*.py")):
        modules[f"state/{path.name}"] = unmarked(path, toasts_only=True)
    return modules


def test_the_rule_tells_texts_from_values() -> None:
    for text in ("Sign in", "Free", "Buy tickets", "No events match.", "Results: {count}"):
        assert _is_text(text), text
    for value in (
        "outline",
        "key-round",
        "100%",
        "/events",
        "you@example.com",
        "{count}",
        "https://x.io",
        "1fr 2fr",
        "1px solid var(--gray-4)",
        "KES · NGN",
        "EventPalour",
    ):
        assert not _is_text(value), value


def test_the_check_finds_an_unmarked_text(tmp_path: Path) -> None:
    """So a broken walk cannot pass the check below by finding nothing."""
    page = tmp_path / "page.py"
    page.write_text(
        "import reflex as rx\n"
        "def p():\n"
        "    return rx.vstack(\n"
        "        rx.heading(t('Marked')),\n"
        "        rx.text('Not marked', size='2'),\n"
        "        rx.button(rx.icon('x'), aria_label='Close it'),\n"
        "        field('Your name', 'name', errors, placeholder='Jane Doe'),\n"
        "        rx.cond(x, rx.text(t('A')), rx.text(f'{n} tickets left')),\n"
        "    )\n"
        "def handler():\n"
        "    return rx.toast.success('Saved.')\n"
    )

    assert unmarked(page) == [
        "5: 'Not marked'",
        "6: 'Close it'",
        "7: 'Jane Doe'",
        "7: 'Your name'",
        "8: f'{n} tickets left'",
        "11: 'Saved.'",
    ]


def test_every_text_a_reader_sees_is_marked() -> None:
    left = {module: texts for module, texts in scanned_modules().items() if texts}

    report = "\n".join(f"{module}:\n  " + "\n  ".join(texts) for module, texts in left.items())
    assert not left, f"Texts a reader sees that are not wrapped in t() / self._t():\n{report}"


# --- the services' and states' own words --------------------------------------------------------------

WORD_TABLE = re.compile(r"(LABELS|WORDS|NAMES|REASONS|NOTES|NOTICES|TITLES|MESSAGES|SENTENCES|REFUSALS|CHOICES)$")
# What no reader reads as our words: the services' own names (a payment channel, a social network), a
# developer's error, a type's name.
NOT_OUR_WORDS = PRODUCT_NAMES | {"Apple Pay", "Facebook", "Instagram", "LinkedIn", "GitHub"}
ZONE_ID = re.compile(r"^[A-Z][A-Za-z]+/[A-Za-z_/]+$")
DEVELOPER_CALLS = {"TypeError", "AttributeError", "RuntimeError", "ValueError", "KeyError", "TypeVar"}
# Values that are data rather than words, each with why.
NOT_SHOWN_WORDS = {
    # A new event's country field, prefilled as text the organizer may type over (a venue's address).
    "services/events/creator.py": {"'Kenya'", "'Nigeria'", "'Ghana'", "'South Africa'"},
    # An SMS's subject labels it in /dev/outbox only; the phone shows its translated `text`.
    "services/sales/sms_tickets.py": {"f'SMS: your tickets for {event_title}'"},
    "services/tickets/transfers.py": {"f'SMS: a ticket for {event.title}'"},
}


def _said(node: ast.expr) -> list[ast.AST]:
    """The literals an expression hands on, through `a or b` too (a fallback: `name or "Unknown"`)."""
    if isinstance(node, ast.BoolOp):
        return [found for value in node.values for found in _said(value)]
    if isinstance(node, ast.IfExp):
        return _said(node.body) + _said(node.orelse)
    return [found for found in _literals(node) if not _is_our_name(found)]


def _is_our_name(node: ast.AST) -> bool:
    """A service's own name, or a time zone's id ("Africa/Nairobi"): no one translates them."""
    return isinstance(node, ast.Constant) and (node.value in NOT_OUR_WORDS or bool(ZONE_ID.match(node.value)))


def _table_values(node: ast.expr):
    if isinstance(node, ast.Dict):
        for value in node.values:
            yield from _table_values(value)
    elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        for value in node.elts:
            yield from _table_values(value)
    else:
        yield node


def unmarked_words(path: Path, *, service: bool) -> list[str]:
    """ "line: 'text'" for each of a module's words that no N_ marks: its label tables' values, and in a
    service what a function returns and what a result or an error is built with (a capitalised call)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[ast.AST] = []
    for node in tree.body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        names = [target.id for target in targets if isinstance(target, ast.Name)]
        if node_value := getattr(node, "value", None):
            if any(WORD_TABLE.search(name) for name in names):
                found += [f for value in _table_values(node_value) for f in _said(value)]
    if service:
        for node in ast.walk(tree):
            if isinstance(node, ast.Return) and node.value is not None:
                found += _said(node.value)
            elif isinstance(node, ast.Call):
                name = _name(node.func)[0]
                if name[:1].isupper() and name not in {"N_", "NC_"} | DEVELOPER_CALLS:
                    found += [f for arg in [*node.args, *(kw.value for kw in node.keywords)] for f in _said(arg)]
    lines = {(node.lineno, ast.unparse(node)) for node in found}
    return [f"{line}: {text}" for line, text in sorted(lines)]


def test_the_check_finds_a_service_s_unmarked_words(tmp_path: Path) -> None:
    service = tmp_path / "service.py"
    service.write_text(
        "CHANNEL_LABELS = {'card': 'Card', 'bank': N_('Bank'), 'apple_pay': 'Apple Pay'}\n"
        "class Row:\n"
        "    @property\n"
        "    def label(self):\n"
        "        return self.name or 'Direct or hidden'\n"
        "def row(agent, kind):\n"
        "    kept = Message(N_('Marked'))\n"
        "    return SessionRow(device=agent or 'Unknown device', holder='Company' if kind else N_('Individual'))\n"
        "def refusal(status):\n"
        "    return f'A {status} event cannot be edited.'\n"
        "def broken():\n"
        "    raise TypeError('Not a reader s text')\n"
    )

    assert unmarked_words(service, service=True) == [
        "1: 'Card'",
        "5: 'Direct or hidden'",
        "8: 'Company'",
        "8: 'Unknown device'",
        "10: f'A {status} event cannot be edited.'",
    ]
    assert unmarked_words(service, service=False) == ["1: 'Card'"]  # a state: its tables only


def test_every_word_a_service_or_a_state_hands_a_page_is_marked() -> None:
    left = {}
    for folder, service in (("services", True), ("state", False)):
        for path in sorted((ROOT / folder).rglob("*.py")):
            module = path.relative_to(ROOT).as_posix()
            words = [
                w
                for w in unmarked_words(path, service=service)
                if w.split(": ", 1)[1] not in NOT_SHOWN_WORDS.get(module, set())
            ]
            if words:
                left[module] = words

    report = "\n".join(f"{module}:\n  " + "\n  ".join(words) for module, words in left.items())
    assert not left, (
        f"Words a service or a state hands a page without N_ (mark them, say them with said/gettext):\n{report}"
    )
