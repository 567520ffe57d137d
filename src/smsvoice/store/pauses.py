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

from smsvoice.store.sql import Statement, Target


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


_FIELDS = tuple(Pause.__dataclass_fields__)  # each a column of destination_pauses
_COLUMNS = ", ".join(_FIELDS)
_ALL = Statement(f"SELECT {_COLUMNS} FROM destination_pauses ORDER BY paused_at")
# By whether on SQLite. PostgreSQL locks the row it reads for the write that follows (SQLite's store
# has its single writer's lock already).
_ONE = {
    sqlite: Statement(
        f"SELECT {_COLUMNS} FROM destination_pauses WHERE target_arn = :target_arn{'' if sqlite else ' FOR UPDATE'}"
    )
    for sqlite in (True, False)
}
_INSERT = Statement(
    f"INSERT INTO destination_pauses ({_COLUMNS}) VALUES ({', '.join(':' + name for name in _FIELDS)})"
)
_UPDATE = Statement(
    "UPDATE destination_pauses SET "
    + ", ".join(f"{name} = :{name}" for name in _FIELDS if name != "target_arn")
    + " WHERE target_arn = :target_arn"
)
# By whether on SQLite. PostgreSQL: a destination another worker is taking the probe of is skipped, not
# waited for.
_DUE_PROBE = {
    sqlite: Statement(
        f"SELECT {_COLUMNS} FROM destination_pauses WHERE retry_at <= :now "
        "AND (probe_until IS NULL OR probe_until <= :now) ORDER BY retry_at LIMIT 1"
        + ("" if sqlite else " FOR UPDATE SKIP LOCKED")
    )
    for sqlite in (True, False)
}
_TAKE_PROBE = Statement(
    "UPDATE destination_pauses SET probe_by = :worker_id, probe_until = :until WHERE target_arn = :target_arn"
)
_DELETE = Statement("DELETE FROM destination_pauses WHERE target_arn = :target_arn")


class DestinationPauses:
    def __init__(self, tx: Target) -> None:
        self._tx = tx
        self._sqlite = tx.dialect == "sqlite"

    def all(self) -> list[Pause]:
        return [Pause(*row) for row in _ALL.all(self._tx, {})]

    def pause(
        self, *, target_arn: str, kind: str, reason: str, now: float, delay: Callable[[int], float]
    ) -> tuple[Pause, bool]:
        """Pause the destination (again) for `delay(failures in a row)` seconds; (the pause, whether it
        was running until now)."""
        row = _ONE[self._sqlite].one(self._tx, {"target_arn": target_arn})
        if row is None:
            pause = Pause(target_arn, kind, reason, 1, now, now + delay(1), None, None)
            _INSERT.execute(self._tx, _values(pause))
            return pause, True
        before = Pause(*row)
        failures = before.failures + 1
        pause = Pause(target_arn, kind, reason, failures, before.paused_at, now + delay(failures), None, None)
        _UPDATE.execute(self._tx, _values(pause))
        return pause, False

    def claim_probe(self, *, worker_id: str, now: float, lease_seconds: float) -> Pause | None:
        """One paused destination whose next probe is due and not taken by a live worker, now this
        worker's to probe until the lease ends."""
        row = _DUE_PROBE[self._sqlite].one(self._tx, {"now": now})
        if row is None:
            return None
        pause = Pause(*row)
        _TAKE_PROBE.execute(
            self._tx, {"worker_id": worker_id, "until": now + lease_seconds, "target_arn": pause.target_arn}
        )
        return pause

    def resume(self, target_arn: str) -> bool:
        """The destination works: no longer paused (False when it was not)."""
        return bool(_DELETE.rowcount(self._tx, {"target_arn": target_arn}))


def _values(pause: Pause) -> dict[str, object]:
    return {name: getattr(pause, name) for name in _FIELDS}
