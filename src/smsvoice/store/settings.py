"""Small named values every node shares (JSON), in the store_meta table.

What a transaction read is remembered by it (a send reads the fault rules and the simulator rules;
`prefetch` reads both in one statement).
"""

from __future__ import annotations

from typing import Any

import orjson

from smsvoice.store.sql import Statement, Target

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

    def prefetch(self, first: str, second: str) -> None:
        """Read two settings in one statement (on a database server: SQLite needs no round trip)."""
        if self._tx.paramstyle == "qmark":
            return
        names = {_PREFIX + first: first, _PREFIX + second: second}
        found = {str(name): str(value) for name, value in _GET_TWO.all_args(self._tx, list(names))}
        for stored, name in names.items():
            self._seen[name] = found.get(stored)

    def get(self, name: str) -> Any:
        """The value, or None when it was never set."""
        text = self.get_text(name)
        return None if text is None else orjson.loads(text)

    def put(self, name: str, value: Any) -> None:
        self.put_text(name, orjson.dumps(value).decode())

    def get_text(self, name: str) -> str | None:
        """The stored JSON text itself (callers that cache what they parse key on it)."""
        if name not in self._seen:
            row = _GET.one(self._tx, {"name": _PREFIX + name})
            self._seen[name] = None if row is None else str(row[0])
        return self._seen[name]

    def put_text(self, name: str, value: str) -> None:
        _PUT.execute(self._tx, {"name": _PREFIX + name, "value": value})
        self._seen[name] = value

    def delete(self, name: str) -> None:
        _DELETE.execute(self._tx, {"name": _PREFIX + name})
        self._seen[name] = None
