"""Resource documents of one account and region: the repository every handler uses.

Every call runs in the caller's transaction. The statements are hot-path SQL (store/sql.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import orjson
from sqlalchemy import Connection

from smsvoice.store.sql import Statement


class DuplicateKey(Exception):
    """A document with this kind and key already exists in the account and region."""


Document = dict[str, Any]


class _Keep:
    """Marker: leave the stored value as it is."""


_KEEP = _Keep()

_SCOPE = "account = :account AND region = :region AND kind = :kind"
_GET = Statement(f"SELECT doc FROM resources WHERE {_SCOPE} AND key = :key")
# ON CONFLICT DO NOTHING is understood by SQLite (3.24+) and PostgreSQL alike.
_ADD = Statement(
    "INSERT INTO resources (account, region, kind, key, parent, created_at, doc) "
    "VALUES (:account, :region, :kind, :key, :parent, :created_at, :doc) ON CONFLICT DO NOTHING"
)
_REPLACE = Statement(f"UPDATE resources SET doc = :doc WHERE {_SCOPE} AND key = :key")
_REPLACE_WITH_PARENT = Statement(
    f"UPDATE resources SET doc = :doc, parent = :parent WHERE {_SCOPE} AND key = :key"
)
_REMOVE = Statement(f"DELETE FROM resources WHERE {_SCOPE} AND key = :key")
_COUNT = Statement(f"SELECT count FROM resource_counts WHERE {_SCOPE}")
_COUNT_CHILDREN = Statement(f"SELECT COUNT(*) FROM resources WHERE {_SCOPE} AND parent = :parent")
_BUMP = Statement(
    "INSERT INTO resource_counts (account, region, kind, count) VALUES (:account, :region, :kind, :delta) "
    "ON CONFLICT (account, region, kind) DO UPDATE SET count = resource_counts.count + :delta"
)
_PAGE = {
    (with_parent, with_after, with_limit): Statement(
        f"SELECT key, doc FROM resources WHERE {_SCOPE}"
        + (" AND parent = :parent" if with_parent else "")
        + (" AND key > :after" if with_after else "")
        + " ORDER BY key"
        + (" LIMIT :limit" if with_limit else "")
    )
    for with_parent in (False, True)
    for with_after in (False, True)
    for with_limit in (False, True)
}


class Documents:
    """JSON documents scoped to one (account, region)."""

    def __init__(self, connection: Connection, account: str, region: str) -> None:
        self.connection = connection
        self.account = account
        self.region = region

    def _params(self, kind: str, **extra: Any) -> dict[str, Any]:
        return {"account": self.account, "region": self.region, "kind": kind, **extra}

    def get(self, kind: str, key: str) -> Document | None:
        row = _GET.one(self.connection, self._params(kind, key=key))
        return None if row is None else _load(row[0])

    def add(self, kind: str, key: str, doc: Document, *, parent: str | None = None) -> None:
        """Insert a new document; raises DuplicateKey when the key is taken."""
        params = self._params(kind, key=key, parent=parent, created_at=time.time(), doc=_dump(doc))
        if _ADD.rowcount(self.connection, params) != 1:
            raise DuplicateKey(f"{kind} {key}")
        _BUMP.execute(self.connection, self._params(kind, delta=1))

    def replace(self, kind: str, key: str, doc: Document, *, parent: str | _Keep | None = _KEEP) -> None:
        """Replace a document's content; its parent stays unless a new one (or None) is given."""
        if isinstance(parent, _Keep):
            _REPLACE.execute(self.connection, self._params(kind, key=key, doc=_dump(doc)))
        else:
            _REPLACE_WITH_PARENT.execute(
                self.connection, self._params(kind, key=key, doc=_dump(doc), parent=parent)
            )

    def remove(self, kind: str, key: str) -> bool:
        removed = _REMOVE.rowcount(self.connection, self._params(kind, key=key)) > 0
        if removed:
            _BUMP.execute(self.connection, self._params(kind, delta=-1))
        return removed

    def count(self, kind: str, *, parent: str | None = None) -> int:
        if parent is not None:
            row = _COUNT_CHILDREN.one(self.connection, self._params(kind, parent=parent))
        else:
            row = _COUNT.one(self.connection, self._params(kind))
        return 0 if row is None else int(row[0])

    def page(
        self, kind: str, *, after: str | None = None, limit: int | None = None, parent: str | None = None
    ) -> list[tuple[str, Document]]:
        """Documents in key order, starting after `after`, at most `limit` of them."""
        statement = _PAGE[(parent is not None, after is not None, limit is not None)]
        params = self._params(kind, parent=parent, after=after, limit=limit)
        return [(key, _load(doc)) for key, doc in statement.all(self.connection, params)]

    def iterate(self, kind: str, *, parent: str | None = None) -> Iterator[tuple[str, Document]]:
        yield from self.page(kind, parent=parent)


def _dump(doc: Document) -> str:
    return orjson.dumps(doc).decode()


def _load(raw: str) -> Document:
    value = orjson.loads(raw)
    assert isinstance(value, dict)
    return value
