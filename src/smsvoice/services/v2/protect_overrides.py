"""Protect configuration number overrides (put, delete, list) and the verdict a protect configuration
gives a send.

An override is stored as the API's ProtectConfigurationRuleSetNumberOverride shape, keyed by
`<protect id>/<E.164 number>` with the configuration as its parent, so a send reads it with one
lookup and DeleteProtectConfiguration finds every override of a configuration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from smsvoice.domain.phone_numbers import parse_destination
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.account import default_protect_configuration_id
from smsvoice.services.v2.common import filter_values, paginate
from smsvoice.services.v2.errors import ConflictException, ResourceNotFoundException, ValidationException
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.protect_configurations import (
    NUMBER_OVERRIDE,
    PROTECT_CONFIGURATION,
    RESOURCE_TYPE,
    country_status,
    load_protect_configuration,
)
from smsvoice.store import Document

# The NumberCapability whose country rules apply to each send channel.
CAPABILITY_OF_CHANNEL: Final = {"TEXT": "SMS", "MEDIA": "MMS", "VOICE": "VOICE", "RCS": "RCS"}


def _override_key(protect_id: str, e164: str) -> str:
    return f"{protect_id}/{e164}"


def _e164(number: str) -> str:
    """The number with its '+' (the pattern lets callers omit it)."""
    return number if number.startswith("+") else f"+{number}"


def _is_active(override: Document, now: float) -> bool:
    """ "If ExpirationTimestamp is not set then the rule does not expire" (v2 API reference)."""
    expires = override.get("ExpirationTimestamp")
    return expires is None or float(expires) > now


def _answer(document: Document, override: Document) -> dict[str, Any]:
    return {
        "ProtectConfigurationArn": document["ProtectConfigurationArn"],
        "ProtectConfigurationId": document["ProtectConfigurationId"],
        **override,
    }


@operations.handler("PutProtectConfigurationRuleSetNumberOverride")
def put_protect_configuration_rule_set_number_override(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Create or replace the override of one number; replacing keeps the first CreatedTimestamp."""
    document = load_protect_configuration(context, params["ProtectConfigurationId"])
    protect_id = document["ProtectConfigurationId"]
    number = _e164(params["DestinationPhoneNumber"])
    key = _override_key(protect_id, number)
    existing = context.documents.get(NUMBER_OVERRIDE, key)
    override: Document = {
        "DestinationPhoneNumber": number,
        "CreatedTimestamp": existing["CreatedTimestamp"] if existing else context.now(),
        "Action": params["Action"],
    }
    info = parse_destination(number)
    if info is not None and info.iso_country_code:
        override["IsoCountryCode"] = info.iso_country_code
    if params.get("ExpirationTimestamp") is not None:
        override["ExpirationTimestamp"] = float(params["ExpirationTimestamp"])
    if existing is None:
        context.documents.add(NUMBER_OVERRIDE, key, override, parent=protect_id)
    else:
        context.documents.replace(NUMBER_OVERRIDE, key, override)
    return _answer(document, override)


@operations.handler("DeleteProtectConfigurationRuleSetNumberOverride")
def delete_protect_configuration_rule_set_number_override(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    document = load_protect_configuration(context, params["ProtectConfigurationId"])
    number = _e164(params["DestinationPhoneNumber"])
    key = _override_key(document["ProtectConfigurationId"], number)
    override = context.documents.get(NUMBER_OVERRIDE, key)
    if override is None:
        raise ResourceNotFoundException(
            f"The protect-configuration {document['ProtectConfigurationId']} has no override for {number}",
            RESOURCE_TYPE,
            number,
        )
    context.documents.remove(NUMBER_OVERRIDE, key)
    return _answer(document, override)


def _timestamp(name: str, value: str) -> float:
    """A filter's time: epoch seconds or ISO 8601 (AWS does not say which it takes)."""
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        raise ValidationException(
            f"Filter {name} takes epoch seconds or an ISO 8601 time, not {value}", "INVALID_FILTER_VALUES"
        ) from None


def _time_test(name: str, values: list[str]) -> Callable[[Document], bool]:
    member = "ExpirationTimestamp" if name.startswith("expires") else "CreatedTimestamp"
    limits = [_timestamp(name, value) for value in values]
    before = name.endswith("-before")

    def test(item: Document) -> bool:
        found = item.get(member)
        if found is None:
            return False
        return any(float(found) < limit if before else float(found) > limit for limit in limits)

    return test


def _predicate(name: str, values: list[str]) -> Callable[[Document], bool]:
    if name == "iso-country-code":
        return lambda item: item.get("IsoCountryCode") in values
    if name == "action":
        return lambda item: item["Action"] in values
    if name == "destination-phone-number-begins-with":
        prefixes = [_e164(value) for value in values]
        return lambda item: any(item["DestinationPhoneNumber"].startswith(prefix) for prefix in prefixes)
    return _time_test(name, values)


@operations.handler("ListProtectConfigurationRuleSetNumberOverrides")
def list_protect_configuration_rule_set_number_overrides(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Every override, expired ones included, until deleted (AWS does not say when it drops them)."""
    document = load_protect_configuration(context, params["ProtectConfigurationId"])
    predicates = [_predicate(name, values) for name, values in filter_values(params)]
    overrides = [
        item
        for _, item in context.documents.page(NUMBER_OVERRIDE, parent=document["ProtectConfigurationId"])
        if all(test(item) for test in predicates)
    ]
    page = paginate(context, overrides, lambda item: str(item["DestinationPhoneNumber"]), params)
    result: dict[str, Any] = {
        "ProtectConfigurationArn": document["ProtectConfigurationArn"],
        "ProtectConfigurationId": document["ProtectConfigurationId"],
    }
    # The model's list has at least one item: an empty answer leaves the member out.
    if page.items:
        result["RuleSetNumberOverrides"] = page.items
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


@dataclass(frozen=True, slots=True)
class ProtectVerdict:
    protect_configuration_id: str
    protect_status: str  # ALLOW, MONITOR or FILTER: BLOCK refuses the send


def effective_protect_configuration_id(
    context: OperationContext, requested: str | None, configuration_set: Document | None
) -> str | None:
    """The request's, else the configuration set's, else the account default (user guide,
    protect-configuration.html: "The selection process for the effective protection configuration")."""
    if requested is not None:
        return requested
    if configuration_set is not None and configuration_set.get("ProtectConfigurationId"):
        return str(configuration_set["ProtectConfigurationId"])
    return default_protect_configuration_id(context.documents)


def judge_send(
    context: OperationContext, protect_id: str, channel: str, iso_country_code: str | None, e164: str
) -> ProtectVerdict | None:
    """What the protect configuration says about a send; raises ConflictException when it blocks.

    Two reads: the configuration and the number's override. A configuration that no longer exists
    (it cannot be deleted while a set or the account uses it) protects nothing."""
    document = context.documents.get(PROTECT_CONFIGURATION, protect_id)
    if document is None:
        return None
    override = context.documents.get(NUMBER_OVERRIDE, _override_key(protect_id, e164))
    if override is not None and _is_active(override, context.now()):
        if override["Action"] == "BLOCK":
            raise ConflictException(
                f"{e164} is blocked by a number override of protect-configuration {protect_id}",
                "DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE",
                RESOURCE_TYPE,
                protect_id,
            )
        return ProtectVerdict(protect_id, "ALLOW")
    status = country_status(document, CAPABILITY_OF_CHANNEL[channel], iso_country_code)
    if status == "BLOCK":
        raise ConflictException(
            f"Messages to {iso_country_code} on {CAPABILITY_OF_CHANNEL[channel]} are blocked by "
            f"protect-configuration {protect_id}",
            "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION",
            RESOURCE_TYPE,
            protect_id,
        )
    return ProtectVerdict(protect_id, status)
