"""Request-rate token buckets shared by every node on the store (`--throttling aws`).

One row per (API, operation, account, region). Taking a token is one statement that both refills
the bucket for the time passed and takes from it, only when a whole token is there; the database
serializes concurrent takes on one row, so the rate holds across all nodes together. A refused take
changes nothing (the tokens keep accruing from the last successful take).
"""

from __future__ import annotations

from smsvoice.store.sql import Statement, Target

_TAKE = {
    # SQLite's two-argument min() is PostgreSQL's LEAST().
    least: Statement(
        "INSERT INTO request_rates (key, tokens, updated_at) VALUES (:key, :rate - 1, :now) "
        "ON CONFLICT (key) DO UPDATE SET "
        f"tokens = {least}(:rate, request_rates.tokens + (:now - request_rates.updated_at) * :rate) - 1, "
        "updated_at = :now "
        f"WHERE {least}(:rate, request_rates.tokens + (:now - request_rates.updated_at) * :rate) >= 1 "
        "RETURNING tokens"
    )
    for least in ("min", "LEAST")
}


class RequestRates:
    def __init__(self, tx: Target) -> None:
        self._tx = tx

    def take(self, key: str, rate: float, now: float) -> bool:
        """Take one token from the bucket `key` that refills at `rate` per second (and holds at most
        `rate`); False when there is none."""
        statement = _TAKE["min" if self._tx.paramstyle == "qmark" else "LEAST"]
        return statement.one(self._tx, {"key": key, "rate": float(rate), "now": now}) is not None
