"""The hot statements on PostgreSQL straight through libpq (psycopg's `pq` layer).

Through a psycopg cursor a primary-key read costs ~40-70 us of client CPU; through libpq's own
prepared-statement call it costs ~15 us (measured), and libpq releases the GIL while it waits for
the server, as the cursor does. So the few statements of the send path (store/sql.py marks them) are
prepared once per connection and executed with text parameters; PostgreSQL infers each parameter's
type from where it stands (a column compared or inserted), which holds for those statements.
Everything else keeps psycopg's cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import errors, pq

_OK = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK)
_INTEGERS = frozenset({20, 21, 23})  # int8, int2, int4
_FLOATS = frozenset({700, 701, 1700})  # float4, float8, numeric
_BOOL = 16


class Result:
    """What the callers of store/sql.py use of a cursor: rows and the count of rows changed."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, result: Any) -> None:
        count = result.command_tuples
        self.rowcount = -1 if count is None else int(count)
        if result.status != pq.ExecStatus.TUPLES_OK:
            self._rows: list[tuple[Any, ...]] = []
            return
        decoders = [_decoder(result.ftype(column)) for column in range(result.nfields)]
        self._rows = [
            tuple(decode(result.get_value(row, column)) for column, decode in enumerate(decoders))
            for row in range(result.ntuples)
        ]

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._rows)


def execute(connection: Any, name: bytes, sql: bytes, args: Sequence[Any]) -> Result:
    """Run the statement `name` (prepared on this connection the first time) with `args`."""
    pgconn = connection.pgconn
    prepared: set[bytes] | None = getattr(connection, "_smsvoice_prepared", None)
    if prepared is None:
        prepared = set()
        connection._smsvoice_prepared = prepared
    if name not in prepared:
        _check(pgconn.prepare(name, sql), connection)
        prepared.add(name)
    return Result(_check(pgconn.exec_prepared(name, [_encode(value) for value in args]), connection))


def _check(result: Any, connection: Any) -> Any:
    if result.status not in _OK:
        raise errors.error_from_result(result, encoding=connection.info.encoding)
    return result


def _encode(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, float):
        return repr(value).encode()
    return str(value).encode()


def _decoder(oid: int) -> Any:
    if oid in _INTEGERS:
        return lambda raw: None if raw is None else int(raw)
    if oid in _FLOATS:
        return lambda raw: None if raw is None else float(raw)
    if oid == _BOOL:
        return lambda raw: None if raw is None else raw == b"t"
    return lambda raw: None if raw is None else raw.decode()
