"""Opening the store and running units of work on it.

SQLite allows one writer at a time and answers a primary-key read or write in microseconds, so on
SQLite a unit of work runs right on the event loop's thread, with one connection: no thread hand-off
(measured: 317 -> 208 us per create end to end) and no lock waits inside the server. Units that are
ready together share one transaction (group_commit.py), each in its own savepoint. A unit of work
is short by design (one request's reads and writes); anything long belongs in a background task.
WAL with `synchronous=NORMAL` makes every committed transaction survive a crash or `kill -9` of
the process (an OS crash or power cut may lose the last transactions). Another backend
(PostgreSQL) gets a small pool of threads, each with its own connection, so a slow network round
trip never blocks the loop; there a unit of work that meets a WriteConflict (a document it read
was changed by another node before it wrote) is run again in a new transaction. Sends, which lock
no row, are group-committed there instead, on the loop, which waits for the database without
blocking (store/batches.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from smsvoice.store import migrate
from smsvoice.store.batches import Batches, ReadAhead, after_reads
from smsvoice.store.checkpointer import Checkpointer, WriteGate
from smsvoice.store.connection import (
    SQLITE,
    Connection,
    Database,
    UnsupportedDatabase,
    database_errors,
    parse_url,
)
from smsvoice.store.errors import StoreUnavailable, WriteConflict
from smsvoice.store.group_commit import GroupCommit
from smsvoice.store.outbox import OUTBOX_WRITTEN
from smsvoice.store.transaction import Transaction

T = TypeVar("T")


class Store:
    """An open store: `run` executes a unit of work inside one transaction (see the module docstring)."""

    # How often a unit of work that met a WriteConflict is run again before the conflict is raised,
    # and the longest pause between attempts: many writers of one document (10 nodes' requests on one
    # keyword) each get through after a few randomized pauses instead of retrying in lockstep.
    CONFLICT_RETRIES = 30
    CONFLICT_PAUSE_SECONDS = 0.05

    def __init__(self, url: str, *, pool_size: int = 8) -> None:
        self.url = url
        parsed = parse_url(url)
        self.shown_url = parsed.shown
        self.backend = parsed.dialect  # "sqlite" or "postgresql"
        self.is_sqlite = self.backend == SQLITE
        if self.is_sqlite and parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Each store thread keeps a connection of its own, as the event loop does on SQLite and each
        # batch of sends on PostgreSQL (store/batches.py): pool size + 2 connections at most.
        self.database = Database(parsed)
        # PostgreSQL: the send path's statements go straight through libpq, some of them deferred
        # (store/libpq.py).
        self._deferred: Any = None
        if not self.is_sqlite:
            try:
                from smsvoice.store import libpq  # imports psycopg: only with the postgres extra
            except ImportError:
                raise StoreUnavailable(
                    "a PostgreSQL store needs psycopg: pip install 'smsvoice[postgres]'"
                ) from None
            self._deferred = libpq
        threads = 1 if self.is_sqlite else pool_size
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="smsvoice-store")
        # Units of work that may share a transaction (sends) do so through libpq (store/batches.py).
        self._batches: Batches | None = None
        if self._deferred is not None:
            self._batches = Batches(self.database.connect, self._deferred, self._executor, self.run_sync)
        self._local = threading.local()
        self._connections: list[Connection] = []
        self._lock = threading.Lock()
        # This process's SQLite writers hold the gate while they write; the checkpointer takes it to
        # truncate the log, which a steady stream of back-to-back writers would otherwise never allow.
        self._write_gate = WriteGate()
        self._checkpointer: Checkpointer | None = None
        if self.is_sqlite and parsed.database:
            self._checkpointer = Checkpointer(parsed.database, self._write_gate)
            self._checkpointer.start()
        # Called after each unit of work `run` committed (ChangeWatcher: long-polls wake at once).
        self._commit_listeners: list[Callable[[], None]] = []
        self._group_commit = GroupCommit(
            self._connection,
            self._write_gate if self.is_sqlite else None,
            self._checkpointer.relieve if self._checkpointer is not None else None,
        )

    def _connection(self) -> Connection:
        connection: Connection | None = getattr(self._local, "connection", None)
        if connection is None or connection.closed:
            connection = self.database.connect()
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def _reconnect(self) -> Connection:
        stale: Connection | None = getattr(self._local, "connection", None)
        self._local.connection = None
        if stale is not None:
            with contextlib.suppress(Exception):
                stale.close()
        return self._connection()

    def run_sync(self, work: Callable[[Transaction], T]) -> T:
        """Run `work` in a transaction on the calling thread (for tools, tests and store threads);
        a WriteConflict runs it again in a new transaction."""
        connection = self._connection()
        gate = self._write_gate if self.is_sqlite else contextlib.nullcontext()
        if self._checkpointer is not None:
            self._checkpointer.relieve(connection.raw)
        reconnected = False
        for attempt in range(self.CONFLICT_RETRIES + 1):
            lost = False
            try:
                with gate, connection.begin():
                    try:
                        result = work(Transaction(connection))
                        if self._deferred is not None:
                            self._deferred.commit(connection.raw)
                    except Exception:
                        if self._deferred is not None:
                            self._deferred.discard(connection.raw)
                        lost = not reconnected and connection.lost
                        raise
                return result
            except WriteConflict:
                if attempt == self.CONFLICT_RETRIES:
                    raise
                # On a store thread: the pause holds up no one else's request.
                time.sleep(random.uniform(0, min(self.CONFLICT_PAUSE_SECONDS, 0.002 * 2**attempt)))
            except Exception:
                if not lost:
                    raise
                # The database dropped this thread's connection (a restart, a failover) while the
                # unit of work ran, before anything was committed: run it once more on a new
                # connection, instead of failing one request per store thread after every restart.
                reconnected = True
                connection = self._reconnect()
        raise AssertionError("unreachable")

    async def run(
        self,
        work: Callable[[Transaction], T],
        *,
        announce: bool = True,
        batched: bool = False,
        read_ahead: ReadAhead | None = None,
    ) -> T:
        """Run `work` in one transaction (see the module docstring for where); commit if it returns,
        roll back if it raises. Once it committed, the `on_commit` listeners hear of it, unless
        `announce` is false (a read that changes nothing). `read_ahead` queues the reads `work` will
        make, before it runs. `batched`: `work` locks no row and writes nothing another batched unit
        reads, so on PostgreSQL it may share a transaction with others (store/batches.py)."""
        if batched and self._batches is not None:
            result = await self._batches.run(work, read_ahead)
        elif self.is_sqlite:
            # One writer: nothing can change what a unit of work read before it writes.
            unit = after_reads(work, read_ahead)
            result = await self._group_commit.run(lambda connection: unit(Transaction(connection)))
        else:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(self._executor, self.run_sync, after_reads(work, read_ahead))
        if announce and self._commit_listeners:
            for listener in tuple(self._commit_listeners):
                listener()
        return result

    def on_commit(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` (on the event loop) after each unit of work that `run` committed in this
        process; answers the function that stops it. Units of other processes are not seen."""
        self._commit_listeners.append(callback)

        def stop() -> None:
            with contextlib.suppress(ValueError):
                self._commit_listeners.remove(callback)

        return stop

    def on_outbox_commit(self, callback: Callable[[frozenset[str]], None]) -> Callable[[], None]:
        """Call `callback` (on the committing thread) with the target ARNs of the outbox rows a
        transaction wrote, after it committed; answers the function that stops it."""

        def committed(connection: Connection) -> None:
            targets = connection.info.pop(OUTBOX_WRITTEN, None)
            if targets:
                callback(frozenset(targets))

        def rolled_back(connection: Connection) -> None:
            connection.info.pop(OUTBOX_WRITTEN, None)

        listeners = self.database.listeners
        listeners.on_commit.append(committed)
        listeners.on_rollback.append(rolled_back)

        def stop() -> None:
            with contextlib.suppress(ValueError):
                listeners.on_commit.remove(committed)
                listeners.on_rollback.remove(rolled_back)

        return stop

    def wal_state(self) -> dict[str, float | int] | None:
        """The embedded store's write-ahead log checkpoints (None on other backends)."""
        return None if self._checkpointer is None else self._checkpointer.stats.as_json()

    def batch_state(self) -> dict[str, int] | None:
        """The group commit's counts (store/batches.py); None where units are not batched."""
        return None if self._batches is None else self._batches.counts()

    def close(self) -> None:
        def _close_all() -> None:
            with self._lock:
                for connection in self._connections:
                    connection.close()
                self._connections.clear()

        if self._batches is not None:
            self._batches.close()
        self._executor.submit(_close_all).result()
        self._executor.shutdown(wait=True)
        if self._checkpointer is not None:
            self._checkpointer.stop()


def shown_url(url: str) -> str:
    """The store's URL as logs and messages show it: without its password."""
    return parse_url(url).shown


def open_store(url: str, *, upgrade: bool | None = None, pool_size: int = 8) -> Store:
    """Open the store at `url`, bringing its schema to the newest revision (`upgrade`; by default only
    the embedded SQLite store is upgraded on its own), or refusing one that is not there
    (SchemaMismatch)."""
    try:
        store = Store(url, pool_size=pool_size)
    except UnsupportedDatabase as problem:
        raise StoreUnavailable(str(problem)) from None
    if upgrade is None:
        upgrade = store.is_sqlite
    try:
        if upgrade:
            migrate.upgrade(store.database)
        else:
            migrate.check(store.database)
    except database_errors() as problem:
        store.close()
        raise StoreUnavailable(f"cannot reach the database at {store.shown_url}: {problem}") from None
    except BaseException:
        store.close()
        raise
    return store
