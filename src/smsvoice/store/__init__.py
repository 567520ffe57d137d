"""Durable state: SQLite (WAL) by default, any SQLAlchemy URL (PostgreSQL) by configuration."""
