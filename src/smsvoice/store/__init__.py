"""The store: the only place that knows SQL. See store/transaction.py for its interface."""

from smsvoice.store.documents import Document, Documents
from smsvoice.store.engine import Store, open_store
from smsvoice.store.errors import (
    DuplicateKey,
    QuotaExceeded,
    SchemaMismatch,
    StoreUnavailable,
    WriteConflict,
)
from smsvoice.store.transaction import FORGOTTEN_SETTING, Transaction

__all__ = [
    "FORGOTTEN_SETTING",
    "Document",
    "Documents",
    "DuplicateKey",
    "QuotaExceeded",
    "SchemaMismatch",
    "Store",
    "StoreUnavailable",
    "Transaction",
    "WriteConflict",
    "open_store",
]
