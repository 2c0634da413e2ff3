"""Write a `make bench` run (one text file per benchmark) into docs/performance.md between markers."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

START, END = "<!-- make bench: start -->", "<!-- make bench: end -->"
ORDER = (
    "discovery",
    "analytics",
    "checkout",
    "checkout_code",
    "scan",
    "event_page",
    "event_page_fast3g",
    "rush",
    "browser_checkout",
    "browser_checkout_code",
    "door",
    "waiting_room",
    "analytics_page",
)


def machine(results: Path) -> str:
    """The machine, with its load average before the run (the benchmarks then load both cores)."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    before = results / "load-before.txt"
    load = ", ".join(before.read_text().split()[:3]) if before.exists() else "not recorded"
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores, {memory:.0f} GiB, {system}, load before the run {load}"


def workers(results: Path) -> str:
    path = results / "workers.txt"
    return path.read_text().strip() if path.exists() else "?"


def main(results: Path, document: Path) -> None:
    parts = [
        START,
        "## Latest `make bench` run",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine(results)}. PostgreSQL, Redis, the app in production mode",
        f"with {workers(results)} backend workers (`scripts/bench.sh`). Raw output of each script, its command first:",
        "",
    ]
    for name in ORDER:
        path = results / f"{name}.txt"
        if path.exists():
            parts += [f"### {name}", "", "```", path.read_text().strip(), "```", ""]
    parts.append(END)
    block = "\n".join(parts)
    text = document.read_text()
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    document.write_text(text)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
