"""WAL checkpoints off the request path, with a bound on the log's size.

SQLite copies the write-ahead log back into the database file (a checkpoint) on the connection that
commits when the log passes 1,000 pages; with units of work on the event loop, that copy stalled
whatever request happened to commit then. The store's connections turn the automatic checkpoint off
and this thread, with a connection of its own, runs a PASSIVE checkpoint every `INTERVAL_SECONDS`
(sqlite3 releases the GIL while it works, so requests go on meanwhile).

PASSIVE alone never bounds the log under steady writes: the log starts over from its beginning only
when a checkpoint has copied every frame and no reader still uses it, and with writes every
millisecond there are always newer frames. So when the log holds more than `RESTART_ABOVE_BYTES`, a
RESTART checkpoint follows the PASSIVE one: it holds writers off while it copies the few frames the
PASSIVE one left and waits for readers to move on, and the next writer then writes from the start
of the file again; this process's own writers wait at the store's write gate meanwhile. RESTART
rather than TRUNCATE, and a `journal_size_limit` above the size the file reaches, because cutting
the file and giving its blocks back cost as long again as the copy (p99 at 16 connections 25-27 ms
with TRUNCATE, 16-17 ms with RESTART); the file is reused instead, and its size stays bounded.
If writes outrun even that, the next writer truncates the log itself before it writes (`relieve`,
past `WRITER_TRUNCATES_ABOVE_BYTES`). The pause is the price of a bounded disk; `stats` keeps how
often it ran and its longest run, and health shows them.
Committed data is durable in the log either way: a checkpoint only moves it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

INTERVAL_SECONDS: Final = 0.25
# The log's length (its frames, not the file's size, which is reused after a restart).
RESTART_ABOVE_BYTES: Final = 16 * 1024 * 1024
# The safety valve: a writer about to write to a log this large truncates it first, on its own
# connection, so the log stays bounded even when writes outrun the background checkpoints (a raw
# SQLite writer can append several hundred MB a second; a PASSIVE checkpoint copies slower).
WRITER_TRUNCATES_ABOVE_BYTES: Final = 32 * 1024 * 1024
# How long a RESTART may wait for the writer and readers before it gives up until the next round.
RESTART_WAIT_MS: Final = 250
# Where a writer restarting the log leaves the file (SQLite's journal_size_limit): only a file that
# grew past the safety valve's bound is cut back; the usual file (about twice RESTART_ABOVE_BYTES)
# is written over from its start.
JOURNAL_SIZE_LIMIT_BYTES: Final = WRITER_TRUNCATES_ABOVE_BYTES

log = logging.getLogger("smsvoice.store")


class WriteGate:
    """Held by this process's SQLite writers while they write. The checkpointer closes it: writers
    that come after wait until it reopens, so the checkpointer gets its turn (a plain lock is not fair:
    a writer that releases it and asks again at once would take it back every time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = threading.Event()
        self._open.set()

    def __enter__(self) -> None:
        self._open.wait()
        self._lock.acquire()

    def __exit__(self, *_exc: object) -> None:
        self._lock.release()

    @contextmanager
    def closed(self) -> Iterator[None]:
        self._open.clear()
        try:
            with self._lock:
                yield
        finally:
            self._open.set()


@dataclass
class CheckpointStats:
    restarts: int = 0
    busy: int = 0  # RESTART attempts that gave up waiting, and busy valve truncations
    by_writers: int = 0  # the safety valve's truncations
    longest_restart_ms: float = 0.0
    largest_wal_bytes: int = 0

    def as_json(self) -> dict[str, float | int]:
        return {
            "walRestarts": self.restarts,
            "walRestartsBusy": self.busy,
            "walTruncationsByWriters": self.by_writers,
            "longestRestartMs": round(self.longest_restart_ms, 1),
            "largestWalBytes": self.largest_wal_bytes,
        }


class Checkpointer:
    def __init__(self, database: str, write_gate: WriteGate) -> None:
        self._database = database
        self._write_gate = write_gate
        self._wal = f"{database}-wal"
        # Held while a checkpoint of this process runs (background or a writer's): one at a time.
        self._checkpointing = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="smsvoice-checkpointer", daemon=True)
        self.stats = CheckpointStats()
        self._frame_bytes = 0  # a log frame: one page and its header, read once the file exists

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        connection = sqlite3.connect(self._database, isolation_level=None, check_same_thread=False)
        try:
            connection.execute(f"PRAGMA busy_timeout={RESTART_WAIT_MS}")
            self._frame_bytes = int(connection.execute("PRAGMA page_size").fetchone()[0]) + 24
            while not self._stop.wait(INTERVAL_SECONDS):
                self._round(connection)
            connection.execute("PRAGMA busy_timeout=1000")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error as problem:
            log.warning("final checkpoint failed: %s", problem)
        finally:
            connection.close()

    def _round(self, connection: sqlite3.Connection) -> None:
        with self._checkpointing:
            self._checkpoint(connection)

    def _checkpoint(self, connection: sqlite3.Connection) -> None:
        try:
            _busy, frames, _copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.stats.largest_wal_bytes = max(self.stats.largest_wal_bytes, self._wal_size())
            if frames * self._frame_bytes > RESTART_ABOVE_BYTES:
                self._restart(connection)
        except sqlite3.Error as problem:  # busy or locked: the next round tries again
            log.debug("checkpoint skipped: %s", problem)

    def _restart(self, connection: sqlite3.Connection) -> None:
        started = time.perf_counter()
        # Holding this process's writers off: back-to-back transactions never leave the writer lock
        # free long enough for SQLite's busy handler to catch it.
        with self._write_gate.closed():
            busy, _frames, _copied = connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
        elapsed_ms = (time.perf_counter() - started) * 1000
        if busy:
            self.stats.busy += 1
            return
        self.stats.restarts += 1
        self.stats.longest_restart_ms = max(self.stats.longest_restart_ms, elapsed_ms)

    def relieve(self, connection: Any) -> None:
        """Called by a writer before its transaction, on its DB-API connection: truncate the log
        first when it has grown past the safety valve's bound."""
        if self._wal_size() <= WRITER_TRUNCATES_ABOVE_BYTES:
            return
        # SQLite answers "busy" at once, without waiting, while another checkpoint runs: wait for the
        # background one to finish first.
        with self._checkpointing:
            busy, _frames, _copied = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            self.stats.busy += 1
        else:
            self.stats.by_writers += 1

    def _wal_size(self) -> int:
        try:
            return os.stat(self._wal).st_size
        except OSError:
            return 0

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
