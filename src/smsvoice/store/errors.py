"""What the store's interface raises when an atomic operation cannot happen."""

from __future__ import annotations


class DuplicateKey(Exception):
    """A document with this kind and key already exists in the account and region."""


class QuotaExceeded(Exception):
    """The account already has `limit` documents of this kind in the region."""

    def __init__(self, kind: str, limit: int) -> None:
        super().__init__(f"{kind}: at most {limit}")
        self.kind = kind
        self.limit = limit


class WriteConflict(Exception):
    """A document read by this transaction was changed by another one before this one wrote it.

    The store runs the whole unit of work again (Store.run); handlers never see it unless the
    conflict repeats past the store's retries."""


class StoreUnavailable(Exception):
    """The database cannot be reached (or refuses the connection)."""


class SchemaMismatch(Exception):
    """The database's schema is not the one this code needs (behind, or newer than the code)."""
