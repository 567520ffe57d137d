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

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, or_, select, update

from smsvoice.store.schema import outbox
from smsvoice.store.sql import Statement, Target

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


_CLAIMED_COLUMNS = (
    outbox.c.id,
    outbox.c.message_id,
    outbox.c.event_type,
    outbox.c.destination_kind,
    outbox.c.target_arn,
    outbox.c.iam_role_arn,
    outbox.c.record,
    outbox.c.created_at,
    outbox.c.configuration_set,
    outbox.c.destination_name,
    outbox.c.attempts,
)


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
        self._connection = tx.connection
        self._inserts = _SQLITE_INSERTS if tx.connection.dialect.name == "sqlite" else _SERVER_INSERTS

    def enqueue(self, entries: list[OutboxEntry], now: float) -> None:
        """Add entries in the caller's transaction, due at once."""
        if not entries:
            return
        self._inserts.row.defer_many(self._tx, [_row(entry, now) for entry in entries])
        self._written(entries)

    def enqueue_for_newest_event(self, entries: list[OutboxEntry], now: float) -> None:
        """`enqueue` for the record of each entry's message written last in this transaction (the
        entries' own `event_id` is not read)."""
        if not entries:
            return
        self._inserts.for_newest_event.defer_many(self._tx, [_row(entry, now) for entry in entries])
        self._written(entries)

    def enqueue_one(self, entry: OutboxEntry, now: float) -> int:
        """Add one entry in the caller's transaction, due at once; answers its row id."""
        row = self._inserts.returning_id.one(self._tx, _row(entry, now))
        assert row is not None
        self._written([entry])
        return int(row[0])

    def _written(self, entries: list[OutboxEntry]) -> None:
        self._connection.info.setdefault(OUTBOX_WRITTEN, set()).update(entry.target_arn for entry in entries)

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
        due = (
            select(outbox.c.id)
            .where(
                outbox.c.status == PENDING,
                outbox.c.next_attempt_at <= now,
                or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until <= now),
            )
            .order_by(outbox.c.next_attempt_at, outbox.c.id)
            .limit(limit)
        )
        if skip_targets:
            due = due.where(outbox.c.target_arn.not_in(list(skip_targets)))
        if self._connection.dialect.name != "sqlite":
            due = due.with_for_update(skip_locked=True)
        statement = (
            update(outbox)
            .where(outbox.c.id.in_(due.scalar_subquery()))
            # Moving next_attempt_at to the end of the lease takes claimed rows out of the due range,
            # so the next claim's index scan does not wade through rows that are in flight.
            .values(
                claimed_by=worker_id, claimed_until=now + lease_seconds, next_attempt_at=now + lease_seconds
            )
            .returning(*_CLAIMED_COLUMNS)
        )
        claimed = [ClaimedRow(*row) for row in self._connection.execute(statement)]
        # RETURNING gives no order: deliver oldest first.
        claimed.sort(key=lambda item: (item.created_at, item.row_id))
        return claimed

    def renew_leases(self, *, worker_id: str, until: float) -> None:
        """Extend every claim this worker still holds (it is alive; its rows are not up for grabs).

        Parked rows are left out (a probe's row stays parked while it is tried): without that bound the
        statement would read every parked row of a dead destination, hundreds of thousands after a few
        minutes of traffic, each time the leases are renewed."""
        self._connection.execute(
            update(outbox)
            .where(
                outbox.c.status == PENDING,
                outbox.c.next_attempt_at < PARKED_AT,
                outbox.c.claimed_by == worker_id,
            )
            .values(claimed_until=until, next_attempt_at=until)
        )

    def release_all(self, *, worker_id: str, now: float) -> None:
        """Give back every claim this worker holds (clean shutdown): due again at once."""
        self._connection.execute(
            update(outbox)
            .where(outbox.c.claimed_by == worker_id, outbox.c.status == PENDING)
            .values(claimed_until=None, claimed_by=None, next_attempt_at=now)
        )

    def record_outcomes(self, outcomes: Outcomes, *, worker_id: str, now: float) -> None:
        """Write a batch's outcomes. Only rows still PENDING change; a failure is recorded only by
        the worker that still holds the claim (if the lease ran out, the new holder decides)."""
        cleared: dict[str, Any] = {"claimed_until": None, "claimed_by": None}
        connection = self._connection
        if outcomes.delivered:
            connection.execute(
                update(outbox)
                .where(outbox.c.id.in_(list(outcomes.delivered)), outbox.c.status == PENDING)
                # A finished row's next_attempt_at is when it was last tried (retention and the change
                # marker read it by index).
                .values(
                    status=DELIVERED,
                    delivered_at=now,
                    next_attempt_at=now,
                    attempts=outbox.c.attempts + 1,
                    **cleared,
                )
            )
        held = and_(
            outbox.c.id == bindparam("row_id"),
            outbox.c.status == PENDING,
            outbox.c.claimed_by == worker_id,
        )
        if outcomes.rescheduled:
            connection.execute(
                update(outbox)
                .where(held)
                .values(
                    attempts=outbox.c.attempts + 1,
                    last_error=bindparam("error"),
                    next_attempt_at=bindparam("next_at"),
                    **cleared,
                ),
                [
                    {"row_id": item.row_id, "error": item.error, "next_at": item.next_attempt_at}
                    for item in outcomes.rescheduled
                ],
            )
        if outcomes.dead:
            connection.execute(
                update(outbox)
                .where(held)
                .values(
                    status=DEAD,
                    next_attempt_at=now,
                    attempts=outbox.c.attempts + 1,
                    last_error=bindparam("error"),
                    **cleared,
                ),
                [{"row_id": item.row_id, "error": item.error} for item in outcomes.dead],
            )
        if outcomes.released:
            connection.execute(
                update(outbox)
                .where(
                    outbox.c.id.in_(list(outcomes.released)),
                    outbox.c.status == PENDING,
                    outbox.c.claimed_by == worker_id,
                )
                .values(next_attempt_at=now, **cleared)
            )

    def park(self, *, target_arn: str, worker_id: str, now: float, reason: str) -> int:
        """Park the destination's waiting rows: those no worker holds and those this worker holds
        (rows another live worker is attempting are parked when their attempt fails too)."""
        result = self._connection.execute(
            update(outbox)
            .where(
                outbox.c.target_arn == target_arn,
                outbox.c.status == PENDING,
                outbox.c.next_attempt_at < PARKED_AT,
                or_(
                    outbox.c.claimed_by.is_(None),
                    outbox.c.claimed_by == worker_id,
                    outbox.c.claimed_until <= now,
                ),
            )
            .values(
                next_attempt_at=PARKED_AT + outbox.c.created_at,
                claimed_by=None,
                claimed_until=None,
                last_error=reason,
            )
        )
        return int(result.rowcount)

    def claim_parked(
        self, *, target_arn: str, worker_id: str, now: float, lease_seconds: float
    ) -> ClaimedRow | None:
        """The oldest parked row of the destination, claimed for a probe (it stays parked meanwhile)."""
        oldest = (
            select(outbox.c.id)
            .where(
                outbox.c.target_arn == target_arn,
                outbox.c.status == PENDING,
                outbox.c.next_attempt_at >= PARKED_AT,
            )
            .order_by(outbox.c.next_attempt_at, outbox.c.id)
            .limit(1)
        )
        statement = (
            update(outbox)
            .where(outbox.c.id == oldest.scalar_subquery())
            .values(claimed_by=worker_id, claimed_until=now + lease_seconds)
            .returning(*_CLAIMED_COLUMNS)
        )
        row = self._connection.execute(statement).first()
        return None if row is None else ClaimedRow(*row)

    def unpark(self, target_arn: str) -> int:
        """The destination works again: its parked rows are due, each at its original place."""
        result = self._connection.execute(
            update(outbox)
            .where(
                outbox.c.target_arn == target_arn,
                outbox.c.status == PENDING,
                outbox.c.next_attempt_at >= PARKED_AT,
            )
            .values(next_attempt_at=outbox.c.created_at, claimed_by=None, claimed_until=None)
        )
        return int(result.rowcount)

    def expire_parked(self, *, target_arn: str, created_before: float, error: str, now: float) -> int:
        """Dead-letter the destination's parked rows whose retention window has ended."""
        result = self._connection.execute(
            update(outbox)
            .where(
                outbox.c.target_arn == target_arn,
                outbox.c.status == PENDING,
                outbox.c.next_attempt_at >= PARKED_AT,
                outbox.c.next_attempt_at < PARKED_AT + created_before,
                outbox.c.claimed_by.is_(None),
            )
            .values(status=DEAD, last_error=error, next_attempt_at=now)
        )
        return int(result.rowcount)

    def list(self, where: DeliveryFilter) -> tuple[list[OutboxRow], int | None]:
        """Rows in outbox order, and the id to continue after when `limit` cut the list short."""
        columns = [outbox.c[name] for name in OutboxRow.__dataclass_fields__]
        query = select(*columns).where(outbox.c.id > where.after).order_by(outbox.c.id)
        if where.account:
            query = query.where(outbox.c.account == where.account)
        if where.region:
            query = query.where(outbox.c.region == where.region)
        if where.status:
            query = query.where(outbox.c.status == where.status)
        if where.message_id:
            query = query.where(outbox.c.message_id == where.message_id)
        if where.limit is not None:
            query = query.limit(where.limit + 1)
        rows = [OutboxRow(*row) for row in self._connection.execute(query)]
        if where.limit is not None and len(rows) > where.limit:
            rows = rows[: where.limit]
            return rows, rows[-1].id
        return rows, None
