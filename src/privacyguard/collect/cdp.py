"""A small Chrome DevTools Protocol client: Chromium started with `--remote-debugging-pipe`.

Why: on the read-only path Playwright's own work per page (its driver process, its protocol layer,
the events it tracks for every frame and request) costs more than the page itself. Measured with the
simplest programs (docs/architecture.md, "The raw read path"): the audit's page loads and reads took
61 s over Playwright and 47 s over raw CDP. This module is only the transport: messages as JSON
text ending in NUL on fds 3 (to the browser) and 4 (from it), replies matched by id, events handed to
the handler registered for (session, method). What is sent is up to privacyguard.collect.rawpage.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
from collections.abc import Callable
from typing import Any

EventHandler = Callable[[dict[str, Any]], None]


class CdpError(Exception):
    """The browser answered a command with an error, or went away before answering."""


class CdpClosed(CdpError):
    """The browser's pipe closed (it exited, crashed or was killed)."""


class Connection:
    """One browser's pipe: commands and their replies, events to their handlers."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._handlers: dict[tuple[str | None, str], EventHandler] = {}
        self._on_close: list[Callable[[], None]] = []
        self.closed = False
        self._listening = asyncio.get_running_loop().create_task(self._listen())

    def on(self, session: str | None, method: str, handler: EventHandler) -> None:
        self._handlers[(session, method)] = handler

    def forget(self, session: str) -> None:
        """Drop every handler of a session (its target is gone)."""
        for key in [k for k in self._handlers if k[0] == session]:
            del self._handlers[key]

    def on_close(self, callback: Callable[[], None]) -> None:
        if self.closed:
            callback()
        else:
            self._on_close.append(callback)

    async def _listen(self) -> None:
        buffer = b""
        try:
            while chunk := await self._reader.read(1 << 16):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for raw in messages:
                    self._dispatch(json.loads(raw))
        except (OSError, ValueError):  # a broken pipe or a garbled message: the browser is gone for us
            pass
        finally:
            self._closed()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message:
            future = self._pending.pop(message["id"], None)
            if future is None or future.done():
                return
            if "error" in message:
                future.set_exception(CdpError(str(message["error"].get("message", message["error"]))))
            else:
                future.set_result(message.get("result", {}))
            return
        handler = self._handlers.get((message.get("sessionId"), message.get("method", "")))
        if handler is not None:
            handler(message.get("params", {}))

    def _closed(self) -> None:
        if self.closed:
            return
        self.closed = True
        for future in self._pending.values():
            if not future.done():
                future.set_exception(CdpClosed("the browser closed unexpectedly"))
        self._pending.clear()
        callbacks, self._on_close = self._on_close, []
        for callback in callbacks:
            callback()

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> asyncio.Future[Any]:
        """Send a command; the future gets its result (or CdpError). Not awaiting it is allowed."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self.closed:
            future.set_exception(CdpClosed("the browser closed unexpectedly"))
            future.exception()  # a caller that does not await it is not warned about it
            return future
        number = next(self._ids)
        self._pending[number] = future
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        try:
            self._writer.write(json.dumps(message).encode() + b"\0")
        except (OSError, RuntimeError):
            self._closed()
        future.add_done_callback(lambda f: f.cancelled() or f.exception())  # fire-and-forget sends stay quiet
        return future

    async def close(self) -> None:
        self._listening.cancel()
        with contextlib.suppress(BaseException):
            await self._listening
        with contextlib.suppress(Exception):
            self._writer.close()
        self._closed()


async def spawn(executable: str, args: list[str]) -> tuple[asyncio.subprocess.Process, Connection]:
    """Start a browser that speaks CDP on fds 3 and 4 (the `--remote-debugging-pipe` convention)."""
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()
    child_in, child_out = os.dup(to_browser_r), os.dup(from_browser_w)

    def as_fd3_and_fd4() -> None:  # in the child, before exec
        os.dup2(child_in, 3)
        os.dup2(child_out, 4)

    try:
        process = await asyncio.create_subprocess_exec(
            executable, "--remote-debugging-pipe", *args, preexec_fn=as_fd3_and_fd4,
            pass_fds=(3, 4, child_in, child_out), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL, start_new_session=True)
    finally:
        for fd in (to_browser_r, from_browser_w, child_in, child_out):
            os.close(fd)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 27)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(from_browser_r, "rb"))
    transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin,
                                                        os.fdopen(to_browser_w, "wb"))
    return process, Connection(reader, asyncio.StreamWriter(transport, protocol, None, loop))
