"""`smsvoice db upgrade` and `smsvoice db current`."""

from __future__ import annotations

import logging
import sys

from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from smsvoice.store import migrate
from smsvoice.store.engine import shown_url
from smsvoice.store.errors import SchemaMismatch


def run_db_command(command: str, url: str) -> int:
    # Alembic announces each of its plugins at INFO; the migrations it runs are what matters.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    engine = create_engine(url)
    shown = shown_url(url)
    try:
        if command == "current":
            with engine.connect() as connection:
                found = migrate.current_revision(connection)
            print(f"store {shown}: revision {found or '(empty)'}; this smsvoice: {migrate.HEAD}")
            return 0
        done = migrate.upgrade(engine)
    except (SchemaMismatch, OperationalError) as problem:
        print(f"smsvoice: {problem}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    if done.before == done.after:
        print(f"store {shown}: already at revision {done.after}")
    else:
        print(f"store {shown}: upgraded from revision {done.before or '(empty)'} to {done.after}")
    return 0
