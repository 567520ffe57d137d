"""Month-to-date spend per account, region and channel: the one place spend is accounted.

Kept as running totals per calendar month (UTC), so that the spend-limit check of a send reads a
few rows, not the month's messages. On PostgreSQL two sends checked at the same moment may both pass
a limit that only one of them fits under (each sees the other's spend once it commits): the limit
can be overshot by the sends in flight, as with any counter that is not a lock. Prices have 5 decimal places; the total is a float sum,
read back rounded to them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol

from smsvoice.store.sql import Rows, Statement, Target

# SQLite has one writer: one row per month is enough, and reading it is one key lookup. Elsewhere a
# send adds to one of SHARDS rows picked at random, so that concurrent sends rarely wait on one row.
SHARDS = 16

# (account, region, channel, month)
SpendKey = tuple[str, str, str, str]


class SpendTarget(Target, Protocol):
    # Spend added but not written yet, by key: a batch of sends on PostgreSQL writes it last
    # (store/batches.py); None writes each addition as it is made.
    spend_due: dict[SpendKey, float] | None


_KEY = "account = :account AND region = :region AND channel = :channel AND month = :month"
_MONTH_SPEND = Statement(f"SELECT SUM(total) FROM spend_totals WHERE {_KEY}", libpq=True)
_ADD_SPEND = Statement(
    "INSERT INTO spend_totals (account, region, channel, month, shard, total) "
    "VALUES (:account, :region, :channel, :month, :shard, :total) "
    "ON CONFLICT (account, region, channel, month, shard) DO UPDATE SET total = spend_totals.total + :total",
    libpq=True,
)


def spend_month(at: float) -> str:
    """The calendar month (UTC) that a spend counts toward, as YYYY-MM."""
    return time.strftime("%Y-%m", time.gmtime(at))


class Spend:
    def __init__(self, tx: SpendTarget) -> None:
        self._tx = tx
        # Month-to-date reads queued by `read_ahead`, by (account, region, channel, month).
        self._ahead: dict[SpendKey, Rows] = {}

    def read_ahead(self, account: str, region: str, channel: str, at: float) -> None:
        """Queue the read `month_to_date` will make, to ride with the transaction's next statement
        (on PostgreSQL; store/libpq.py); elsewhere nothing is gained and nothing is done."""
        if not self._tx.libpq:
            return
        month = spend_month(at)
        self._ahead[(account, region, channel, month)] = _MONTH_SPEND.read_ahead(
            self._tx, [account, region, channel, month]
        )

    def month_to_date(self, account: str, region: str, channel: str, at: float) -> Decimal:
        """What `channel` has cost in the month of `at`, in USD."""
        month = spend_month(at)
        ahead = self._ahead.pop((account, region, channel, month), None)
        if ahead is not None:
            row = ahead.fetchone()
        else:
            row = _MONTH_SPEND.one(
                self._tx, {"account": account, "region": region, "channel": channel, "month": month}
            )
        total = 0.0 if row is None or row[0] is None else float(row[0])
        due = self._tx.spend_due
        if due is not None:
            total += due.get((account, region, channel, month), 0.0)
        return Decimal(f"{total:.5f}")

    def add(self, account: str, region: str, channel: str, at: float, amount: float) -> None:
        if amount <= 0:
            return
        key = (account, region, channel, spend_month(at))
        due = self._tx.spend_due
        if due is not None:
            due[key] = due.get(key, 0.0) + amount
            return
        _write(self._tx, key, 0 if self._tx.paramstyle == "qmark" else random.randrange(SHARDS), amount)


def write_due(tx: Target, due: Mapping[SpendKey, float]) -> None:
    """Write spend held back by a batch, one statement per key, in key order: any two transactions
    that write this way lock spend rows in the same order, so they never deadlock on them."""
    shard = random.randrange(SHARDS)
    for key in sorted(due):
        _write(tx, key, shard, due[key])


def _write(tx: Target, key: SpendKey, shard: int, amount: float) -> None:
    account, region, channel, month = key
    _ADD_SPEND.defer(
        tx,
        {
            "account": account,
            "region": region,
            "channel": channel,
            "month": month,
            "shard": shard,
            "total": amount,
        },
    )
