"""Markdown written by organizers (announcements, #22 §2), rendered to HTML once for the email, the
preview and the holders' pages, so all three show the same thing.

markdown-it's "js-default" preset is CommonMark with raw HTML off: an author's `<script>` or
`<img onerror>` comes out as escaped text, and links with a `javascript:`, `vbscript:`, `file:` or
non-image `data:` target are not made into links (markdown-it's validateLink). What it returns is
therefore safe to put in an email and in a page as HTML.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

_RENDERER = MarkdownIt("js-default")


def render_markdown(source: str) -> str:
    """The HTML of `source`, with no HTML of the author's own."""
    return _RENDERER.render(source or "")
