"""Fix and undo without a browser: classification by read-back, exit codes, plans, journal, documented formats."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import stat
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO
from privacyguard.catalogue import Catalogue
from privacyguard.collect.change import ChangeOutcome
from privacyguard.collect.runner import CollectRun, Target
from privacyguard.errors import BadInput, UnknownName
from privacyguard.evaluate import evaluate
from privacyguard.fix import journal
from privacyguard.fix.apply import Fixer, Undoer, explain_outcome
from privacyguard.fix.model import Change, Result, RunReport, fix_exit_code, summarise, undo_exit_code
from privacyguard.fix.plan import check_only, describe_change, plan
from privacyguard.fix.render import fix_schema, render_table
from privacyguard.policy import load_policy
from privacyguard.sandbox import load_variant
from privacyguard.sandbox.behaviour import inject, needs_password
from privacyguard.snapshot import AccountError, AccountSnapshot, Reading, ReadStatus, Snapshot

DOCS = REPO / "docs"
AI = "linkedin.generative_ai_data"


def reading(value: str | None, status: ReadStatus = ReadStatus.READ, setting: str = AI) -> Reading:
    return Reading(setting=setting, status=status, value=value)


@pytest.mark.parametrize(("outcome", "expected"), [
    (ChangeOutcome(reading("on"), reading("off")), Result.APPLIED),
    (ChangeOutcome(reading("off"), reading("off")), Result.UNCHANGED),
    # save ignored: the page looked right, the reload shows the old value
    (ChangeOutcome(reading("on"), reading("on")), Result.FAILED),
    # an error or unexpected dialog, and the value did not change
    (ChangeOutcome(reading("on"), reading("on"), "an unexpected dialog appeared ('Are you sure?')"), Result.FAILED),
    (ChangeOutcome(reading("on"), reading("on"), page_messages=["Something went wrong."]), Result.FAILED),
    # the value could not be read back: never applied
    (ChangeOutcome(reading("on"), reading(None, ReadStatus.NOT_FOUND)), Result.FAILED),
    (ChangeOutcome(reading("on"), None, "role=button did not appear"), Result.FAILED),
    # the password was asked again: for the person
    (ChangeOutcome(reading("on"), reading("on"), "asks for the password", needs_person=True), Result.MANUAL),
    # undo found a value the person changed since
    (ChangeOutcome(reading("first_degree"), reading("first_degree"), "changed since", conflict=True), Result.SKIPPED),
    # whatever went wrong on the way, a read-back equal to the target is a real change
    (ChangeOutcome(reading("on"), reading("off"), "an unexpected dialog appeared"), Result.APPLIED),
])
def test_only_the_read_back_decides(outcome: ChangeOutcome, expected: Result) -> None:
    result, reason = explain_outcome(outcome, "off")
    assert result is expected
    assert (reason is None) == (expected is Result.APPLIED)


def test_failure_reasons_name_the_cause_and_the_read_back() -> None:
    _, ignored = explain_outcome(ChangeOutcome(reading("on"), reading("on")), "off")
    assert ignored == "the page accepted the change but still shows On when loaded again"  # the label, not "on"
    _, error = explain_outcome(ChangeOutcome(reading("on"), reading("on"), page_messages=["Oops."]), "off")
    assert error == "the page said 'Oops.'; read back: On"
    _, unread = explain_outcome(ChangeOutcome(reading("on"), Reading(setting=AI, status=ReadStatus.NOT_FOUND,
                                                                         note="no locator matched")), "off")
    assert unread == "could not read the value back (no locator matched)"


def _snapshot(values: dict[str, str | None]) -> Snapshot:
    readings = {s: reading(v, setting=s) if v is not None else Reading(setting=s, status=ReadStatus.NOT_FOUND)
                for s, v in values.items()}
    return Snapshot(accounts=[AccountSnapshot(platform="linkedin", account="me", readings=readings)])


@pytest.fixture(scope="module")
def linkedin_report(catalogue: Catalogue):
    policy = load_policy("recommended", catalogue)
    snapshot = _snapshot({AI: "on", "linkedin.discovery_by_email": "everyone", "linkedin.email_download": "off",
                          "linkedin.ads_connections": None})
    return evaluate(snapshot, policy, catalogue, "nl", dt.date(2026, 11, 1))


def test_plan_lists_read_fail_and_warn_with_targets_in_the_chosen_language(linkedin_report, catalogue) -> None:
    target = Target("linkedin", "me", "default")
    planned = plan(linkedin_report, [target], catalogue, "nl")
    by_id = {p.setting.id: p for p in planned}
    assert set(by_id) == {AI, "linkedin.discovery_by_email"}  # passing, unread and unknown are not planned
    ai = by_id[AI]
    assert (ai.current, ai.value, ai.finding.status.value) == ("on", "off", "FAIL")
    assert ai.finding.rationale.startswith("Je berichten en profiel")
    assert by_id["linkedin.discovery_by_email"].value == "nobody"  # {not: everyone}: the most private other value
    assert ai.what == ("open https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement, klik op de "
                       "schakelaar; laad daarna de pagina opnieuw en lees de waarde terug.")
    assert plan(linkedin_report, [target], catalogue, "nl", only=[AI]) == [ai]


def test_describe_change_names_choices_confirmations_and_dialogs(catalogue: Catalogue) -> None:
    email = describe_change(catalogue.setting("linkedin.discovery_by_email"), "nobody")
    assert "choose 'Nobody'" in email
    sync = describe_change(catalogue.setting("linkedin.sync_contacts"), "off")
    assert "click 'Remove all', then confirm with 'Remove'" in sync
    audience = describe_change(catalogue.setting("facebook.future_posts_audience"), "friends")
    assert ("click the audience button, then choose 'Friends' in the dialog, then click 'Done', then wait for the "
            "page's confirmation; then load the page again") in audience


def test_only_accepts_known_settings_of_the_chosen_platforms_with_a_rule(catalogue: Catalogue) -> None:
    rules = list(load_policy("recommended", catalogue).rules)
    with pytest.raises(UnknownName, match=re.escape("did you mean 'linkedin.generative_ai_data'")):
        check_only(["linkedin.generative_ai_dta"], [], catalogue, rules)
    with pytest.raises(BadInput, match="not a setting of the chosen platform"):
        check_only([AI], ["facebook"], catalogue, rules)
    with pytest.raises(BadInput, match="no rule"):
        check_only([AI], [], catalogue, [r for r in rules if r != AI])
    assert check_only([AI], ["linkedin"], catalogue, rules) == [AI]


def _change(setting: str, result: Result, account: str = "me") -> Change:
    return Change(platform="linkedin", account=account, setting=setting, before="on", target="off", result=result)


def test_fix_exit_code_judges_the_accounts_as_left(linkedin_report) -> None:
    # FAIL (generative AI) + WARN (discovery) + UNKNOWN (ads_connections not read)
    assert fix_exit_code(linkedin_report, []) == 1
    fixed_fail = [_change(AI, Result.APPLIED)]
    assert fix_exit_code(linkedin_report, fixed_fail) == 2  # nothing fails now, but something was not read
    assert fix_exit_code(linkedin_report, [*fixed_fail, _change("linkedin.discovery_by_email", Result.FAILED)]) == 1
    assert fix_exit_code(linkedin_report, [_change(AI, Result.MANUAL)]) == 1
    assert fix_exit_code(linkedin_report, [_change(AI, Result.UNCHANGED)]) == 2
    assert undo_exit_code([_change(AI, Result.APPLIED), _change(AI, Result.UNCHANGED)]) == 0
    assert undo_exit_code([_change(AI, Result.APPLIED), _change(AI, Result.SKIPPED)]) == 1


def test_summary_counts_every_result() -> None:
    counts = summarise([_change(AI, Result.APPLIED), _change(AI, Result.FAILED), _change(AI, Result.FAILED)])
    assert counts == {"applied": 1, "failed": 2, "manual": 0, "skipped": 0, "planned": 0, "unchanged": 0, "total": 3}


def _entry(account: str, setting: str = AI, result: Result = Result.APPLIED) -> journal.Entry:
    return journal.Entry(platform="linkedin", account=account, sandbox="default", setting=setting, before="on",
                         target="off", after="off", result=result)


def test_journal_is_written_atomically_privately_and_read_back(pg_home: Path) -> None:
    run = journal.FixRun(run_id=journal.new_run_id(), policy="recommended", changes=[_entry("me")])
    path = journal.save_run(run)
    assert path.parent == pg_home / "fixes"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
    assert journal.load_run(path) == run
    run.changes.append(_entry("me", "linkedin.email_download"))
    journal.save_run(run)
    assert len(journal.load_run(path).changes) == 2


def test_undo_takes_the_latest_run_with_something_left_to_restore(pg_home: Path) -> None:
    older = journal.FixRun(run_id="20261101T000000000000Z-0001", started_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
                           changes=[_entry("a"), _entry("b")])
    newer = journal.FixRun(run_id="20261102T000000000000Z-0002", started_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
                           changes=[_entry("a", result=Result.FAILED), _entry("a", "linkedin.email_download")])
    journal.save_run(older)
    journal.save_run(newer)
    assert journal.last_undoable().run_id == newer.run_id
    assert [e.setting for e in newer.undoable()] == ["linkedin.email_download"]  # failed changes are not undone
    assert journal.last_undoable(["b"]).run_id == older.run_id
    newer.changes[1].undo = journal.UndoRecord(result=Result.APPLIED, found="off", after="on")
    journal.save_run(newer)
    assert journal.last_undoable().run_id == older.run_id
    older.changes[0].undo = journal.UndoRecord(result=Result.FAILED, found="off", after="off")
    journal.save_run(older)
    assert [e.account for e in journal.last_undoable().undoable()] == ["a", "b"]  # a failed undo may be retried
    assert journal.known_accounts() == ["a", "b"]


def test_a_damaged_journal_is_bad_input_naming_the_file(pg_home: Path) -> None:
    folder = pg_home / "fixes"
    folder.mkdir(parents=True)
    (folder / "20261101T000000000000Z-dead.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(BadInput, match=re.escape("20261101T000000000000Z-dead.json:1: not a readable fix journal")):
        journal.list_runs()


def test_documented_examples_and_schema_are_current() -> None:
    result = json.loads((DOCS / "examples" / "fix-result.json").read_text(encoding="utf-8"))
    jsonschema.validate(result, fix_schema())
    report = RunReport.model_validate(result)
    assert report.changes and {"account", "setting", "before", "target", "after", "result"} <= set(result["changes"][0])
    assert report.summary == summarise(report.changes)
    assert "applied" in render_table(report)
    documented = json.loads((DOCS / "fix-schema.json").read_text(encoding="utf-8"))
    assert documented == fix_schema(), "regenerate with: python scripts/gen_schema.py"
    run = journal.FixRun.model_validate_json((DOCS / "examples" / "fix-journal.json").read_text(encoding="utf-8"))
    assert run.changes and all(e.before is not None for e in run.changes if e.result is Result.APPLIED)


def test_behaviour_layer_is_added_only_where_a_variant_asks_for_it() -> None:
    default = load_variant("linkedin", "default")
    page = "<html><body><p>x</p></body></html>"
    assert inject(page, default, default.state) == page
    confirm = load_variant("facebook", "confirm-dialog")
    injected = inject(page, confirm, confirm.state)
    assert injected.index("window.fetch") < injected.index("</body>") and "Are you sure?" in injected
    reauth = load_variant("linkedin", "password-again")
    assert needs_password(reauth, {"generativeAiData": False})
    assert not needs_password(reauth, {"generativeAiData": False, "_password": "x"})
    assert not needs_password(default, {"generativeAiData": False})


def test_values_the_flow_cannot_set_are_manual_both_ways(catalogue: Catalogue, tmp_path: Path) -> None:
    sync = catalogue.setting("linkedin.sync_contacts")
    assert sync.automatable and sync.can_set("off") and not sync.can_set("on")
    wants_sync = tmp_path / "p.yaml"
    wants_sync.write_text("rules:\n  linkedin.sync_contacts: {expect: on}\n", encoding="utf-8")
    report = evaluate(_snapshot({"linkedin.sync_contacts": "off"}), load_policy(wants_sync, catalogue), catalogue)
    [item] = plan(report, [Target("linkedin", "me", "default")], catalogue)
    assert not item.automatable and "cannot set this setting to on" in item.what
    # undo of a removal: importing the address book again is for the person
    entry = _entry("me", "linkedin.sync_contacts")
    undoer = Undoer(CollectRun(catalogue), journal.FixRun(run_id="x", changes=[entry]))
    change = asyncio.run(undoer._restore(None, entry))  # type: ignore[arg-type]  # decided before any page opens
    assert change.result is Result.MANUAL and "cannot set it back to on" in change.reason and change.steps


class _Context:
    async def close(self) -> None:
        return None


class _BlockedRun(CollectRun):
    """An account that cannot be opened (the sign-in layer met a checkpoint)."""

    async def new_context(self, browser):  # type: ignore[no-untyped-def, override]
        return _Context()

    async def open_account(self, context, target, work):  # type: ignore[no-untyped-def, override]
        return AccountSnapshot(platform=target.platform, account=target.account, sandbox=target.sandbox,
                               error=AccountError(kind="checkpoint", message="blocked by platform security"))


def test_an_account_that_cannot_be_opened_fails_its_changes_and_says_why(linkedin_report, catalogue) -> None:
    planned = plan(linkedin_report, [Target("linkedin", "me", None, registered=True)], catalogue)
    run = journal.FixRun(run_id=journal.new_run_id())
    changes = asyncio.run(Fixer(_BlockedRun(catalogue), run).apply(None, planned))  # type: ignore[arg-type]
    assert [c.result for c in changes] == [Result.FAILED, Result.FAILED]
    assert all(c.reason == "could not open the account: blocked by platform security" for c in changes)
    assert [(e.result, e.registered) for e in run.changes] == [(Result.FAILED, True)] * 2
