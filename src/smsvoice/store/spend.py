"""Month-to-date spend per account, region and channel: the one place spend is accounted.

Kept as a running total per calendar month (UTC), so that the spend-limit check of a send is one key
lookup, not a scan of the month's messages. Prices have 5 decimal places; the total is a float sum,
read back rounded to them.
"""

from __future__ import annotations

import time
from decimal import Decimal

from smsvoice.store.sql import Statement, Target

_KEY = "account = :account AND region = :region AND channel = :channel AND month = :month"
_MONTH_SPEND = Statement(f"SELECT total FROM message_spend WHERE {_KEY}")
_ADD_SPEND = Statement(
    "INSERT INTO message_spend (account, region, channel, month, total) "
    "VALUES (:account, :region, :channel, :month, :total) "
    "ON CONFLICT (account, region, channel, month) DO UPDATE SET total = message_spend.total + :total"
)


def spend_month(at: float) -> str:
    """The calendar month (UTC) that a spend counts toward, as YYYY-MM."""
    return time.strftime("%Y-%m", time.gmtime(at))


class Spend:
    def __init__(self, tx: Target) -> None:
        self._tx = tx
        self._connection = tx.connection

    def month_to_date(self, account: str, region: str, channel: str, at: float) -> Decimal:
        """What `channel` has cost in the month of `at`, in USD."""
        row = _MONTH_SPEND.one(
            self._tx,
            {"account": account, "region": region, "channel": channel, "month": spend_month(at)},
        )
        return Decimal(f"{0.0 if row is None else float(row[0]):.5f}")

    def add(self, account: str, region: str, channel: str, at: float, amount: float) -> None:
        if amount <= 0:
            return
        _ADD_SPEND.execute(
            self._tx,
            {
                "account": account,
                "region": region,
                "channel": channel,
                "month": spend_month(at),
                "total": amount,
            },
        )
