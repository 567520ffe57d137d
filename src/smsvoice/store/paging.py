"""A page of the rows that meet a condition no column holds (the inspection API's text searches)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def matching_page(items: Iterable[T], keep: Callable[[T], bool], limit: int, offset: int) -> list[T]:
    """The `limit` items after the first `offset` that `keep` accepts, reading no further."""
    found: list[T] = []
    skipped = 0
    for item in items:
        if not keep(item):
            continue
        if skipped < offset:
            skipped += 1
            continue
        found.append(item)
        if len(found) >= limit:
            break
    return found
