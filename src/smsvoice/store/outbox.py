"""The delivery outbox: one row per (event record, matching event destination).

Rows are written in the same transaction as the status change that produced the record (`enqueue`,
hot path: one statement, many rows). Workers claim due rows with a lease: one short statement,
UPDATE ... WHERE id IN (SELECT due rows LIMIT n) RETURNING, in its own transaction, so no write lock
is held while AWS is called. On PostgreSQL the inner SELECT takes FOR UPDATE SKIP LOCKED, so that
concurrent workers pick disjoint rows without waiting; on SQLite the store's BEGIN IMMEDIATE already
serialises writers. A row whose lease (`claimed_until`) ran out - its worker died or hung - is due
again. Rows are never deleted when claimed: delivered rows are marked DELIVERED, failed ones
rescheduled or marked DEAD, and all of them stay visible.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from smsvoice.store.sql import SERVER_JSON_IDS, SQLITE_JSON_IDS, Statement, Target

PENDING = "PENDING"
DELIVERED = "DELIVERED"
DEAD = "DEAD"
STATUSES = (PENDING, DELIVERED, DEAD)

# Parked rows (their destination is paused: store/pauses.py) have next_attempt_at = PARKED_AT +
# created_at: past any real time (the year 33658), so no claim finds them due, and in creation order
# on the (target_arn, status, next_attempt_at) index, so parking new rows, finding the oldest for a
# probe and expiring old ones read only the rows concerned. Resuming puts each back at created_at.
PARKED_AT = 1e12

# On a connection whose transaction wrote outbox rows, the set of their target ARNs: the commit hook
# (Store.on_outbox_commit) hands it to the delivery worker when that transaction commits.
OUTBOX_WRITTEN = "smsvoice_outbox_written"


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One event record bound for one event destination."""

    account: str
    region: str
    message_id: str
    event_id: int
    event_type: str
    configuration_set: str
    destination_name: str
    destination_kind: str  # SNS, CLOUDWATCH_LOGS or FIREHOSE
    target_arn: str  # topic, log group or delivery stream ARN
    iam_role_arn: str | None
    record: str  # the event record's JSON text, exactly as published


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    """One outbox row claimed by a worker."""

    row_id: int
    message_id: str
    event_type: str
    destination_kind: str
    target_arn: str
    iam_role_arn: str | None
    record: str
    created_at: float
    configuration_set: str
    destination_name: str
    attempts: int  # attempts finished before this one


@dataclass(frozen=True, slots=True)
class Rescheduled:
    row_id: int
    error: str
    next_attempt_at: float


@dataclass(frozen=True, slots=True)
class Dead:
    row_id: int
    error: str


@dataclass(frozen=True, slots=True)
class Outcomes:
    """What one batch's attempt came to, written back in one transaction."""

    delivered: list[int]
    rescheduled: list[Rescheduled]
    dead: list[Dead]
    released: list[int]  # claimed but not attempted: due again at once, attempts unchanged


@dataclass(frozen=True, slots=True)
class DeliveryFilter:
    account: str | None = None
    region: str | None = None
    status: str | None = None
    message_id: str | None = None
    after: int = 0  # outbox id to continue after (the previous page's `next_after`)
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A whole outbox row, as the deliveries listing shows it."""

    id: int
    account: str
    region: str
    message_id: str
    event_id: int
    event_type: str
    configuration_set: str
    destination_name: str
    destination_kind: str
    target_arn: str
    iam_role_arn: str | None
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: float
    claimed_by: str | None
    claimed_until: float | None
    created_at: float
    delivered_at: float | None


# The columns of a claimed row, in ClaimedRow's order.
_CLAIMED_COLUMNS = (
    "id, message_id, event_type, destination_kind, target_arn, iam_role_arn, record, created_at, "
    "configuration_set, destination_name, attempts"
)
# SQL conditions on a row's status and on whether it is parked (the constants written as literals).
_IS_PENDING = f"status = '{PENDING}'"
_NOT_PARKED = f"next_attempt_at < {PARKED_AT!r}"
_PARKED = f"next_attempt_at >= {PARKED_AT!r}"
# A claim's hold on a row ends with the claim.
_UNCLAIMED = "claimed_until = NULL, claimed_by = NULL"


def _row_ids(sqlite: bool) -> str:
    """A subquery of the row ids given as one JSON array `:ids` (PostgreSQL reads the array's
    elements as text, and compares no integer column with text)."""
    if sqlite:
        return SQLITE_JSON_IDS
    return f"SELECT CAST(value AS INTEGER) FROM ({SERVER_JSON_IDS}) AS ids (value)"


def _claim_due(*, sqlite: bool, skipping: bool) -> Statement:
    # `skipping`: the target ARNs to pass over, given as one JSON array `:ids`. PostgreSQL: concurrent
    # workers skip each other's rows instead of waiting (the module docstring).
    skip = f" AND target_arn NOT IN ({SQLITE_JSON_IDS if sqlite else SERVER_JSON_IDS})" if skipping else ""
    lock = "" if sqlite else " FOR UPDATE SKIP LOCKED"
    # Moving next_attempt_at to the end of the lease takes claimed rows out of the due range, so the
    # next claim's index scan does not wade through rows that are in flight.
    return Statement(
        "UPDATE outbox SET claimed_by = :worker_id, claimed_until = :until, next_attempt_at = :until "
        f"WHERE id IN (SELECT id FROM outbox WHERE {_IS_PENDING} AND next_attempt_at <= :now "
        f"AND (claimed_until IS NULL OR claimed_until <= :now){skip} "
        f"ORDER BY next_attempt_at, id LIMIT :limit{lock}) RETURNING {_CLAIMED_COLUMNS}"
    )


# By (whether on SQLite, whether some targets are skipped).
_CLAIM_DUE = {
    (sqlite, skipping): _claim_due(sqlite=sqlite, skipping=skipping)
    for sqlite in (True, False)
    for skipping in (False, True)
}
_RENEW_LEASES = Statement(
    "UPDATE outbox SET claimed_until = :until, next_attempt_at = :until "
    f"WHERE {_IS_PENDING} AND {_NOT_PARKED} AND claimed_by = :worker_id"
)
_RELEASE_ALL = Statement(
    f"UPDATE outbox SET {_UNCLAIMED}, next_attempt_at = :now WHERE claimed_by = :worker_id AND {_IS_PENDING}"
)
# A finished row's next_attempt_at is when it was last tried (retention and the change marker read it
# by index). These two by whether on SQLite.
_DELIVERED = {
    sqlite: Statement(
        f"UPDATE outbox SET status = '{DELIVERED}', delivered_at = :now, next_attempt_at = :now, "
        f"attempts = attempts + 1, {_UNCLAIMED} WHERE id IN ({_row_ids(sqlite)}) AND {_IS_PENDING}"
    )
    for sqlite in (True, False)
}
_RELEASED = {
    sqlite: Statement(
        f"UPDATE outbox SET next_attempt_at = :now, {_UNCLAIMED} "
        f"WHERE id IN ({_row_ids(sqlite)}) AND {_IS_PENDING} AND claimed_by = :worker_id"
    )
    for sqlite in (True, False)
}
# A failure is written only where the worker still holds the claim.
_HELD = f"id = :row_id AND {_IS_PENDING} AND claimed_by = :worker_id"
_RESCHEDULED = Statement(
    "UPDATE outbox SET attempts = attempts + 1, last_error = :error, next_attempt_at = :next_at, "
    f"{_UNCLAIMED} WHERE {_HELD}"
)
_DEAD = Statement(
    f"UPDATE outbox SET status = '{DEAD}', next_attempt_at = :now, attempts = attempts + 1, "
    f"last_error = :error, {_UNCLAIMED} WHERE {_HELD}"
)
_PARK = Statement(
    f"UPDATE outbox SET next_attempt_at = {PARKED_AT!r} + created_at, {_UNCLAIMED}, last_error = :reason "
    f"WHERE target_arn = :target_arn AND {_IS_PENDING} AND {_NOT_PARKED} "
    "AND (claimed_by IS NULL OR claimed_by = :worker_id OR claimed_until <= :now)"
)
_CLAIM_PARKED = Statement(
    "UPDATE outbox SET claimed_by = :worker_id, claimed_until = :until WHERE id = (SELECT id FROM outbox "
    f"WHERE target_arn = :target_arn AND {_IS_PENDING} AND {_PARKED} ORDER BY next_attempt_at, id LIMIT 1) "
    f"RETURNING {_CLAIMED_COLUMNS}"
)
_UNPARK = Statement(
    f"UPDATE outbox SET next_attempt_at = created_at, {_UNCLAIMED} "
    f"WHERE target_arn = :target_arn AND {_IS_PENDING} AND {_PARKED}"
)
_EXPIRE_PARKED = Statement(
    f"UPDATE outbox SET status = '{DEAD}', last_error = :error, next_attempt_at = :now "
    f"WHERE target_arn = :target_arn AND {_IS_PENDING} AND {_PARKED} AND next_attempt_at < :parked_before "
    "AND claimed_by IS NULL"
)

# The deliveries listing's optional filters (DeliveryFilter's fields, each an outbox column), and its
# statements, made when first used: by (the filters given, whether a limit is).
_LIST_FILTERS = ("account", "region", "status", "message_id")
_LISTS: dict[tuple[tuple[str, ...], bool], Statement] = {}


def _list(filters: tuple[str, ...], limited: bool) -> Statement:
    statement = _LISTS.get((filters, limited))
    if statement is None:
        conditions = "".join(f" AND {name} = :{name}" for name in filters)
        statement = Statement(
            f"SELECT {', '.join(OutboxRow.__dataclass_fields__)} FROM outbox WHERE id > :after{conditions} "
            f"ORDER BY id{' LIMIT :limit' if limited else ''}"
        )
        _LISTS[(filters, limited)] = statement
    return statement


def _insert_sql(*, lock: str) -> str:
    # A row bound for a paused destination (store/pauses.py) is written parked, behind the others
    # (as `park` would leave it): the worker then neither claims it nor parks it, each a write of the
    # row and its indexes, for as long as the destination is down. `lock` (PostgreSQL: FOR SHARE)
    # holds off a concurrent resume until this row is committed, so its unpark sees the row. (The cast:
    # PostgreSQL infers no type for a CASE of text parameters, store/libpq.py.)
    return (
        "INSERT INTO outbox (account, region, message_id, event_id, event_type, configuration_set, "
        "destination_name, destination_kind, target_arn, iam_role_arn, record, status, attempts, "
        "next_attempt_at, created_at) VALUES (:account, :region, :message_id, :event_id, :event_type, "
        ":configuration_set, :destination_name, :destination_kind, :target_arn, :iam_role_arn, :record, "
        ":status, 0, CAST(CASE WHEN EXISTS (SELECT 1 FROM destination_pauses WHERE target_arn = :target_arn"
        f"{lock}) THEN :parked_at ELSE :now END AS DOUBLE PRECISION), :now)"
    )


# The rows of a record written just before in this transaction: its id is the message's newest (a
# message's records are written one transaction at a time: a new message, or its row locked), so the
# record's INSERT need not answer its id and can be deferred with these (store/libpq.py).
_NEWEST_EVENT = "(SELECT MAX(id) FROM message_events WHERE message_id = :message_id)"


@dataclass(frozen=True, slots=True)
class _Inserts:
    row: Statement
    returning_id: Statement
    for_newest_event: Statement


def _inserts(lock: str) -> _Inserts:
    sql = _insert_sql(lock=lock)
    return _Inserts(
        Statement(sql, libpq=True),
        Statement(sql + " RETURNING id", libpq=True),
        Statement(sql.replace(":event_id", _NEWEST_EVENT), libpq=True),
    )


_SQLITE_INSERTS = _inserts("")
_SERVER_INSERTS = _inserts(" FOR SHARE")


# PostgreSQL: a record and its outbox rows in one statement (a data-modifying WITH), by the number of
# rows, made when first used. A send writes two records, each with its rows: this halves the
# statements the send path sends, takes the record's id without looking it up, and sends the record's
# text once (a row whose `record` is NULL gets the record's own; an EventBridge row brings its event).
_WITH_NEW_EVENT: dict[int, Statement] = {}
_DELIVERY_COLUMNS = (
    "configuration_set",
    "destination_name",
    "destination_kind",
    "target_arn",
    "iam_role_arn",
)


def _with_new_event(count: int) -> Statement:
    statement = _WITH_NEW_EVENT.get(count)
    if statement is None:
        rows = ", ".join(
            "(" + ", ".join(f":{column}_{index}" for column in (*_DELIVERY_COLUMNS, "record")) + ")"
            for index in range(count)
        )
        statement = Statement(
            "WITH event AS (INSERT INTO message_events (message_id, event_type, created_at, record) "
            "VALUES (:message_id, :event_type, :created_at, :event_record) RETURNING id, record) "
            "INSERT INTO outbox (account, region, message_id, event_id, event_type, configuration_set, "
            "destination_name, destination_kind, target_arn, iam_role_arn, record, status, attempts, "
            "next_attempt_at, created_at) "
            "SELECT :account, :region, :message_id, event.id, :event_type, d.configuration_set, "
            "d.destination_name, d.destination_kind, d.target_arn, d.iam_role_arn, "
            f"COALESCE(d.record, event.record), '{PENDING}', 0, "
            # A paused destination's row is written parked, as _insert_sql says.
            "CASE WHEN EXISTS (SELECT 1 FROM destination_pauses p WHERE p.target_arn = d.target_arn FOR SHARE) "
            "THEN CAST(:parked_at AS DOUBLE PRECISION) ELSE CAST(:now AS DOUBLE PRECISION) END, "
            "CAST(:now AS DOUBLE PRECISION) "
            f"FROM event, (VALUES {rows}) AS d ({', '.join(_DELIVERY_COLUMNS)}, record)",
            libpq=True,
        )
        _WITH_NEW_EVENT[count] = statement
    return statement


def _row(entry: OutboxEntry, now: float) -> dict[str, Any]:
    return {
        "account": entry.account,
        "region": entry.region,
        "message_id": entry.message_id,
        "event_id": entry.event_id,
        "event_type": entry.event_type,
        "configuration_set": entry.configuration_set,
        "destination_name": entry.destination_name,
        "destination_kind": entry.destination_kind,
        "target_arn": entry.target_arn,
        "iam_role_arn": entry.iam_role_arn,
        "record": entry.record,
        "status": PENDING,
        "now": now,
        "parked_at": PARKED_AT + now,
    }


class Outbox:
    def __init__(self, tx: Target) -> None:
        self._tx = tx
        self._sqlite = tx.dialect == "sqlite"
        self._inserts = _SQLITE_INSERTS if self._sqlite else _SERVER_INSERTS

    def enqueue(self, entries: list[OutboxEntry], now: float) -> None:
        """Add entries in the caller's transaction, due at once."""
        if not entries:
            return
        self._inserts.row.defer_many(self._tx, [_row(entry, now) for entry in entries])
        self._written(entries)

    def enqueue_for_newest_event(self, entries: Sequence[OutboxEntry], now: float) -> None:
        """`enqueue` for the record of each entry's message written last in this transaction (the
        entries' own `event_id` is not read)."""
        if not entries:
            return
        self._inserts.for_newest_event.defer_many(self._tx, [_row(entry, now) for entry in entries])
        self._written(entries)

    def enqueue_with_new_event(
        self, event: dict[str, Any], entries: Sequence[OutboxEntry], now: float
    ) -> None:
        """Write a message's new record (`event`: its message_id, event_type, created_at and record)
        and `entries` for it, in one statement deferred as the send path's writes are (PostgreSQL; a
        transaction on SQLite writes the record, then `enqueue_for_newest_event`)."""
        params = {
            "message_id": event["message_id"],
            "event_type": event["event_type"],
            "created_at": event["created_at"],
            "event_record": event["record"],
            "account": entries[0].account,
            "region": entries[0].region,
            "now": now,
            "parked_at": PARKED_AT + now,
        }
        for index, entry in enumerate(entries):
            for column in _DELIVERY_COLUMNS:
                params[f"{column}_{index}"] = getattr(entry, column)
            params[f"record_{index}"] = None if entry.record == event["record"] else entry.record
        _with_new_event(len(entries)).defer(self._tx, params)
        self._written(entries)

    def enqueue_one(self, entry: OutboxEntry, now: float) -> int:
        """Add one entry in the caller's transaction, due at once; answers its row id."""
        row = self._inserts.returning_id.one(self._tx, _row(entry, now))
        assert row is not None
        self._written([entry])
        return int(row[0])

    def _written(self, entries: Sequence[OutboxEntry]) -> None:
        # The commit hook (Store.on_outbox_commit, store/engine.py) reads the set from the connection.
        self._tx.info.setdefault(OUTBOX_WRITTEN, set()).update(entry.target_arn for entry in entries)

    def claim_due(
        self,
        *,
        worker_id: str,
        now: float,
        lease_seconds: float,
        limit: int,
        skip_targets: Collection[str] = (),
    ) -> list[ClaimedRow]:
        """Claim up to `limit` due rows, oldest first, skipping destinations whose worker is busy."""
        statement = _CLAIM_DUE[(self._sqlite, bool(skip_targets))]
        params: dict[str, Any] = {
            "worker_id": worker_id,
            "until": now + lease_seconds,
            "now": now,
            "limit": limit,
        }
        if skip_targets:
            params["ids"] = orjson.dumps(list(skip_targets)).decode()
        claimed = [ClaimedRow(*row) for row in statement.all(self._tx, params)]
        # RETURNING gives no order: deliver oldest first.
        claimed.sort(key=lambda item: (item.created_at, item.row_id))
        return claimed

    def renew_leases(self, *, worker_id: str, until: float) -> None:
        """Extend every claim this worker still holds (it is alive; its rows are not up for grabs).

        Parked rows are left out (a probe's row stays parked while it is tried): without that bound the
        statement would read every parked row of a dead destination, hundreds of thousands after a few
        minutes of traffic, each time the leases are renewed."""
        _RENEW_LEASES.execute(self._tx, {"worker_id": worker_id, "until": until})

    def release_all(self, *, worker_id: str, now: float) -> None:
        """Give back every claim this worker holds (clean shutdown): due again at once."""
        _RELEASE_ALL.execute(self._tx, {"worker_id": worker_id, "now": now})

    def record_outcomes(self, outcomes: Outcomes, *, worker_id: str, now: float) -> None:
        """Write a batch's outcomes. Only rows still PENDING change; a failure is recorded only by
        the worker that still holds the claim (if the lease ran out, the new holder decides)."""
        tx = self._tx
        if outcomes.delivered:
            ids = orjson.dumps(outcomes.delivered).decode()
            _DELIVERED[self._sqlite].execute(tx, {"now": now, "ids": ids})
        if outcomes.rescheduled:
            _RESCHEDULED.execute_many(
                tx,
                [
                    {
                        "row_id": item.row_id,
                        "error": item.error,
                        "next_at": item.next_attempt_at,
                        "worker_id": worker_id,
                    }
                    for item in outcomes.rescheduled
                ],
            )
        if outcomes.dead:
            _DEAD.execute_many(
                tx,
                [
                    {"row_id": item.row_id, "error": item.error, "now": now, "worker_id": worker_id}
                    for item in outcomes.dead
                ],
            )
        if outcomes.released:
            ids = orjson.dumps(outcomes.released).decode()
            _RELEASED[self._sqlite].execute(tx, {"now": now, "ids": ids, "worker_id": worker_id})

    def park(self, *, target_arn: str, worker_id: str, now: float, reason: str) -> int:
        """Park the destination's waiting rows: those no worker holds and those this worker holds
        (rows another live worker is attempting are parked when their attempt fails too)."""
        return _PARK.rowcount(
            self._tx, {"target_arn": target_arn, "worker_id": worker_id, "now": now, "reason": reason}
        )

    def claim_parked(
        self, *, target_arn: str, worker_id: str, now: float, lease_seconds: float
    ) -> ClaimedRow | None:
        """The oldest parked row of the destination, claimed for a probe (it stays parked meanwhile)."""
        row = _CLAIM_PARKED.one(
            self._tx, {"target_arn": target_arn, "worker_id": worker_id, "until": now + lease_seconds}
        )
        return None if row is None else ClaimedRow(*row)

    def unpark(self, target_arn: str) -> int:
        """The destination works again: its parked rows are due, each at its original place."""
        return _UNPARK.rowcount(self._tx, {"target_arn": target_arn})

    def expire_parked(self, *, target_arn: str, created_before: float, error: str, now: float) -> int:
        """Dead-letter the destination's parked rows whose retention window has ended."""
        return _EXPIRE_PARKED.rowcount(
            self._tx,
            {
                "target_arn": target_arn,
                "parked_before": PARKED_AT + created_before,
                "error": error,
                "now": now,
            },
        )

    def list(self, where: DeliveryFilter) -> tuple[list[OutboxRow], int | None]:
        """Rows in outbox order, and the id to continue after when `limit` cut the list short."""
        given = {name: getattr(where, name) for name in _LIST_FILTERS}
        filters = tuple(name for name, value in given.items() if value)
        params: dict[str, Any] = {"after": where.after, **given}
        if where.limit is not None:
            params["limit"] = where.limit + 1
        rows = [OutboxRow(*row) for row in _list(filters, where.limit is not None).all(self._tx, params)]
        if where.limit is not None and len(rows) > where.limit:
            rows = rows[: where.limit]
            return rows, rows[-1].id
        return rows, None
