"""Opt-out lists and the destination numbers opted out in them.

Every account and Region has a list named "Default" (RequestPhoneNumber answers
`"OptOutListName": "Default"`, user guide "Request a phone number"). smsvoice creates it the first
time any operation needs it, so DescribeOptOutLists always shows it.
"""

from __future__ import annotations

from typing import Any

from smsvoice.domain.phone_numbers import is_valid_e164
from smsvoice.domain.simulator_numbers import is_simulator_number
from smsvoice.quotas import V2_ACCOUNT_LIMITS
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import arn_for, paginate, resolve_id
from smsvoice.services.v2.errors import (
    ConflictException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ValidationException,
)
from smsvoice.services.v2.identities import (
    PHONE_NUMBER,
    POOL,
    as_e164,
    check_owner,
    matches_filters,
)
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.tags import drop_tags, get_tags, register_taggable, set_tags
from smsvoice.store import Document, DuplicateKey, QuotaExceeded

OPT_OUT_LIST = "v2/opt-out-list"
# Key "<list name>/<E.164>", parent = list name.
OPTED_OUT_NUMBER = "v2/opted-out-number"
# When a number was last removed from a list (key as above): AWS allows that once every 30 days.
OPT_IN = "v2/opted-out-number-removal"
RESOURCE_TYPE = "opt-out-list"
DEFAULT_LIST = "Default"

# "Each destination phone number can only be deleted once every 30 days." (DeleteOptedOutNumber)
OPT_IN_INTERVAL_SECONDS = 30 * 24 * 3600


def ensure_default_list(context: OperationContext) -> None:
    if context.documents.get(OPT_OUT_LIST, DEFAULT_LIST) is None:
        _add_list(context, DEFAULT_LIST)


def _add_list(context: OperationContext, name: str, *, limit: int | None = None) -> Document:
    doc = {
        "OptOutListArn": arn_for(context, RESOURCE_TYPE, name),
        "OptOutListName": name,
        "CreatedTimestamp": context.now(),
    }
    context.documents.add(OPT_OUT_LIST, name, doc, limit=limit)
    return doc


def get_opt_out_list(context: OperationContext, name_or_arn: str) -> Document:
    """The list a name or ARN designates (creating "Default" when it is the one asked for)."""
    name = resolve_id(context, name_or_arn, RESOURCE_TYPE)
    if name == DEFAULT_LIST:
        ensure_default_list(context)
    found = context.documents.get(OPT_OUT_LIST, name)
    if found is None:
        raise ResourceNotFoundException(
            f"Opt-out list {name_or_arn} does not exist", RESOURCE_TYPE, name_or_arn
        )
    return found


def number_key(list_name: str, number: str) -> str:
    return f"{list_name}/{number}"


def is_opted_out(context: OperationContext, opt_out_list_name: str, number_e164: str) -> bool:
    """True when the number is on the named list (a list that no longer exists holds nobody)."""
    number = as_e164(number_e164) or number_e164
    return context.documents.get(OPTED_OUT_NUMBER, number_key(opt_out_list_name, number)) is not None


def opt_out(context: OperationContext, list_name: str, number: str, *, end_user: bool) -> Document:
    """Put a number on a list; an entry already there is kept as it is (first opt-out wins)."""
    key = number_key(list_name, number)
    found = context.documents.get(OPTED_OUT_NUMBER, key)
    if found is not None:
        return found
    doc = {"OptedOutNumber": number, "OptedOutTimestamp": context.now(), "EndUserOptedOut": end_user}
    context.documents.add(OPTED_OUT_NUMBER, key, doc, parent=list_name)
    return doc


def _checked_number(value: str) -> str:
    number = as_e164(value)
    if number is None or not (is_valid_e164(number) or is_simulator_number(number)):
        raise ValidationException(f"{value} is not a valid destination phone number", "INVALID_PARAMETER")
    return number


# rcs_agents.RCS_AGENT (named here: rcs_agents imports this module).
_RCS_AGENT = "v2/rcs-agent"


def list_in_use(context: OperationContext, name: str) -> bool:
    return any(
        doc.get("OptOutListName") == name
        for kind in (PHONE_NUMBER, POOL, _RCS_AGENT)
        for _, doc in context.documents.iterate(kind)
    )


@operations.handler("CreateOptOutList")
def create_opt_out_list(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["OptOutListName"]
    ensure_default_list(context)
    if context.documents.get(OPT_OUT_LIST, name) is not None:
        raise ConflictException(
            f"Opt-out list {name} already exists", "RESOURCE_ALREADY_EXISTS", RESOURCE_TYPE, name
        )
    limit = V2_ACCOUNT_LIMITS["OPT_OUT_LISTS"]
    try:
        doc = _add_list(context, name, limit=limit)
    except QuotaExceeded:
        raise ServiceQuotaExceededException(
            f"An account can have at most {limit} opt-out lists per Region", "OPT_OUT_LISTS_PER_ACCOUNT"
        ) from None
    except DuplicateKey:
        raise ConflictException(
            f"Opt-out list {name} already exists", "RESOURCE_ALREADY_EXISTS", RESOURCE_TYPE, name
        ) from None
    set_tags(context, doc["OptOutListArn"], params.get("Tags"))
    return {**doc, "Tags": get_tags(context, doc["OptOutListArn"])}


@operations.handler("DescribeOptOutLists")
def describe_opt_out_lists(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    ensure_default_list(context)
    if not check_owner(params, "OptOutListNames"):
        return {"OptOutLists": []}
    names = params.get("OptOutListNames")
    if names:
        docs = [get_opt_out_list(context, value) for value in names]
    else:
        docs = [doc for _, doc in context.documents.iterate(OPT_OUT_LIST)]
    page = paginate(context, docs, lambda doc: str(doc["OptOutListName"]), params)
    result: dict[str, Any] = {"OptOutLists": page.items}
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


@operations.handler("DeleteOptOutList")
def delete_opt_out_list(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = get_opt_out_list(context, params["OptOutListName"])
    name = doc["OptOutListName"]
    if name == DEFAULT_LIST:
        # Every account has a Default list; smsvoice keeps it rather than re-creating it behind the caller.
        raise ConflictException(
            "The Default opt-out list can't be deleted", "RESOURCE_DELETION_NOT_ALLOWED", RESOURCE_TYPE, name
        )
    if list_in_use(context, name):
        raise ConflictException(
            f"Opt-out list {name} is in use by a phone number or pool",
            "RESOURCE_DELETION_NOT_ALLOWED",
            RESOURCE_TYPE,
            name,
        )
    # "All opted out phone numbers in the opt-out list are deleted." (API reference)
    for key, _ in context.documents.page(OPTED_OUT_NUMBER, parent=name):
        context.documents.remove(OPTED_OUT_NUMBER, key)
    for key, _ in context.documents.page(OPT_IN, parent=name):
        context.documents.remove(OPT_IN, key)
    context.documents.remove(OPT_OUT_LIST, name)
    drop_tags(context, doc["OptOutListArn"])
    return doc


def _number_output(list_doc: Document, entry: Document) -> dict[str, Any]:
    return {**entry, "OptOutListArn": list_doc["OptOutListArn"], "OptOutListName": list_doc["OptOutListName"]}


@operations.handler("PutOptedOutNumber")
def put_opted_out_number(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    list_doc = get_opt_out_list(context, params["OptOutListName"])
    number = _checked_number(params["OptedOutNumber"])
    entry = opt_out(context, list_doc["OptOutListName"], number, end_user=False)
    return _number_output(list_doc, entry)


@operations.handler("DeleteOptedOutNumber")
def delete_opted_out_number(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    list_doc = get_opt_out_list(context, params["OptOutListName"])
    name = list_doc["OptOutListName"]
    number = as_e164(params["OptedOutNumber"]) or params["OptedOutNumber"]
    key = number_key(name, number)
    entry = context.documents.get(OPTED_OUT_NUMBER, key)
    if entry is None:
        raise ResourceNotFoundException(
            f"{number} is not opted out in opt-out list {name}", "opted-out-number", number
        )
    removal = context.documents.get(OPT_IN, key)
    now = context.now()
    if removal is not None and now - float(removal["RemovedTimestamp"]) < OPT_IN_INTERVAL_SECONDS:
        raise ValidationException(
            f"{number} was removed from opt-out list {name} less than 30 days ago; "
            "a number can only be removed once every 30 days",
            "PHONE_NUMBER_CANNOT_BE_OPTED_IN",
        )
    context.documents.remove(OPTED_OUT_NUMBER, key)
    if removal is None:
        context.documents.add(OPT_IN, key, {"RemovedTimestamp": now}, parent=name)
    else:
        context.documents.replace(OPT_IN, key, {"RemovedTimestamp": now}, parent=name)
    return _number_output(list_doc, entry)


_NUMBER_FILTERS = {"end-user-opted-out": ("EndUserOptedOut", "bool")}


@operations.handler("DescribeOptedOutNumbers")
def describe_opted_out_numbers(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    list_doc = get_opt_out_list(context, params["OptOutListName"])
    name = list_doc["OptOutListName"]
    wanted = params.get("OptedOutNumbers")
    if wanted:
        # A search: numbers that are not on the list are simply not in the answer.
        keys = {number_key(name, as_e164(value) or value) for value in wanted}
        entries = [doc for key in sorted(keys) if (doc := context.documents.get(OPTED_OUT_NUMBER, key))]
    else:
        entries = [doc for _, doc in context.documents.iterate(OPTED_OUT_NUMBER, parent=name)]
    entries = [doc for doc in entries if matches_filters(doc, params, _NUMBER_FILTERS)]
    page = paginate(context, entries, lambda doc: str(doc["OptedOutNumber"]), params)
    result: dict[str, Any] = {
        "OptOutListArn": list_doc["OptOutListArn"],
        "OptOutListName": name,
        "OptedOutNumbers": page.items,
    }
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


register_taggable(RESOURCE_TYPE, lambda context, name: get_opt_out_list_or_none(context, name) is not None)


def get_opt_out_list_or_none(context: OperationContext, name: str) -> Document | None:
    if name == DEFAULT_LIST:
        ensure_default_list(context)
    return context.documents.get(OPT_OUT_LIST, name)
