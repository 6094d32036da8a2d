"""The settings catalogue: flows/<platform>.yaml files, validated with pydantic on load.

Flows are data. A platform redesign should be a change here, not in code: each setting names
its page (the platform's real URL), its control type, ordered locators, how what the page shows
maps to canonical values, and the steps that change it. See docs/flows.md.
"""

from __future__ import annotations

import copy
import difflib
import logging
import re
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from privacyguard.errors import FlowFileError, UnknownName
from privacyguard.i18n import DEFAULT_LANG, I18nText, I18nTexts, _, all_variants
from privacyguard.loaders import load_yaml
from privacyguard.resources import flows_dir
from privacyguard.yamlfile import validate_data

# How the control shows its value (docs/flows.md#controls-and-reading). The element read decides in
# the end (a redesign may turn a switch into a <select>); the kind says what the flow expects.
ControlType = Literal["toggle", "checkbox", "radio", "dialog", "text", "select", "listbox", "combobox",
                      "menu", "segmented"]
log = logging.getLogger(__name__)
SETTING_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
# Map keys that are no language: what the page holds rather than says (value attributes, ARIA states).
NEUTRAL = "any"
# What an on/off setting shows: a switch's state, or the words of a control that answers the
# question in text (segmented Yes/No, a classic row's "Enabled", a select's "Allowed").
TOGGLE_DEFAULT_MAP: dict[str, I18nTexts] = {
    "on": {NEUTRAL: ["true"], "en": ["On", "Yes", "Enabled", "Allowed"],
           "nl": ["Aan", "Ja", "Ingeschakeld", "Toegestaan"]},
    "off": {NEUTRAL: ["false"], "en": ["Off", "No", "Disabled", "Not allowed"],
            "nl": ["Uit", "Nee", "Uitgeschakeld", "Niet toegestaan"]},
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Locator(_Strict):
    """One way to find an element. Exactly one of role/label/css/text/question; `within` scopes it.

    `question`: the control that answers this question, whatever its kind: a control whose
    accessible name is the wording, else the one control in the nearest block holding the wording.

    Labels are given per UI language ({en: ..., nl: ...}); every language is tried, so a page
    in Dutch is read with the Dutch label. Never positional (nth): a reordered page would then
    read the wrong control.
    """

    role: str | None = None
    name: I18nTexts | None = None
    exact: bool = False
    label: I18nTexts | None = None
    css: str | None = None
    text: I18nTexts | None = None
    question: I18nTexts | None = None
    has_text: I18nTexts | None = None
    within: Locator | None = None
    why: str | None = Field(default=None, description="Why this locator exists (for maintainers).")

    @model_validator(mode="after")
    def _one_kind(self) -> Locator:
        kinds = [k for k in ("role", "label", "css", "text", "question") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"a locator needs exactly one of role/label/css/text/question, got {kinds or 'none'}")
        if self.name is not None and self.role is None:
            raise ValueError("'name' only goes with 'role'")
        return self

    def describe(self) -> str:
        """A short human description, used as evidence of which locator matched."""
        if self.role:
            names = all_variants(self.name)
            head = f"role={self.role}" + (f" name~{names[0]!r}" if names else "")
        elif self.label is not None:
            head = f"label~{all_variants(self.label)[0]!r}"
        elif self.css:
            head = f"css={self.css}"
        elif self.question is not None:
            head = f"question~{all_variants(self.question)[0]!r}"
        else:
            head = f"text~{all_variants(self.text)[0]!r}"
        if self.has_text is not None:
            head += f" has_text~{all_variants(self.has_text)[0]!r}"
        return f"{self.within.describe()} >> {head}" if self.within else head


class Step(_Strict):
    """One step of a change. `click` a control or locator; `choose` the option for the target value.

    choose: inside `scope` (the located control, the open dialog, or the page) click the option
    ([role=radio] or radio input) whose label or value maps to the target canonical value.
    `optional`: skip silently when the target does not appear (e.g. a confirmation that only
    some accounts see).
    """

    action: Literal["click", "choose", "wait_for", "confirm", "reauthenticate"]
    target: Literal["control"] | Locator | None = None
    scope: Literal["page", "dialog", "control"] = "page"
    optional: bool = False

    @model_validator(mode="after")
    def _target_needed(self) -> Step:
        if self.action in ("click", "wait_for", "confirm") and self.target is None:
            raise ValueError(f"step '{self.action}' needs a target")
        return self


class Retired(_Strict):
    """A control the platform no longer offers; reads as NOT_APPLICABLE on today's pages."""

    replaced_by: I18nText
    since: str | None = None


class Setting(_Strict):
    """One privacy setting of one platform."""

    id: str
    title: I18nText
    description: I18nText | None = None
    url: str
    fallback_urls: list[str] = Field(default_factory=list)
    control: ControlType
    values: list[str] = Field(min_length=1)
    locators: list[Locator] = Field(min_length=1)
    map: dict[str, I18nTexts] = Field(default_factory=dict)
    change: list[Step] = Field(default_factory=list)
    manual_steps: dict[str, list[str]] = Field(default_factory=dict)
    change_targets: list[str] | None = Field(default=None, description="The values the change steps can set "
                                              "(default: every value); others need the person.")
    retired: Retired | None = None

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not SETTING_ID.match(value):
            raise ValueError(f"setting id {value!r} must look like 'platform.name' (lower case, underscores)")
        return value

    @field_validator("url", "fallback_urls")
    @classmethod
    def _https(cls, value: str | list[str]) -> str | list[str]:
        for url in [value] if isinstance(value, str) else value:
            if not url.startswith("https://"):
                raise ValueError(f"page url {url!r} must be the platform's real https:// URL")
        return value

    @model_validator(mode="after")
    def _mapping_matches_values(self) -> Setting:
        if not self.map and self.control in ("toggle", "checkbox", "segmented"):
            object.__setattr__(self, "map", dict(TOGGLE_DEFAULT_MAP))
        if not self.map:
            raise ValueError(f"control '{self.control}' needs a 'map' from page text to values")
        unknown = [key for key in self.map if key not in self.values]
        if unknown:
            raise ValueError(f"map keys {unknown} are not among values {self.values}")
        strange = [v for v in self.change_targets or [] if v not in self.values]
        if strange:
            raise ValueError(f"change_targets {strange} are not among values {self.values}")
        return self

    @property
    def platform(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def automatable(self) -> bool:
        """True when the flow knows how to change this setting (otherwise: manual steps)."""
        return bool(self.change)

    def can_set(self, value: str) -> bool:
        """True when the change steps can set this value (e.g. contacts can be removed, not re-imported)."""
        return self.automatable and (self.change_targets is None or value in self.change_targets)

    def raw_texts(self, value: str, prefer_lang: str | None = None) -> list[str]:
        """The texts (in any UI language) that show `value` on the page."""
        return all_variants(self.map.get(value), prefer_lang)

    def value_label(self, value: str, lang: str) -> str:
        """How a person reads a canonical value in `lang`: the first wording of its synonyms in that
        language, else in English, else the value itself made readable ("only_me" -> "Only me").

        Only per-language entries of `map` count: a plain list may hold page tokens ("EVERYONE",
        "true") that are nobody's words."""
        texts = self.map.get(value)
        if isinstance(texts, dict):
            for key in (lang, DEFAULT_LANG):
                words = texts.get(key)
                for word in [words] if isinstance(words, str) else words or []:
                    if not word.startswith("re:"):
                        return word
        return readable_value(value)


class SignInForm(_Strict):
    """The sign-in form: where the name and password go and what submits them (each: locators in order)."""

    username: list[Locator] = Field(min_length=1)
    password: list[Locator] = Field(min_length=1)
    submit: list[Locator] = Field(min_length=1)
    # A form in two screens (X): the button that leads from the name to the password. Pressed only
    # when the password field is not there yet after the name is typed.
    next: list[Locator] | None = None


class TwoStep(_Strict):
    """A two-step code prompt: recognised by its code input (its URL may be shared with checkpoints)."""

    code: list[Locator] = Field(min_length=1)
    submit: list[Locator] = Field(min_length=1)
    rejected: list[Locator] = Field(default_factory=list, description="Shown when a code was not accepted.")


class SignInError(_Strict):
    """A message the platform shows on its sign-in page, and what privacyguard takes it to mean."""

    kind: Literal["wrong_password", "account_locked"]
    markers: list[Locator] = Field(min_length=1)


class CookieConsent(_Strict):
    """A cookie-consent dialog and its most private choice (which privacyguard always takes)."""

    dialog: list[Locator] = Field(min_length=1)
    most_private: list[Locator] = Field(min_length=1)


class SignIn(_Strict):
    """Where and how the platform signs people in (used by the sign-in layer, see docs/accounts.md).

    Everything but `url` is optional, so a flow without the details stays valid: without `form`
    privacyguard cannot sign in by itself and asks for `privacyguard login NAME`.
    """

    url: str
    session_cookies: list[str] = Field(default_factory=list)
    login_wall_paths: list[str] = Field(default_factory=list)
    checkpoint_paths: list[str] = Field(default_factory=list)
    form: SignInForm | None = None
    two_step: TwoStep | None = None
    errors: list[SignInError] = Field(default_factory=list)
    captcha_markers: list[Locator] = Field(default_factory=list)
    checkpoint_markers: list[Locator] = Field(default_factory=list,
                                              description="'Confirm it's you' pages off the checkpoint paths.")
    rate_limit_statuses: list[int] = Field(default_factory=lambda: [429])
    rate_limit_markers: list[Locator] = Field(default_factory=list,
                                              description="'Temporarily blocked' pages answered with HTTP 200.")
    cookie_consent: CookieConsent | None = None

    @field_validator("url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError(f"sign-in url {value!r} must be the platform's real https:// URL")
        return value


class PlatformFlow(_Strict):
    """flows/<platform>.yaml."""

    platform: str
    name: str
    version: str
    hosts: list[str] = Field(min_length=1)
    languages: list[str] = Field(default_factory=lambda: ["en"])
    fragments: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="Shared fragments this flow includes, with the values of their ${...} "
                                          "placeholders (see flows/_shared/ and docs/flows.md).")
    sign_in: SignIn
    settings: list[Setting] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids(self) -> PlatformFlow:
        seen: set[str] = set()
        for index, setting in enumerate(self.settings):
            if setting.platform != self.platform:
                raise ValueError(f"settings.{index}: id {setting.id!r} must start with '{self.platform}.'")
            if setting.id in seen:
                raise ValueError(f"settings.{index}: duplicate setting id {setting.id!r}")
            seen.add(setting.id)
        return self

    @cached_property
    def by_id(self) -> dict[str, Setting]:
        return {setting.id: setting for setting in self.settings}


class Closed(_Strict):
    """A network or setting of the origin guide that no longer exists: what happened, when, and what
    the guide's advice means today (flows/_closed.yaml; shown by `privacyguard catalog`)."""

    id: str
    name: I18nText
    kind: Literal["network", "setting"]
    closed: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="When: YYYY, YYYY-MM or YYYY-MM-DD.")
    setting: str | None = Field(default=None, description="The retired flow setting that still reads it on old pages.")
    what_happened: dict[str, str]
    advice_today: dict[str, str]
    guide_says: str | None = Field(default=None, description="The guide's own words (Dutch).")

    @field_validator("what_happened", "advice_today")
    @classmethod
    def _both_languages(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [lang for lang in ("en", "nl") if not value.get(lang)]
        if missing:
            raise ValueError(f"missing language(s) {missing}")
        return value


class ClosedList(_Strict):
    closed: list[Closed] = Field(default_factory=list)


def readable_value(value: str) -> str:
    """A canonical value as words: "friends_of_friends" -> "Friends of friends"."""
    words = value.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def suggest(name: str, candidates: list[str]) -> str:
    """' (did you mean X?)' when something close exists, else ''."""
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return _(" (did you mean {name!r}?)").format(name=close[0]) if close else ""


def unknown_setting(setting_id: str, known: list[str]) -> str:
    """'unknown setting X (did you mean Y?)', said the same way wherever a setting id is given."""
    return _("unknown setting {name!r}{hint}").format(name=setting_id, hint=suggest(setting_id, known))


class Catalogue:
    """Every platform's flow, loaded and validated."""

    def __init__(self, flows: dict[str, PlatformFlow], closed: list[Closed] | None = None) -> None:
        self.flows = flows
        self.closed = closed or []

    @property
    def platforms(self) -> list[str]:
        return sorted(self.flows)

    def platform(self, name: str) -> PlatformFlow:
        if name not in self.flows:
            known = ", ".join(self.platforms)
            raise UnknownName(_("unknown platform {name!r}{hint}; known: {known}").format(
                name=name, hint=suggest(name, self.platforms), known=known))
        return self.flows[name]

    def setting(self, setting_id: str) -> Setting:
        platform = setting_id.split(".", 1)[0]
        flow = self.flows.get(platform)
        if flow is None or setting_id not in flow.by_id:
            raise UnknownName(unknown_setting(setting_id, self.setting_ids))
        return flow.by_id[setting_id]

    def has_setting(self, setting_id: str) -> bool:
        flow = self.flows.get(setting_id.split(".", 1)[0])
        return flow is not None and setting_id in flow.by_id

    @property
    def setting_ids(self) -> list[str]:
        return [s.id for flow in self.flows.values() for s in flow.settings]

    def versions(self) -> dict[str, str]:
        return {name: flow.version for name, flow in sorted(self.flows.items())}


FRAGMENTS_DIR = "_shared"
_FRAGMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def _fill(value: object, values: dict[str, str], where: str) -> object:
    """Replace ${name} in every string of a fragment's data; an unknown name is an error."""
    if isinstance(value, str):
        def one(match: re.Match[str]) -> str:
            if match.group(1) not in values:
                raise ValueError(f"{where}: no value for ${{{match.group(1)}}} (give it under 'fragments:')")
            return str(values[match.group(1)])
        return _PLACEHOLDER.sub(one, value)
    if isinstance(value, list):
        return [_fill(item, values, where) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, values, where) for key, item in value.items()}
    return value


def _expand_includes(data: object, folder: Path) -> None:
    """Settings written as `include: FRAGMENT#KEY` take their fields from flows/_shared/FRAGMENT.yaml.

    One place knows pages that several platforms share (Meta's Accounts Center serves Facebook and
    Instagram): a redesign there is mended in the fragment once. The including entry's own keys win;
    its `more_locators` are tried after the fragment's locators (platform-only fallbacks).
    """
    if not isinstance(data, dict) or not isinstance(data.get("settings"), list):
        return
    values_by_fragment = data.get("fragments") or {}
    if not isinstance(values_by_fragment, dict):
        raise ValueError("fragments: a mapping of fragment name to its values")
    loaded: dict[str, dict] = {}
    for index, item in enumerate(data["settings"]):
        if not isinstance(item, dict) or "include" not in item:
            continue
        fragment, _, key = str(item["include"]).partition("#")
        where = f"settings.{index}.include"
        if fragment not in values_by_fragment or not isinstance(values_by_fragment[fragment], dict):
            raise ValueError(f"{where}: fragment {fragment!r} is not listed under 'fragments:' with its values")
        if not _FRAGMENT_NAME.match(fragment):
            raise ValueError(f"{where}: fragment {fragment[:80]!r} is not a plain name (letters, digits, '_', '-')")
        if fragment not in loaded:
            source = folder / FRAGMENTS_DIR / f"{fragment}.yaml"
            if not source.is_file():
                raise ValueError(f"{where}: no fragment file {source}")
            parsed, _ = load_yaml(source, FlowFileError)
            settings = parsed.get("settings") if isinstance(parsed, dict) else None
            if not isinstance(settings, dict):
                raise FlowFileError(source, None, "a fragment holds `settings:`, a mapping of key to setting")
            loaded[fragment] = settings
        body = loaded[fragment].get(key)
        if not isinstance(body, dict):
            known = ", ".join(sorted(loaded[fragment]))
            raise ValueError(f"{where}: fragment {fragment!r} has no setting {key!r}; it has: {known}")
        merged = _fill(copy.deepcopy(body), values_by_fragment[fragment], f"{where} ({fragment}#{key})")
        assert isinstance(merged, dict)
        own = {k: v for k, v in item.items() if k not in ("include", "more_locators")}
        merged.update(own)
        merged["locators"] = list(merged.get("locators") or []) + list(item.get("more_locators") or [])
        data["settings"][index] = merged


def load_flow(path: Path) -> PlatformFlow:
    """Load and validate one flow file (shared fragments included); errors name the file and line."""
    data, lines = load_yaml(path, FlowFileError)
    try:
        _expand_includes(data, path.parent)
    except ValueError as exc:
        match = re.match(r"settings\.(\d+)", str(exc))
        line = lines.get(("settings", int(match.group(1)))) if match else None
        raise FlowFileError(path, line, str(exc)) from None
    flow = validate_data(data, lines, path, PlatformFlow, FlowFileError)
    if flow.platform != path.stem:
        raise FlowFileError(path, 1, f"platform {flow.platform!r} does not match the file name {path.name!r}")
    return flow


_CACHE: dict[Path, Catalogue] = {}


def load_catalogue(directory: Path | None = None) -> Catalogue:
    """All flows in a folder (default: the shipped flows/), cached per folder."""
    folder = (directory or flows_dir()).resolve()
    if folder not in _CACHE:
        files = [path for path in sorted(folder.glob("*.yaml")) if not path.name.startswith("_")]
        if not files:
            raise FlowFileError(folder, None, "no flow files (*.yaml) found")
        catalogue = Catalogue({path.stem: load_flow(path) for path in files})
        catalogue.closed = _load_closed(folder / CLOSED_FILE, catalogue)
        _CACHE[folder] = catalogue
        log.debug("catalogue: %d flow file(s) loaded from %s", len(files), folder)
    return _CACHE[folder]


CLOSED_FILE = "_closed.yaml"


def _load_closed(path: Path, catalogue: Catalogue) -> list[Closed]:
    """The guide's networks and settings that are gone; a named setting must be a retired flow setting."""
    if not path.is_file():
        return []
    data, lines = load_yaml(path, FlowFileError)
    entries = validate_data(data, lines, path, ClosedList, FlowFileError).closed
    for index, entry in enumerate(entries):
        retired = entry.setting is None or (catalogue.has_setting(entry.setting)
                                            and catalogue.setting(entry.setting).retired is not None)
        if not retired:
            raise FlowFileError(path, lines.get(("closed", index, "setting")),
                                f"closed.{index}.setting: {entry.setting!r} is not a retired flow setting")
    return entries
