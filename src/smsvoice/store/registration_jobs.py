"""Registration work due at a time of the simulator clock: review steps and attachment fetches.

A job is named by its key ("<job>/<id>"); scheduling a key again moves it. The runner
(registration_runner.py) takes what is due, a small batch at a time; on PostgreSQL rows another
transaction holds are skipped, so concurrent rounds take different jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from smsvoice.store.sql import Statement, Target, first_float

_SCHEDULE = Statement(
    "INSERT INTO registration_jobs (key, account, region, due_at) VALUES (:key, :account, :region, :due_at) "
    "ON CONFLICT (key) DO UPDATE SET due_at = :due_at"
)
_CLEAR = Statement("DELETE FROM registration_jobs WHERE key = :key")
# `:key_prefix` is the prefix followed by '%' (its own '%' and '_' are not escaped: prefixes have none).
_DUE = (
    "SELECT key, account, region, due_at FROM registration_jobs WHERE due_at <= :now AND key LIKE :key_prefix "
    "ORDER BY due_at LIMIT :limit"
)
# PostgreSQL: rows another transaction holds are skipped (SQLite's single writer needs no lock).
_DUE_BY_DIALECT = {
    "sqlite": Statement(_DUE),
    "postgresql": Statement(f"{_DUE} FOR UPDATE SKIP LOCKED"),
}
_PENDING_COUNT = Statement("SELECT count(*) FROM registration_jobs")
_NEXT_DUE_AT = Statement("SELECT min(due_at) FROM registration_jobs", libpq=True)


@dataclass(frozen=True, slots=True)
class DueJob:
    key: str
    account: str
    region: str
    due_at: float


class RegistrationJobs:
    def __init__(self, tx: Target) -> None:
        self._tx = tx

    def schedule(self, key: str, account: str, region: str, due_at: float) -> None:
        _SCHEDULE.execute(self._tx, {"key": key, "account": account, "region": region, "due_at": due_at})

    def clear(self, key: str) -> None:
        _CLEAR.execute(self._tx, {"key": key})

    def due(self, now: float, limit: int, *, prefix: str) -> list[DueJob]:
        """Jobs whose key starts with `prefix` and whose time has come, earliest first."""
        rows = _DUE_BY_DIALECT[self._tx.dialect].all(
            self._tx, {"now": now, "key_prefix": f"{prefix}%", "limit": limit}
        )
        return [
            DueJob(str(key), str(account), str(region), float(due_at))
            for key, account, region, due_at in rows
        ]

    def next_due_at_ahead(self) -> Callable[[], float | None]:
        """When the earliest job falls due (None: no job), read with the transaction's next round
        trip on PostgreSQL: call the answer for the value."""
        return first_float(_NEXT_DUE_AT.read_ahead(self._tx, []))

    def pending_count(self) -> int:
        row = _PENDING_COUNT.one(self._tx, {})
        assert row is not None  # count(*) answers one row
        return int(row[0])
