"""The fuzz suite (issue 13), bounded for `make test`: generated files through every reader.

Each reader gets valid documents, mutated in bytes, encoding, nesting, size and structure
(tests/fuzz_readers.py). The property: a valid outcome, or BadInput naming the file (exit 3);
never a traceback, never exit 2, within a CPU and memory budget. Derandomized here, so a run
is repeatable; `make fuzz` runs 10,000+ fresh inputs and prints the figures.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from fuzz_cli import run_one
from fuzz_readers import Tally, Workbench, mutated

READERS = list(Workbench.READERS)
EXAMPLES = {"flow": 8}  # a flow is a 30 KB document: fewer of those
BENCH: dict[str, Workbench] = {}


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Workbench:
    if "bench" not in BENCH:
        BENCH["bench"] = Workbench(tmp_path_factory.mktemp("fuzz"), own_home=False)
    return BENCH["bench"]


def test_every_reader_is_fuzzed(bench: Workbench) -> None:
    assert list(bench.readers) == READERS and len(READERS) == 13


@pytest.mark.parametrize("name", READERS)
def test_generated_files_are_read_or_refused_naming_the_file(name: str, bench: Workbench) -> None:
    reader = bench.readers[name]
    tally = Tally()

    @settings(max_examples=EXAMPLES.get(name, 25), deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=mutated(reader))
    def check(data: bytes) -> None:
        bench.check(reader, data, tally, raise_on_failure=True)

    tracemalloc.start()
    try:
        check()
    finally:
        tracemalloc.stop()
    assert tally.inputs >= EXAMPLES.get(name, 25) and not tally.failures
    # both outcomes were reached: the seeds are valid, the mutations bite (audit collect rejects a bad
    # bundle and goes on: it has no exit-3 outcome of its own)
    assert tally.valid and (tally.bad_input or name == "bundle")


@pytest.mark.parametrize("name", READERS)
def test_a_hostile_file_through_the_cli(name: str, bench: Workbench, tmp_path: Path) -> None:
    """Half a valid document, a byte that is not UTF-8, a NUL and 5,000 brackets: exit 3 naming it."""
    reader = bench.readers[name]
    tally = Tally()
    hostile = reader.seeds[0][: len(reader.seeds[0]) // 2] + b"\xff\x00" + b"[" * 5000
    run_one(bench, name, hostile, tmp_path, tally)
    assert not tally.failures, tally.failures
    # audit collect rejects the bundle, writes the audit and says so (exit 3): a valid outcome
    assert (tally.valid, tally.bad_input) == ((1, 0) if name == "bundle" else (0, 1)), tally


@pytest.mark.parametrize("name", ["policy", "snapshot", "roster-csv"])
def test_a_valid_file_through_the_cli(name: str, bench: Workbench, tmp_path: Path) -> None:
    """The harness's other half: a valid document is a valid outcome, not counted as refused."""
    tally = Tally()
    run_one(bench, name, bench.readers[name].seeds[0], tmp_path, tally)
    assert (tally.valid, tally.failures) == (1, []), tally
