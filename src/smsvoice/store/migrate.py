"""The store's schema version, and bringing a database up to it with Alembic.

`smsvoice db upgrade` applies the migrations to any database; `smsvoice serve` applies them at start
on the embedded SQLite store, and on another database refuses to start with a clear message when the
schema is behind (run `smsvoice db upgrade`) or newer than this code. Reading the version needs no
Alembic, so a start-up on an up-to-date store does not pay for importing it.

A database made before migrations existed (smsvoice 0.1: `store_meta.schema_version = 1`, no
`alembic_version` table) is stamped as revision 0001 and upgraded from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import Connection, Engine, inspect, text

from smsvoice.store.errors import SchemaMismatch
from smsvoice.store.schema import metadata

# The newest revision (store/migrations/versions/); tests/store/test_migrations.py checks it is
# Alembic's head.
HEAD: Final = "0010"
# Every revision this code knows, oldest first.
KNOWN: Final = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010")
_LEGACY: Final = "0001"
_MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True, slots=True)
class Upgrade:
    before: str | None  # None: an empty database
    after: str


def current_revision(connection: Connection) -> str | None:
    """The database's revision; None for an empty database."""
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables:
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
        return None if found is None else str(found)
    if "store_meta" in tables:
        return _LEGACY
    return None


def _alembic_config(connection: Connection) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> Upgrade:
    """Bring the database to HEAD (a no-op when it is there already)."""
    with engine.connect() as connection:
        before = current_revision(connection)
        _refuse_newer(before)
        if before == HEAD:
            return Upgrade(before, HEAD)
        if before is None:
            # An empty database: the declared schema at once, marked as HEAD (what running every
            # migration gives, as tests/store/test_migrations.py checks), without importing Alembic.
            metadata.create_all(connection)
            connection.execute(
                text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
            )
            connection.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": HEAD}
            )
            connection.commit()
            return Upgrade(None, HEAD)
        from alembic import command

        config = _alembic_config(connection)
        if before is not None and "alembic_version" not in inspect(connection).get_table_names():
            command.stamp(config, _LEGACY)  # type: ignore[arg-type]
        command.upgrade(config, "head")  # type: ignore[arg-type]
        connection.commit()
    return Upgrade(before, HEAD)


def check(engine: Engine) -> None:
    """Refuse a database whose schema is not HEAD (behind: run `smsvoice db upgrade`)."""
    with engine.connect() as connection:
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
