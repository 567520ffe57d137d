"""Resource documents of one account and region, with their per-kind counters.

Every call runs in the caller's transaction. The statements are hot-path SQL (store/sql.py).

Two operations are atomic on any backend, so that handlers never read and then write to enforce a
rule: `add(..., limit=N)` takes a place under the kind's quota and inserts in one step each (the
counter row is updated with a condition, which PostgreSQL locks and SQLite serializes), and
`replace`/`remove` of a document read in this transaction succeed only if its version is still the
one read ("update if unchanged"), and `add` of a key this transaction read as missing succeeds only
if nobody created it since; otherwise they raise `WriteConflict` and the store runs the unit of work
again.

Documents read in a transaction are remembered by it (the raw JSON and the version), so a unit of
work that reads the same document several times (a send reads the account settings for the tier and
again for each spend-limit figure) pays for one statement; each `get` still returns a fresh copy.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, Protocol

import orjson

from smsvoice.store.errors import DuplicateKey, QuotaExceeded, WriteConflict
from smsvoice.store.sql import Rows, Statement, Target

Document = dict[str, Any]


class _Keep:
    """Marker: leave the stored value as it is."""


_KEEP = _Keep()

_SCOPE = "account = :account AND region = :region AND kind = :kind"
_GET = Statement(f"SELECT doc, version FROM resources WHERE {_SCOPE} AND key = :key", libpq=True)
# ON CONFLICT DO NOTHING is understood by SQLite (3.24+) and PostgreSQL alike.
_ADD = Statement(
    "INSERT INTO resources (account, region, kind, key, parent, created_at, doc, version) "
    "VALUES (:account, :region, :kind, :key, :parent, :created_at, :doc, 1) ON CONFLICT DO NOTHING"
)
_REPLACE = {
    (with_parent, with_version): Statement(
        "UPDATE resources SET doc = :doc, version = version + 1"
        + (", parent = :parent" if with_parent else "")
        + f" WHERE {_SCOPE} AND key = :key"
        + (" AND version = :seen" if with_version else "")
    )
    for with_parent in (False, True)
    for with_version in (False, True)
}
_REMOVE = {
    with_version: Statement(
        f"DELETE FROM resources WHERE {_SCOPE} AND key = :key"
        + (" AND version = :seen" if with_version else "")
    )
    for with_version in (False, True)
}
_COUNT = Statement(f"SELECT count FROM resource_counts WHERE {_SCOPE}")
_COUNT_CHILDREN = Statement(f"SELECT COUNT(*) FROM resources WHERE {_SCOPE} AND parent = :parent")
_BUMP = Statement(
    "INSERT INTO resource_counts (account, region, kind, count) VALUES (:account, :region, :kind, :delta) "
    "ON CONFLICT (account, region, kind) DO UPDATE SET count = resource_counts.count + :delta"
)
# One statement takes a place under the quota or finds none: the conditional DO UPDATE changes no row
# (and RETURNING answers nothing) when the counter is already at the limit.
_TAKE_PLACE = Statement(
    "INSERT INTO resource_counts (account, region, kind, count) VALUES (:account, :region, :kind, 1) "
    "ON CONFLICT (account, region, kind) DO UPDATE SET count = resource_counts.count + 1 "
    "WHERE resource_counts.count < :limit RETURNING count"
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

# What a transaction remembers of a document it has read or written: its JSON text and version
# (None: known not to exist).
Remembered = tuple[str, int] | None


Slot = tuple[str, str, str, str]  # account, region, kind, key
# A read queued ahead: its rows (kind, key, doc, version), the (account, region) they belong to, and
# the slots it answers for even when it finds nothing there.
PendingRead = tuple[Rows, tuple[str, str], list[Slot]]
Listed = tuple[str, str, str, str | None]  # account, region, kind, parent (None: all of the kind)
# A listing queued ahead (`read_ahead_listing`): its rows (key, doc) and what it lists.
PendingListing = tuple[Rows, Listed]


class DocumentTarget(Target, Protocol):
    """A transaction as documents use it: where statements run, what it has read so far, and the
    reads it has queued (`Documents.read_ahead`, `read_ahead_listing`)."""

    remembered_documents: dict[Slot, Remembered]
    documents_ahead: list[PendingRead]
    # Listings read ahead, as (key, JSON text) in key order, until a write of their kind.
    remembered_listings: dict[Listed, list[tuple[str, str]]]
    listings_ahead: list[PendingListing]


class Documents:
    """JSON documents scoped to one (account, region), in one transaction."""

    __slots__ = ("_seen", "_tx", "account", "region")

    def __init__(self, tx: DocumentTarget, account: str, region: str) -> None:
        self._tx = tx
        self.account = account
        self.region = region
        self._seen = tx.remembered_documents

    def _params(self, kind: str, **extra: Any) -> dict[str, Any]:
        return {"account": self.account, "region": self.region, "kind": kind, **extra}

    def _slot(self, kind: str, key: str) -> Slot:
        return (self.account, self.region, kind, key)

    def _settle(self) -> None:
        """Take in the rows of the reads queued ahead, before anything looks at what is remembered
        (the writes of this transaction all come after, so nothing newer is overwritten)."""
        if not self._tx.documents_ahead:
            return
        for rows, (account, region), slots in self._tx.documents_ahead:
            for slot in slots:
                self._seen[slot] = None
            for kind, key, doc, version in rows.fetchall():
                self._seen[(account, region, str(kind), str(key))] = (str(doc), int(version))
        self._tx.documents_ahead.clear()

    def _remembered(self, kind: str, key: str) -> Remembered:
        self._settle()
        slot = self._slot(kind, key)
        if slot in self._seen:
            return self._seen[slot]
        row = _GET.one_args(self._tx, (self.account, self.region, kind, key))
        found: Remembered = None if row is None else (str(row[0]), int(row[1]))
        self._seen[slot] = found
        return found

    def prefetch(self, slots: list[tuple[str, str]]) -> None:
        """Read several documents in one statement (one round trip to a database server) into what
        this transaction remembers; later `get`s of them cost nothing."""
        self._settle()
        if self._queue(slots, at_least=2):  # one document: `get` reads it when it is needed
            self._settle()

    def read_ahead(self, slots: list[tuple[str, str]]) -> None:
        """`prefetch`, queued to go out with the transaction's next statement (on PostgreSQL; see
        store/libpq.py): a unit of work that knows early what it will read pays no round trip for it."""
        if self._tx.libpq:
            self._queue(slots, at_least=1)

    def _queue(self, slots: list[tuple[str, str]], *, at_least: int) -> bool:
        """Queue one statement reading the slots not remembered yet, if there are `at_least` of them;
        whether it did. SQLite answers each key in microseconds, without a round trip: one by one is
        cheaper there."""
        if self._tx.paramstyle == "qmark":
            return False
        wanted = [
            (kind, key) for kind, key in dict.fromkeys(slots) if self._slot(kind, key) not in self._seen
        ]
        if len(wanted) < at_least:
            return False
        args: list[Any] = [self.account, self.region]
        for kind, key in wanted:
            args += [kind, key]
        rows = _prefetch_statement(len(wanted)).read_ahead(self._tx, args)
        answers_for = [self._slot(kind, key) for kind, key in wanted]
        self._tx.documents_ahead.append((rows, (self.account, self.region), answers_for))
        return True

    def read_ahead_through(self, index_kind: str, index_key: str, field: str, kind: str) -> None:
        """Queue the read of the `kind` document whose key is the `field` of the document
        (`index_kind`, `index_key`), as `read_ahead` does (PostgreSQL only: one statement instead of
        a read that waits for another). Nothing is remembered when either is missing; `get` then
        reads as usual."""
        if not self._tx.libpq:
            return
        params = {
            "account": self.account,
            "region": self.region,
            "kind": kind,
            "field": field,
            "index_kind": index_kind,
            "index_key": index_key,
        }
        rows = _THROUGH.read_ahead(self._tx, [params[name] for name in _THROUGH.names])
        self._tx.documents_ahead.append((rows, (self.account, self.region), []))

    def read_ahead_listing(self, kind: str, *, parent: str | None = None) -> None:
        """Queue the read of the documents of `kind` (`parent`'s children, or all of them): what
        `iterate(kind, parent=parent)` then answers, as `read_ahead` does (PostgreSQL only). A send
        with no origination identity lists the account's numbers and sender IDs this way."""
        if not self._tx.libpq:
            return
        args = [self.account, self.region, kind] + ([parent] if parent is not None else [])
        listing = _LISTING[parent is not None].read_ahead(self._tx, args)
        self._tx.listings_ahead.append((listing, (self.account, self.region, kind, parent)))

    def read_ahead_children(self, kind: str, parent: str, *, field: str, kinds: tuple[str, ...]) -> None:
        """`read_ahead_listing` of `parent`'s children of `kind`, and the read of the documents of
        `kinds` whose keys are the children's `field` (what `get` then answers): a send through a pool
        reads the pool's numbers this way. A document not found this way is read as usual."""
        if not self._tx.libpq:
            return
        self.read_ahead_listing(kind, parent=parent)
        scope = [self.account, self.region]
        through = _CHILDREN_THROUGH.read_ahead(
            self._tx, [*scope, "{" + ",".join(kinds) + "}", field, *scope, kind, parent]
        )
        self._tx.documents_ahead.append((through, (self.account, self.region), []))

    def _settle_listings(self) -> None:
        for rows, children in self._tx.listings_ahead:
            self._tx.remembered_listings[children] = [(str(key), str(doc)) for key, doc in rows.fetchall()]
        self._tx.listings_ahead.clear()

    def _remembered_listing(self, kind: str, parent: str | None) -> list[tuple[str, str]] | None:
        self._settle_listings()
        return self._tx.remembered_listings.get((self.account, self.region, kind, parent))

    def _forget_listings(self, kind: str) -> None:
        """A write of `kind` may change a listing read ahead: it is read again when asked for."""
        if self._tx.remembered_listings or self._tx.listings_ahead:
            self._settle_listings()
            for children in [found for found in self._tx.remembered_listings if found[2] == kind]:
                del self._tx.remembered_listings[children]

    def get(self, kind: str, key: str) -> Document | None:
        found = self._remembered(kind, key)
        return None if found is None else _load(found[0])

    def add(
        self, kind: str, key: str, doc: Document, *, parent: str | None = None, limit: int | None = None
    ) -> None:
        """Insert a new document. With `limit`, take a place under the kind's quota first: raises
        QuotaExceeded when the account already has `limit` documents of this kind, DuplicateKey when
        the key is taken (and gives the place back)."""
        self._settle()
        self._forget_listings(kind)
        if limit is not None and (
            limit <= 0 or _TAKE_PLACE.one(self._tx, self._params(kind, limit=limit)) is None
        ):
            raise QuotaExceeded(kind, limit)
        text = _dump(doc)
        params = self._params(kind, key=key, parent=parent, created_at=time.time(), doc=text)
        if _ADD.rowcount(self._tx, params) != 1:
            if limit is not None:
                _BUMP.execute(self._tx, self._params(kind, delta=-1))
            slot = self._slot(kind, key)
            if slot in self._seen and self._seen[slot] is None:
                # This transaction read it as missing: another one created it since. Running the
                # unit of work again sees it (a check-then-create is atomic this way on any backend).
                raise WriteConflict(f"{kind} {key} was created in another transaction")
            raise DuplicateKey(f"{kind} {key}")
        if limit is None:
            _BUMP.execute(self._tx, self._params(kind, delta=1))
        self._seen[self._slot(kind, key)] = (text, 1)

    def put(self, kind: str, key: str, doc: Document) -> None:
        """Insert or replace (for singletons such as an account's settings)."""
        if self._remembered(kind, key) is None:
            self.add(kind, key, doc)
        else:
            self.replace(kind, key, doc)

    def replace(self, kind: str, key: str, doc: Document, *, parent: str | _Keep | None = _KEEP) -> None:
        """Replace a document's content; its parent stays unless a new one (or None) is given.

        If this transaction read the document, the write happens only if nobody changed it since
        (WriteConflict otherwise)."""
        self._settle()
        self._forget_listings(kind)
        slot = self._slot(kind, key)
        seen = self._seen.get(slot)
        text = _dump(doc)
        params = self._params(kind, key=key, doc=text, seen=None if seen is None else seen[1], parent=parent)
        statement = _REPLACE[(not isinstance(parent, _Keep), seen is not None)]
        changed = statement.rowcount(self._tx, params)
        if changed == 0 and seen is not None:
            raise WriteConflict(f"{kind} {key} changed in another transaction")
        if seen is None:
            self._seen.pop(slot, None)  # version unknown: read again when needed
        else:
            self._seen[slot] = (text, seen[1] + 1)

    def remove(self, kind: str, key: str) -> bool:
        self._settle()
        self._forget_listings(kind)
        slot = self._slot(kind, key)
        seen = self._seen.get(slot)
        params = self._params(kind, key=key, seen=None if seen is None else seen[1])
        removed = _REMOVE[seen is not None].rowcount(self._tx, params) > 0
        if not removed and seen is not None:
            raise WriteConflict(f"{kind} {key} changed in another transaction")
        if removed:
            _BUMP.execute(self._tx, self._params(kind, delta=-1))
        self._seen[slot] = None
        return removed

    def count(self, kind: str, *, parent: str | None = None) -> int:
        if parent is not None:
            row = _COUNT_CHILDREN.one(self._tx, self._params(kind, parent=parent))
        else:
            row = _COUNT.one(self._tx, self._params(kind))
        return 0 if row is None else int(row[0])

    def page(
        self, kind: str, *, after: str | None = None, limit: int | None = None, parent: str | None = None
    ) -> list[tuple[str, Document]]:
        """Documents in key order, starting after `after`, at most `limit` of them."""
        if after is None and limit is None:
            listed = self._remembered_listing(kind, parent)
            if listed is not None:
                return [(key, _load(doc)) for key, doc in listed]
        statement = _PAGE[(parent is not None, after is not None, limit is not None)]
        params = self._params(kind, parent=parent, after=after, limit=limit)
        return [(key, _load(doc)) for key, doc in statement.all(self._tx, params)]

    def iterate(self, kind: str, *, parent: str | None = None) -> Iterator[tuple[str, Document]]:
        yield from self.page(kind, parent=parent)


# PostgreSQL's JSON operators: only `read_ahead_through` runs it, and only on PostgreSQL.
_THROUGH = Statement(
    "SELECT kind, key, doc, version FROM resources WHERE account = :account AND region = :region "
    "AND kind = :kind AND key = (SELECT CAST(doc AS json) ->> CAST(:field AS text) FROM resources "
    "WHERE account = :account AND region = :region AND kind = :index_kind AND key = :index_key)",
    libpq=True,
)


# What `page` lists without `after` or `limit` (all of a kind, or a parent's children), for
# `read_ahead_listing`.
_LISTING = {
    with_parent: Statement(
        f"SELECT key, doc FROM resources WHERE {_SCOPE}"
        + (" AND parent = :parent" if with_parent else "")
        + " ORDER BY key",
        libpq=True,
    )
    for with_parent in (False, True)
}
# The documents of the kinds in the array `:kinds` whose keys are a field of a parent's children:
# PostgreSQL only, as `read_ahead_children` runs it.
_CHILDREN_THROUGH = Statement(
    "SELECT kind, key, doc, version FROM resources WHERE account = :account AND region = :region "
    "AND kind = ANY (CAST(:kinds AS text[])) AND key IN (SELECT CAST(doc AS json) ->> CAST(:field AS text) "
    "FROM resources WHERE account = :account AND region = :region AND kind = :kind AND parent = :parent)",
    libpq=True,
)


@lru_cache(maxsize=8)
def _prefetch_statement(count: int) -> Statement:
    pairs = " OR ".join(f"(kind = :kind{index} AND key = :key{index})" for index in range(count))
    return Statement(
        f"SELECT kind, key, doc, version FROM resources WHERE account = :account AND region = :region AND ({pairs})",
        libpq=True,  # on every send (store/libpq.py): prepared once per connection and count of keys
    )


def _dump(doc: Document) -> str:
    return orjson.dumps(doc).decode()


def _load(raw: str) -> Document:
    value = orjson.loads(raw)
    assert isinstance(value, dict)
    return value
