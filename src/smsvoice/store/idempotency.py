"""ClientToken idempotency: the first answer to a token and a fingerprint of its parameters."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from smsvoice.store.errors import WriteConflict
from smsvoice.store.schema import idempotency


@dataclass(frozen=True, slots=True)
class Remembered:
    fingerprint: str
    response: dict[str, Any]


def fingerprint(params: dict[str, Any], token_member: str) -> str:
    """A digest of the parameters other than the token itself (key order does not matter)."""
    rest = {key: value for key, value in params.items() if key != token_member}
    canonical = orjson.dumps(rest, option=orjson.OPT_SORT_KEYS, default=repr)
    return hashlib.sha256(canonical).hexdigest()


class Idempotency:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def recall(self, account: str, region: str, operation: str, token: str) -> Remembered | None:
        row = self._connection.execute(
            select(idempotency.c.fingerprint, idempotency.c.response).where(
                idempotency.c.account == account,
                idempotency.c.region == region,
                idempotency.c.operation == operation,
                idempotency.c.token == token,
            )
        ).one_or_none()
        if row is None:
            return None
        response = orjson.loads(row.response)
        assert isinstance(response, dict)
        return Remembered(row.fingerprint, response)

    def remember(
        self,
        account: str,
        region: str,
        operation: str,
        token: str,
        digest: str,
        response: dict[str, Any],
        now: float,
    ) -> None:
        statement = insert(idempotency).values(
            account=account,
            region=region,
            operation=operation,
            token=token,
            fingerprint=digest,
            response=orjson.dumps(response).decode(),
            created_at=now,
        )
        try:
            self._connection.execute(statement)
        except IntegrityError:
            # Another node answered the same token first (its transaction committed after this one
            # looked): running the unit of work again finds that answer and returns it.
            raise WriteConflict(f"{operation} ClientToken {token} answered elsewhere meanwhile") from None
