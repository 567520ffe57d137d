"""Documents of one kind across every account and region (the inspection API lists them)."""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from smsvoice.store.documents import Document
from smsvoice.store.sql import Statement, Target


@dataclass(frozen=True, slots=True)
class Located:
    account: str
    region: str
    key: str
    doc: Document


def _of_kind(by_account: bool, by_region: bool) -> Statement:
    conditions = ["kind = :kind"]
    if by_account:
        conditions.append("account = :account")
    if by_region:
        conditions.append("region = :region")
    return Statement(
        f"SELECT account, region, key, doc FROM resources WHERE {' AND '.join(conditions)} "
        "ORDER BY account, region, key"
    )


# By which of account and region the documents are filtered.
_OF_KIND = {
    (by_account, by_region): _of_kind(by_account, by_region)
    for by_account in (False, True)
    for by_region in (False, True)
}
_WITH_KEY = Statement(
    "SELECT account, region, key, doc FROM resources WHERE kind = :kind AND key = :key ORDER BY account, region"
)


class Resources:
    def __init__(self, tx: Target) -> None:
        self._tx = tx

    def of_kind(self, kind: str, *, account: str | None = None, region: str | None = None) -> list[Located]:
        """In account, region and key order."""
        statement = _OF_KIND[bool(account), bool(region)]  # an empty account or region filters nothing
        rows = statement.all(self._tx, {"kind": kind, "account": account, "region": region})
        return [
            Located(row_account, row_region, key, orjson.loads(doc))
            for row_account, row_region, key, doc in rows
        ]

    def with_key(self, kind: str, key: str) -> list[Located]:
        """Every document of `kind` with `key`, whatever its account and region."""
        return [
            Located(row_account, row_region, found_key, orjson.loads(doc))
            for row_account, row_region, found_key, doc in _WITH_KEY.all(self._tx, {"kind": kind, "key": key})
        ]
