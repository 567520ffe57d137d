"""The carrier simulator at run time: its rules, its clock and the scheduler of timed transitions.

The application lifespan creates one `Simulator` and starts it. The rules live in the store
(messaging/rulebook.py), where the send pipeline reads them. The scheduler
is an asyncio task: each round runs store units of work (`Store.run`: on the event loop's thread for
SQLite, where a unit of work takes microseconds, on a store thread for other databases) that apply the
transitions that have come due, a small batch at a time; it sleeps briefly when there is nothing to do,
and wakes at once when the inspection API changes the clock or a message.

An idle server still looks ten times a second (another node may have moved the clock, or a node that
died may have left due work), so after a round that found nothing the next one first looks: one
read-only unit of work reads the clock's offset and when each kind of timed work falls due next, in
one round trip on PostgreSQL. On a database server the three units of an idle round (the clock, the
messages, the registration jobs) had cost about 8% of the server's CPU under a load of sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final

from smsvoice.clock import AdjustableClock
from smsvoice.messaging.rulebook import save_rules
from smsvoice.messaging.rules import RuleError, RuleSet, parse_rules
from smsvoice.messaging.transitions import ReplyHandler, advance_due
from smsvoice.store import Store, Transaction

# When a kind of timed work falls due next (None: none is waiting), read ahead in a transaction: the
# answer is called for the value once the round trip is back.
NextDue = Callable[[Transaction], Callable[[], float | None]]

log = logging.getLogger("smsvoice.simulator")

# Where the simulator clock's offset is kept (store settings), shared by every node.
CLOCK_OFFSET_SETTING: Final = "simulator.clock_offset"
# Messages advanced per unit of work. On SQLite a unit of work runs on the event loop's thread, so a
# batch is kept small and the scheduler yields between batches: requests are never held up for long.
BATCH: Final = 100
IDLE_SECONDS: Final = 0.1  # how long the scheduler sleeps when nothing is due


def load_rules_file(path: Path | None) -> RuleSet:
    """The rules of `smsvoice serve --simulator-rules PATH` (none without a path)."""
    if path is None:
        return RuleSet()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as problem:
        raise RuleError(f"cannot read simulator rules {path}: {problem}") from None
    except json.JSONDecodeError as problem:
        raise RuleError(f"simulator rules {path} are not JSON: {problem}") from None
    return RuleSet(tuple(parse_rules(document)))


class Simulator:
    def __init__(self, store: Store, clock: AdjustableClock, on_reply: ReplyHandler | None = None) -> None:
        self.store = store
        self.clock = clock
        # What becomes of a handset's answer (rules with `reply`); the app hands it to inbound.py.
        self.on_reply = on_reply
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # One round at a time in this process: on PostgreSQL a round skips the messages another
        # holds, so a clock move's own round would otherwise miss (and not count) what the background
        # round took.
        self._round = asyncio.Lock()
        # Other timed work that each round (and each clock move) runs after the messages' own, and
        # when each falls due next.
        self._also: list[Callable[[], Awaitable[int]]] = []
        self._next_due: list[NextDue] = [lambda tx: tx.schedule.next_due_at_ahead()]
        # Whether the last background round found nothing to do (the next one looks first).
        self._idle = True

    def also_run(self, work: Callable[[], Awaitable[int]], next_due: NextDue) -> None:
        """Run `work` (answering how much it did) in every round, after the messages' transitions;
        `next_due` tells an idle round whether it has anything to do."""
        self._also.append(work)
        self._next_due.append(next_due)

    async def load_clock(self) -> None:
        """Run on the clock offset kept in the store (a move made by another node or an earlier run)."""
        stored = await self.store.run(lambda tx: tx.settings.get(CLOCK_OFFSET_SETTING))
        if isinstance(stored, int | float):
            self.clock.catch_up(float(stored))

    async def advance_clock(self, seconds: float) -> int:
        """Move every node's time forward by `seconds` and apply what fell due, before any other round
        of this node; answers how many transitions (and other timed steps) this applied."""

        def move(tx: Transaction) -> float:
            stored = tx.settings.get(CLOCK_OFFSET_SETTING)
            offset = max(float(stored or 0.0), self.clock.offset) + seconds
            tx.settings.put(CLOCK_OFFSET_SETTING, offset)
            return offset

        async with self._round:
            self.clock.catch_up(await self.store.run(move))
            return await self._run_due()

    async def install_rules(self, rules: RuleSet) -> None:
        """Make `rules` the rules in force (`--simulator-rules FILE` at start)."""
        await self.store.run(lambda tx: save_rules(tx, rules))

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="smsvoice-simulator")

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def wake(self) -> None:
        self._wake.set()

    async def run_due(self) -> int:
        """Apply everything due now (the scheduler's round)."""
        async with self._round:
            return await self._run_due()

    async def look(self) -> bool:
        """Catch up with the clock offset kept in the store, and tell whether any timed work is due
        (one read-only unit of work: one round trip on PostgreSQL)."""

        def read(tx: Transaction) -> tuple[object, list[float | None]]:
            tx.settings.read_ahead(CLOCK_OFFSET_SETTING)
            answers = [next_due(tx) for next_due in self._next_due]
            return tx.settings.get(CLOCK_OFFSET_SETTING), [answer() for answer in answers]

        stored, next_due_at = await self.store.run(read, announce=False)
        if isinstance(stored, int | float):
            self.clock.catch_up(float(stored))
        now = self.clock.now()
        return any(due_at is not None and due_at <= now for due_at in next_due_at)

    async def _background_round(self) -> None:
        if self._idle:
            if not await self.look():
                return
        else:
            await self.load_clock()
        self._idle = await self.run_due() == 0

    async def _run_due(self) -> int:
        total = 0
        for _ in range(10_000):  # bounded: 10,000 batches is a million messages
            done = await self.store.run(self._apply_batch)
            total += done
            if done < BATCH:
                break
            await asyncio.sleep(0)
        for work in self._also:
            total += await work()
        return total

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._background_round()
            except Exception:
                log.exception("simulator round failed; retrying")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_SECONDS)

    def _apply_batch(self, tx: Transaction) -> int:
        now = self.clock.now()
        due = tx.schedule.due(now, BATCH)
        tx.messages.preload(due)  # one statement for the batch, not one round trip per message
        for message_id in due:
            try:
                with tx.savepoint():
                    advance_due(tx, message_id, now, self.on_reply)
            except Exception:
                # One broken message must not hold the others back forever: drop its schedule.
                log.exception(
                    "message %s could not be advanced; its remaining transitions are dropped", message_id
                )
                tx.schedule.clear(message_id)
        return len(due)
