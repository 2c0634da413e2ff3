"""Reads the YAML that compose.yaml is written in, for the deploy drift test, without a YAML library
(none is installed, and one test file does not justify a dependency).

The subset: block mappings and sequences by indentation, `# comments`, plain, "double-quoted"
(JSON) and 'single-quoted' scalars, JSON-style flow sequences (`["a", "b"]`), `true`/`false`,
anchors on a block (`key: &name`) and merge keys (`<<: *name`). Anything else (other flow
collections, block scalars, multi-document files, tabs) raises YamlSubsetError, so a compose file
that outgrows the subset fails the test loudly instead of being misread.
"""

from __future__ import annotations

import json
import re
from typing import Any

_KEY = re.compile(r"^(?P<key>[A-Za-z0-9_.<-][A-Za-z0-9_.<\-/]*|\"[^\"]*\"):(?:\s+(?P<rest>.*))?$")


class YamlSubsetError(ValueError):
    """The text uses YAML beyond the subset this reader knows."""


def _strip_comment(line: str) -> str:
    """The line without a trailing `# comment` (a # outside quotes, at the start or after a space)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line.rstrip()


def _lines(text: str) -> list[tuple[int, str]]:
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise YamlSubsetError(f"line {number}: tab indentation")
        content = _strip_comment(raw)
        if content.strip() == "---":
            raise YamlSubsetError(f"line {number}: several documents")
        if content.strip():
            lines.append((len(content) - len(content.lstrip()), content.strip()))
    return lines


def _scalar(text: str) -> Any:
    if text.startswith('"'):
        return json.loads(text)
    if text.startswith("'"):
        if not text.endswith("'") or len(text) < 2:
            raise YamlSubsetError(f"unterminated quote: {text}")
        return text[1:-1].replace("''", "'")
    if text.startswith("["):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            raise YamlSubsetError(f"flow sequence beyond JSON: {text}") from None
        if not isinstance(value, list):
            raise YamlSubsetError(f"not a flow sequence: {text}")
        return value
    if text[:1] in "{|>!%@`":
        raise YamlSubsetError(f"unsupported YAML: {text}")
    return {"true": True, "false": False}.get(text, text)


class _Reader:
    def __init__(self, text: str) -> None:
        self.lines = _lines(text)
        self.at = 0
        self.anchors: dict[str, Any] = {}

    def block(self, indent: int) -> Any:
        if self.at >= len(self.lines):
            return None
        own_indent, content = self.lines[self.at]
        if own_indent < indent:
            return None
        if content.startswith("- ") or content == "-":
            return self.sequence(own_indent)
        return self.mapping(own_indent)

    def sequence(self, indent: int) -> list[Any]:
        items: list[Any] = []
        while self.at < len(self.lines):
            own_indent, content = self.lines[self.at]
            if own_indent != indent or not content.startswith("-"):
                if own_indent > indent:
                    raise YamlSubsetError(f"unexpected indentation: {content}")
                break
            rest = content[1:].strip()
            if _KEY.match(rest):
                # "- key: value" starts a mapping whose keys line up with `key`.
                self.lines[self.at] = (indent + 2, rest)
                items.append(self.mapping(indent + 2))
            else:
                self.at += 1
                items.append(self.block(indent + 1) if not rest else _scalar(rest))
        return items

    def mapping(self, indent: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while self.at < len(self.lines):
            own_indent, content = self.lines[self.at]
            if own_indent < indent:
                break
            if own_indent > indent:
                raise YamlSubsetError(f"unexpected indentation: {content}")
            found = _KEY.match(content)
            if not found:
                raise YamlSubsetError(f"not a `key: value` line: {content}")
            key, rest = found["key"], (found["rest"] or "").strip()
            key = json.loads(key) if key.startswith('"') else key
            self.at += 1
            anchor = ""
            if rest.startswith("&"):
                anchor, _, rest = rest[1:].partition(" ")
                rest = rest.strip()
            if rest.startswith("*"):
                if rest[1:] not in self.anchors:
                    raise YamlSubsetError(f"unknown anchor: {rest}")
                value = self.anchors[rest[1:]]
            elif rest:
                value = _scalar(rest)
            else:
                value = self.block(indent + 1)
            if anchor:
                self.anchors[anchor] = value
            if key == "<<":
                if not isinstance(value, dict):
                    raise YamlSubsetError("a merge key takes a mapping")
                result = {**value, **result}
            else:
                result[key] = value
        return result


def load(text: str) -> Any:
    """The document in `text` as dicts, lists, strings and booleans."""
    reader = _Reader(text)
    document = reader.block(0)
    if reader.at != len(reader.lines):
        raise YamlSubsetError(f"could not read past: {reader.lines[reader.at][1]}")
    return document
