"""Resource documents of one account and region: the repository every handler uses."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import orjson
from sqlalchemy import Connection, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from smsvoice.store.schema import resources


class DuplicateKey(Exception):
    """A document with this kind and key already exists in the account and region."""


Document = dict[str, Any]


class _Keep:
    """Marker: leave the stored value as it is."""


_KEEP = _Keep()


class Documents:
    """JSON documents scoped to one (account, region); every call runs in the caller's transaction."""

    def __init__(self, connection: Connection, account: str, region: str) -> None:
        self.connection = connection
        self.account = account
        self.region = region

    def _scope(self, kind: str) -> Any:
        return and_(
            resources.c.account == self.account,
            resources.c.region == self.region,
            resources.c.kind == kind,
        )

    def get(self, kind: str, key: str) -> Document | None:
        row = self.connection.execute(
            select(resources.c.doc).where(self._scope(kind), resources.c.key == key)
        ).scalar_one_or_none()
        return None if row is None else _load(row)

    def add(self, kind: str, key: str, doc: Document, *, parent: str | None = None) -> None:
        """Insert a new document; raises DuplicateKey when the key is taken."""
        try:
            with self.connection.begin_nested():
                self.connection.execute(
                    insert(resources).values(
                        account=self.account,
                        region=self.region,
                        kind=kind,
                        key=key,
                        parent=parent,
                        created_at=time.time(),
                        doc=orjson.dumps(doc).decode(),
                    )
                )
        except IntegrityError:
            raise DuplicateKey(f"{kind} {key}") from None

    def replace(self, kind: str, key: str, doc: Document, *, parent: str | _Keep | None = _KEEP) -> None:
        """Replace a document's content; its parent stays unless a new one (or None) is given."""
        values: dict[str, Any] = {"doc": orjson.dumps(doc).decode()}
        if not isinstance(parent, _Keep):
            values["parent"] = parent
        self.connection.execute(
            update(resources).where(self._scope(kind), resources.c.key == key).values(values)
        )

    def remove(self, kind: str, key: str) -> bool:
        result = self.connection.execute(delete(resources).where(self._scope(kind), resources.c.key == key))
        return bool(result.rowcount)

    def count(self, kind: str, *, parent: str | None = None) -> int:
        query = select(func.count()).select_from(resources).where(self._scope(kind))
        if parent is not None:
            query = query.where(resources.c.parent == parent)
        return int(self.connection.execute(query).scalar_one())

    def page(
        self, kind: str, *, after: str | None = None, limit: int | None = None, parent: str | None = None
    ) -> list[tuple[str, Document]]:
        """Documents in key order, starting after `after`, at most `limit` of them."""
        query = select(resources.c.key, resources.c.doc).where(self._scope(kind))
        if parent is not None:
            query = query.where(resources.c.parent == parent)
        if after is not None:
            query = query.where(resources.c.key > after)
        query = query.order_by(resources.c.key)
        if limit is not None:
            query = query.limit(limit)
        return [(key, _load(doc)) for key, doc in self.connection.execute(query)]

    def iterate(self, kind: str, *, parent: str | None = None) -> Iterator[tuple[str, Document]]:
        yield from self.page(kind, parent=parent)


def _load(raw: str) -> Document:
    value = orjson.loads(raw)
    assert isinstance(value, dict)
    return value
