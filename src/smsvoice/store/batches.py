"""Group commit on PostgreSQL: sends that are ready together share one transaction, run on the loop.

Run alone, a unit of work on a database server pays a hand-off to a store thread and back (and the
GIL passed between threads at every round trip), its BEGIN and COMMIT, and a commit's flush of the
write-ahead log, for a send whose own work is a few microseconds of SQL. So units that ask for it
(`Store.run(work, batched=True)`; the gateway asks for sends) queue on the event loop, and whenever
fewer than IN_FLIGHT batches are running, the queued units (MAX_UNITS at most) run together, on the
event loop's thread, in one transaction on a connection kept for batches:

1. every unit's reads are queued (its `read_ahead`) and sent in one round trip, the loop serving
   other requests while it waits (libpq's non-blocking pipeline: store/libpq.py);
2. the units run one after the other; their writes are queued, so a unit that reads nothing beyond
   what it read ahead sends nothing and waits for nothing while it runs (a read it did not announce
   is one round trip the loop waits for: plain reads never wait on another transaction's locks);
3. all the writes and the COMMIT go in one round trip; then the callers are answered, so an answer
   means durable, as for a unit run alone.

A batch is 2 round trips whatever its size (measured: tests/store/test_batches.py).

- A unit that raises is undone alone: what it queued is dropped; if it had sent something (a read it
  had not read ahead sends what is queued), it ran inside a SAVEPOINT, queued at its start and sent
  only then, and is rolled back to it. Its caller gets the error; the others are kept.
- A WriteConflict is undone the same way, then the unit runs again alone (Store.run_sync retries).
- A database error (a failed statement, a lost connection) rolls the whole batch back and every unit
  of it runs again alone, on a store thread: a unit's writes go out with the next one's, so whose
  statement failed is not known.

A batch holds the row locks its units took until it commits, so two batches whose units lock rows in
orders of their own could deadlock. Only units that lock no row join one: a send writes new rows,
and the month's spend, which a batch adds up and writes last, in key order (store/spend.py), so all
batches lock spend rows in the same order.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from types import ModuleType
from typing import Any, Final, TypeVar

from smsvoice.store.connection import Connection, database_errors
from smsvoice.store.errors import WriteConflict
from smsvoice.store.spend import SpendKey, write_due
from smsvoice.store.transaction import Transaction

log = logging.getLogger("smsvoice.store")

T = TypeVar("T")
Unit = Callable[[Transaction], Any]
# The reads a unit will make, queued before it runs (Documents.read_ahead and the like); a batch
# queues those of all its units first, so they go out together in one round trip.
ReadAhead = Callable[[Transaction], None]

# Batches at a time, each on its own connection: while one waits on a round trip, the other runs its
# units (1 to 4 measured with bench/bench_postgres.py: 2 sent the most).
IN_FLIGHT: Final = 2
# Each unit's SAVEPOINT is a subtransaction; PostgreSQL keeps up to 64 of a transaction's in shared
# memory, and beyond that every other session's snapshots get slower.
MAX_UNITS: Final = 32

# What became of a unit in a batch: its answer, its error, or "run it again alone".
DONE: Final = "done"
FAILED: Final = "failed"
AGAIN: Final = "again"
Outcome = tuple[str, Any]


def after_reads(work: Callable[[Transaction], T], read_ahead: ReadAhead | None) -> Callable[[Transaction], T]:
    """`work` with its reads queued first, for a unit that runs alone."""
    if read_ahead is None:
        return work

    def unit(tx: Transaction) -> T:
        read_ahead(tx)
        return work(tx)

    return unit


async def run_batch(
    connection: Connection, units: Sequence[tuple[Unit, ReadAhead | None]], libpq: ModuleType
) -> list[Outcome]:
    """Run `units` in one transaction on `connection`, on the event loop's thread; raises a database
    error, after which none of them is kept.

    Every unit's reads are queued, and sent, before the first unit runs. That is as if each unit read
    when it started only because no batched unit writes what a batched unit reads (sends write new
    rows and spend, and the spend not yet written is added to what is read: store/spend.py)."""
    raw = connection.raw
    due: dict[SpendKey, float] = {}
    outcomes: list[Outcome] = []
    # PostgreSQL: libpq sends BEGIN with the first statement (store/libpq.py).
    try:
        transactions = [Transaction(connection, spend_due=due) for _ in units]
        libpq.share_reads(raw, True)  # units of one account read the same documents and settings
        try:
            for (_work, read_ahead), tx in zip(units, transactions, strict=True):
                if read_ahead is not None:
                    read_ahead(tx)
        finally:
            libpq.share_reads(raw, False)
        await libpq.flush_waiting(raw)
        for (work, _reads), tx in zip(units, transactions, strict=True):
            due_before = dict(due)
            try:
                with tx.savepoint():  # queued: it goes out only if the unit sends something
                    value = work(tx)
            except Exception as error:
                if is_database_error(error, libpq):
                    raise
                due.clear()
                due.update(due_before)
                outcomes.append((AGAIN if isinstance(error, WriteConflict) else FAILED, error))
            else:
                outcomes.append((DONE, value))
        write_due(Transaction(connection), due)
        await libpq.commit_waiting(raw)
        connection.commit()  # the commit listeners hear of it
    except BaseException:
        libpq.discard(raw)
        with contextlib.suppress(Exception):  # a lost connection cannot roll back; it is dropped
            connection.rollback()
        raise
    return outcomes


def is_database_error(error: BaseException, libpq: ModuleType) -> bool:
    return isinstance(error, (*database_errors(), libpq.errors.Error))


class Batches:
    """Queues units on the event loop and runs batches of them there, each on a connection of its own
    (IN_FLIGHT at most), the waits for the server being the loop's."""

    def __init__(
        self,
        connect: Callable[[], Connection],
        libpq: ModuleType,
        executor: Executor,
        run_alone: Callable[[Unit], Any],
    ) -> None:
        self._connect = connect
        self._libpq = libpq
        self._executor = executor
        self._run_alone = run_alone
        self._idle: list[Connection] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._queued: list[tuple[Unit, ReadAhead | None, asyncio.Future[Any]]] = []
        self._running = 0
        self._scheduled = False
        # Batches run, units in them, and units run again alone: health's `batches`.
        self.batches = 0
        self.units = 0
        self.reruns = 0

    def counts(self) -> dict[str, int]:
        return {"batches": self.batches, "units": self.units, "unitsRunAgain": self.reruns}

    async def run(self, work: Callable[[Transaction], T], read_ahead: ReadAhead | None = None) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queued.append((work, read_ahead, future))
        if not self._scheduled:
            self._scheduled = True
            # After the callbacks already queued, so that requests that arrived together join in.
            loop.call_soon(self._start)
        return await future

    def close(self) -> None:
        for connection in self._idle:
            with contextlib.suppress(Exception):
                connection.close()
        self._idle.clear()

    def _start(self) -> None:
        self._scheduled = False
        loop = asyncio.get_running_loop()
        while self._queued and self._running < IN_FLIGHT:
            batch = self._queued[:MAX_UNITS]
            del self._queued[:MAX_UNITS]
            self._running += 1
            self.batches += 1
            self.units += len(batch)
            task = loop.create_task(self._run(batch))
            self._tasks.add(task)  # the loop keeps only a weak reference to a task
            task.add_done_callback(self._tasks.discard)

    async def _run(self, batch: list[tuple[Unit, ReadAhead | None, asyncio.Future[Any]]]) -> None:
        try:
            outcomes = await self._outcomes([(work, read_ahead) for work, read_ahead, _ in batch])
        finally:
            self._running -= 1
        loop = asyncio.get_running_loop()
        for (work, read_ahead, future), (outcome, value) in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if outcome == AGAIN:
                self.reruns += 1
                alone = loop.run_in_executor(self._executor, self._run_alone, after_reads(work, read_ahead))
                alone.add_done_callback(functools.partial(_settle, future))
            elif outcome == FAILED:
                future.set_exception(value)
            else:
                future.set_result(value)
        self._start()

    async def _outcomes(self, units: list[tuple[Unit, ReadAhead | None]]) -> list[Outcome]:
        """The batch's outcomes; after a database error (or no connection) every unit is to run again
        alone, on a store thread, where a lost connection is replaced and a conflict retried."""
        try:
            if self._idle:
                connection = self._idle.pop()
            else:  # on a store thread: a database that cannot be reached must not hold the loop up
                connection = await asyncio.get_running_loop().run_in_executor(self._executor, self._connect)
        except Exception as error:
            log.info("no connection for a batch of %d units of work; each runs alone: %s", len(units), error)
            return [(AGAIN, None)] * len(units)
        try:
            outcomes = await run_batch(connection, units, self._libpq)
        except Exception as error:
            log.info("a batch of %d units of work was rolled back; each runs alone: %s", len(units), error)
            with contextlib.suppress(Exception):
                connection.close()  # it may be broken: the next batch takes a new one
            return [(AGAIN, None)] * len(units)
        self._idle.append(connection)
        return outcomes


def _settle(future: asyncio.Future[Any], alone: asyncio.Future[Any]) -> None:
    if future.done():
        return
    error = alone.exception()
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(alone.result())
