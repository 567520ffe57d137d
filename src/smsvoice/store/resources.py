"""Documents of one kind across every account and region (the inspection API lists them)."""

from __future__ import annotations

from dataclasses import dataclass

import orjson
from sqlalchemy import Connection, select

from smsvoice.store.documents import Document
from smsvoice.store.schema import resources


@dataclass(frozen=True, slots=True)
class Located:
    account: str
    region: str
    key: str
    doc: Document


class Resources:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def of_kind(self, kind: str, *, account: str | None = None, region: str | None = None) -> list[Located]:
        """In account, region and key order."""
        query = select(resources.c.account, resources.c.region, resources.c.key, resources.c.doc).where(
            resources.c.kind == kind
        )
        if account:
            query = query.where(resources.c.account == account)
        if region:
            query = query.where(resources.c.region == region)
        query = query.order_by(resources.c.account, resources.c.region, resources.c.key)
        return [
            Located(row_account, row_region, key, orjson.loads(doc))
            for row_account, row_region, key, doc in self._connection.execute(query)
        ]

    def with_key(self, kind: str, key: str) -> list[Located]:
        """Every document of `kind` with `key`, whatever its account and region."""
        query = (
            select(resources.c.account, resources.c.region, resources.c.key, resources.c.doc)
            .where(resources.c.kind == kind, resources.c.key == key)
            .order_by(resources.c.account, resources.c.region)
        )
        return [
            Located(row_account, row_region, found_key, orjson.loads(doc))
            for row_account, row_region, found_key, doc in self._connection.execute(query)
        ]
