"""v2 configuration sets: create, describe (names or ARNs, filters, paging) and delete.

A set is stored as the API's ConfigurationSetInformation shape, keyed by its name; its event
destinations live inside it (there is no other way to read them in v2). Other resource families use
`load_configuration_set` to resolve a name or ARN given to them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from smsvoice.quotas import V2_CONFIGURATION_SETS_PER_ACCOUNT
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import (
    add_under_quota,
    arn_for,
    bool_filter_value,
    filter_values,
    paginate,
    resolve_id,
)
from smsvoice.services.v2.errors import (
    ConflictException,
    ResourceNotFoundException,
)
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.tags import drop_tags, register_taggable, set_tags
from smsvoice.store import Document, DuplicateKey

CONFIGURATION_SET = "v2/configuration-set"
RESOURCE_TYPE = "configuration-set"


def load_configuration_set(context: OperationContext, name_or_arn: str) -> Document:
    """The set a name or ARN designates in the caller's account and Region, else not found."""
    name = resolve_id(context, name_or_arn, RESOURCE_TYPE)
    found = context.documents.get(CONFIGURATION_SET, name)
    if found is None:
        raise ResourceNotFoundException(
            f"The configuration-set {name_or_arn} does not exist", RESOURCE_TYPE, name_or_arn
        )
    return found


def save_configuration_set(context: OperationContext, configuration_set: Document) -> None:
    context.documents.replace(CONFIGURATION_SET, configuration_set["ConfigurationSetName"], configuration_set)


def identity_of(configuration_set: Document) -> dict[str, Any]:
    """The ARN and name that most configuration-set outputs start with."""
    return {
        "ConfigurationSetArn": configuration_set["ConfigurationSetArn"],
        "ConfigurationSetName": configuration_set["ConfigurationSetName"],
    }


register_taggable(
    RESOURCE_TYPE, lambda context, name: context.documents.get(CONFIGURATION_SET, name) is not None
)


@operations.handler("CreateConfigurationSet")
def create_configuration_set(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["ConfigurationSetName"]
    arn = arn_for(context, RESOURCE_TYPE, name)
    document: Document = {
        "ConfigurationSetArn": arn,
        "ConfigurationSetName": name,
        "EventDestinations": [],
        # "By default this is set to false" (SetDefaultMessageFeedbackEnabled, v2 API reference).
        "DefaultMessageFeedbackEnabled": False,
        "CreatedTimestamp": context.now(),
    }
    try:
        add_under_quota(
            context,
            CONFIGURATION_SET,
            name,
            document,
            limit=V2_CONFIGURATION_SETS_PER_ACCOUNT,
            reason="CONFIGURATION_SETS_PER_ACCOUNT",
            what="configuration sets",
        )
    except DuplicateKey:
        raise ConflictException(
            f"The configuration-set {name} already exists", "RESOURCE_ALREADY_EXISTS", RESOURCE_TYPE, name
        ) from None
    tags = params.get("Tags") or []
    set_tags(context, arn, tags)
    return {
        "ConfigurationSetArn": arn,
        "ConfigurationSetName": name,
        "Tags": tags,
        "CreatedTimestamp": document["CreatedTimestamp"],
    }


def _destination_values(configuration_set: Document, member: str) -> set[str]:
    values: set[str] = set()
    for destination in configuration_set["EventDestinations"]:
        found = destination.get(member)
        if isinstance(found, list):
            values.update(found)
        elif found is not None:
            values.add(found)
    return values


def _member_value(member: str) -> Callable[[Document], set[str]]:
    def values(configuration_set: Document) -> set[str]:
        found = configuration_set.get(member)
        return set() if found is None else {found}

    return values


# Each ConfigurationSetFilterName and the values of a set it compares the filter's values with.
_FILTERS: dict[str, Callable[[Document], set[str]]] = {
    "event-destination-name": lambda item: _destination_values(item, "EventDestinationName"),
    "matching-event-types": lambda item: _destination_values(item, "MatchingEventTypes"),
    "default-message-type": _member_value("DefaultMessageType"),
    "default-sender-id": _member_value("DefaultSenderId"),
    "protect-configuration-id": _member_value("ProtectConfigurationId"),
}


def _predicate(name: str, values: list[str]) -> Callable[[Document], bool]:
    """Whether a set passes one filter: any of the filter's values matches (OR within values)."""
    if name == "default-message-feedback-enabled":
        wanted = bool_filter_value(name, values)
        return lambda item: bool(item.get("DefaultMessageFeedbackEnabled", False)) in wanted
    members_of = _FILTERS[name]
    accepted = set(values)
    return lambda item: bool(members_of(item) & accepted)


@operations.handler("DescribeConfigurationSets")
def describe_configuration_sets(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    # Filters combine with AND, the usual AWS convention (the API reference does not say).
    predicates = [_predicate(name, values) for name, values in filter_values(params)]
    requested = params.get("ConfigurationSetNames")
    if requested:
        chosen: dict[str, Document] = {}
        for name_or_arn in requested:
            found = load_configuration_set(context, name_or_arn)
            chosen[found["ConfigurationSetName"]] = found
        candidates = list(chosen.values())
    else:
        candidates = [document for _, document in context.documents.iterate(CONFIGURATION_SET)]
    selected = [item for item in candidates if all(test(item) for test in predicates)]
    page = paginate(context, selected, lambda item: str(item["ConfigurationSetName"]), params)
    result: dict[str, Any] = {"ConfigurationSets": page.items}
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


@operations.handler("DeleteConfigurationSet")
def delete_configuration_set(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    """The deleted set, destinations included; AWS's output has no ProtectConfigurationId or Tags."""
    configuration_set = load_configuration_set(context, params["ConfigurationSetName"])
    context.documents.remove(CONFIGURATION_SET, configuration_set["ConfigurationSetName"])
    drop_tags(context, configuration_set["ConfigurationSetArn"])
    return configuration_set
