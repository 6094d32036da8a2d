"""Drift between two sweeps of one account: every kind, and nothing else. No browser."""

from __future__ import annotations

from privacyguard.catalogue import Catalogue
from privacyguard.history.drift import AccountState, DriftKind, account_drift, new_fails
from privacyguard.snapshot import ReadStatus
from sweep_helpers import judge, linkedin

AI = "linkedin.generative_ai_data"
EMAIL = "linkedin.discovery_by_email"


def state(catalogue: Catalogue, sweep_id: int, **kwargs: object) -> AccountState:
    snapshot, report = judge(catalogue, linkedin(**kwargs))
    return AccountState(sweep_id, snapshot.accounts[0], report.accounts[0])


def kinds(items: list) -> list[tuple[str, str | None]]:
    return [(i.kind.value, i.setting) for i in items]


def test_nothing_changed_means_no_drift(catalogue: Catalogue) -> None:
    assert account_drift(state(catalogue, 1), state(catalogue, 2)) == []


def test_first_sweep_has_no_drift_and_every_fail_is_new(catalogue: Catalogue) -> None:
    current = state(catalogue, 1)
    assert account_drift(None, current) == []
    assert [f.setting for f in new_fails(None, current)] == [AI]


def test_value_change_that_fixes_a_rule(catalogue: Catalogue) -> None:
    items = account_drift(state(catalogue, 1, ai="on"), state(catalogue, 2, ai="off"))
    assert kinds(items) == [("value_changed", AI), ("newly_passing", AI)]
    changed = items[0]
    assert (changed.before, changed.after, changed.baseline_sweep) == ("on", "off", 1)
    assert changed.message == "'Data for Generative AI Improvement' changed from On to Off"


def test_value_change_that_breaks_a_rule_is_a_new_fail(catalogue: Catalogue) -> None:
    before, after = state(catalogue, 1, ai="off"), state(catalogue, 2, ai="on")
    assert kinds(account_drift(before, after)) == [("value_changed", AI), ("newly_failing", AI)]
    assert [f.setting for f in new_fails(before, after)] == [AI]


def test_value_change_within_the_policy_is_drift_without_rule_change(catalogue: Catalogue) -> None:
    items = account_drift(state(catalogue, 1, email="nobody"), state(catalogue, 2, email="first_degree"))
    assert kinds(items) == [("value_changed", EMAIL)]


def test_a_new_control_on_the_platform_appears(catalogue: Catalogue) -> None:
    # absent from the earlier readings (a catalogue update), then read
    assert kinds(account_drift(state(catalogue, 1, ai=None), state(catalogue, 2, ai="on"))) == [
        ("setting_appeared", AI), ("newly_failing", AI)]
    # the page was missing / the control not offered, now it is there
    for status in ("page_missing", "not_offered"):
        items = account_drift(state(catalogue, 1, generative_ai_data=ReadStatus(status)), state(catalogue, 2, ai="off"))
        assert kinds(items) == [("setting_appeared", AI), ("newly_passing", AI)]
        assert items[0].before == status and items[0].after == "off"


def test_a_control_that_vanishes(catalogue: Catalogue) -> None:
    items = account_drift(state(catalogue, 1, ai="off"), state(catalogue, 2, generative_ai_data=ReadStatus.NOT_OFFERED))
    assert kinds(items) == [("setting_vanished", AI)]
    items = account_drift(state(catalogue, 1, ai="off"), state(catalogue, 2, ai=None))
    assert kinds(items) == [("setting_vanished", AI)]


def test_a_setting_that_can_no_longer_be_read(catalogue: Catalogue) -> None:
    items = account_drift(state(catalogue, 1, ai="off"), state(catalogue, 2, generative_ai_data=ReadStatus.AMBIGUOUS))
    assert kinds(items) == [("setting_unreadable", AI)]


def test_an_account_that_cannot_be_read_is_one_item_not_a_flood(catalogue: Catalogue) -> None:
    items = account_drift(state(catalogue, 1), state(catalogue, 2, error="signed out"))
    assert kinds(items) == [("account_unreadable", None)]
    assert "signed out" in items[0].message


def test_after_a_bad_week_settings_compare_with_the_last_readable_sweep(catalogue: Catalogue) -> None:
    good, bad, now = state(catalogue, 1, ai="on"), state(catalogue, 2, error="blocked"), state(catalogue, 3, ai="off")
    items = account_drift(bad, now, last_readable=good)
    assert kinds(items) == [("account_readable_again", None), ("value_changed", AI), ("newly_passing", AI)]
    assert items[1].baseline_sweep == 1


def test_dutch_messages(catalogue: Catalogue) -> None:
    items = account_drift(state(catalogue, 1, ai="on"), state(catalogue, 2, ai="off"), lang="nl")
    assert items[0].message.startswith("'Data for Generative AI Improvement' is gewijzigd van Aan naar Uit")
    assert items[0].kind is DriftKind.VALUE_CHANGED
