"""ClientToken idempotency: the first answer to a token and a fingerprint of its parameters."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

from smsvoice.store.errors import WriteConflict
from smsvoice.store.sql import Statement, Target


@dataclass(frozen=True, slots=True)
class Remembered:
    fingerprint: str
    response: dict[str, Any]


def fingerprint(params: dict[str, Any], token_member: str) -> str:
    """A digest of the parameters other than the token itself (key order does not matter)."""
    rest = {key: value for key, value in params.items() if key != token_member}
    canonical = orjson.dumps(rest, option=orjson.OPT_SORT_KEYS, default=repr)
    return hashlib.sha256(canonical).hexdigest()


_KEY = "account = :account AND region = :region AND operation = :operation AND token = :token"
# A claimed token's response stays '' until its handler has answered (in the same transaction).
_CLAIM = Statement(
    "INSERT INTO idempotency (account, region, operation, token, fingerprint, response, created_at) "
    "VALUES (:account, :region, :operation, :token, :fingerprint, '', :created_at) ON CONFLICT DO NOTHING"
)
_ANSWER = Statement(f"UPDATE idempotency SET response = :response WHERE {_KEY}")
# The key is the table's primary key: one row at most.
_RECALL = Statement(f"SELECT fingerprint, response FROM idempotency WHERE {_KEY}")


class Idempotency:
    def __init__(self, tx: Target) -> None:
        self._tx = tx

    def recall(self, account: str, region: str, operation: str, token: str) -> Remembered | None:
        row = _RECALL.one(
            self._tx, {"account": account, "region": region, "operation": operation, "token": token}
        )
        if row is None:
            return None
        digest, response_text = row
        response = orjson.loads(response_text)
        assert isinstance(response, dict)
        return Remembered(digest, response)

    def claim(self, account: str, region: str, operation: str, token: str, digest: str, now: float) -> None:
        """Take the token before the handler runs. On PostgreSQL a concurrent claim of the same token
        waits here until the first one's transaction ends; finding it answered then means running
        the unit of work again (WriteConflict), which recalls that answer."""
        claimed = _CLAIM.rowcount(
            self._tx,
            {
                "account": account,
                "region": region,
                "operation": operation,
                "token": token,
                "fingerprint": digest,
                "created_at": now,
            },
        )
        if claimed != 1:
            raise WriteConflict(f"{operation} ClientToken {token} answered elsewhere meanwhile")

    def remember(
        self, account: str, region: str, operation: str, token: str, response: dict[str, Any]
    ) -> None:
        """Keep the answer of a claimed token."""
        _ANSWER.execute(
            self._tx,
            {
                "account": account,
                "region": region,
                "operation": operation,
                "token": token,
                "response": orjson.dumps(response).decode(),
            },
        )
