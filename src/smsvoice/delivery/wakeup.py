"""Wake the worker when this process commits new outbox rows, so that it need not poll fast.

`store.outbox.enqueue` marks the connection whose transaction wrote outbox rows, and the commit of
that transaction calls back (on the thread that committed). Rows written by other processes (a server next to
`smsvoice worker`) and retries that come due are found by the worker's slower poll.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, event

from smsvoice.store.outbox import OUTBOX_WRITTEN

_FLAG = OUTBOX_WRITTEN


class CommitWatch:
    def __init__(self, engine: Engine, on_commit: Callable[[], None]) -> None:
        self._engine = engine
        self._on_commit = on_commit
        event.listen(engine, "commit", self._committed)
        event.listen(engine, "rollback", self._rolled_back)

    def _committed(self, connection: Connection) -> None:
        if connection.info.pop(_FLAG, False):
            self._on_commit()

    def _rolled_back(self, connection: Connection) -> None:
        connection.info.pop(_FLAG, None)

    def close(self) -> None:
        event.remove(self._engine, "commit", self._committed)
        event.remove(self._engine, "rollback", self._rolled_back)
