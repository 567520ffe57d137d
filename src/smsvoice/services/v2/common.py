"""Rules every v2 resource family shares: names or ARNs, paging tokens, filters and tags."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson

from smsvoice.arns import SERVICE, parse_arn, resource_arn
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.errors import (
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ValidationException,
)
from smsvoice.store import Document, QuotaExceeded

T = TypeVar("T")

# AWS documents MaxResults 1..100 but no default page size; smsvoice answers 100 when none is given.
DEFAULT_PAGE_SIZE = 100


def arn_for(context: OperationContext, resource_type: str, resource_id: str) -> str:
    return resource_arn(context.region, context.account, resource_type, resource_id)


def key_in_arn(value: str, resource_type: str) -> str | None:
    """The name or id an ARN of this service names for `resource_type`, whoever's it is (for reading
    ahead, where a wrong guess costs nothing: `resolve_id` decides), else None."""
    arn = parse_arn(value)
    prefix = f"{resource_type}/"
    if arn is None or arn.service != SERVICE or not arn.resource.startswith(prefix):
        return None
    return arn.resource[len(prefix) :] or None


def resolve_id(context: OperationContext, value: str, resource_type: str) -> str:
    """The name or id that `value` (a name, an id or an ARN) designates in the caller's account.

    An ARN of another account, region or resource type designates nothing here: not found.
    """
    if not value.startswith("arn:"):
        return value
    arn = parse_arn(value)
    prefix = f"{resource_type}/"
    if (
        arn is None
        or arn.service != SERVICE
        or arn.region != context.region
        or arn.account != context.account
        or not arn.resource.startswith(prefix)
    ):
        raise ResourceNotFoundException(
            f"The {resource_type} {value} does not exist in this account and Region", resource_type, value
        )
    return arn.resource[len(prefix) :]


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Any]
    next_token: str | None


def encode_token(operation: str, position: str) -> str:
    raw = orjson.dumps({"o": operation, "p": position})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(operation: str, token: str) -> str:
    """The position a NextToken points at; a token of another operation or a forged one is invalid."""
    try:
        padded = token + "=" * (-len(token) % 4)
        value = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
        if isinstance(value, dict) and value.get("o") == operation and isinstance(value.get("p"), str):
            return str(value["p"])
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        pass
    raise ValidationException("The NextToken is not valid", "INVALID_NEXT_TOKEN")


def paginate(
    context: OperationContext,
    items: Sequence[T],
    key: Callable[[T], str],
    params: dict[str, Any],
) -> Page:
    """One page of `items` (sorted here by `key`) from the request's NextToken and MaxResults."""
    ordered = sorted(items, key=key)
    token = params.get("NextToken")
    if token:
        after = decode_token(context.operation, token)
        ordered = [item for item in ordered if key(item) > after]
    size = int(params.get("MaxResults") or DEFAULT_PAGE_SIZE)
    page = list(ordered[:size])
    next_token = encode_token(context.operation, key(page[-1])) if len(ordered) > size else None
    return Page(page, next_token)


def paged_answer(
    context: OperationContext,
    member: str,
    items: Sequence[T],
    key: Callable[[T], str],
    params: dict[str, Any],
) -> dict[str, Any]:
    """A Describe*/List* answer: one page of `items` as `member`, and NextToken when more follow."""
    page = paginate(context, items, key, params)
    result: dict[str, Any] = {member: page.items}
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


def filter_values(params: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The request's Filters as (name, values) pairs: AND across filters, OR within values."""
    return [(item["Name"], list(item["Values"])) for item in params.get("Filters") or []]


def bool_filter_value(name: str, values: list[str]) -> set[bool]:
    result: set[bool] = set()
    for value in values:
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise ValidationException(
                f"Filter {name} takes true or false, not {value}", "INVALID_FILTER_VALUES"
            )
        result.add(lowered == "true")
    return result


def add_under_quota(
    context: OperationContext,
    kind: str,
    key: str,
    doc: Document,
    *,
    limit: int,
    reason: str,
    what: str,
    parent: str | None = None,
) -> None:
    """Store a new resource if the account has fewer than `limit` of its kind (one atomic step of the
    store); else ServiceQuotaExceededException with `reason`. DuplicateKey passes through."""
    try:
        context.documents.add(kind, key, doc, parent=parent, limit=limit)
    except QuotaExceeded:
        raise ServiceQuotaExceededException(
            f"An account can have at most {limit} {what} per Region", reason
        ) from None
