"""`smsvoice db upgrade` and `smsvoice db current`."""

from __future__ import annotations

import logging
import sys
from contextlib import closing

from smsvoice.store import migrate
from smsvoice.store.connection import Database, UnsupportedDatabase, is_database_error, parse_url
from smsvoice.store.errors import SchemaMismatch


def run_db_command(command: str, url: str) -> int:
    # Alembic announces each of its plugins at INFO; the migrations it runs are what matters.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    try:
        database = Database(parse_url(url))
        shown = database.url.shown
        if command == "current":
            with closing(database.connect()) as connection, connection.begin():
                found = migrate.current_revision(connection)
            print(f"store {shown}: revision {found or '(empty)'}; this smsvoice: {migrate.HEAD}")
            return 0
        done = migrate.upgrade(database)
    except Exception as problem:
        if not isinstance(problem, (SchemaMismatch, UnsupportedDatabase)) and not is_database_error(problem):
            raise
        print(f"smsvoice: {problem}", file=sys.stderr)
        return 2
    if done.before == done.after:
        print(f"store {shown}: already at revision {done.after}")
    else:
        print(f"store {shown}: upgraded from revision {done.before or '(empty)'} to {done.after}")
    return 0
