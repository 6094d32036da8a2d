"""What a person sees for a machine value: statuses, drift kinds, setting values, in the current language.

One place, so every human format (terminal, markdown, HTML, fix screens, audit) says the same.
Ids and raw values stay in JSON, CSV, SARIF and JUnit. A setting's value is shown as the label the
platform itself uses in that language ("Alleen ik", not only_me), taken from the flow's `map`.
"""

from __future__ import annotations

from privacyguard.findings import Status
from privacyguard.i18n import N_, _, all_variants, get_lang

# The short status words of tables and summaries: the codes themselves in English, translated in Dutch.
STATUS_CODES = {
    Status.PASS: N_("PASS"), Status.FAIL: N_("FAIL"), Status.WARN: N_("WARN"), Status.UNKNOWN: N_("UNKNOWN"),
    Status.ERROR: N_("ERROR"), Status.NOT_APPLICABLE: N_("NOT_APPLICABLE"), Status.MUTED: N_("MUTED"),
}
# What a status means for a person (the HTML report's badges and score cards).
STATUS_LABELS = {
    Status.FAIL: N_("Fix this"), Status.WARN: N_("Worth changing"), Status.UNKNOWN: N_("Could not check"),
    Status.ERROR: N_("Could not check"), Status.PASS: N_("OK"), Status.NOT_APPLICABLE: N_("No longer offered"),
    Status.MUTED: N_("Accepted risk"),
}
# What an account's overall status means for a person.
ACCOUNT_STATUS_LABELS = {
    Status.FAIL: N_("Needs attention"), Status.WARN: N_("Could be better"), Status.UNKNOWN: N_("Not fully checked"),
    Status.ERROR: N_("Could not be checked"), Status.PASS: N_("All good"),
    Status.NOT_APPLICABLE: N_("Nothing to check"),
    Status.MUTED: N_("All good (accepted risks)"),
}
# A policy rule's level and severity, as words.
LEVEL_LABELS = {"shall": N_("shall"), "should": N_("should")}
SEVERITY_LABELS = {"critical": N_("critical"), "high": N_("high"), "medium": N_("medium"), "low": N_("low"),
                   "info": N_("info")}
# Values every toggle and checkbox shares, and the readings' own states (shown when there is no value).
COMMON_VALUES = {
    "on": N_("on"), "off": N_("off"), "true": N_("on"), "false": N_("off"),
    "not_found": N_("not found"), "ambiguous": N_("ambiguous"), "unrecognised": N_("unrecognised"),
    "page_missing": N_("page missing"), "page_blocked": N_("page blocked"), "not_offered": N_("not offered"),
    "error": N_("error"), "absent": N_("absent"), "no rule": N_("no rule"),
}


def status_code(status: Status | str) -> str:
    """FAIL, WARN, ... (in Dutch: VOLDOET NIET, WAARSCHUWING, ...)."""
    return _(STATUS_CODES[Status(status)])


def level_label(level: str | None) -> str:
    """shall / should (in Dutch: moet / zou moeten)."""
    return _(LEVEL_LABELS[level]) if level in LEVEL_LABELS else (level or "—")


def severity_label(severity: str | None) -> str:
    return _(SEVERITY_LABELS[severity]) if severity in SEVERITY_LABELS else (severity or "—")


def status_label(status: Status | str) -> str:
    return _(STATUS_LABELS[Status(status)])


def account_status_label(status: Status | str) -> str:
    return _(ACCOUNT_STATUS_LABELS[Status(status)])


def _setting(setting_id: str | None):  # -> Setting | None, without importing the catalogue at module load
    if not setting_id:
        return None
    from privacyguard.catalogue import load_catalogue

    try:
        catalogue = load_catalogue()
        return catalogue.setting(setting_id) if catalogue.has_setting(setting_id) else None
    except Exception:  # a broken flow folder must not stop a report from being shown
        return None


def value_label(setting_id: str | None, value: str | None, lang: str | None = None) -> str:
    """The label a person reads for `value` of a setting, e.g. "Alleen ik" for facebook.x = only_me.

    The flow's per-language wording of that value (`Setting.value_label`), else a common word from
    the message catalogue (on/off, reading states), else the value made readable.
    """
    if value is None:
        return _("not read")
    lang = lang or get_lang()
    setting = _setting(setting_id)
    texts = setting.map.get(value) if setting is not None else None
    if isinstance(texts, dict):  # the flow says how the platform words it, per language
        if hasattr(setting, "value_label"):
            return str(setting.value_label(value, lang))
        return all_variants(texts.get(lang) or texts.get("en") or next(iter(texts.values())))[0]
    if value in COMMON_VALUES:
        return _(COMMON_VALUES[value])
    if setting is not None and hasattr(setting, "value_label"):
        return str(setting.value_label(value, lang))
    return value.replace("_", " ")


def expected_label(setting_id: str | None, expected: str | None) -> str:
    """A finding's `expected` (policy wording: "off", "one of: a, b", "not: x") in words, values as labels."""
    if not expected:
        return "—"
    if expected.startswith("one of: "):
        values = [v.strip() for v in expected.removeprefix("one of: ").split(",")]
        return _("one of: {values}").format(values=", ".join(value_label(setting_id, v) for v in values))
    if expected.startswith("not: "):
        return _("anything but {value}").format(value=value_label(setting_id, expected.removeprefix("not: ")))
    return value_label(setting_id, expected)


def shown_label(setting_id: str | None, shown: str | None) -> str:
    """A drift's before/after as people read it: "Alleen ik" for only_me, "FAIL, on" as "VOLDOET NIET, aan" in Dutch."""
    if shown is None:
        return "—"
    status, _sep, value = shown.partition(", ")
    if status in Status.__members__:
        return status_code(status) + (f", {value_label(setting_id, value)}" if value else "")
    return value_label(setting_id, shown)
