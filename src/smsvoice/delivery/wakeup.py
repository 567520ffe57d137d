"""Wake the worker when this process commits new outbox rows, so that it need not poll fast.

A SQLAlchemy engine event notes an INSERT into the outbox on a connection, and the commit of that
transaction calls back (on the store's thread). Rows written by other processes (a server next to
`smsvoice worker`) and retries that come due are found by the worker's slower poll.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, event

_FLAG = "smsvoice_outbox_written"


class CommitWatch:
    def __init__(self, engine: Engine, on_commit: Callable[[], None]) -> None:
        self._engine = engine
        self._on_commit = on_commit
        event.listen(engine, "after_cursor_execute", self._executed)
        event.listen(engine, "commit", self._committed)
        event.listen(engine, "rollback", self._rolled_back)

    def _executed(self, connection: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("INSERT INTO outbox"):
            connection.info[_FLAG] = True

    def _committed(self, connection: Connection) -> None:
        if connection.info.pop(_FLAG, False):
            self._on_commit()

    def _rolled_back(self, connection: Connection) -> None:
        connection.info.pop(_FLAG, None)

    def close(self) -> None:
        event.remove(self._engine, "after_cursor_execute", self._executed)
        event.remove(self._engine, "commit", self._committed)
        event.remove(self._engine, "rollback", self._rolled_back)
