"""`GET /_smsvoice/changes`: a server-sent event stream that says when messages changed.

The stream answers `event: ready` once it watches (read what you show after that), then
`event: changed` with `{"version": N}` whenever a message was sent, received, moved to another status,
got an event record, or one of its records was delivered (or retried), in any process sharing the
store. It carries no message: the reader fetches what it shows from the JSON routes, so there is one
data path. A `: heartbeat` comment goes out every HEARTBEAT_SECONDS; the stream ends after
`max_seconds` (default 300, at most 3600; EventSource and the web inbox reconnect) and when the
client goes away.

One watcher per process reads the store's change marker (maxima by index: store/messages.py, and the
totals that pruning and forgetting keep) right after each unit of work this process commits
(Store.on_commit), and every POLL_SECONDS for what other processes sharing the store commit; only
while a stream or a long-poll (`GET /_smsvoice/messages?wait_seconds=N`) listens: an idle server
does no work for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, Final

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from smsvoice.retention import PRUNED_SETTING
from smsvoice.server.problems import problem
from smsvoice.store import FORGOTTEN_SETTING, Store, Transaction

POLL_SECONDS: Final = 0.25
# Commits in a burst are followed by one marker read per READ_GAP_SECONDS at most: a busy server
# commits hundreds of units a second, and the marker is a few index lookups each time.
READ_GAP_SECONDS: Final = 0.01
HEARTBEAT_SECONDS: Final = 15.0
DEFAULT_MAX_SECONDS: Final = 300.0
MAX_SECONDS: Final = 3_600.0

log = logging.getLogger("smsvoice.changes")


def change_routes() -> list[Route]:
    return [Route("/changes", changes, methods=["GET"])]


def change_marker(tx: Transaction) -> tuple[Any, ...]:
    # Removals (pruning, DELETE /_smsvoice/state) are told by the totals they keep.
    tx.settings.prefetch(PRUNED_SETTING, FORGOTTEN_SETTING)
    removals = (tx.settings.get_text(PRUNED_SETTING), tx.settings.get_text(FORGOTTEN_SETTING))
    return (*tx.messages.change_marker(), *tx.inbound.change_marker(), *removals)


class ChangeWatcher:
    """Counts changes of the store's marker while at least one stream or long-poll listens."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._listeners = 0
        # Set (and replaced) at each change: no lock, so a stream cancelled while it waits leaves
        # nothing behind.
        self._changed = asyncio.Event()
        # Set when this process committed a unit of work: the marker is read again at once.
        self._committed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._baseline = asyncio.Event()
        self.version = 0

    @contextlib.asynccontextmanager
    async def listening(self) -> AsyncIterator[None]:
        """While open, the watcher polls; entered once the marker it compares with is read."""
        self._listeners += 1
        if self._task is None:
            self._baseline.clear()
            self._task = asyncio.get_running_loop().create_task(self._poll())
        try:
            await self._baseline.wait()
            yield
        finally:
            self._listeners -= 1

    async def wait(self, seen: int, timeout: float) -> int:
        """The version once it differs from `seen`, or `seen` when `timeout` passed first."""
        if self.version == seen:
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await changed.wait()
        return self.version

    async def _poll(self) -> None:
        marker: tuple[Any, ...] | None = None
        stop_hearing = self._store.on_commit(self._committed.set)
        loop = asyncio.get_running_loop()
        try:
            while self._listeners > 0:
                # Cleared before the read: a commit during it makes the next read come at once.
                self._committed.clear()
                read_at = loop.time()
                try:
                    current = await self._store.run(change_marker, announce=False)
                except Exception:  # the database away for a moment: try again on the next tick
                    log.warning("could not read the change marker", exc_info=True)
                else:
                    if marker is not None and current != marker:
                        self.version += 1
                        self._changed.set()
                        self._changed = asyncio.Event()
                    marker = current
                    self._baseline.set()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(POLL_SECONDS):
                        await self._committed.wait()
                if (gap := read_at + READ_GAP_SECONDS - loop.time()) > 0:
                    await asyncio.sleep(gap)
        finally:
            stop_hearing()
            self._task = None


def change_watcher(request: Request) -> ChangeWatcher:
    """The process's watcher (made on first use)."""
    state = request.app.state
    watcher: ChangeWatcher | None = getattr(state, "change_watcher", None)
    if watcher is None:
        watcher = state.change_watcher = ChangeWatcher(state.store)
    return watcher


def _event(name: str, data: dict[str, Any]) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


async def changes(request: Request) -> Response:
    raw = request.query_params.get("max_seconds")
    try:
        max_seconds = DEFAULT_MAX_SECONDS if raw in (None, "") else float(raw)
    except ValueError:
        max_seconds = -1.0
    if not 0 < max_seconds <= MAX_SECONDS:
        return problem(400, f"max_seconds must be a number of seconds above 0 and at most {MAX_SECONDS:g}")
    watcher = change_watcher(request)

    async def stream() -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        ends_at = loop.time() + max_seconds
        async with watcher.listening():
            seen = watcher.version
            # How long a reader waits before reconnecting after the stream ended.
            yield b"retry: 1000\n" + _event("ready", {"version": seen})
            while (left := ends_at - loop.time()) > 0:
                version = await watcher.wait(seen, min(HEARTBEAT_SECONDS, left))
                if version != seen:
                    seen = version
                    yield _event("changed", {"version": version})
                elif loop.time() < ends_at:
                    yield b": heartbeat\n\n"

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        # No proxy may buffer or cache the stream.
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
