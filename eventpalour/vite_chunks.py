"""Fewer, larger script files for every page (issue #24 §2): a Reflex plugin that adds chunk groups
to the Vite config Reflex writes into .web on each compile.

Left to itself, the bundler (rolldown, under Vite 8) makes one file for every lucide icon and every
Radix component that two routes share: the event page fetched 67 scripts, 35 of them icons under
half a kilobyte. On a phone's connection each request costs a round trip (over HTTP/1.1 about eleven
waves of six, ~6 s on Fast 3G), and small files compress badly. Grouped, the icons every page may
draw come as one file and the Radix components as another.

Only modules a page imports statically are grouped (rolldown's `$initial` tag): the icons the
unsubscribe page loads by name on demand (lucide's DynamicIcon, ~1,900 of them) stay one file each,
fetched only when drawn, instead of landing in every page's download.

Reflex rewrites vite.config.js on every compile (`reflex run`, `reflex export`, the Dockerfile's
build), from its own template; `pre_compile`'s modify task edits that output, so a fresh machine
gets the groups with no file to copy. If a Reflex upgrade changes the template so that the anchor
below is gone, the compile stops with an error instead of building without the groups unnoticed.
"""

from __future__ import annotations

from typing import Any

from reflex_base.plugins.base import Plugin

VITE_CONFIG = "vite.config.js"
# Reflex's template has one group (its env.json chunk); ours go after it in the same list.
ANCHOR = 'name: "reflex-env",\n            },'
# Higher priority is chosen first; a module goes to one group only.
CHUNK_GROUPS = """
            {
              // React, its DOM renderer and the router, which every page runs, taken first: a group
              // takes its modules' dependencies too, and the groups below would otherwise take these.
              name: "react",
              test: /[\\\\/]node_modules[\\\\/](react|react-dom|scheduler|react-router|@react-router)[\\\\/]/,
              tags: ["$initial"],
              priority: 30,
            },
            {
              // lucide-react's icons (each ~0.4 KB): one file instead of one request per icon. Not
              // DynamicIcon and its map of every icon (the icons it imports on demand stay apart).
              name: "icons",
              test: (id) => /[\\\\/]node_modules[\\\\/]lucide-react[\\\\/]/.test(id) && !/dynamic/i.test(id),
              tags: ["$initial"],
              priority: 20,
            },
            {
              // Radix Themes and its primitives (dialogs, tabs, selects...), which routes share.
              name: "radix",
              test: /[\\\\/]node_modules[\\\\/](@radix-ui|radix-ui)[\\\\/]/,
              tags: ["$initial"],
              priority: 10,
            },"""


def add_chunk_groups(vite_config: str) -> str:
    """`vite_config` (Reflex's generated vite.config.js) with our chunk groups added."""
    if 'name: "icons"' in vite_config:
        return vite_config
    if ANCHOR not in vite_config:
        msg = (
            f"eventpalour.vite_chunks: Reflex's {VITE_CONFIG} no longer has its reflex-env chunk group, "
            "where the icon and Radix groups go; update ANCHOR for the new template."
        )
        raise RuntimeError(msg)
    return vite_config.replace(ANCHOR, ANCHOR + CHUNK_GROUPS, 1)


class ChunkGroupsPlugin(Plugin):
    """Adds CHUNK_GROUPS to the Vite config of every compile (rxconfig.py's plugins)."""

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"](VITE_CONFIG, add_chunk_groups)
