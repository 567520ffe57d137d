"""The store's connections to its database, straight on the DB-API drivers: sqlite3 and psycopg 3.

The store's statements are plain SQL (store/sql.py), so at run time it needs from a database library
only what this module does: read the URL, connect, configure the connection, open and end
transactions and savepoints, and tell who is listening when one commits. Importing SQLAlchemy cost
about 45% of the server's start-up (bench/bench_protocol.py --startup-only); the schema's definition
(store/schema.py) and Alembic's migrations still use it, imported only when a database is upgraded
from an older revision or by `smsvoice db` commands.

URLs are SQLAlchemy's, as users and the docs write them: `sqlite:///path/to/file.db` and
`postgresql+psycopg://user:password@host:port/database?option=value` (`postgresql://` too).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

from smsvoice.store.checkpointer import JOURNAL_SIZE_LIMIT_BYTES

SQLITE: Final = "sqlite"
POSTGRESQL: Final = "postgresql"

# Each SQLite connection's page cache, at most (SQLite's default is 2 MB): room for the right edges of
# the send path's indexes (message ids sort by time, arns.new_message_id) and the tables' hot pages.
# The soak benchmark sends as fast with 8 MB as with 32 MB, and the resident memory then stays flat
# (bench/soak.py). Memory is taken only as pages are used (the event loop's connection, mostly).
SQLITE_CACHE_KIB: Final = 8 * 1024
_SQLITE_BUSY_TIMEOUT_MS: Final = 10_000


class UnsupportedDatabase(ValueError):
    """The URL names a database or driver the store does not run on."""


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    text: str
    dialect: str  # SQLITE or POSTGRESQL
    driver: str  # "pysqlite" or "psycopg"
    # SQLite: the file (None: in memory). PostgreSQL: the database's name.
    database: str | None
    user: str | None = None
    password: str | None = None
    host: str | None = None
    port: int | None = None
    options: dict[str, str] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        """The URL as logs and messages show it: without its password."""
        if self.password is None:
            return self.text
        parts = urlsplit(self.text)
        at = parts.netloc.rindex("@")
        user = parts.netloc[:at].split(":", 1)[0]
        return parts._replace(netloc=f"{user}:***{parts.netloc[at:]}").geturl()


def parse_url(text: str) -> DatabaseUrl:
    """Read a store URL (see the module docstring); UnsupportedDatabase for anything else."""
    scheme, separator, rest = text.partition("://")
    if not separator:
        raise UnsupportedDatabase(
            f"not a database URL: {text!r} (expected sqlite:///FILE or postgresql+psycopg://...)"
        )
    dialect, _, driver = scheme.partition("+")
    if dialect == SQLITE and driver in ("", "pysqlite"):
        # sqlite:///relative.db, sqlite:////absolute.db, sqlite:// (in memory)
        path = rest[1:] if rest.startswith("/") else rest
        path = path.split("?", 1)[0]
        return DatabaseUrl(text, SQLITE, "pysqlite", None if path in ("", ":memory:") else unquote(path))
    if dialect in (POSTGRESQL, "postgres") and driver in ("", "psycopg"):
        parts = urlsplit(text)
        return DatabaseUrl(
            text,
            POSTGRESQL,
            "psycopg",
            unquote(parts.path.lstrip("/")) or None,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
            host=parts.hostname,
            port=parts.port,
            options=dict(parse_qsl(parts.query)),
        )
    raise UnsupportedDatabase(
        f"smsvoice's store runs on SQLite (sqlite:///FILE) and PostgreSQL through psycopg 3 "
        f"(postgresql+psycopg://...), not {scheme}://"
    )


class Connection:
    """One database connection of the store: its DB-API connection (`raw`), which SQL it takes
    (`dialect`, `paramstyle`), and its transactions."""

    __slots__ = ("_listeners", "_savepoints", "closed", "dialect", "info", "paramstyle", "raw")

    def __init__(self, raw: Any, dialect: str, listeners: CommitListeners) -> None:
        self.raw = raw
        self.dialect = dialect
        self.paramstyle = "qmark" if dialect == SQLITE else "format"
        # What a transaction leaves for the commit listeners (the outbox's written targets).
        self.info: dict[str, Any] = {}
        self.closed = False
        self._listeners = listeners
        self._savepoints = 0

    @contextmanager
    def begin(self) -> Iterator[None]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        if self.dialect == SQLITE:
            # Take the write lock up front, so read-then-write units of work never lose an update to
            # another process (the `smsvoice worker` shares the file).
            self.raw.execute("BEGIN IMMEDIATE")
        # psycopg opens the transaction itself with the first statement (store/libpq.py sends it
        # ahead of its own).
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        self.commit()

    def commit(self) -> None:
        self.raw.commit()
        self._listeners.committed(self)

    def rollback(self) -> None:
        try:
            self.raw.rollback()
        finally:
            self._listeners.rolled_back(self)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: what the block wrote is undone alone if it raises."""
        self._savepoints += 1
        name = f"smsvoice_savepoint_{self._savepoints}"
        self.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.execute(f"ROLLBACK TO SAVEPOINT {name}")
            self.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self.execute(f"RELEASE SAVEPOINT {name}")

    def execute(self, sql: str) -> Any:
        """A statement without parameters (transaction control, DDL), as the driver runs it."""
        if self.dialect == SQLITE:
            return self.raw.execute(sql)
        from smsvoice.store import libpq

        libpq.flush(self.raw)  # the send path's deferred writes go first
        return self.raw.execute(sql)

    @property
    def lost(self) -> bool:
        """Whether the database dropped this connection (a restart, a failover)."""
        if self.closed:
            return True
        if self.dialect == SQLITE:
            return False
        return bool(self.raw.closed or self.raw.broken or int(self.raw.pgconn.status) != 0)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            with contextlib.suppress(Exception):  # a broken connection may fail to close; it is gone
                self.raw.close()


class CommitListeners:
    """Who hears that a transaction of the store's connections committed or rolled back (on the
    thread that ended it)."""

    def __init__(self) -> None:
        self.on_commit: list[Callable[[Connection], None]] = []
        self.on_rollback: list[Callable[[Connection], None]] = []

    def committed(self, connection: Connection) -> None:
        for listener in tuple(self.on_commit):
            listener(connection)

    def rolled_back(self, connection: Connection) -> None:
        for listener in tuple(self.on_rollback):
            listener(connection)


class Database:
    """Where the store's connections come from: `connect` opens one, configured for the store."""

    def __init__(self, url: DatabaseUrl) -> None:
        self.url = url
        self.dialect = url.dialect
        self.listeners = CommitListeners()

    def connect(self) -> Connection:
        raw = _connect_sqlite(self.url) if self.dialect == SQLITE else _connect_postgresql(self.url)
        return Connection(raw, self.dialect, self.listeners)


def _connect_sqlite(url: DatabaseUrl) -> sqlite3.Connection:
    # isolation_level None: the store's BEGIN IMMEDIATE is the only transaction control (the
    # driver's own is not); check_same_thread off: connections are closed by the closing thread.
    raw = sqlite3.connect(url.database or ":memory:", isolation_level=None, check_same_thread=False)
    try:
        configure_sqlite(raw)
    except BaseException:
        raw.close()
        raise
    return raw


def configure_sqlite(raw: sqlite3.Connection) -> None:
    """The settings of every connection to the embedded store."""
    raw.isolation_level = None
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "wal_autocheckpoint=0",  # checkpoints run on their own thread (store/checkpointer.py)
        f"journal_size_limit={JOURNAL_SIZE_LIMIT_BYTES}",
        f"cache_size=-{SQLITE_CACHE_KIB}",
        f"busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}",
        "foreign_keys=ON",
        # Debian's SQLite (and others) is built with secure_delete on: every page a delete frees is
        # rewritten with zeros, which doubled the log the pruner writes (5.4 against 2.9 KB per
        # pruned message). FAST still zeroes deleted content inside the pages a delete writes anyway.
        "secure_delete=FAST",
    ):
        raw.execute(f"PRAGMA {pragma}")


def _connect_postgresql(url: DatabaseUrl) -> Any:
    import psycopg  # only with the postgres extra

    options: dict[str, Any] = {"connect_timeout": 5, **url.options}
    return psycopg.connect(
        dbname=url.database,
        user=url.user,
        password=url.password,
        host=url.host,
        port=url.port,
        autocommit=False,
        # The send path prepares its own statements (store/libpq.py); psycopg's automatic ones would
        # make it DEALLOCATE ALL after a failed transaction, taking ours with them.
        prepare_threshold=None,
        **options,
    )


def database_errors() -> tuple[type[BaseException], ...]:
    """The drivers' exceptions: a statement failed, or the database cannot be reached."""
    import sys

    psycopg = sys.modules.get("psycopg")
    return (sqlite3.Error,) if psycopg is None else (sqlite3.Error, psycopg.Error)


def is_database_error(error: BaseException) -> bool:
    return isinstance(error, database_errors())
