"""The door's one rule (#21 §5), `gates.pass_decision`, on the vectors the device's JS also runs
(tests/vectors/gate_rules.json; tests/js/gates.test.mjs)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from eventpalour.services.tickets import gates

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

VECTORS = json.loads((Path(__file__).resolve().parents[1] / "vectors" / "gate_rules.json").read_text())


def _gate(spec: dict) -> gates.Gate:
    return gates.Gate(
        id="lst0000000000001",
        event_id="evt0000000000001",
        name="Gate",
        all_tiers=spec["allTiers"],
        tier_ids=frozenset(spec["tierIds"]),
        readmit_daily=spec["readmitDaily"],
        count_exits=spec["countExits"],
    )


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_pass_decision_vector(case):
    decided = gates.pass_decision(
        _gate(case["gate"]),
        tier_id=case["tierId"],
        status=case["status"],
        passes=[gates.Pass(p["direction"], datetime.fromisoformat(p["at"])) for p in case["passes"]],
        direction=case["direction"],
        at=datetime.fromisoformat(case["at"]),
        timezone=case["timezone"],
    )
    assert (decided.result, decided.ordinal) == (case["expect"]["result"], case["expect"]["ordinal"])
    assert decided.allowed == (case["expect"]["result"] in ("ok", "exited"))


def test_vectors_cover_every_result():
    assert {c["expect"]["result"] for c in VECTORS["cases"]} == {
        "ok",
        "already_used",
        "wrong_gate",
        "not_valid",
        "exited",
        "not_inside",
    }
