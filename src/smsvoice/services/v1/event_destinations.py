"""v1 event destinations of a configuration set: create, get, update (PUT), delete.

At most 10 per set, each with exactly one destination (CloudWatch Logs, Firehose or SNS).
"""

from __future__ import annotations

from typing import Any

from smsvoice.arns import is_destination_arn
from smsvoice.quotas import V1_EVENT_DESTINATIONS_PER_CONFIGURATION_SET
from smsvoice.services.api import OperationContext
from smsvoice.services.v1.configuration_sets import CONFIGURATION_SET, check_name, load_configuration_set
from smsvoice.services.v1.errors import (
    AlreadyExistsException,
    BadRequestException,
    LimitExceededException,
    NotFoundException,
)
from smsvoice.services.v1.operations import operations
from smsvoice.store import Document

DESTINATION_KINDS = ("CloudWatchLogsDestination", "KinesisFirehoseDestination", "SnsDestination")

# Required members and the ARN each must be: (member, service, resource prefix).
_DESTINATION_ARNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "CloudWatchLogsDestination": (("IamRoleArn", "iam", "role/"), ("LogGroupArn", "logs", "log-group:")),
    "KinesisFirehoseDestination": (
        ("IamRoleArn", "iam", "role/"),
        ("DeliveryStreamArn", "firehose", "deliverystream/"),
    ),
    "SnsDestination": (("TopicArn", "sns", ""),),
}


def _check_destination(kind: str, destination: dict[str, Any]) -> None:
    for member, service, prefix in _DESTINATION_ARNS[kind]:
        value = destination.get(member)
        if not value:
            raise BadRequestException(f"{kind}.{member} is required")
        if not is_destination_arn(value, service, prefix):
            raise BadRequestException(f"{kind}.{member} '{value}' is not a valid {service} ARN")


def _kinds_in(definition: dict[str, Any]) -> list[str]:
    return [kind for kind in DESTINATION_KINDS if kind in definition]


def _check_definition(definition: dict[str, Any], *, creating: bool) -> None:
    kinds = _kinds_in(definition)
    if len(kinds) > 1:
        raise BadRequestException(
            "An event destination can contain only one destination: "
            "CloudWatchLogsDestination, KinesisFirehoseDestination or SnsDestination"
        )
    if creating and not kinds:
        raise BadRequestException(
            "An event destination needs one of CloudWatchLogsDestination, KinesisFirehoseDestination "
            "or SnsDestination"
        )
    for kind in kinds:
        _check_destination(kind, definition[kind])
    types = definition.get("MatchingEventTypes")
    if (creating or types is not None) and not types:
        raise BadRequestException("MatchingEventTypes must name at least one event type")


def _find(configuration_set: Document, name: str) -> Document | None:
    for destination in configuration_set["EventDestinations"]:
        if destination["Name"] == name:
            return dict(destination)
    return None


@operations.handler("CreateConfigurationSetEventDestination")
def create_configuration_set_event_destination(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    set_name = params["ConfigurationSetName"]
    name = check_name(params.get("EventDestinationName"), "EventDestinationName")
    definition = params.get("EventDestination")
    if definition is None:
        raise BadRequestException("EventDestination is required")
    _check_definition(definition, creating=True)
    configuration_set = load_configuration_set(context, set_name)
    if _find(configuration_set, name) is not None:
        raise AlreadyExistsException(f"Event destination {name} already exists in {set_name}")
    if len(configuration_set["EventDestinations"]) >= V1_EVENT_DESTINATIONS_PER_CONFIGURATION_SET:
        raise LimitExceededException(
            f"A configuration set can have at most {V1_EVENT_DESTINATIONS_PER_CONFIGURATION_SET} event destinations"
        )
    # v1 takes Enabled as given; an omitted Enabled is false, as for the sibling Pinpoint Email API
    # (AWS does not document the v1 default).
    destination: Document = {
        "Name": name,
        "Enabled": bool(definition.get("Enabled", False)),
        "MatchingEventTypes": list(definition["MatchingEventTypes"]),
    }
    kind = _kinds_in(definition)[0]
    destination[kind] = definition[kind]
    configuration_set["EventDestinations"].append(destination)
    context.documents.replace(CONFIGURATION_SET, set_name, configuration_set)
    return {}


@operations.handler("GetConfigurationSetEventDestinations")
def get_configuration_set_event_destinations(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    configuration_set = load_configuration_set(context, params["ConfigurationSetName"])
    return {"EventDestinations": configuration_set["EventDestinations"]}


@operations.handler("UpdateConfigurationSetEventDestination")
def update_configuration_set_event_destination(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Members given replace the stored ones; a new destination kind replaces the old kind."""
    set_name = params["ConfigurationSetName"]
    name = params["EventDestinationName"]
    definition = params.get("EventDestination") or {}
    _check_definition(definition, creating=False)
    configuration_set = load_configuration_set(context, set_name)
    destination = _find(configuration_set, name)
    if destination is None:
        raise NotFoundException(f"Event destination {name} does not exist in {set_name}")
    if "Enabled" in definition:
        destination["Enabled"] = definition["Enabled"]
    if "MatchingEventTypes" in definition:
        destination["MatchingEventTypes"] = list(definition["MatchingEventTypes"])
    new_kinds = _kinds_in(definition)
    if new_kinds:
        for kind in DESTINATION_KINDS:
            destination.pop(kind, None)
        destination[new_kinds[0]] = definition[new_kinds[0]]
    configuration_set["EventDestinations"] = [
        destination if existing["Name"] == name else existing
        for existing in configuration_set["EventDestinations"]
    ]
    context.documents.replace(CONFIGURATION_SET, set_name, configuration_set)
    return {}


@operations.handler("DeleteConfigurationSetEventDestination")
def delete_configuration_set_event_destination(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    set_name = params["ConfigurationSetName"]
    name = params["EventDestinationName"]
    configuration_set = load_configuration_set(context, set_name)
    if _find(configuration_set, name) is None:
        raise NotFoundException(f"Event destination {name} does not exist in {set_name}")
    configuration_set["EventDestinations"] = [
        existing for existing in configuration_set["EventDestinations"] if existing["Name"] != name
    ]
    context.documents.replace(CONFIGURATION_SET, set_name, configuration_set)
    return {}
