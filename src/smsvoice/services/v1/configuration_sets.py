"""v1 configuration sets: create, list (NextToken/PageSize), delete."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from smsvoice.quotas import V1_CONFIGURATION_SETS_PER_REGION, V1_LIST_PAGE_SIZE
from smsvoice.services.api import OperationContext
from smsvoice.services.v1.errors import (
    AlreadyExistsException,
    BadRequestException,
    LimitExceededException,
    NotFoundException,
)
from smsvoice.services.v1.operations import operations
from smsvoice.store import Document, DuplicateKey, QuotaExceeded

CONFIGURATION_SET = "v1/configuration-set"

# The v1 model sets no rule on names. We apply the rule the v2 model states for the same resource
# (1-64 letters, digits, '_' and '-'); AWS's own v1 rule is undocumented.
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def check_name(name: str | None, what: str) -> str:
    if not name:
        raise BadRequestException(f"{what} is required")
    if not _NAME.fullmatch(name):
        raise BadRequestException(
            f"{what} '{name}' is not valid: use 1 to 64 letters, digits, underscores or hyphens"
        )
    return name


def load_configuration_set(context: OperationContext, name: str) -> Document:
    found = context.documents.get(CONFIGURATION_SET, name)
    if found is None:
        raise NotFoundException(f"Configuration set {name} does not exist")
    return found


@operations.handler("CreateConfigurationSet")
def create_configuration_set(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params.get("ConfigurationSetName"), "ConfigurationSetName")
    document = {"Name": name, "CreatedTimestamp": context.now(), "EventDestinations": []}
    try:
        context.documents.add(CONFIGURATION_SET, name, document, limit=V1_CONFIGURATION_SETS_PER_REGION)
    except QuotaExceeded:
        raise LimitExceededException(
            f"You can have at most {V1_CONFIGURATION_SETS_PER_REGION} configuration sets per Region"
        ) from None
    except DuplicateKey:
        raise AlreadyExistsException(f"Configuration set {name} already exists") from None
    return {}


def _encode_token(last_key: str) -> str:
    return base64.urlsafe_b64encode(last_key.encode()).decode()


def _decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadRequestException("NextToken is not valid") from None


def _page_size(raw: str | None) -> int:
    if raw is None or raw == "":
        return V1_LIST_PAGE_SIZE
    if not raw.isdigit() or int(raw) < 1:
        raise BadRequestException(f"PageSize must be a positive integer, not '{raw}'")
    return min(int(raw), V1_LIST_PAGE_SIZE)


@operations.handler("ListConfigurationSets")
def list_configuration_sets(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    size = _page_size(params.get("PageSize"))
    token = params.get("NextToken")
    after = _decode_token(token) if token else None
    rows = context.documents.page(CONFIGURATION_SET, after=after, limit=size + 1)
    names = [key for key, _ in rows[:size]]
    result: dict[str, Any] = {"ConfigurationSets": names}
    if len(rows) > size:
        result["NextToken"] = _encode_token(names[-1])
    return result


@operations.handler("DeleteConfigurationSet")
def delete_configuration_set(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["ConfigurationSetName"]
    if not context.documents.remove(CONFIGURATION_SET, name):
        raise NotFoundException(f"Configuration set {name} does not exist")
    return {}
