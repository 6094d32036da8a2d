"""Issue 14: the cyclic collector is paused for bulk work and left as it was found."""

from __future__ import annotations

import gc

from privacyguard.gcpause import BULK, cycles_uncollected


def test_paused_inside_restored_after_and_small_work_is_not_frozen() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with cycles_uncollected():
        assert not gc.isenabled()
        with cycles_uncollected():
            pass
        assert not gc.isenabled()  # an inner block does not switch it back on
        kept = [[i] for i in range(1000)]
    assert gc.isenabled() and gc.get_freeze_count() == frozen and kept


def test_bulk_work_is_frozen_so_no_collection_walks_it_again() -> None:
    try:
        with cycles_uncollected():
            kept = [[i] for i in range(BULK + 1000)]
        assert gc.isenabled() and gc.get_freeze_count() > BULK and len(kept) > BULK
    finally:
        gc.unfreeze()


def test_a_caller_that_had_it_off_keeps_it_off() -> None:
    gc.disable()
    try:
        with cycles_uncollected():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
