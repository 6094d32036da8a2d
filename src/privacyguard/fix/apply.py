"""The browser side of fix and undo: open each account once, change settings, read back, classify.

Accounts are opened exactly as `scan` opens them (`CollectRun.open_account`: sandbox routing, then
the saved session or a sign-in by the sign-in layer), for simulated and real accounts alike. One
account's failure never stops the others; each change is journalled as soon as it ends.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from enum import StrEnum

from playwright.async_api import Browser, BrowserContext, Page

from privacyguard.catalogue import Catalogue, PlatformFlow
from privacyguard.collect.browser import BrowserClosed, browser_failure, close_quietly, unless_closed
from privacyguard.collect.change import ChangeOutcome, change_setting
from privacyguard.collect.engine import CollectOptions
from privacyguard.collect.pages import LoadedPage, PageOutcome, load
from privacyguard.collect.runner import CollectRun, Target
from privacyguard.errors import StateNotWritable, UnknownName
from privacyguard.fix.journal import PENDING, Entry, FixRun, UndoRecord, now, save_run
from privacyguard.fix.model import Change, Result
from privacyguard.fix.plan import PlannedChange, title
from privacyguard.i18n import N_, _, pick, pick_list
from privacyguard.labels import value_label
from privacyguard.snapshot import AccountError, AccountSnapshot, Reading


class Decision(StrEnum):
    APPLY = "apply"
    SKIP = "skip"
    ALL = "all"  # apply this one and every one after it without asking
    QUIT = "quit"  # stop: nothing more is changed (what was applied stays applied, and undoable)


# Asked before each planned change (in a worker thread, so the browser keeps running).
Decide = Callable[[PlannedChange], Decision]
OnChange = Callable[[Change], None]


def change_from_plan(item: PlannedChange, result: Result, reason: str | None = None,
                     before: str | None = None, after: str | None = None) -> Change:
    manual = result is Result.MANUAL or not item.automatable
    return Change(platform=item.target.platform, account=item.target.account, setting=item.setting.id,
                  title=title(item), status=item.finding.status.value,
                  before=before if before is not None else item.current, target=item.value, after=after,
                  result=result, reason=reason, url=item.url, steps=item.steps if manual else [])


def browser_failed(exc: BaseException) -> str:
    return _("the browser failed: {problem}").format(problem=browser_failure(exc))


def explain_outcome(outcome: ChangeOutcome, target: str) -> tuple[Result, str | None]:
    """The result of a change attempt, decided by the read-back alone, and the reason if it fell short."""
    if outcome.verified(target):
        already = outcome.before.ok and outcome.before.value == target
        return (Result.UNCHANGED, _("already had this value")) if already else (Result.APPLIED, None)
    parts = [outcome.error] if outcome.error else []
    parts += [_("the page said {message!r}").format(message=message) for message in outcome.page_messages]
    after = outcome.after
    if after is None:
        if not parts:
            parts.append(_("the value could not be read back"))
    elif after.ok:
        shown = value_label(after.setting, after.value)
        if not parts:
            parts.append(_("the page accepted the change but still shows {value} when loaded again").format(
                value=shown))
        else:
            parts.append(_("read back: {value}").format(value=shown))
    else:
        parts.append(_("could not read the value back ({problem})").format(
            problem=after.note or value_label(None, after.status.value)))
    if outcome.conflict:
        return Result.SKIPPED, "; ".join(parts)
    if outcome.needs_person:
        return Result.MANUAL, "; ".join(parts)
    return Result.FAILED, "; ".join(parts)


async def _in_daemon_thread(function: Callable[[PlannedChange], Decision], item: PlannedChange) -> Decision:
    """Ask in a daemon thread, so the browser keeps running meanwhile and Ctrl-C at a question ends
    the program at once (a blocked `input()` in an ordinary worker thread would hold the exit)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Decision] = loop.create_future()

    def settle(result: Decision | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def work() -> None:
        try:
            result = function(item)
        except BaseException as exc:  # handed to the waiting coroutine
            loop.call_soon_threadsafe(settle, None, exc)
        else:
            loop.call_soon_threadsafe(settle, result, None)

    # The question runs in the command's context, so it speaks the command's language (--lang).
    threading.Thread(target=contextvars.copy_context().run, args=(work,), name="privacyguard-ask",
                     daemon=True).start()
    return await future


class _Account:
    """One account's browser context, opened on first use (as a scan opens it) and closed at the end."""

    def __init__(self, run: CollectRun, browser: Browser, target: Target) -> None:
        self.run, self.browser, self.target = run, browser, target
        self.context: BrowserContext | None = None
        self.page: Page | None = None
        self.options: CollectOptions = run.options
        self.error: str | None = None
        self.loaded: LoadedPage | None = None  # the page the last read-back left open

    async def open(self, first_url: str) -> Page | None:
        """Sign in (saved session, or the sign-in layer) and load the first page to change on.

        A sign-in page, checkpoint or rate limit there means the account is not open: the sign-in
        layer signs in once more where it can, else the account's changes fail with its reason.
        """
        if self.page is not None or self.error is not None:
            return self.page
        flow = self.run.catalogue.platform(self.target.platform)
        opened: list[Page] = []

        async def first_page(page: Page, options: CollectOptions) -> AccountSnapshot:
            self.options = options
            loaded = await load(page, flow, first_url, options.page_timeout_ms)
            snapshot = AccountSnapshot(platform=flow.platform, account=self.target.account, sandbox=self.target.sandbox)
            if loaded.blocks_account:
                snapshot.error = AccountError(kind=loaded.outcome.value, message=loaded.note or loaded.outcome.value)
            else:
                self.loaded = loaded if loaded.outcome is PageOutcome.OK else None
                opened[:] = [page]
            return snapshot

        try:
            self.context = await self.run.new_context(self.browser)
            snapshot = await self.run.open_account(self.context, self.target, first_page)
            if snapshot.error is not None:
                self.error = _("could not open the account: {problem}").format(problem=snapshot.error.message)
            elif opened:
                self.page = opened[0]
        except Exception as exc:  # one account's crash never stops the others
            self.error = _("could not open the account: {problem}").format(problem=browser_failure(exc))
        return self.page

    async def close(self) -> None:
        if self.context is not None:
            await close_quietly(self.context)


def _key(item: PlannedChange) -> tuple[str, str, str]:
    return item.target.platform, item.target.account, item.setting.id


def _groups(targets: list[Target]) -> list[Target]:
    return list(dict.fromkeys(targets))


# The reason of every change left alone after the person quit (shown as one line, not one per change);
# kept in the run's language, as every reason is: compare with _(QUIT_REASON).
QUIT_REASON = N_("quit before this one")


class Fixer:
    """Applies a plan: asks (or not), changes, reads back, journals, reports each change."""

    def __init__(self, run: CollectRun, journal: FixRun, decide: Decide | None = None,
                 on_change: OnChange | None = None) -> None:
        self.run = run
        self.journal = journal
        self.decide = decide
        self.on_change = on_change
        self.quit = False
        self.ask_more = decide is not None
        self._pending: dict[tuple[str, str, str], Entry] = {}

    async def apply(self, browser: Browser, plan: list[PlannedChange]) -> list[Change]:
        targets = _groups([item.target for item in plan])
        per_target = {t: [i for i in plan if i.target == t] for t in targets}
        if self.decide is not None:  # one question at a time: accounts in turn
            results = [await self._account(browser, t, per_target[t]) for t in targets]
        else:
            semaphore = asyncio.Semaphore(max(1, self.run.concurrency))

            async def guarded(target: Target) -> list[Change]:
                async with semaphore:
                    return await self._account(browser, target, per_target[target])

            results = list(await asyncio.gather(*(guarded(t) for t in targets)))
        position = {(i.target.platform, i.target.account, i.setting.id): n for n, i in enumerate(plan)}
        changes = [c for group in results for c in group]
        return sorted(changes, key=lambda c: position[(c.platform, c.account, c.setting)])

    async def _ask(self, item: PlannedChange) -> Decision:
        if not self.ask_more or self.decide is None:
            return Decision.APPLY
        decision = await _in_daemon_thread(self.decide, item)
        if decision is Decision.ALL:
            self.ask_more = False
        return decision

    def _entry(self, item: PlannedChange, change: Change) -> Entry:
        return Entry(platform=item.target.platform, account=item.target.account, sandbox=item.target.sandbox,
                     fixtures=str(item.target.fixtures) if item.target.fixtures else None,
                     registered=item.target.registered, setting=change.setting, before=change.before,
                     target=change.target, after=change.after, result=change.result, reason=change.reason)

    def _intend(self, item: PlannedChange, before: Reading) -> None:
        """Write-ahead: journal (fsynced) that this change is about to be made, before the first click."""
        entry = self._entry(item, change_from_plan(item, Result.FAILED, before=before.value))
        entry.result, entry.reason, entry.attempted = PENDING, None, True
        self.journal.changes.append(entry)
        self._pending[_key(item)] = entry
        save_run(self.journal)

    def _emit(self, item: PlannedChange, change: Change) -> Change:
        if change.result is not Result.PLANNED:
            entry = self._pending.pop(_key(item), None)
            if entry is None:
                entry = self._entry(item, change)
                self.journal.changes.append(entry)
            else:  # the intent gets its outcome
                entry.before = change.before if change.before is not None else entry.before
                entry.after, entry.result, entry.reason = change.after, change.result, change.reason
                entry.at = now()
            change.at = entry.at
            save_run(self.journal)
        if self.on_change is not None:
            self.on_change(change)
        return change

    async def _account(self, browser: Browser, target: Target, items: list[PlannedChange]) -> list[Change]:
        account = _Account(self.run, browser, target)
        flow = self.run.catalogue.platform(target.platform)
        changes: list[Change] = []
        try:
            for item in items:
                if self.quit:
                    changes.append(self._emit(item, change_from_plan(item, Result.SKIPPED, _(QUIT_REASON))))
                    continue
                decision = await self._ask(item)
                if decision is Decision.QUIT:
                    self.quit = True
                    changes.append(self._emit(item, change_from_plan(item, Result.SKIPPED, _(QUIT_REASON))))
                    continue
                if not item.automatable:
                    reason = _("privacyguard cannot change this setting; the steps and link are for you")
                    changes.append(self._emit(item, change_from_plan(item, Result.MANUAL, reason)))
                    continue
                if decision is Decision.SKIP:
                    changes.append(self._emit(item, change_from_plan(item, Result.SKIPPED, _("you chose to skip it"))))
                    continue
                changes.append(self._emit(item, await self._change(account, flow, item)))
        finally:
            await account.close()
        return changes

    async def _change(self, account: _Account, flow: PlatformFlow, item: PlannedChange) -> Change:
        try:  # a browser that dies mid-change fails this change (its intent stays in the journal), not the run
            return await unless_closed(getattr(account, "browser", None), self._change_in(account, flow, item))
        except BrowserClosed as exc:
            account.loaded = None
            return change_from_plan(item, Result.FAILED, browser_failed(exc))

    async def _change_in(self, account: _Account, flow: PlatformFlow, item: PlannedChange) -> Change:
        page = await account.open(item.setting.url)
        if page is None:
            return change_from_plan(item, Result.FAILED, account.error)
        try:
            outcome = await change_setting(page, flow, item.setting, item.value, account.options,
                                           current=account.loaded,
                                           on_intent=lambda before: self._intend(item, before))
        except StateNotWritable:  # no journal, no click: the whole run stops here
            raise
        except Exception as exc:
            account.loaded = None
            return change_from_plan(item, Result.FAILED, browser_failed(exc))
        account.loaded = outcome.loaded
        result, reason = explain_outcome(outcome, item.value)
        before = outcome.before.value if outcome.before.ok else None
        after = outcome.after.value if outcome.after is not None and outcome.after.ok else None
        return change_from_plan(item, result, reason, before=before, after=after)


class Undoer:
    """Restores a fix run's before-values, with the same read-back check, and records it."""

    def __init__(self, run: CollectRun, journal: FixRun, on_change: OnChange | None = None) -> None:
        self.run = run
        self.journal = journal
        self.on_change = on_change

    async def undo(self, browser: Browser, entries: list[Entry]) -> list[Change]:
        targets = _groups([e.target_account for e in entries])
        semaphore = asyncio.Semaphore(max(1, self.run.concurrency))

        async def guarded(target: Target) -> list[Change]:
            async with semaphore:
                return await self._account(browser, target, [e for e in entries if e.target_account == target])

        results = await asyncio.gather(*(guarded(t) for t in targets))
        return [c for changes in results for c in changes]

    def _record(self, entry: Entry, change: Change) -> Change:
        entry.undo = UndoRecord(result=change.result, found=change.before, after=change.after, reason=change.reason)
        change.at = entry.undo.at
        save_run(self.journal)
        if self.on_change is not None:
            self.on_change(change)
        return change

    async def _account(self, browser: Browser, target: Target, entries: list[Entry]) -> list[Change]:
        account = _Account(self.run, browser, target)
        changes = []
        try:
            for entry in reversed(entries):  # undo in the opposite order
                changes.append(self._record(entry, await self._restore(account, entry)))
        finally:
            await account.close()
        return list(reversed(changes))

    async def _restore(self, account: _Account, entry: Entry) -> Change:
        try:  # a browser that dies mid-restore fails this one (undo may be run again), not the run
            return await unless_closed(getattr(account, "browser", None), self._restore_in(account, entry))
        except BrowserClosed as exc:
            account.loaded = None
            return Change(platform=entry.platform, account=entry.account, setting=entry.setting, target=entry.before
                          or "", before=None, result=Result.FAILED, reason=browser_failed(exc))

    async def _restore_in(self, account: _Account, entry: Entry) -> Change:
        assert entry.before is not None
        catalogue: Catalogue = self.run.catalogue
        base = {"platform": entry.platform, "account": entry.account, "setting": entry.setting,
                "target": entry.before}
        try:
            setting = catalogue.setting(entry.setting)
        except UnknownName:
            return Change(**base, before=None, result=Result.FAILED,
                          reason=_("this setting is no longer in the catalogue"))
        base |= {"title": pick(setting.title), "url": setting.url}
        if not setting.can_set(entry.before):
            return Change(**base, before=None, result=Result.MANUAL, steps=pick_list(setting.manual_steps),
                          reason=_("privacyguard cannot set it back to {value} (the flow can only set {targets}); "
                                   "that is for you to do").format(
                              value=value_label(setting.id, entry.before),
                              targets=", ".join(value_label(setting.id, v) for v in setting.change_targets or [])))
        page = await account.open(setting.url)
        if page is None:
            return Change(**base, before=None, result=Result.FAILED, reason=account.error)
        try:
            outcome = await change_setting(page, catalogue.platform(entry.platform), setting, entry.before,
                                           account.options, expect_current=entry.left_at, current=account.loaded)
        except Exception as exc:
            account.loaded = None
            return Change(**base, before=None, result=Result.FAILED, reason=browser_failed(exc))
        account.loaded = outcome.loaded
        result, reason = explain_outcome(outcome, entry.before)
        if result is Result.UNCHANGED and entry.possibly_changed:
            reason = _("the interrupted change had not reached the platform: it still has its value from before")
        if result is Result.MANUAL:
            reason = _("{reason}; set it back to {value} yourself").format(reason=reason,
                                                                          value=value_label(setting.id, entry.before))
        return Change(**base, before=outcome.before.value if outcome.before.ok else None,
                      after=outcome.after.value if outcome.after is not None and outcome.after.ok else None,
                      result=result, reason=reason)
