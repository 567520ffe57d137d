"""The store's schema version, and bringing a database up to it with Alembic.

`smsvoice db upgrade` applies the migrations to any database; `smsvoice serve` applies them at start
on the embedded SQLite store, and on another database refuses to start with a clear message when the
schema is behind (run `smsvoice db upgrade`) or newer than this code. Reading the version and creating
an empty database's schema need neither Alembic nor SQLAlchemy (store/connection.py), so a start-up
pays for importing them only when it upgrades an older store.

A database made before migrations existed (smsvoice 0.1: `store_meta.schema_version = 1`, no
`alembic_version` table) is stamped as revision 0001 and upgraded from there.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from smsvoice.store.connection import SQLITE, Connection, Database, configure_sqlite
from smsvoice.store.errors import SchemaMismatch

# The newest revision (store/migrations/versions/); tests/store/test_migrations.py checks it is
# Alembic's head.
HEAD: Final = "0010"
# Every revision this code knows, oldest first.
KNOWN: Final = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010")
_LEGACY: Final = "0001"
_MIGRATIONS = Path(__file__).with_name("migrations")
# The declared schema (store/schema.py) as each database's DDL, written by `python -m
# smsvoice.store.schema` (tests/store/test_migrations.py checks the files are what it writes).
DDL = Path(__file__).with_name("ddl")


@dataclass(frozen=True, slots=True)
class Upgrade:
    before: str | None  # None: an empty database
    after: str


def table_names(connection: Connection) -> set[str]:
    if connection.dialect == SQLITE:
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    return {str(name) for (name,) in connection.execute(query).fetchall()}


def current_revision(connection: Connection) -> str | None:
    """The database's revision; None for an empty database."""
    tables = table_names(connection)
    if "alembic_version" in tables:
        found = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if found is None else str(found[0])
    if "store_meta" in tables:
        return _LEGACY
    return None


def create_statements(dialect: str) -> list[str]:
    """The declared schema's CREATE statements for `dialect`, from the DDL files."""
    lines = (DDL / f"{dialect}.sql").read_text(encoding="utf-8").splitlines(keepends=True)
    text = "".join(line for line in lines if not line.startswith("--"))
    return [statement.strip() for statement in text.split(";\n") if statement.strip()]


def upgrade(database: Database) -> Upgrade:
    """Bring the database to HEAD (a no-op when it is there already)."""
    with closing(database.connect()) as connection, connection.begin():
        before = current_revision(connection)
        _refuse_newer(before)
        if before == HEAD:
            return Upgrade(before, HEAD)
        if before is None:
            # An empty database: the declared schema at once, marked as HEAD (what running every
            # migration gives, as tests/store/test_migrations.py checks), without Alembic or
            # SQLAlchemy.
            for statement in create_statements(connection.dialect):
                connection.execute(statement)
            connection.execute(f"INSERT INTO alembic_version (version_num) VALUES ('{HEAD}')")
            return Upgrade(None, HEAD)
    _upgrade_with_alembic(database, before)
    return Upgrade(before, HEAD)


def _upgrade_with_alembic(database: Database, before: str) -> None:
    """Run the migrations from `before` to HEAD, through SQLAlchemy as Alembic needs."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, event, inspect
    from sqlalchemy.pool import NullPool

    engine = create_engine(database.url.text, poolclass=NullPool)
    if database.dialect == SQLITE:
        # The store's own connection settings, and its BEGIN IMMEDIATE as the only transaction control.
        event.listen(engine, "connect", lambda raw, _record: configure_sqlite(raw))
        event.listen(
            engine,
            "begin",
            lambda connection: connection.connection.driver_connection.execute("BEGIN IMMEDIATE"),
        )
    try:
        with engine.connect() as connection:
            config = Config()
            config.set_main_option("script_location", str(_MIGRATIONS))
            config.attributes["connection"] = connection
            if "alembic_version" not in inspect(connection).get_table_names():
                command.stamp(config, _LEGACY)
            command.upgrade(config, "head")
            connection.commit()
    finally:
        engine.dispose()


def check(database: Database) -> None:
    """Refuse a database whose schema is not HEAD (behind: run `smsvoice db upgrade`)."""
    with closing(database.connect()) as connection, connection.begin():
        found = current_revision(connection)
    _refuse_newer(found)
    if found != HEAD:
        raise SchemaMismatch(
            f"the database's schema is at revision {found or '(empty)'}, this smsvoice needs {HEAD}: "
            "run `smsvoice db upgrade --database-url ...` first"
        )


def _refuse_newer(found: str | None) -> None:
    if found is not None and found not in KNOWN:
        raise SchemaMismatch(
            f"the database's schema (revision {found}) is newer than this smsvoice (which knows up to "
            f"{HEAD}): upgrade smsvoice, or use another database"
        )
