"""Alembic migrations of the store's schema (applied by `smsvoice db upgrade`, see store/migrate.py)."""
