"""Group commit for SQLite: the units of work that are ready together share one transaction.

Each unit runs inside its own SAVEPOINT, so a unit that raises is rolled back alone and the others
are kept, exactly as if each had its own transaction (units run one after the other, so each sees
what the earlier ones wrote). The callers are answered only after the shared COMMIT: an answered
request is as durable as with one transaction per request, and the cost of a commit (the WAL
writes, BEGIN/COMMIT round trips) is paid once per batch instead of once per request.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

from smsvoice.store.connection import Connection

T = TypeVar("T")

Work = Callable[[Connection], Any]


class GroupCommit:
    def __init__(
        self,
        connection: Callable[[], Connection],
        gate: contextlib.AbstractContextManager[Any] | None = None,
        before_write: Callable[[Any], None] | None = None,
    ) -> None:
        self._connection = connection
        # Given the DB-API connection before each batch's transaction (the WAL's safety valve).
        self._before_write = before_write
        # Held while a batch writes; the WAL checkpointer takes it to cut the log back (checkpointer.py).
        self._gate: contextlib.AbstractContextManager[Any] = gate or contextlib.nullcontext()
        self._pending: list[tuple[Work, asyncio.Future[Any]]] = []
        self._scheduled = False

    async def run(self, work: Callable[[Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._pending.append((work, future))
        if not self._scheduled:
            self._scheduled = True
            # Runs after the callbacks already queued, so requests that arrived together join in.
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        self._scheduled = False
        batch, self._pending = self._pending, []
        if not batch:
            return
        outcomes: list[tuple[bool, Any]] = []
        try:
            connection = self._connection()
            raw: Any = None
            if self._before_write is not None:
                self._before_write(connection.raw)
            with self._gate, connection.begin():
                raw = connection.raw
                for work, _future in batch:
                    raw.execute("SAVEPOINT unit_of_work")
                    try:
                        value = work(connection)
                    except Exception as error:
                        raw.execute("ROLLBACK TO unit_of_work")
                        raw.execute("RELEASE unit_of_work")
                        outcomes.append((False, error))
                    else:
                        raw.execute("RELEASE unit_of_work")
                        outcomes.append((True, value))
        except Exception as error:  # BEGIN or COMMIT failed: nothing of the batch is kept
            for _work, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        for (_work, future), (succeeded, value) in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if succeeded:
                future.set_result(value)
            else:
                future.set_exception(value)
