"""From a report to planned changes: for each FAIL and WARN, what it is, why it matters, what will change.

Pure: no browser. The plan is what `fix --dry-run` shows and what the person is asked about.
"""

from __future__ import annotations

from dataclasses import dataclass

from privacyguard.catalogue import Catalogue, Locator, Setting, Step
from privacyguard.collect.runner import Target
from privacyguard.errors import BadInput
from privacyguard.findings import Finding, Report, Status
from privacyguard.i18n import N_, _, all_variants, pick, use_lang
from privacyguard.labels import value_label

CONTROL_WORDS = {"toggle": N_("the switch"), "checkbox": N_("the checkbox"), "radio": N_("the option list"),
                 "dialog": N_("the audience button"), "text": N_("the control")}


@dataclass(frozen=True)
class PlannedChange:
    """One setting of one account that falls short, and how it would be changed."""

    target: Target
    setting: Setting
    finding: Finding
    lang: str = "en"

    @property
    def uid(self) -> str:
        return self.finding.uid

    @property
    def current(self) -> str | None:
        return self.finding.actual

    @property
    def value(self) -> str:
        """The value the change sets (the rule's target)."""
        assert self.finding.target is not None
        return self.finding.target

    @property
    def automatable(self) -> bool:
        return self.setting.can_set(self.value)

    @property
    def url(self) -> str:
        return self.finding.remediation.url or self.setting.url

    @property
    def steps(self) -> list[str]:
        return self.finding.remediation.steps

    @property
    def what(self) -> str:
        """What the change will do, in words."""
        with use_lang(self.lang):
            if not self.automatable:
                if self.setting.automatable:
                    return _("privacyguard cannot set this setting to {value} itself: follow the steps on the page "
                             "linked below.").format(value=value_label(self.setting.id, self.value))
                return _("privacyguard cannot change this setting itself: follow the steps on the page linked below.")
            return describe_change(self.setting, self.value, self.lang)


def _locator_words(target: Locator, lang: str) -> str:
    for texts in (target.name, target.label, target.text, target.has_text):
        words = all_variants(texts, lang)
        if words:
            return f"'{words[0]}'"
    if target.role == "status":
        return _("the page's confirmation")  # an ARIA live region: where pages say "saved"
    if target.role:
        return _("the {role}").format(role=target.role)
    return target.describe()


def _step_words(step: Step, setting: Setting, value: str, lang: str) -> str:
    if step.action == "reauthenticate":
        return _("enter your password (privacyguard stops there: that is for you to do)")
    if step.action == "choose":
        shown = setting.raw_texts(value, lang)
        label = next((t for t in shown if not t.isupper()), shown[0] if shown else value)
        where = {"dialog": _("choose '{label}' in the dialog"), "control": _("choose '{label}'"),
                 "page": _("choose '{label}' on the page")}[step.scope]
        return where.format(label=label)
    what = _(CONTROL_WORDS[setting.control]) if step.target == "control" else _locator_words(step.target, lang)
    verb = {"click": _("click {what}"), "confirm": _("confirm with {what}"),
            "wait_for": _("wait for {what}")}[step.action].format(what=what)
    return verb + (_(" (if the platform asks)") if step.optional else "")


def describe_change(setting: Setting, value: str, lang: str = "en") -> str:
    with use_lang(lang):
        steps = _(", then ").join(_step_words(s, setting, value, lang) for s in setting.change)
        return _("open {url}, {steps}; then load the page again and read the value back.").format(url=setting.url,
                                                                                                 steps=steps)


def plan(report: Report, targets: list[Target], catalogue: Catalogue, lang: str = "en",
         only: list[str] | None = None) -> list[PlannedChange]:
    """FAIL and WARN findings that were read and have a target: per account in policy order, but
    settings that share a page kept together (each page is then loaded once for all of them)."""
    by_account = {(t.platform, t.account): t for t in targets}
    planned = []
    for account in report.accounts:
        target = by_account.get((account.platform, account.account))
        if target is None:
            continue
        items = [PlannedChange(target, catalogue.setting(f.setting), f, lang) for f in account.findings
                 if f.status in (Status.FAIL, Status.WARN) and f.actual is not None and f.target is not None
                 and (not only or f.setting in only)]
        pages: dict[str, int] = {}
        for item in items:
            pages.setdefault(item.setting.url, len(pages))
        planned.extend(sorted(items, key=lambda item: pages[item.setting.url]))
    return planned


def check_only(only: list[str], platforms: list[str], catalogue: Catalogue, rules: list[str]) -> list[str]:
    """Validate --only: known settings (with a suggestion), on a chosen platform, with a rule."""
    for setting_id in only:
        setting = catalogue.setting(setting_id)  # UnknownName (exit 3) with "did you mean"
        if platforms and setting.platform not in platforms:
            raise BadInput(_("--only {id}: not a setting of the chosen platform(s) {platforms}").format(
                id=setting_id, platforms=", ".join(platforms)))
        if setting_id not in rules:
            raise BadInput(_("--only {id}: the policy has no rule for it, so there is nothing to fix").format(
                id=setting_id))
    return only


def title(change: PlannedChange) -> str:
    return pick(change.setting.title, change.lang)
