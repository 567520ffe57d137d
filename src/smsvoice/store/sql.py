"""Hot-path SQL, executed straight on the DB-API cursor of the request's connection.

SQLAlchemy Core builds and caches a statement on every execution, which costs about ten times
what SQLite itself needs for a primary-key read (measured: ~290 us against ~7 us). The few
statements on every request's path are therefore written once here, with `:name` placeholders
converted to the driver's own parameter style, and run inside the same transaction as everything
else on that connection. Everything else keeps using SQLAlchemy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

_PLACEHOLDER = re.compile(r"(?<![:\w]):(\w+)")


class Statement:
    def __init__(self, sql: str) -> None:
        self.sql = " ".join(sql.split())
        self.names = _PLACEHOLDER.findall(self.sql)
        self._by_style: dict[str, str] = {}

    def _for(self, paramstyle: str) -> str:
        converted = self._by_style.get(paramstyle)
        if converted is None:
            if paramstyle == "qmark":
                converted = _PLACEHOLDER.sub("?", self.sql)
            elif paramstyle == "format":
                converted = _PLACEHOLDER.sub("%s", self.sql.replace("%", "%%"))
            elif paramstyle == "pyformat":
                converted = _PLACEHOLDER.sub(r"%(\1)s", self.sql.replace("%", "%%"))
            elif paramstyle == "named":
                converted = self.sql
            else:
                raise ValueError(f"unsupported DB-API paramstyle {paramstyle}")
            self._by_style[paramstyle] = converted
        return converted

    def execute(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        """Run on the connection's DB-API cursor; returns the cursor."""
        style = connection.dialect.paramstyle
        dbapi_connection: Any = connection.connection.dbapi_connection
        if style == "qmark":  # sqlite3: Connection.execute makes the cursor in C
            return dbapi_connection.execute(self._for(style), tuple([params[name] for name in self.names]))
        cursor = dbapi_connection.cursor()
        if style in ("qmark", "format"):
            cursor.execute(self._for(style), tuple(params[name] for name in self.names))
        else:
            cursor.execute(self._for(style), dict(params))
        return cursor

    def execute_many(self, connection: Connection, rows: list[Mapping[str, Any]]) -> None:
        style = connection.dialect.paramstyle
        dbapi_connection: Any = connection.connection.dbapi_connection
        cursor = dbapi_connection.cursor()
        if style in ("qmark", "format"):
            cursor.executemany(self._for(style), [tuple(row[name] for name in self.names) for row in rows])
        else:
            cursor.executemany(self._for(style), [dict(row) for row in rows])

    def one(self, connection: Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self.execute(connection, params).fetchone()
        return row

    def all(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self.execute(connection, params).fetchall()
        return rows

    def rowcount(self, connection: Connection, params: Mapping[str, Any]) -> int:
        return int(self.execute(connection, params).rowcount)
