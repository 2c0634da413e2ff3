"""Where a machine's CPU goes while something runs (e.g. the whole suite): every process's CPU,
summed by what it is (Chromium's renderers, the pytest runs, PostgreSQL, the app servers, ...).

    python scripts/cpu_by_command.py > cpu.txt &   # then run the suite; then:
    kill %1                                         # prints the table

Samples /proc twice a second: a process that lives less than that, or its last half second, is
missed; processes already running when it starts count only what they use after.
"""

from __future__ import annotations

import collections
import os
import signal
import sys
import time

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def kind(pid: str) -> str | None:
    """What the process is, from its command line (None: a kernel thread, or gone)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            command = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return None
    if not command:
        return None
    if "chromium" in command or "chrome" in command:
        for part in ("renderer", "gpu-process", "utility"):
            if f"--type={part}" in command:
                return f"chromium {part}"
        return "chromium browser"
    if command.startswith("postgres"):
        return "postgres"
    if "pytest" in command:
        return "pytest " + " ".join(arg for arg in command.split() if arg.startswith("tests"))[:60]
    if "reflex run" in command or "eventpalour.serve" in command:
        return "app server"
    program = command.split()[0].rsplit("/", 1)[-1]
    if program.startswith("python"):
        return "python " + " ".join(command.split()[1:3])[:60]
    return program[:40]


def main() -> None:
    # (pid, start time) -> [kind, ticks when first seen, ticks when last seen]
    seen: dict[tuple[str, str], list] = {}

    def sample() -> None:
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks, started = int(fields[11]) + int(fields[12]), fields[19]
            entry = seen.get((pid, started))
            if entry is not None:
                entry[2] = max(entry[2], ticks)
            elif (what := kind(pid)) is not None:
                seen[(pid, started)] = [what, ticks, ticks]

    sample()
    already_running = set(seen)

    def report(*_: object) -> None:
        totals: collections.Counter[str] = collections.Counter()
        for key, (what, first, last) in seen.items():
            totals[what] += last - (first if key in already_running else 0)
        print(f"{sum(totals.values()) / TICKS_PER_SECOND:8.1f} s  in all")
        for what, ticks in totals.most_common(40):
            print(f"{ticks / TICKS_PER_SECOND:8.1f} s  {what}")
        sys.stdout.flush()
        os._exit(0)

    signal.signal(signal.SIGTERM, report)
    signal.signal(signal.SIGINT, report)
    while True:
        time.sleep(0.5)
        sample()


if __name__ == "__main__":
    main()
