"""Alembic's environment: smsvoice runs migrations on a connection it opened itself (store/migrate.py)."""

from __future__ import annotations

from alembic import context

from smsvoice.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
