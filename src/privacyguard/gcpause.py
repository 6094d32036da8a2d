"""Bulk work without Python's cyclic garbage collector, which it only slows down.

Merging 10,000 bundles builds a million small objects that stay alive until the end. Each
collection walks them again, looking for reference cycles that this data never forms (trees of
dicts, lists and models, freed by reference counting as usual): with the collector on, `audit
collect` of 10,000 bundles spent about half its CPU time in it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BULK = 500_000  # live objects made in a block, above which freezing them pays (10,000 bundles: ~1 million)


@contextmanager
def cycles_uncollected() -> Iterator[None]:
    """Pause the cyclic collector for the block (nests; restores what it found).

    On leaving the outermost block after bulk work (over BULK objects made and still alive), what
    exists then is frozen (gc.freeze): else the first collection after it would walk the million
    objects once more (half a second). Frozen objects are still freed by reference counting when
    unused; only a cycle among them would stay, so small blocks (tests, a handful of bundles) are
    not frozen and leave the collector as they found it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_count()[0] > BULK:
                gc.freeze()
            gc.enable()
