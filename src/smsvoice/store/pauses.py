"""Paused event destinations: the circuit breaker's state, shared by every worker of every node.

A destination is paused when an attempt fails for a reason that belongs to the destination (no
credentials, no such topic, access denied, endpoint unreachable). While it is paused its outbox rows
are parked (store/outbox.py) and no worker claims them; when `retry_at` comes, one worker takes the
probe (`claim_probe`, a lease like the outbox's) and tries the oldest record. Success resumes the
destination; failure pauses it again for longer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, insert, or_, select, update

from smsvoice.store.schema import destination_pauses
from smsvoice.store.sql import Target


@dataclass(frozen=True, slots=True)
class Pause:
    target_arn: str
    destination_kind: str
    reason: str
    failures: int
    paused_at: float
    retry_at: float
    probe_by: str | None
    probe_until: float | None


_COLUMNS = [destination_pauses.c[name] for name in Pause.__dataclass_fields__]


class DestinationPauses:
    def __init__(self, tx: Target) -> None:
        self._connection = tx.connection

    def all(self) -> list[Pause]:
        query = select(*_COLUMNS).order_by(destination_pauses.c.paused_at)
        return [Pause(*row) for row in self._connection.execute(query)]

    def pause(
        self, *, target_arn: str, kind: str, reason: str, now: float, delay: Callable[[int], float]
    ) -> tuple[Pause, bool]:
        """Pause the destination (again) for `delay(failures in a row)` seconds; (the pause, whether it
        was running until now)."""
        query = select(*_COLUMNS).where(destination_pauses.c.target_arn == target_arn)
        if self._connection.dialect.name != "sqlite":
            query = query.with_for_update()
        row = self._connection.execute(query).first()
        if row is None:
            pause = Pause(target_arn, kind, reason, 1, now, now + delay(1), None, None)
            self._connection.execute(insert(destination_pauses).values(**_values(pause)))
            return pause, True
        before = Pause(*row)
        failures = before.failures + 1
        pause = Pause(target_arn, kind, reason, failures, before.paused_at, now + delay(failures), None, None)
        self._connection.execute(
            update(destination_pauses)
            .where(destination_pauses.c.target_arn == target_arn)
            .values(**_values(pause))
        )
        return pause, False

    def claim_probe(self, *, worker_id: str, now: float, lease_seconds: float) -> Pause | None:
        """One paused destination whose next probe is due and not taken by a live worker, now this
        worker's to probe until the lease ends."""
        free = or_(destination_pauses.c.probe_until.is_(None), destination_pauses.c.probe_until <= now)
        query = (
            select(*_COLUMNS)
            .where(destination_pauses.c.retry_at <= now, free)
            .order_by(destination_pauses.c.retry_at)
            .limit(1)
        )
        if self._connection.dialect.name != "sqlite":
            query = query.with_for_update(skip_locked=True)
        row = self._connection.execute(query).first()
        if row is None:
            return None
        pause = Pause(*row)
        self._connection.execute(
            update(destination_pauses)
            .where(destination_pauses.c.target_arn == pause.target_arn)
            .values(probe_by=worker_id, probe_until=now + lease_seconds)
        )
        return pause

    def resume(self, target_arn: str) -> bool:
        """The destination works: no longer paused (False when it was not)."""
        result = self._connection.execute(
            delete(destination_pauses).where(destination_pauses.c.target_arn == target_arn)
        )
        return bool(result.rowcount)


def _values(pause: Pause) -> dict[str, object]:
    return {name: getattr(pause, name) for name in Pause.__dataclass_fields__}
