"""WAL checkpoints off the request path.

SQLite copies the write-ahead log back into the database file (a checkpoint) on the connection that
commits when the log passes 1,000 pages; with units of work on the event loop, that copy stalled
whatever request happened to commit then. The store's connections turn the automatic checkpoint off
and this thread, with a connection of its own, runs a PASSIVE checkpoint every `INTERVAL_SECONDS`
(sqlite3 releases the GIL while it works, so requests go on meanwhile). Committed data is durable
in the log either way: a checkpoint only moves it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import Final

INTERVAL_SECONDS: Final = 0.5

log = logging.getLogger("smsvoice.store")


class Checkpointer:
    def __init__(self, database: str) -> None:
        self._database = database
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="smsvoice-checkpointer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        connection = sqlite3.connect(self._database, isolation_level=None, check_same_thread=False)
        try:
            connection.execute("PRAGMA busy_timeout=1000")
            while not self._stop.wait(INTERVAL_SECONDS):
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as problem:  # busy or locked: the next round tries again
                    log.debug("checkpoint skipped: %s", problem)
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error as problem:
            log.warning("final checkpoint failed: %s", problem)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
