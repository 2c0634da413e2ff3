"""The chunk groups eventpalour/vite_chunks.py adds to the Vite config Reflex generates (#24 §2)."""

from __future__ import annotations

import pytest
from reflex.utils import frontend_skeleton
from reflex_base.config import get_config

from eventpalour.vite_chunks import ChunkGroupsPlugin, add_chunk_groups

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)


def reflex_vite_config() -> str:
    """vite.config.js as Reflex 0.10 writes it on every compile, before plugins' modify tasks."""
    return frontend_skeleton._compile_vite_config(get_config())


def test_the_groups_go_into_reflex_own_code_splitting_list() -> None:
    config = add_chunk_groups(reflex_vite_config())
    groups = config[config.index("codeSplitting: {") : config.index("experimental: {")]
    for name in ("reflex-env", "react", "icons", "radix"):
        assert f'name: "{name}"' in groups, name
    # Static imports only: the icons DynamicIcon loads by name stay out of every page's download.
    assert groups.count('tags: ["$initial"]') == 3
    assert "!/dynamic/i.test(id)" in groups


def test_adding_twice_changes_nothing() -> None:
    once = add_chunk_groups(reflex_vite_config())
    assert add_chunk_groups(once) == once


def test_a_changed_template_stops_the_build_instead_of_losing_the_groups() -> None:
    changed = reflex_vite_config().replace('name: "reflex-env"', 'name: "env"')
    with pytest.raises(RuntimeError, match="reflex-env"):
        add_chunk_groups(changed)


def test_the_app_config_runs_the_plugin_on_every_compile() -> None:
    config = get_config()
    assert any(isinstance(plugin, ChunkGroupsPlugin) for plugin in config.plugins)
    tasks: list[tuple[str, object]] = []
    ChunkGroupsPlugin().pre_compile(add_modify_task=lambda path, fn: tasks.append((path, fn)))
    assert tasks == [("vite.config.js", add_chunk_groups)]
    assert config.frontend_compression_formats[0] == "brotli"
