"""The store's SQL, executed straight on the DB-API connection of the unit of work's transaction.

Every statement is written once, as SQL with `:name` placeholders converted to the driver's own
parameter style, and run inside the transaction the unit of work holds (store/connection.py).
SQLAlchemy Core had built and cached a statement on every execution, about ten times what SQLite
itself needs for a primary-key read (measured: ~290 us against ~7 us), and importing it was about
45% of the server's start-up; the schema's definition and its migrations still use it
(store/schema.py, store/migrate.py). Where SQLite and PostgreSQL need different SQL, a module keeps
a statement per `Target.dialect`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any, Protocol

_PLACEHOLDER = re.compile(r"(?<![:\w]):(\w+)")

# The values of the JSON array given as `:ids`, as a subquery (`... IN (<this>)`): a statement for any
# number of ids, written once, instead of an IN list of bound values compiled for each count.
SQLITE_JSON_IDS = "SELECT value FROM json_each(:ids)"
SERVER_JSON_IDS = "SELECT json_array_elements_text(CAST(:ids AS json))"


class Target(Protocol):
    """Where a statement runs: the transaction's connection, its DB-API connection and parameter
    style (store/transaction.py's Transaction is one)."""

    raw: Any
    paramstyle: str
    # "sqlite" or "postgresql": where the two need different SQL.
    dialect: str

    # One cursor for the whole transaction where the driver makes cursors in Python (psycopg): a
    # cursor per statement cost about as much as the statement's own round trip.
    @property
    def cursor(self) -> Any: ...

    # True on a psycopg 3 connection: statements marked `libpq` go through store/libpq.py.
    libpq: bool

    # What the transaction leaves for the store's commit listeners (the outbox's written targets).
    @property
    def info(self) -> dict[str, Any]: ...


class Rows(Protocol):
    """Rows of a statement already run, or of a read-ahead (`Statement.read_ahead`)."""

    def fetchone(self) -> tuple[Any, ...] | None: ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...


class _Fetched:
    __slots__ = ("_rows",)

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._rows)


def first_float(rows: Rows) -> Callable[[], float | None]:
    """The first column of the first row, as a float or None, once the rows are in (a `SELECT
    min(...)` read ahead: min() of no rows is NULL)."""

    def value() -> float | None:
        row = rows.fetchone()
        found = None if row is None else row[0]
        return None if found is None else float(found)

    return value


_LIBPQ: list[ModuleType] = []


def _libpq() -> ModuleType:
    """store/libpq.py, imported at first use (it imports psycopg: a PostgreSQL store only); an import
    statement on every execution cost a microsecond each, several times a send."""
    if not _LIBPQ:
        from smsvoice.store import libpq

        _LIBPQ.append(libpq)
    return _LIBPQ[0]


class Statement:
    _count = 0

    def __init__(self, sql: str, *, libpq: bool = False) -> None:
        self.sql = " ".join(sql.split())
        self.names = _PLACEHOLDER.findall(self.sql)
        self._by_style: dict[str, str] = {}
        self._qmark = self._for("qmark")
        # On the send path: straight through libpq on PostgreSQL (store/libpq.py), as `$n` positional
        # parameters, one per placeholder in order (like qmark).
        self.libpq = libpq
        Statement._count += 1
        self._prepared_name = f"smsvoice_{Statement._count}".encode()
        numbers = iter(range(1, len(self.names) + 1))
        self._dollar = _PLACEHOLDER.sub(lambda _match: f"${next(numbers)}", self.sql).encode()

    def _for(self, paramstyle: str) -> str:
        """The SQL as a driver of this DB-API `paramstyle` takes it."""
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

    def execute(self, target: Target, params: Mapping[str, Any]) -> Any:
        """Run with named parameters; returns the cursor."""
        return self.execute_args(target, [params[name] for name in self.names])

    def execute_args(self, target: Target, args: Sequence[Any]) -> Any:
        """Run with the parameters' values in the order their names appear in the statement."""
        style = target.paramstyle
        if style == "qmark":  # sqlite3: Connection.execute makes the cursor in C
            return target.raw.execute(self._qmark, args)
        if target.libpq:
            libpq = _libpq()
            if self.libpq:
                return libpq.execute(target.raw, self._prepared_name, self._dollar, args)
            libpq.flush(target.raw)  # the deferred writes go first
        cursor = target.cursor
        if style in ("format", "pyformat"):  # both take %s with a sequence (psycopg, psycopg2)
            cursor.execute(self._for("format"), args)
        else:
            cursor.execute(self._for(style), dict(zip(self.names, args, strict=True)))
        return cursor

    def defer(self, target: Target, params: Mapping[str, Any]) -> None:
        """A write whose answer nobody reads: on PostgreSQL it goes out with the transaction's next
        statement or its COMMIT, in one round trip (store/libpq.py); elsewhere it runs now."""
        if self.libpq and target.libpq:
            libpq = _libpq()
            libpq.defer(target.raw, self._prepared_name, self._dollar, [params[name] for name in self.names])
        else:
            self.execute(target, params)

    def read_ahead(self, target: Target, args: Sequence[Any]) -> Rows:
        """A read whose rows are wanted later in the transaction: on PostgreSQL it goes out with the
        transaction's next statement, in one round trip (store/libpq.py); elsewhere it runs now."""
        if self.libpq and target.libpq:
            ahead: Rows = _libpq().read_ahead(target.raw, self._prepared_name, self._dollar, args)
            return ahead
        return _Fetched(self.execute_args(target, args).fetchall())

    def defer_many(self, target: Target, rows: Sequence[Mapping[str, Any]]) -> None:
        """`defer` for several rows (one statement for all of them where nothing is deferred)."""
        if self.libpq and target.libpq:
            for row in rows:
                self.defer(target, row)
        else:
            self.execute_many(target, rows)

    def execute_many(self, target: Target, rows: Sequence[Mapping[str, Any]]) -> None:
        style = target.paramstyle
        if target.libpq:
            libpq = _libpq()
            libpq.flush(target.raw)
        cursor = target.raw.cursor()
        if style in ("qmark", "format"):
            cursor.executemany(self._for(style), [tuple(row[name] for name in self.names) for row in rows])
        else:
            cursor.executemany(self._for(style), [dict(row) for row in rows])

    def one(self, target: Target, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self.execute(target, params).fetchone()
        return row

    def one_args(self, target: Target, args: Sequence[Any]) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self.execute_args(target, args).fetchone()
        return row

    def all_args(self, target: Target, args: Sequence[Any]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self.execute_args(target, args).fetchall()
        return rows

    def all(self, target: Target, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self.execute(target, params).fetchall()
        return rows

    def rowcount(self, target: Target, params: Mapping[str, Any]) -> int:
        return int(self.execute(target, params).rowcount)


class Search:
    """A SELECT with optional conditions, oldest or newest first, paged or not (the inspection API's
    listings): each shape's Statement is made when first asked for, as a server sees few of them."""

    def __init__(self, select: str, conditions: Mapping[str, str], order: Sequence[str]) -> None:
        self._select = select
        # The SQL condition each named parameter puts on the rows.
        self._conditions = dict(conditions)
        self._order = order  # the columns the rows are in order of, the last one unique
        self._made: dict[tuple[tuple[str, ...], bool, bool], Statement] = {}

    def statement(self, given: Sequence[str], *, newest_first: bool, paged: bool) -> Statement:
        """For the conditions `given` (parameter names, in the order of `conditions`); paged: with
        `:limit` and `:offset`."""
        shape = (tuple(given), newest_first, paged)
        statement = self._made.get(shape)
        if statement is None:
            where = " AND ".join(self._conditions[name] for name in given)
            direction = " DESC" if newest_first else ""
            statement = Statement(
                self._select
                + (f" WHERE {where}" if where else "")
                + " ORDER BY "
                + ", ".join(f"{column}{direction}" for column in self._order)
                + (" LIMIT :limit OFFSET :offset" if paged else "")
            )
            self._made[shape] = statement
        return statement

    def names(self) -> tuple[str, ...]:
        return tuple(self._conditions)
