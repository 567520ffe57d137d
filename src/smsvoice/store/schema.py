"""Tables of the store, in SQLAlchemy Core so that SQLite and PostgreSQL share one definition.

Resources (configuration sets, phone numbers, pools, ...) are JSON documents keyed by account,
region, kind and key: their shape is the API's, so handlers stay short, and a new resource
family needs no migration. Messages, their event records and the delivery outbox have their own
tables because they are written on the hot path and queried by status.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

resources = Table(
    "resources",
    metadata,
    Column("account", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("kind", String(64), primary_key=True),
    Column("key", String(512), primary_key=True),
    # The owning resource, for children listed by parent (for example a pool's numbers).
    Column("parent", String(512), nullable=True),
    Column("created_at", Float, nullable=False),
    Column("doc", Text, nullable=False),
)
Index("resources_by_parent", resources.c.account, resources.c.region, resources.c.kind, resources.c.parent)

# ClientToken idempotency: the first answer to a token, and a fingerprint of the parameters it came with.
idempotency = Table(
    "idempotency",
    metadata,
    Column("account", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("operation", String(64), primary_key=True),
    Column("token", String(64), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("response", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

messages = Table(
    "messages",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("account", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("api", String(8), nullable=False),  # v1 or v2
    Column("channel", String(8), nullable=False),  # TEXT, VOICE, MEDIA
    Column("destination", String(32), nullable=False),
    Column("status", String(32), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("doc", Text, nullable=False),
)
Index("messages_by_account", messages.c.account, messages.c.region, messages.c.created_at)

# Key/value settings of the store itself (schema version, ...).
store_meta = Table(
    "store_meta",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

SCHEMA_VERSION = 1
__all__ = ["SCHEMA_VERSION", "Integer", "idempotency", "messages", "metadata", "resources", "store_meta"]
