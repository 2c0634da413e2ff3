"""CPython's cyclic garbage collector, set for a server worker (#18 target 1: the page rush's p99).

Every page visit leaves cyclic garbage behind (engine.io's closed websocket: an OSError and its
traceback, a class made per connection, closures; ~50 objects a visit), and every open page keeps
a few hundred objects alive. With CPython's defaults (700, 10, 10) a worker serving a rush and
~500 open pages ran a full collection every few seconds, each stopping the worker for 150-400 ms
(walking every live object: the open pages' and the app's own), and young collections of 10-48 ms
often: those stops, not the work of a load, set the rush's p99 (`bench/rush.py`; pauses logged
with a `gc.callbacks` probe, docs/performance.md, session 16).

So, once a worker has started:
- what it built while starting (pages, states, SQLAlchemy's tables and caches) is moved out of the
  collector's reach (`gc.freeze`; Reflex already froze what the parent process built before forking);
- young collections run every 5,000 allocations instead of 700: fewer of the page's in-flight
  objects are caught alive and promoted, and each pass still stays in the milliseconds;
- full collections wait for 100 middle ones instead of 10 (and, as always, for the long-lived
  objects to have grown by a quarter), so they are rare and walk only what was built since start.

Measured with `bench/rush.py` (32 visitors + 2,000 open pages, 4 workers), with the probe: pauses
over 5 ms fell from 4.1-4.8 s to 1.5-1.8 s of a 20 s run, full collections from 12-19 to none, the
longest stop from 290-360 ms to ~100 ms. Without the probe, with api/socket_shortcut.py and
state/socket_pings.py, the rush's p99 went from 175-346 ms to 136-228 ms. Memory held by cyclic
garbage is freed a little later; reference counting frees the rest at once as before.
"""

from __future__ import annotations

import gc

YOUNG_EVERY = 5_000  # allocations (less deallocations) between young collections
MIDDLE_EVERY = 20  # young collections between collections of the middle generation
FULL_EVERY = 100  # middle collections before a full one may run


def settle_collector() -> None:
    """Run once per worker, when it has started serving (a lifespan task)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_EVERY, MIDDLE_EVERY, FULL_EVERY)
