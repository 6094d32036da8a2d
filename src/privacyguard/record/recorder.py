"""Save the settings pages a scan visits as a fixture variant (`privacyguard record`).

The scan's own path opens the pages (same sign-in, same politeness, same reader); once a page has
been read and has settled, `Recorder.on_page` takes its rendered DOM (js/capture.js), scrubs it
(privacyguard.record.scrub) and keeps it. `write_variant` then lays the pages out as a variant
(docs/fixtures.md) whose truth file holds what was read there, so a replay can be checked
setting by setting. See docs/recording.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from playwright.async_api import Page

from privacyguard.catalogue import PlatformFlow
from privacyguard.collect.pages import LoadedPage
from privacyguard.errors import BadInput, PrivacyGuardError
from privacyguard.files import not_a_folder
from privacyguard.i18n import _
from privacyguard.record.scrub import PersonalData, find_leaks, scrub_text
from privacyguard.sandbox.truth import ABSENT, TRUTH_FILE
from privacyguard.snapshot import AccountSnapshot, Reading

CAPTURE_JS = (files("privacyguard.record") / "js" / "capture.js").read_text(encoding="utf-8")
_RAW_END = re.compile(r"{%-?\s*endraw\s*-?%}")


class PersonalDataLeft(PrivacyGuardError):
    """A recorded page still holds a known personal value after scrubbing: nothing is written."""


@dataclass
class RecordedPage:
    requested: str  # the URL the flow asked for
    served: str  # where the browser ended up (the same, for a page that was read)
    lang: str
    html: str
    readings: dict[str, Reading]
    removed: Counter[str] = field(default_factory=Counter)

    @property
    def size(self) -> int:
        return len(self.html.encode("utf-8"))


@dataclass
class Recorder:
    """Collects scrubbed pages during a scan (its `on_page` is the engine's page hook)."""

    person: PersonalData
    pages: list[RecordedPage] = field(default_factory=list)

    async def on_page(self, page: Page, loaded: LoadedPage, readings: dict[str, Reading]) -> None:
        captured: dict[str, Any] = await page.evaluate(CAPTURE_JS)
        scrubbed = scrub_text(captured["html"], self.person)
        leaks = find_leaks(scrubbed.html, self.person)
        if leaks:
            raise PersonalDataLeft(_("{page}: still holds the account's {what} after scrubbing; nothing was "
                                     "written").format(page=_short(loaded.url), what=", ".join(leaks)))
        removed = Counter({k: int(v) for k, v in captured["removed"].items()}) + scrubbed.replaced
        self.pages.append(RecordedPage(requested=loaded.url, served=_scrub_url(captured["url"], self.person),
                                       lang=(captured["lang"] or loaded.lang).split("-")[0].lower() or "en",
                                       html=scrubbed.html, readings=readings, removed=removed))

    def removed(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for page in self.pages:
            total += page.removed
        return total


def already_there(folder: Path) -> str:
    return _("{folder}: already exists; choose another --name or remove it").format(folder=folder)


def _short(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _scrub_url(url: str, person: PersonalData) -> str:
    return scrub_text(_short(url), person).html


def tool_version() -> str:
    try:
        return version("privacyguard")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "unknown"


def page_file_name(url: str) -> str:
    """A readable, unique file name for a page: its path's last parts plus a short hash of the URL."""
    parts = urlsplit(url)
    stem = re.sub(r"[^a-z0-9]+", "-", f"{parts.path} {parts.query}".lower()).strip("-")[-60:] or "index"
    return f"{stem}-{hashlib.sha256(url.encode()).hexdigest()[:6]}.html"


def as_template(page_html: str) -> str:
    """The page as a Jinja2 template that renders to itself (the sandbox renders every page)."""
    safe = _RAW_END.sub(lambda m: "{% endraw %}{{ " + repr(m.group(0)) + " }}{% raw %}", page_html)
    return "{% raw %}" + safe + "{% endraw %}\n"


@dataclass
class WrittenVariant:
    folder: Path
    pages: list[tuple[RecordedPage, Path]]
    truth: dict[str, str]


def write_variant(out: Path, flow: PlatformFlow, name: str, recorder: Recorder, source: str,
                  only: list[str], today: dt.date | None = None) -> WrittenVariant:
    """Lay the recorded pages out as fixtures/<platform>/<name>/ under `out` (atomically: all or nothing).

    Every setting of the platform gets a truth: the value read on a recorded page, else `absent`
    (not read there, or its page not recorded), so a replay must read exactly what the recording read.
    """
    folder = out / flow.platform / name
    if folder.exists():
        raise BadInput(already_there(folder))
    truth: dict[str, str] = {s.id: ABSENT for s in flow.settings}
    for page in recorder.pages:
        for sid, reading in page.readings.items():
            if reading.ok and reading.value is not None:
                truth[sid] = reading.value
    files_by_page = [(page, page_file_name(page.requested)) for page in recorder.pages]
    spec: dict[str, Any] = {
        "description": f"Recorded from {source} on {(today or dt.date.today()).isoformat()} by privacyguard record",
        "lang": recorder.pages[0].lang if recorder.pages else "en",
        "pages": [{"url": page.requested, "template": file_name} for page, file_name in files_by_page],
        "recorded": {
            "tool_version": tool_version(),
            "catalogue_version": flow.version,
            "date": (today or dt.date.today()).isoformat(),
            "source": source,
            "only": list(only),
            "pages": [{"url": page.requested, "served_at": page.served, "lang": page.lang,
                       "template": file_name, "bytes": page.size,
                       "read": {sid: (r.value if r.ok else str(r.status)) for sid, r in page.readings.items()}}
                      for page, file_name in files_by_page],
        },
    }
    for check in (yaml.safe_dump(spec, allow_unicode=True), yaml.safe_dump(truth)):
        leaks = find_leaks(check, recorder.person)
        if leaks:
            raise PersonalDataLeft(_("the variant's description still holds the account's {what}").format(
                what=", ".join(leaks)))
    out.mkdir(parents=True, exist_ok=True)
    (out / flow.platform).mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=out / flow.platform))
    try:
        (staging / "pages").mkdir()
        written = []
        for page, file_name in files_by_page:
            path = staging / "pages" / file_name
            path.write_text(as_template(page.html), encoding="utf-8")
            written.append((page, folder / "pages" / file_name))
        header = "# Recorded by `privacyguard record`; scrubbed as docs/recording.md says.\n"
        (staging / "variant.yaml").write_text(header + yaml.safe_dump(spec, allow_unicode=True, sort_keys=False),
                                              encoding="utf-8")
        (staging / TRUTH_FILE).write_text(
            "# What this recording read, setting by setting (docs/fixtures.md#truth-files).\n"
            + yaml.safe_dump({"settings": truth}, allow_unicode=True, sort_keys=False), encoding="utf-8")
        os.rename(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WrittenVariant(folder, written, truth)


_VARIANT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def person_of_variant(person: dict[str, str | list[str]]) -> PersonalData:
    """The sandbox's simulated person (variant.yaml `person:`) as values to scrub."""

    def values(*keys: str) -> tuple[str, ...]:
        out: list[str] = []
        for key in keys:
            value = person.get(key)
            out.extend([value] if isinstance(value, str) else (value or []))
        return tuple(out)

    return PersonalData(names=values("name", "names"), usernames=values("username", "usernames"),
                        emails=values("email", "emails"), phones=values("phone", "phones"),
                        other=values("other"))


@dataclass
class RecordResult:
    variant: WrittenVariant
    recorder: Recorder
    account: AccountSnapshot  # what the recording scan read, setting by setting
    error: str | None = None  # the account stopped part-way (wall, checkpoint): what was recorded is kept


def record(platform: str, out: Path, *, sandbox: str | None = None, account: str | None = None,
           only: list[str] | None = None, name: str | None = None, redact: list[str] | None = None,
           fixtures: Path | None = None, today: dt.date | None = None) -> RecordResult:
    """Scan one account (registered or simulated) and save the pages it read as a fixture variant."""
    import asyncio
    from dataclasses import replace

    from privacyguard import api
    from privacyguard.accounts import get_account
    from privacyguard.catalogue import load_catalogue
    from privacyguard.collect.engine import CollectOptions
    from privacyguard.sandbox.fixtures import load_variant

    if (sandbox is None) == (account is None):
        raise BadInput(_("give either --account NAME or --sandbox VARIANT"))
    catalogue = load_catalogue()
    flow = catalogue.platform(platform)
    only = list(only or [])
    for setting_id in only:
        if catalogue.setting(setting_id).platform != platform:
            raise BadInput(_("--only {id}: not a {platform} setting").format(id=setting_id, platform=flow.name))
    if out.exists() and not out.is_dir():
        raise BadInput(not_a_folder("--out", out))
    today = today or dt.date.today()
    name = name or f"recorded-{sandbox or account}-{today.isoformat()}"
    if not _VARIANT_NAME.match(name):
        raise BadInput(_("--name {name!r}: a variant name is letters, digits, '.', '_' and '-' only").format(name=name))
    if (out / platform / name).exists():
        raise BadInput(already_there(out / platform / name))
    extra = tuple(v for v in (redact or []) if v.strip())
    if sandbox is not None:
        targets = api.sandbox_targets([platform], sandbox, catalogue, fixtures)
        base = person_of_variant(load_variant(platform, sandbox, fixtures).person)
        source = f"the sandbox variant {platform}/{sandbox}"
    else:
        registered = get_account(account or "")
        if registered.platform != platform:
            raise BadInput(_("--account {name}: a {platform} account, not {wanted}").format(
                name=account, platform=registered.platform, wanted=flow.name))
        targets = [registered.target()]
        username = registered.username or ""
        base = PersonalData(usernames=(username,) if username and "@" not in username else (),
                            emails=(username,) if "@" in username else ())
        local = username.split("@")[0] if "@" in username else ""
        if len(local) >= 4:
            base = replace(base, usernames=(*base.usernames, local))
        source = f"a {flow.name} account"
    person = replace(base, other=(*base.other, *extra))
    recorder = Recorder(person)
    # A recorded page holds every setting on it: read them all, so that the truth file is whole.
    pages = {flow.by_id[sid].url for sid in only}
    read = [s.id for s in flow.settings if s.url in pages] if only else []
    options = CollectOptions(only=read, on_page=recorder.on_page)
    run = api.collect_run(catalogue, options)
    run.real_options = replace(run.real_options, only=read, on_page=recorder.on_page)
    snapshot = asyncio.run(run.run(targets))
    account_snapshot = snapshot.accounts[0]
    if account_snapshot.error is not None and account_snapshot.error.kind == "crash" \
            and "PersonalDataLeft" in account_snapshot.error.message:
        raise PersonalDataLeft(account_snapshot.error.message.split(": ", 1)[-1])
    written = write_variant(out, flow, name, recorder, source, only, today)
    return RecordResult(written, recorder, account_snapshot,
                        account_snapshot.error.message if account_snapshot.error else None)
