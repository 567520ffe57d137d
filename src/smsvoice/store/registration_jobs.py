"""Registration work due at a time of the simulator clock: review steps and attachment fetches.

A job is named by its key ("<job>/<id>"); scheduling a key again moves it. The runner
(registration_runner.py) takes what is due, a small batch at a time; on PostgreSQL rows another
transaction holds are skipped, so concurrent rounds take different jobs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select

from smsvoice.store.schema import registration_jobs
from smsvoice.store.sql import Statement, Target

_SCHEDULE = Statement(
    "INSERT INTO registration_jobs (key, account, region, due_at) VALUES (:key, :account, :region, :due_at) "
    "ON CONFLICT (key) DO UPDATE SET due_at = :due_at"
)


@dataclass(frozen=True, slots=True)
class DueJob:
    key: str
    account: str
    region: str
    due_at: float


class RegistrationJobs:
    def __init__(self, tx: Target) -> None:
        self._tx = tx
        self._connection = tx.connection

    def schedule(self, key: str, account: str, region: str, due_at: float) -> None:
        _SCHEDULE.execute(self._tx, {"key": key, "account": account, "region": region, "due_at": due_at})

    def clear(self, key: str) -> None:
        self._connection.execute(delete(registration_jobs).where(registration_jobs.c.key == key))

    def due(self, now: float, limit: int, *, prefix: str) -> list[DueJob]:
        """Jobs whose key starts with `prefix` and whose time has come, earliest first."""
        table = registration_jobs.c
        query = (
            select(table.key, table.account, table.region, table.due_at)
            .where(table.due_at <= now, table.key.startswith(prefix))
            .order_by(table.due_at)
            .limit(limit)
        )
        if self._connection.dialect.name != "sqlite":
            query = query.with_for_update(skip_locked=True)
        rows = self._connection.execute(query)
        return [
            DueJob(str(key), str(account), str(region), float(due_at))
            for key, account, region, due_at in rows
        ]

    def pending_count(self) -> int:
        return int(self._connection.execute(select(func.count()).select_from(registration_jobs)).scalar_one())
