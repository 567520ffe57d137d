"""Documents that remember what one unit of work has read, for the send path.

A send reads the same few documents several times (the account's settings for the tier and again for
each spend-limit figure, the configuration set); inside one transaction they cannot change except by
this unit of work's own writes, which go through here and keep the memory right.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection

from smsvoice.store.documents import Document, Documents


class RememberingDocuments(Documents):
    def __init__(self, connection: Connection, account: str, region: str) -> None:
        super().__init__(connection, account, region)
        self._seen: dict[tuple[str, str], Document | None] = {}

    def get(self, kind: str, key: str) -> Document | None:
        slot = (kind, key)
        if slot not in self._seen:
            self._seen[slot] = super().get(kind, key)
        found = self._seen[slot]
        # Callers may change what they get: each gets its own copy, as from the store.
        return None if found is None else _copy(found)

    # Writes pass their options through untouched, so this class follows Documents as it changes.
    def add(self, kind: str, key: str, doc: Document, **options: Any) -> None:
        self._seen.pop((kind, key), None)
        super().add(kind, key, doc, **options)

    def replace(self, kind: str, key: str, doc: Document, **options: Any) -> None:
        self._seen.pop((kind, key), None)
        super().replace(kind, key, doc, **options)

    def remove(self, kind: str, key: str) -> bool:
        self._seen.pop((kind, key), None)
        return super().remove(kind, key)


def _copy(doc: Document) -> Document:
    copied = orjson.loads(orjson.dumps(doc))
    assert isinstance(copied, dict)
    return copied
