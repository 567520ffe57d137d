"""Where the store of a test server lives: its data dir (SQLite), or a PostgreSQL database.

With `SMSVOICE_TEST_POSTGRES` set to a server URL (`postgresql+psycopg://user@127.0.0.1:5432`), every
data dir that tests give a server or worker is mapped to a database of its own on that server, named
after the data dir: a restarted server and a worker given the same data dir share one database, as
they share one file on SQLite. The database is created, and its schema brought up to date, on first
use. `./run test` runs the suite once without it and once with it (a throwaway cluster).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Final

POSTGRES_ENV: Final = "SMSVOICE_TEST_POSTGRES"


def postgres_server() -> str | None:
    """The PostgreSQL server the tests run on, or None for the embedded SQLite store."""
    return os.environ.get(POSTGRES_ENV) or None


def database_name(data_dir: Path) -> str:
    digest = hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return f"smsvoice_test_{digest}"


def store_url(data_dir: Path) -> str:
    """The store URL of `data_dir` (creating its PostgreSQL database when tests run on one)."""
    server = postgres_server()
    if server is None:
        return f"sqlite:///{(data_dir / 'smsvoice.db').resolve()}"
    name = database_name(data_dir)
    _create_database(server, name)
    return f"{server.rstrip('/')}/{name}"


def store_args(data_dir: Path) -> list[str]:
    """The `serve`/`worker` flags that put the store where `store_url` says."""
    if postgres_server() is None:
        return ["--data-dir", str(data_dir)]
    data_dir.mkdir(parents=True, exist_ok=True)  # still the home of files tests write next to it
    return ["--data-dir", str(data_dir), "--database-url", store_url(data_dir), "--db-upgrade", "on"]


def _create_database(server: str, name: str) -> None:
    from contextlib import closing

    from smsvoice.store.connection import Database, parse_url

    with closing(Database(parse_url(f"{server.rstrip('/')}/postgres")).connect()) as connection:
        raw = connection.raw
        raw.autocommit = True  # CREATE DATABASE runs outside a transaction
        if raw.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            raw.execute(f'CREATE DATABASE "{name}"')
