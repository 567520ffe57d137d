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
from typing import Any, Final, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from smsvoice.store import migrate
from smsvoice.store.batches import IN_FLIGHT as BATCHES_IN_FLIGHT
from smsvoice.store.batches import Batches, ReadAhead, after_reads
from smsvoice.store.checkpointer import JOURNAL_SIZE_LIMIT_BYTES, Checkpointer, WriteGate
from smsvoice.store.errors import StoreUnavailable, WriteConflict
from smsvoice.store.group_commit import GroupCommit
from smsvoice.store.outbox import OUTBOX_WRITTEN
from smsvoice.store.transaction import Transaction

T = TypeVar("T")

# Each SQLite connection's page cache, at most (SQLite's default is 2 MB): room for the right edges of
# the send path's indexes (message ids sort by time, arns.new_message_id) and the tables' hot pages.
# The soak benchmark sends as fast with 8 MB as with 32 MB, and the resident memory then stays flat
# (bench/soak.py). Memory is taken only as pages are used (the event loop's connection, mostly).
SQLITE_CACHE_KIB: Final = 8 * 1024


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's BEGIN below be the only transaction control (pysqlite's own is not).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA wal_autocheckpoint=0")  # checkpoints run on their own thread
        cursor.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT_BYTES}")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Debian's SQLite (and others) is built with secure_delete on: every page a delete frees is
        # rewritten with zeros, which doubled the log the pruner writes (5.4 against 2.9 KB per pruned
        # message). FAST still zeroes deleted content inside the pages a delete writes anyway.
        cursor.execute("PRAGMA secure_delete=FAST")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Take the write lock up front, so read-then-write units of work never lose an update
        # to another process (the `smsvoice worker` shares the file).
        # Straight on the driver: going through SQLAlchemy's execution machinery doubled what a
        # transaction cost.
        connection.connection.driver_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]


class Store:
    """An open store: `run` executes a unit of work inside one transaction (see the module docstring)."""

    # How often a unit of work that met a WriteConflict is run again before the conflict is raised,
    # and the longest pause between attempts: many writers of one document (10 nodes' requests on one
    # keyword) each get through after a few randomized pauses instead of retrying in lockstep.
    CONFLICT_RETRIES = 30
    CONFLICT_PAUSE_SECONDS = 0.05

    def __init__(self, url: str, *, pool_size: int = 8) -> None:
        self.url = url
        self.shown_url = shown_url(url)
        parsed = make_url(url)
        self.backend = parsed.get_backend_name()  # "sqlite", "postgresql", ...
        self.is_sqlite = self.backend == "sqlite"
        if self.is_sqlite and parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        if self.is_sqlite:
            # Connections are closed from the closing thread at shutdown.
            self.engine = create_engine(url, poolclass=NullPool, connect_args={"check_same_thread": False})
        else:
            # pre_ping: a connection the database dropped (restart, failover) is replaced, not used.
            self.engine = create_engine(
                url,
                pool_size=pool_size,
                # The batches of sends have connections of their own (store/batches.py).
                max_overflow=BATCHES_IN_FLIGHT,
                pool_pre_ping=True,
                pool_timeout=10,
                connect_args=_connect_args(parsed.get_backend_name(), parsed.get_driver_name()),
            )
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        # psycopg 3: the send path's statements go straight through libpq, some of them deferred
        # (store/libpq.py); what SQLAlchemy sends must come after them.
        self._deferred: Any = None
        if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() == "psycopg":
            from smsvoice.store import libpq  # imports psycopg: only with the postgres extra

            self._deferred = libpq
            _flush_before_sqlalchemy(self.engine, libpq.flush)
        threads = 1 if self.is_sqlite else pool_size
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="smsvoice-store")
        # Units of work that may share a transaction (sends) do so through libpq (store/batches.py).
        self._batches: Batches | None = None
        if self._deferred is not None:
            self._batches = Batches(self.engine.connect, self._deferred, self._executor, self.run_sync)
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
            connection = self.engine.connect()
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
            self._checkpointer.relieve(connection.connection.dbapi_connection)
        reconnected = False
        for attempt in range(self.CONFLICT_RETRIES + 1):
            lost = False
            try:
                with gate, connection.begin():
                    try:
                        result = work(Transaction(connection))
                        if self._deferred is not None:
                            self._deferred.commit(connection.connection.dbapi_connection)
                    except Exception as error:
                        if self._deferred is not None:
                            self._deferred.discard(connection.connection.dbapi_connection)
                        lost = not reconnected and _connection_lost(connection, error)
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

        event.listen(self.engine, "commit", committed)
        event.listen(self.engine, "rollback", rolled_back)

        def stop() -> None:
            event.remove(self.engine, "commit", committed)
            event.remove(self.engine, "rollback", rolled_back)

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
        self.engine.dispose()
        if self._checkpointer is not None:
            self._checkpointer.stop()


def _connection_lost(connection: Connection, error: Exception) -> bool:
    """Whether `error` came from a database connection that is gone."""
    if connection.invalidated or (isinstance(error, DBAPIError) and error.connection_invalidated):
        return True
    try:
        raw = connection.connection.dbapi_connection
    except Exception:
        return True
    # The send path's statements run on psycopg's libpq connection (store/libpq.py), unseen by
    # SQLAlchemy: ask libpq itself (ConnStatus OK is 0).
    pgconn = getattr(raw, "pgconn", None)
    return pgconn is not None and int(pgconn.status) != 0


def _flush_before_sqlalchemy(engine: Engine, flush: Callable[[Any], None]) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _deferred_writes_first(connection: Connection, *_: Any) -> None:
        flush(connection.connection.dbapi_connection)


def _connect_args(backend: str, driver: str) -> dict[str, Any]:
    if backend != "postgresql":
        return {}
    arguments: dict[str, Any] = {"connect_timeout": 5}
    if driver == "psycopg":
        # The send path prepares its own statements (store/libpq.py); psycopg's automatic ones would
        # make it DEALLOCATE ALL after a failed transaction, taking ours with them.
        arguments["prepare_threshold"] = None
    return arguments


def shown_url(url: str) -> str:
    """The store's URL as logs and messages show it: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def open_store(url: str, *, upgrade: bool | None = None, pool_size: int = 8) -> Store:
    """Open the store at `url`, bringing its schema to the newest revision (`upgrade`; by default only
    the embedded SQLite store is upgraded on its own), or refusing one that is not there
    (SchemaMismatch)."""
    store = Store(url, pool_size=pool_size)
    if upgrade is None:
        upgrade = store.is_sqlite
    try:
        if upgrade:
            migrate.upgrade(store.engine)
        else:
            migrate.check(store.engine)
    except OperationalError as problem:
        store.close()
        raise StoreUnavailable(f"cannot reach the database at {shown_url(url)}: {problem.orig}") from None
    except BaseException:
        store.close()
        raise
    return store
