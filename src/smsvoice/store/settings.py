"""Small named values every node shares (JSON), in the store_meta table."""

from __future__ import annotations

from typing import Any

import orjson

from smsvoice.store.sql import Statement, Target

_PREFIX = "setting:"  # store_meta also holds the store's own bookkeeping
_GET = Statement("SELECT value FROM store_meta WHERE name = :name")
_PUT = Statement(
    "INSERT INTO store_meta (name, value) VALUES (:name, :value) "
    "ON CONFLICT (name) DO UPDATE SET value = :value"
)
_DELETE = Statement("DELETE FROM store_meta WHERE name = :name")


class StoredSettings:
    def __init__(self, tx: Target) -> None:
        self._tx = tx
        self._connection = tx.connection

    def get(self, name: str) -> Any:
        """The value, or None when it was never set."""
        row = _GET.one(self._tx, {"name": _PREFIX + name})
        return None if row is None else orjson.loads(row[0])

    def put(self, name: str, value: Any) -> None:
        _PUT.execute(self._tx, {"name": _PREFIX + name, "value": orjson.dumps(value).decode()})

    def get_text(self, name: str) -> str | None:
        """The stored JSON text itself (callers that cache what they parse key on it)."""
        row = _GET.one(self._tx, {"name": _PREFIX + name})
        return None if row is None else str(row[0])

    def put_text(self, name: str, value: str) -> None:
        _PUT.execute(self._tx, {"name": _PREFIX + name, "value": value})

    def delete(self, name: str) -> None:
        _DELETE.execute(self._tx, {"name": _PREFIX + name})
