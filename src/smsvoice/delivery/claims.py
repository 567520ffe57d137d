"""The outbox from the workers' side: claim due rows with a lease, then mark each one's outcome.

Claiming is one short statement: UPDATE ... WHERE id IN (SELECT due rows LIMIT n) RETURNING, in its
own transaction, so no write lock is held while AWS is called. On PostgreSQL the inner SELECT takes
FOR UPDATE SKIP LOCKED, so that concurrent workers pick disjoint rows without waiting; on SQLite the
store's BEGIN IMMEDIATE already serialises writers. A row whose lease (`claimed_until`) ran out -
its worker died or hung - is due again. Rows are never deleted: delivered rows are marked
DELIVERED, failed ones rescheduled or marked DEAD, and all of them stay visible.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, and_, bindparam, or_, select, update

from smsvoice.delivery.sinks import Destination, Envelope
from smsvoice.store.outbox import DEAD, DELIVERED, PENDING
from smsvoice.store.schema import outbox


@dataclass(frozen=True, slots=True)
class Claimed:
    """One claimed outbox row."""

    row_id: int
    message_id: str
    event_type: str
    destination: Destination
    envelope: Envelope
    attempts: int  # attempts finished before this one
    created_at: float


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


def claim_due(
    connection: Connection,
    *,
    worker_id: str,
    now: float,
    lease_seconds: float,
    limit: int,
    skip_targets: Collection[str] = (),
    skip_locked: bool = False,
) -> list[Claimed]:
    """Claim up to `limit` due rows, oldest due first, skipping destinations whose worker is busy."""
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
    if skip_locked:
        due = due.with_for_update(skip_locked=True)
    statement = (
        update(outbox)
        .where(outbox.c.id.in_(due.scalar_subquery()))
        # Moving next_attempt_at to the end of the lease takes claimed rows out of the due range, so
        # the next claim's index scan does not wade through rows that are in flight.
        .values(claimed_by=worker_id, claimed_until=now + lease_seconds, next_attempt_at=now + lease_seconds)
        .returning(
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
    )
    claimed = [
        Claimed(
            row_id=row.id,
            message_id=row.message_id,
            event_type=row.event_type,
            destination=Destination(row.destination_kind, row.target_arn, row.iam_role_arn),
            envelope=Envelope(
                row_id=row.id,
                record=row.record,
                created_at=row.created_at,
                configuration_set=row.configuration_set,
                destination_name=row.destination_name,
            ),
            attempts=row.attempts,
            created_at=row.created_at,
        )
        for row in connection.execute(statement)
    ]
    # RETURNING gives no order: deliver oldest first.
    claimed.sort(key=lambda item: (item.created_at, item.row_id))
    return claimed


def renew_leases(connection: Connection, *, worker_id: str, until: float) -> None:
    """Extend every claim this worker still holds (it is alive; its rows are not up for grabs)."""
    connection.execute(
        update(outbox)
        .where(outbox.c.claimed_by == worker_id, outbox.c.status == PENDING)
        .values(claimed_until=until, next_attempt_at=until)
    )


def release_all(connection: Connection, *, worker_id: str, now: float) -> None:
    """Give back every claim this worker holds (clean shutdown): due again at once for the next worker."""
    connection.execute(
        update(outbox)
        .where(outbox.c.claimed_by == worker_id, outbox.c.status == PENDING)
        .values(claimed_until=None, claimed_by=None, next_attempt_at=now)
    )


def _ids(values: Iterable[int]) -> list[int]:
    return list(values)


def record_outcomes(connection: Connection, outcomes: Outcomes, *, worker_id: str, now: float) -> None:
    """Write a batch's outcomes. Only rows still PENDING change; a failure is recorded only by the
    worker that still holds the claim (if the lease ran out, the new holder decides)."""
    cleared = {"claimed_until": None, "claimed_by": None}
    if outcomes.delivered:
        connection.execute(
            update(outbox)
            .where(outbox.c.id.in_(_ids(outcomes.delivered)), outbox.c.status == PENDING)
            .values(status=DELIVERED, delivered_at=now, attempts=outbox.c.attempts + 1, **cleared)
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
            .values(status=DEAD, attempts=outbox.c.attempts + 1, last_error=bindparam("error"), **cleared),
            [{"row_id": item.row_id, "error": item.error} for item in outcomes.dead],
        )
    if outcomes.released:
        connection.execute(
            update(outbox)
            .where(
                outbox.c.id.in_(_ids(outcomes.released)),
                outbox.c.status == PENDING,
                outbox.c.claimed_by == worker_id,
            )
            .values(next_attempt_at=now, **cleared)
        )
