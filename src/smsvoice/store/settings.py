"""Small named values every node shares (JSON), in the store_meta table.

What a transaction read is remembered by it (a send reads the fault rules and the simulator rules;
`prefetch` reads both in one statement, and `read_ahead` queues that statement to ride with the next
round trip on PostgreSQL).
"""

from __future__ import annotations

from typing import Any

import orjson

from smsvoice.store.sql import Rows, Statement, Target

_PREFIX = "setting:"  # store_meta also holds the store's own bookkeeping
_GET = Statement("SELECT value FROM store_meta WHERE name = :name", libpq=True)
_GET_TWO = Statement("SELECT name, value FROM store_meta WHERE name IN (:first, :second)", libpq=True)
_PUT = Statement(
    "INSERT INTO store_meta (name, value) VALUES (:name, :value) "
    "ON CONFLICT (name) DO UPDATE SET value = :value"
)
_DELETE = Statement("DELETE FROM store_meta WHERE name = :name")


class StoredSettings:
    def __init__(self, tx: Target) -> None:
        self._tx = tx
        self._seen: dict[str, str | None] = {}
        # Reads queued by `read_ahead`: their rows, and the settings they answer by stored name.
        self._ahead: list[tuple[Rows, dict[str, str]]] = []

    def prefetch(self, first: str, second: str) -> None:
        """Read two settings in one statement (on a database server: SQLite needs no round trip)."""
        if self._tx.paramstyle == "qmark":
            return
        self._settle()
        if first in self._seen and second in self._seen:
            return
        names = {_PREFIX + first: first, _PREFIX + second: second}
        self._remember(_GET_TWO.all_args(self._tx, list(names)), names)

    def read_ahead(self, first: str, second: str | None = None) -> None:
        """`prefetch` (of one setting, or two), queued to go out with the transaction's next round
        trip (PostgreSQL only)."""
        if not self._tx.libpq:
            return
        second = first if second is None else second
        names = {_PREFIX + first: first, _PREFIX + second: second}
        self._ahead.append((_GET_TWO.read_ahead(self._tx, [_PREFIX + first, _PREFIX + second]), names))

    def _settle(self) -> None:
        ahead, self._ahead = self._ahead, []
        for rows, names in ahead:
            self._remember(rows.fetchall(), names)

    def _remember(self, rows: list[tuple[Any, ...]], names: dict[str, str]) -> None:
        found = {str(name): str(value) for name, value in rows}
        for stored, name in names.items():
            self._seen.setdefault(name, found.get(stored))

    def get(self, name: str) -> Any:
        """The value, or None when it was never set."""
        text = self.get_text(name)
        return None if text is None else orjson.loads(text)

    def put(self, name: str, value: Any) -> None:
        self.put_text(name, orjson.dumps(value).decode())

    def get_text(self, name: str) -> str | None:
        """The stored JSON text itself (callers that cache what they parse key on it)."""
        self._settle()
        if name not in self._seen:
            row = _GET.one(self._tx, {"name": _PREFIX + name})
            self._seen[name] = None if row is None else str(row[0])
        return self._seen[name]

    def put_text(self, name: str, value: str) -> None:
        self._settle()
        _PUT.execute(self._tx, {"name": _PREFIX + name, "value": value})
        self._seen[name] = value

    def delete(self, name: str) -> None:
        self._settle()
        _DELETE.execute(self._tx, {"name": _PREFIX + name})
        self._seen[name] = None
