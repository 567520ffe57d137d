"""Tables of the store, in SQLAlchemy Core so that SQLite and PostgreSQL share one definition.

This is the schema at the newest migration (store/migrations/versions/); a change here comes with
a migration, and tests/store/test_migrations.py checks that the two agree. The store itself runs
plain SQL and creates an empty database from DDL files written from these tables (store/ddl/, by
`python -m smsvoice.store.schema`; tests/store/test_migrations.py checks they are current), so the
server imports SQLAlchemy only to upgrade an older store.

Resources (configuration sets, phone numbers, pools, ...) are JSON documents keyed by account,
region, kind and key: their shape is the API's, so handlers stay short, and a new resource
family needs no migration. Messages, their event records and the delivery outbox have their own
tables because they are written on the hot path and queried by status.
"""

from __future__ import annotations

from pathlib import Path

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
    # Bumped by every change: "update if the version is still V" (store/documents.py).
    Column("version", Integer, nullable=False, server_default="1"),
    # Rows live in the primary-key B-tree itself on SQLite: one tree less to write per change.
    sqlite_with_rowid=False,
)
Index("resources_by_parent", resources.c.account, resources.c.region, resources.c.kind, resources.c.parent)

# How many documents of each kind an account has in a region: quota checks read one row instead of
# counting an index range (kept by Documents.add/remove in the same transaction).
resource_counts = Table(
    "resource_counts",
    metadata,
    Column("account", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("kind", String(64), primary_key=True),
    Column("count", Integer, nullable=False),
    sqlite_with_rowid=False,
)

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
    sqlite_with_rowid=False,
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
# Retention (store/pruning.py) finds the oldest messages of all accounts.
Index("messages_by_age", messages.c.created_at)

# Every event record of a message, in order: what the inspection API shows and what was matched.
message_events = Table(
    "message_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", String(64), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("record", Text, nullable=False),  # the AWS event record, JSON
)
Index("message_events_by_message", message_events.c.message_id, message_events.c.id)

# The carrier simulator's pending work: one row per message that has a timed transition still to come
# (the next one is due at `due_at`). Manual-mode messages have no row: only the inspection API moves them.
scheduled_transitions = Table(
    "scheduled_transitions",
    metadata,
    Column("message_id", String(64), primary_key=True),
    Column("due_at", Float, nullable=False),
)
Index("scheduled_transitions_due", scheduled_transitions.c.due_at)

# Registration work that falls due on the simulator clock (store/registration_jobs.py): a review step
# of a submitted registration, or the fetch of an attachment given by URL. One row per pending job.
registration_jobs = Table(
    "registration_jobs",
    metadata,
    Column("key", String(128), primary_key=True),  # "<job>/<RegistrationId or attachment id>"
    Column("account", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("due_at", Float, nullable=False),
)
Index("registration_jobs_due", registration_jobs.c.due_at)

# Month-to-date spend per account, region and channel (TEXT, VOICE, MEDIA), kept as a running total
# so that the spend-limit check of a send is one key lookup, not a scan of the month's messages.
spend_totals = Table(
    "spend_totals",
    metadata,
    Column("account", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("channel", String(8), primary_key=True),
    Column("month", String(7), primary_key=True),  # YYYY-MM, UTC
    # The month's total is the sum of its shards: concurrent sends on PostgreSQL add to different
    # rows instead of queueing on one row's lock until each commit (store/spend.py).
    Column("shard", Integer, primary_key=True),
    Column("total", Float, nullable=False),
    sqlite_with_rowid=False,
)

# The delivery outbox: one row per (event record, matching event destination), written in the same
# transaction as the status change that produced the record. Workers claim rows with a lease
# (`claimed_until`); a row is never deleted when claimed, only marked when done.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("message_id", String(64), nullable=False),
    Column("event_id", Integer, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("configuration_set", String(256), nullable=False),
    Column("destination_name", String(64), nullable=False),
    Column("destination_kind", String(16), nullable=False),  # SNS, CLOUDWATCH_LOGS, FIREHOSE
    Column("target_arn", String(2048), nullable=False),
    Column("iam_role_arn", String(2048), nullable=True),
    Column("record", Text, nullable=False),
    Column("status", String(16), nullable=False),  # PENDING, DELIVERED, DEAD
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Float, nullable=False),
    Column("claimed_until", Float, nullable=True),
    Column("claimed_by", String(64), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("delivered_at", Float, nullable=True),
)
Index("outbox_due", outbox.c.status, outbox.c.next_attempt_at)
Index("outbox_by_message", outbox.c.message_id)
# Parking and resuming a paused destination's rows (store/pauses.py) finds them by target.
Index("outbox_by_target", outbox.c.target_arn, outbox.c.status, outbox.c.next_attempt_at)

# Destinations whose failures belong to the destination, not to a record (no credentials, no such
# topic, access denied, endpoint unreachable): their rows are parked until a probe finds the
# destination working. Shared by every worker of every node.
destination_pauses = Table(
    "destination_pauses",
    metadata,
    Column("target_arn", String(2048), primary_key=True),
    Column("destination_kind", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("failures", Integer, nullable=False),  # destination-wide failures in a row
    Column("paused_at", Float, nullable=False),
    Column("retry_at", Float, nullable=False),  # when the next probe may start
    Column("probe_by", String(64), nullable=True),  # the worker probing now, until probe_until
    Column("probe_until", Float, nullable=True),
)

# What handsets sent to the account's numbers (two-way SMS), oldest first by received_at; `doc` is the
# whole InboundMessage (store/inbound.py).
inbound_messages = Table(
    "inbound_messages",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("account", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("handset", String(32), nullable=False),
    Column("number", String(32), nullable=False),
    Column("received_at", Float, nullable=False),
    Column("doc", Text, nullable=False),
)
Index(
    "inbound_by_account",
    inbound_messages.c.account,
    inbound_messages.c.region,
    inbound_messages.c.received_at,
)
# The change marker reads the newest inbound message (server/changes_api.py).
Index("inbound_by_time", inbound_messages.c.received_at)
Index(
    "inbound_by_conversation",
    inbound_messages.c.number,
    inbound_messages.c.handset,
    inbound_messages.c.received_at,
)

# The EventBridge events smsvoice made that are not a message's (a message's are derived from its event
# records: messaging/eventbridge.py), published or not (`--eventbridge`): `subject` is the registration
# it is about, `envelope` the whole event as EventBridge delivers it, `outbox_id` the outbox row that
# publishes it (None when publishing is off).
eventbridge_events = Table(
    "eventbridge_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("subject", String(256), nullable=False),
    Column("detail_type", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("envelope", Text, nullable=False),
    Column("outbox_id", Integer, nullable=True),
)
Index("eventbridge_by_subject", eventbridge_events.c.subject, eventbridge_events.c.id)
Index(
    "eventbridge_by_account",
    eventbridge_events.c.account,
    eventbridge_events.c.region,
    eventbridge_events.c.id,
)

# Request-rate token buckets shared by every node (store/rates.py): key is API/operation/account/region.
request_rates = Table(
    "request_rates",
    metadata,
    Column("key", String(256), primary_key=True),
    Column("tokens", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    sqlite_with_rowid=False,
)

# Named values: the store's own bookkeeping and the settings every node shares (store/settings.py).
store_meta = Table(
    "store_meta",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


def ddl(dialect_name: str) -> str:
    """The CREATE statements of every table and index, and of Alembic's version table, for the
    database `dialect_name` ("sqlite" or "postgresql"), as store/ddl/<dialect>.sql holds them."""
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = sqlite.dialect() if dialect_name == "sqlite" else postgresql.dialect()  # type: ignore[no-untyped-call]
    statements: list[str] = []
    for table in metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda index: str(index.name)):
            statements.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    statements.append("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    return "".join(f"{statement};\n\n" for statement in statements)


def write_ddl(directory: Path) -> None:
    for dialect_name in ("sqlite", "postgresql"):
        (directory / f"{dialect_name}.sql").write_text(
            f"-- Written by `python -m smsvoice.store.schema` from store/schema.py; do not edit.\n\n"
            f"{ddl(dialect_name)}",
            encoding="utf-8",
        )


__all__ = [
    "eventbridge_events",
    "idempotency",
    "inbound_messages",
    "message_events",
    "messages",
    "metadata",
    "outbox",
    "registration_jobs",
    "request_rates",
    "resources",
    "scheduled_transitions",
    "spend_totals",
    "store_meta",
]

if __name__ == "__main__":
    write_ddl(Path(__file__).with_name("ddl"))
