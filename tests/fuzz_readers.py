"""The fuzz harness for every file privacyguard reads (issue 13): valid documents, then mutated.

Shared by tests/test_fuzz_readers.py (a bounded run inside `make test`) and scripts/fuzz.py
(`make fuzz`, 10,000 inputs or more). For each reader there are valid seed documents; a
Hypothesis strategy mutates them: bytes (flip, insert, delete, truncate, duplicate), encodings
(UTF-16/32, Latin-1, BOMs), nesting (thousands of brackets or indented levels), sizes
(repetition), YAML aliases, hostile text, and the parsed tree itself (a value replaced by
any other JSON-like value, so files that parse but are not what they claim).

The property: the reader returns (a valid outcome), or raises BadInput whose message names the
file (the CLI's exit 3). Anything else is a failure: another PrivacyGuardError is the CLI's exit
2, any other exception a traceback; and no input may take more than CPU_BUDGET seconds of CPU
or MEMORY_BUDGET bytes of Python allocations.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import resource
import shutil
import sqlite3
import sys
import time
import traceback
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "docs" / "examples"
CPU_BUDGET = 10.0  # seconds of CPU for one input, parse to verdict (a real file takes milliseconds)
MEMORY_BUDGET = 256 * 1024 * 1024  # peak bytes allocated by Python for one input
KEY = b"fuzz-key-" + b"k" * 24


# --- outcomes ------------------------------------------------------------------------------------
@dataclass
class Tally:
    """What a run saw: inputs per reader and outcome, and every failure with its input."""

    inputs: int = 0
    valid: int = 0
    bad_input: int = 0
    by_reader: dict[str, int] = field(default_factory=dict)
    tracebacks: list[str] = field(default_factory=list)
    exit2: list[str] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)  # exit 3, but the message does not name the file
    over_budget: list[str] = field(default_factory=list)
    harness_errors: list[str] = field(default_factory=list)  # a generator bug, not the tool's: reported apart
    max_cpu: float = 0.0
    max_memory: int = 0
    peak_rss: int = 0

    @property
    def failures(self) -> list[str]:
        return self.tracebacks + self.exit2 + self.unnamed + self.over_budget


class FuzzFailure(AssertionError):
    pass


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# --- readers -------------------------------------------------------------------------------------
@dataclass
class Reader:
    name: str
    kind: str  # yaml, json, toml, csv, sqlite: which tree mutation applies
    filename: str  # where the input is written, under the reader's own folder
    seeds: list[bytes]
    read: Callable[[Path], Any]


class Workbench:
    """One folder per reader and the shared context (catalogue, a roster, a policy) for reading."""

    READERS = ("policy", "flow", "variant", "roster-csv", "roster-yaml", "bundle", "audit", "snapshot", "config",
               "registry", "history", "journal", "schedule")

    def __init__(self, root: Path, *, own_home: bool = True) -> None:
        from privacyguard.catalogue import load_catalogue
        from privacyguard.policy import load_policy
        from privacyguard.resources import fixtures_dir

        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        if own_home:  # a script; under pytest every test has its own home already
            os.environ["PRIVACYGUARD_HOME"] = str(self.root / "home")
        self.catalogue = load_catalogue()
        self.policy = load_policy("recommended", self.catalogue)
        self.fixtures = fixtures_dir()
        self.roster_file = self.root / "roster.csv"
        self.roster_file.write_text("person,team,email,platform,account,sandbox\n"
                                    "Ann,Sales,ann@acme.example,linkedin,ann-li,\n"
                                    "Ann,Sales,ann@acme.example,facebook,ann-fb,\n"
                                    "Bob,Press,bob@acme.example,linkedin,bob-li,default\n", encoding="utf-8")
        self.readers = self._readers()

    # seeds that need the tool itself to build
    def _snapshot_seed(self) -> bytes:
        from privacyguard.snapshot import AccountError, AccountSnapshot, Evidence, Reading, ReadStatus, Snapshot

        accounts = []
        for platform, account in (("linkedin", "ann-li"), ("facebook", "ann-fb")):
            readings = {}
            for index, setting in enumerate(self.catalogue.platform(platform).settings[:6]):
                status = ReadStatus.READ if index % 3 else ReadStatus.NOT_FOUND
                readings[setting.id] = Reading(setting=setting.id, status=status,
                                               value=setting.values[index % len(setting.values)]
                                               if status is ReadStatus.READ else None,
                                               evidence=Evidence(url=setting.url, locator="role=switch", raw="on"))
            accounts.append(AccountSnapshot(platform=platform, account=account, readings=readings))
        accounts.append(AccountSnapshot(platform="linkedin", account="bob-li",
                                        error=AccountError(kind="checkpoint", message="a checkpoint")))
        return Snapshot(catalogue=self.catalogue.versions(), accounts=accounts).model_dump_json(indent=2).encode()

    def _bundle_seed(self, signed: bool) -> bytes:
        from privacyguard.audit.bundle import build_bundle
        from privacyguard.snapshot import Snapshot

        snapshot = Snapshot.model_validate_json(self._snapshot_seed())
        snapshot.accounts = snapshot.accounts[:2]
        bundle = build_bundle("Ann", snapshot, self.policy, self.catalogue, KEY if signed else None)
        return json.dumps(bundle.data(), indent=2, ensure_ascii=False).encode()

    def _audit_seed(self) -> bytes:
        from privacyguard.audit.merge import collect_bundles
        from privacyguard.audit.roster import load_roster

        inbox = self.root / "seed-inbox"
        inbox.mkdir(exist_ok=True)
        (inbox / "ann.json").write_bytes(self._bundle_seed(True))
        audit = collect_bundles([inbox], load_roster(self.roster_file, self.catalogue), self.catalogue, KEY)
        return audit.model_dump_json(indent=2).encode()

    def _history_seed(self) -> bytes:
        from privacyguard.evaluate import evaluate
        from privacyguard.history.db import History
        from privacyguard.snapshot import Snapshot, now_utc

        path = self.root / "seed-history.sqlite3"
        snapshot = Snapshot.model_validate_json(self._snapshot_seed())
        with History(path) as history:
            for _ in range(2):
                history.add_sweep(snapshot, evaluate(snapshot, self.policy, self.catalogue), now_utc())
        with sqlite3.connect(path) as db:  # one file, no WAL beside it
            db.execute("PRAGMA journal_mode = DELETE")
        data = path.read_bytes()
        path.unlink()
        return data

    def _readers(self) -> dict[str, Reader]:
        from privacyguard.accounts import load_registry
        from privacyguard.audit import report_text
        from privacyguard.audit.bundle import parse_bundle
        from privacyguard.audit.merge import collect_bundles
        from privacyguard.audit.model import Audit
        from privacyguard.audit.roster import load_roster
        from privacyguard.catalogue import _CACHE as FLOW_CACHE
        from privacyguard.catalogue import load_catalogue
        from privacyguard.config import load_config
        from privacyguard.evaluate import evaluate
        from privacyguard.fix.journal import load_run
        from privacyguard.history.db import History
        from privacyguard.history.view import sweep_view
        from privacyguard.policy import load_policy
        from privacyguard.reports.markdown import render_markdown
        from privacyguard.resources import policies_dir
        from privacyguard.sandbox.fixtures import _CACHE as VARIANT_CACHE
        from privacyguard.sandbox.fixtures import load_variant
        from privacyguard.schedule import load_record, shown_command
        from privacyguard.snapshot import Snapshot

        catalogue = self.catalogue

        def flow(path: Path) -> Any:
            FLOW_CACHE.pop(path.parent.resolve(), None)
            return load_catalogue(path.parent)

        def variant(path: Path) -> Any:
            VARIANT_CACHE.clear()
            root = path.parent.parent.parent
            if not (root / "linkedin" / "default").exists():
                (root / "linkedin" / "default").symlink_to(self.fixtures / "linkedin" / "default")
            return load_variant("linkedin", path.parent.name, root)

        def roster(path: Path) -> Any:
            return load_roster(path, catalogue)

        def bundle(path: Path) -> Any:
            parse_bundle_ok = True
            try:
                parse_bundle(path)
            except Exception:  # judged below: collect must never fail because of one bundle
                parse_bundle_ok = False
            roster_ = load_roster(self.roster_file, catalogue)
            for key, policy in ((KEY, None), (None, self.policy)):
                audit = collect_bundles([path.parent], roster_, catalogue, key, policy=policy,
                                        policy_sha="x" if policy else None)
                for fmt in ("csv", "html"):
                    report_text(audit, fmt, None)
            return parse_bundle_ok

        def audit(path: Path) -> Any:
            loaded = Audit.load(path)
            for fmt in ("csv", "json", "html"):
                report_text(loaded, fmt, None)
            return loaded

        def snapshot(path: Path) -> Any:
            loaded = Snapshot.load(path)
            return render_markdown(evaluate(loaded, self.policy, catalogue))

        def history(path: Path) -> Any:
            for extra in ("-wal", "-shm"):
                Path(str(path) + extra).unlink(missing_ok=True)
            with History(path) as db:
                for row in db.sweeps():
                    sweep_view(db, db.sweep(row.id), catalogue)

        def journal(path: Path) -> Any:
            run = load_run(path)
            return [(e.target_account, e.left_at, e.possibly_changed) for e in run.undoable()]

        def schedule(path: Path) -> Any:
            record = load_record()
            return record and shown_command(record["command"])

        examples = lambda *names: [(EXAMPLES / n).read_bytes() for n in names]  # noqa: E731
        return {r.name: r for r in [
            Reader("policy", "yaml", "p.yaml", [(policies_dir() / "recommended.yaml").read_bytes(),
                                                (policies_dir() / "strict.yaml").read_bytes(),
                                                *examples("policy.yaml")],
                   lambda p: load_policy(p, catalogue)),
            Reader("flow", "yaml", "flows/linkedin.yaml", [(REPO / "flows" / "linkedin.yaml").read_bytes()], flow),
            Reader("variant", "yaml", "fx/linkedin/v/variant.yaml",
                   [(self.fixtures / "linkedin" / "default" / "variant.yaml").read_bytes(),
                    (self.fixtures / "linkedin" / "save-ignored" / "variant.yaml").read_bytes(),
                    *examples("fixtures-variant/variant.yaml")], variant),
            Reader("roster-csv", "csv", "r.csv", examples("roster.csv"), roster),
            Reader("roster-yaml", "yaml", "r.yaml", examples("roster.yaml"), roster),
            Reader("bundle", "json", "inbox/b.json", [*examples("bundle.json"), self._bundle_seed(True),
                                                      self._bundle_seed(False)], bundle),
            Reader("audit", "json", "a.json", [self._audit_seed()], audit),
            Reader("snapshot", "json", "s.json", [self._snapshot_seed()], snapshot),
            Reader("config", "toml", "config.toml", examples("config.toml"), load_config),
            Reader("registry", "json", "home/accounts.json", examples("accounts.json"), lambda p: load_registry()),
            Reader("history", "sqlite", "h.sqlite3", [self._history_seed()], history),
            Reader("journal", "json", "fixes/20261126T121427326050Z-3995.json", examples("fix-journal.json"),
                   journal),
            Reader("schedule", "json", "home/schedule.json", examples("schedule.json"), schedule),
        ]}

    def path_for(self, reader: Reader) -> Path:
        if reader.name in ("registry", "schedule"):  # read from the home
            from privacyguard.accounts import registry_path
            from privacyguard.schedule import record_path

            path = registry_path() if reader.name == "registry" else record_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            return path
        path = self.root / reader.name / reader.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    # --- one input -----------------------------------------------------------------------------
    def check(self, reader: Reader, data: bytes, tally: Tally, *, raise_on_failure: bool) -> str:
        """Run one input through a reader; returns 'valid' or 'bad-input', records failures."""
        from privacyguard.errors import BadInput, PrivacyGuardError

        path = self.path_for(reader)
        path.write_bytes(data)
        tally.inputs += 1
        tally.by_reader[reader.name] = tally.by_reader.get(reader.name, 0) + 1
        failure: tuple[list[str], str] | None = None
        outcome = "valid"
        # Memory: with tracemalloc on (the pytest leg), the input's exact peak of Python allocations;
        # without (make fuzz, 3x faster), how far the input raised the process's peak RSS.
        tracing = tracemalloc.is_tracing()
        if tracing:
            tracemalloc.reset_peak()
        rss_before = _peak_rss()
        started = time.process_time()
        try:
            reader.read(path)
        except BadInput as exc:
            outcome = "bad-input"
            if str(path) not in str(exc):
                failure = (tally.unnamed, f"{reader.name}: exit 3 without naming {path}: {exc}")
        except PrivacyGuardError as exc:
            failure = (tally.exit2, f"{reader.name}: exit 2 for bad input: {type(exc).__name__}: {exc}")
        except Exception:  # the point of the exercise: nothing else may escape
            failure = (tally.tracebacks, f"{reader.name}: {traceback.format_exc(limit=-6)}")
        cpu = time.process_time() - started
        memory = tracemalloc.get_traced_memory()[1] if tracing else _peak_rss() - rss_before
        tally.peak_rss = max(tally.peak_rss, _peak_rss())
        tally.max_cpu = max(tally.max_cpu, cpu)
        tally.max_memory = max(tally.max_memory, memory)
        if failure is None and (cpu > CPU_BUDGET or memory > MEMORY_BUDGET):
            failure = (tally.over_budget, f"{reader.name}: {cpu:.1f} s CPU, {memory / 2**20:.0f} MiB "
                                          f"for a {len(data)}-byte input")
        if failure is not None:
            bucket, message = failure
            bucket.append(f"{message}\n    input ({len(data)} bytes): {data[:300]!r}")
            if raise_on_failure:
                raise FuzzFailure(bucket[-1])
            return "failure"
        if outcome == "valid":
            tally.valid += 1
        else:
            tally.bad_input += 1
        return outcome


# --- mutations -----------------------------------------------------------------------------------
HOSTILE_TEXT = ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "\u202e", "\ufeff", "é" * 40,
                "x" * 5000, "../../../../tmp/x", "${HOME}", "{{ 7*7 }}", "%s%n", "\\ud800", "💥", "\r\n",
                "NaN", "-Infinity", "9" * 5000, "2026-13-45", "null", "~", "on", "*", "&a", "!!python/object:os.system"]
ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**30), max_value=10**30),
                    st.floats(), st.text(max_size=40), st.sampled_from(HOSTILE_TEXT))


def values(keys: list[str]) -> st.SearchStrategy:
    names = st.one_of(st.text(max_size=12), st.sampled_from(keys or ["x"]))
    return st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(names, inner, max_size=4)), max_leaves=12)


def _keys(tree: Any, found: set[str] | None = None) -> list[str]:
    found = set() if found is None else found
    if isinstance(tree, dict):
        for key, value in tree.items():
            found.add(str(key))
            _keys(value, found)
    elif isinstance(tree, list):
        for item in tree:
            _keys(item, found)
    return sorted(found)


def _replace_somewhere(draw: Callable, tree: Any, keys: list[str]) -> Any:
    """The tree with one node (chosen by walking down at random) replaced by a generated value."""
    if not isinstance(tree, dict | list) or not tree or draw(st.integers(0, 3)) == 0:
        return draw(st.one_of(values(keys), st.just(tree)))
    if isinstance(tree, dict):
        key = draw(st.sampled_from(sorted(tree, key=str)))
        action = draw(st.sampled_from(["descend", "descend", "delete", "add"]))
        copy = dict(tree)
        if action == "delete":
            del copy[key]
        elif action == "add":
            copy[draw(st.sampled_from(keys or ["x"]))] = draw(values(keys))
        else:
            copy[key] = _replace_somewhere(draw, tree[key], keys)
        return copy
    index = draw(st.integers(0, len(tree) - 1))
    copy = list(tree)
    copy[index] = _replace_somewhere(draw, tree[index], keys)
    return copy


def _toml(data: dict[str, Any]) -> str:
    """A small TOML writer for the tree mutation (scalars, arrays, tables, inline tables)."""
    def value(item: Any) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, int | float):
            return json.dumps(item) if item == item and abs(item) != float("inf") else "nan"
        if isinstance(item, list):
            return "[" + ", ".join(value(i) for i in item if i is not None) + "]"
        if isinstance(item, dict):
            return "{" + ", ".join(f"{json.dumps(str(k))} = {value(v)}" for k, v in item.items() if v is not None) + "}"
        return json.dumps(str(item))
    lines = [f"{json.dumps(str(k))} = {value(v)}" for k, v in data.items() if not isinstance(v, dict) and v is not None]
    for name, table in data.items():
        if isinstance(table, dict):
            lines.append(f"[{json.dumps(str(name))}]")
            lines += [f"{json.dumps(str(k))} = {value(v)}" for k, v in table.items() if v is not None]
    return "\n".join(lines) + "\n"


_YamlDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
LARGEST = 512_000  # bytes a mutation may grow a document to (the size limits are tried on their own, cheaply)
TREE_LARGEST = 256_000  # the tree mutation re-parses and re-dumps: not on documents larger than this


def _tree_mutation(draw: Callable, seed: bytes, kind: str) -> bytes:
    import tomllib

    text = seed.decode("utf-8-sig")
    if kind == "json":
        tree = json.loads(text)
        keys = _keys(tree)
        return json.dumps(_replace_somewhere(draw, tree, keys), ensure_ascii=draw(st.booleans())).encode()
    if kind == "yaml":
        # through the tool's own loader: an alias bomb from an earlier mutation must not expand here
        from privacyguard.errors import FileFormatError
        from privacyguard.loaders import parse_yaml

        try:
            tree, _ = parse_yaml(text, "generated", FileFormatError)
        except FileFormatError as exc:
            raise ValueError(str(exc)) from None
        keys = _keys(tree)
        return yaml.dump(_replace_somewhere(draw, tree, keys), Dumper=_YamlDumper, allow_unicode=True,
                         sort_keys=False).encode()
    if kind == "toml":
        tree = tomllib.loads(text)
        mutated = _replace_somewhere(draw, tree, _keys(tree))
        return _toml(mutated if isinstance(mutated, dict) else {"x": mutated}).encode()
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(text))) or [[]]
        row = draw(st.integers(0, len(rows) - 1))
        rows[row] = [draw(st.one_of(st.text(max_size=30), st.sampled_from([*HOSTILE_TEXT, "default", "linkedin"])))
                     for _ in range(draw(st.integers(0, 8)))]
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue().encode()
    return _sqlite_mutation(draw, seed)


def _sqlite_mutation(draw: Callable, seed: bytes) -> bytes:
    """A history database whose stored JSON (a reading, a finding, a summary) was edited."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "h.sqlite3"
        path.write_bytes(seed)
        with sqlite3.connect(path) as db:
            table, column = draw(st.sampled_from([("account_runs", "snapshot_json"), ("account_runs", "report_json"),
                                                  ("sweeps", "summary_json"), ("sweeps", "policy_json"),
                                                  ("sweeps", "tool_json")]))
            rows = db.execute(f"SELECT id, {column} FROM {table}").fetchall()
            row_id, stored = draw(st.sampled_from(rows))
            tree = json.loads(stored)
            mutated = json.dumps(_replace_somewhere(draw, tree, _keys(tree)))
            db.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (mutated, row_id))
        return path.read_bytes()


def _nest(draw: Callable, data: bytes, kind: str) -> bytes:
    depth = draw(st.sampled_from([30, 47, 48, 49, 50, 100, 1000, 20_000]))
    at = draw(st.integers(0, len(data)))
    if kind == "yaml" and draw(st.booleans()):
        nested = "".join("  " * i + f"k{i}:\n" for i in range(min(depth, 200))).encode()
    elif kind == "toml":
        nested = b"x = " + b"[" * depth + b"]" * depth + b"\n"
    else:
        opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
        nested = opener * depth + closer * depth
    return data[:at] + nested + data[at:]


def _alias_bomb(draw: Callable) -> bytes:
    width, levels = draw(st.integers(2, 12)), draw(st.integers(2, 10))
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    return ("\n".join(lines) + "\n").encode()


@st.composite
def mutated(draw: Callable, reader: Reader) -> bytes:
    """A seed document of this reader, mutated zero or more times (zero: the valid document)."""
    data = draw(st.sampled_from(reader.seeds))
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["tree", "tree", "tree", "bytes", "insert", "delete", "truncate", "repeat",
                                   "encoding", "nest", "text", "alias", "duplicate", "oversize"]))
        if op == "tree" and len(data) <= TREE_LARGEST:
            # once an earlier mutation broke the syntax, tree mutations no longer apply
            with contextlib.suppress(ValueError, yaml.YAMLError, sqlite3.DatabaseError, UnicodeDecodeError, KeyError,
                                     csv.Error, RecursionError):
                data = _tree_mutation(draw, data, reader.kind)
        elif op == "bytes" and data:
            for _ in range(draw(st.integers(1, 8))):
                at = draw(st.integers(0, len(data) - 1))
                data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
        elif op == "insert":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
        elif op == "delete" and data:
            start = draw(st.integers(0, len(data) - 1))
            data = data[:start] + data[start + draw(st.integers(1, 200)):]
        elif op == "truncate":
            data = data[:draw(st.integers(0, len(data)))]
        elif op == "repeat":
            data = data * max(1, min(draw(st.sampled_from([2, 10, 100])), LARGEST // max(len(data), 1)))
        elif op == "oversize":  # just over the reader's size limit: refused before parsing
            data = data + b" " * (draw(st.sampled_from([2 * 2**20, 16 * 2**20])) + 1 - len(data))
        elif op == "encoding":
            try:
                data = data.decode("utf-8").encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
            except UnicodeDecodeError:
                data = b"\xef\xbb\xbf" + data
        elif op == "nest" and reader.kind != "sqlite":
            data = _nest(draw, data, reader.kind)
        elif op == "text":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.sampled_from(HOSTILE_TEXT)).encode("utf-8", "surrogatepass") + data[at:]
        elif op == "alias" and reader.kind == "yaml":
            bomb = _alias_bomb(draw)
            data = bomb + data if draw(st.booleans()) else bomb
        elif op == "duplicate" and data:
            start = draw(st.integers(0, len(data) - 1))
            piece = data[start:start + draw(st.integers(1, 400))]
            data = (data[:start] + piece * draw(st.integers(2, 20)) + data[start:])[:LARGEST]
    return data


def cleanup(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)


def report(tally: Tally, out: Any = sys.stdout) -> None:
    print(f"inputs: {tally.inputs} ({tally.valid} valid outcome, {tally.bad_input} exit 3 naming the file)", file=out)
    print("per reader: " + ", ".join(f"{name} {count}" for name, count in sorted(tally.by_reader.items())), file=out)
    print(f"tracebacks: {len(tally.tracebacks)}", file=out)
    print(f"exit 2 for bad input: {len(tally.exit2)}", file=out)
    print(f"exit 3 not naming the file: {len(tally.unnamed)}", file=out)
    print(f"over budget ({CPU_BUDGET:g} s CPU, {MEMORY_BUDGET // 2**20} MiB): {len(tally.over_budget)}", file=out)
    print(f"largest per input: {tally.max_cpu:.2f} s CPU, {tally.max_memory / 2**20:.1f} MiB more memory; "
          f"process peak RSS {tally.peak_rss / 2**20:.0f} MiB", file=out)
    if tally.harness_errors:
        print(f"harness errors (the generator's, not the tool's): {len(tally.harness_errors)}", file=out)
        for error in tally.harness_errors[:5]:
            print("  " + error, file=out)
    for failure in tally.failures[:20]:
        print("---\n" + failure, file=out)
