"""One progress display for every long run (scan, sweep, audit run, fix): counts, elapsed time, ETA.

It goes to stderr, so stdout stays clean for JSON and reports; it appears only when stderr is a
terminal, and never with --quiet. The library reports progress through a callback
`(item, event)`: "queued" once per account before work starts (that makes the total), "start"
when an account is begun and "done" when it is finished; the display turns those into a bar.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

from privacyguard.cli._common import err_console, settings
from privacyguard.i18n import _

OnProgress = Callable[[object, str], None]


def _label(item: object) -> str:
    """"platform:account" for a scan target or a roster entry."""
    label = getattr(item, "label", None)
    if label:
        return str(label)
    return f"{getattr(item, 'platform', '?')}:{getattr(item, 'account', item)}"


class RunProgress:
    """A bar over the accounts (or changes) of one run, fed by the library's progress callback."""

    def __init__(self, description: str) -> None:
        # Imported here: off a terminal (scripts, CI, the bench) no display is drawn, and Rich's
        # progress machinery is a noticeable part of a short run's start-up.
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TextColumn("·"), TimeElapsedColumn(),
                                 TextColumn("· " + _("time left")), TimeRemainingColumn(),
                                 TextColumn("{task.fields[current]}", style="dim"),
                                 console=err_console, transient=True)
        self.task = self.progress.add_task(description, total=None, current="")
        self.total = 0
        self.running: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, item: object, event: str) -> None:
        label = _label(item)
        with self.lock:
            if event == "queued":
                self.total += 1
                self.progress.update(self.task, total=self.total)
            elif event == "start":
                self.running.append(label)
            elif event == "done":
                if label in self.running:
                    self.running.remove(label)
                self.progress.advance(self.task)
            self.progress.update(self.task, current=", ".join(self.running[:2])
                                 + (" …" if len(self.running) > 2 else ""))

    def add_total(self, count: int) -> None:
        with self.lock:
            self.total += count
            self.progress.update(self.task, total=self.total)

    def describe(self, description: str) -> None:
        self.progress.update(self.task, description=description)


def shown(quiet: bool = False) -> bool:
    """A display is worth drawing: a person is watching stderr and asked for no silence."""
    return not quiet and not settings.quiet and err_console.is_terminal


@contextlib.contextmanager
def run_progress(description: str, quiet: bool = False) -> Iterator[RunProgress | None]:
    """The display for one run, or None (nothing drawn) off a terminal and with --quiet."""
    if not shown(quiet):
        yield None
        return
    display = RunProgress(description)
    with display.progress:
        yield display
