"""v2 protect configurations: create, describe, update, delete, country rule sets, the association
with configuration sets and the account default.

A configuration is stored as the API's ProtectConfigurationInformation shape (without AccountDefault,
which lives in the account settings document and is added when answering), keyed by its id, plus
`CountryRules`: per NumberCapability, the countries whose ProtectStatus was set explicitly. Every
other country is ALLOW: "By default all country rule sets for each capability are set to ALLOW"
(CreateProtectConfiguration, v2 API reference). Number overrides live in protect_overrides.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, Final

from smsvoice.arns import new_resource_id
from smsvoice.protocol.errors import FieldProblem
from smsvoice.protocol.model import load_service_model
from smsvoice.quotas import V2_PROTECT_CONFIGURATIONS_PER_ACCOUNT
from smsvoice.services.api import OperationContext
from smsvoice.services.names import V2
from smsvoice.services.v2.account import (
    default_protect_configuration_id,
    set_default_protect_configuration_id,
)
from smsvoice.services.v2.common import (
    add_under_quota,
    arn_for,
    bool_filter_value,
    filter_values,
    paginate,
    resolve_id,
)
from smsvoice.services.v2.configuration_sets import (
    CONFIGURATION_SET,
    identity_of,
    load_configuration_set,
    save_configuration_set,
)
from smsvoice.services.v2.errors import (
    ConflictException,
    ResourceNotFoundException,
    ValidationException,
)
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.tags import drop_tags, register_taggable, set_tags
from smsvoice.store import Document

PROTECT_CONFIGURATION: Final = "v2/protect-configuration"
RESOURCE_TYPE: Final = "protect-configuration"
NUMBER_OVERRIDE: Final = "v2/protect-number-override"
DEFAULT_STATUS: Final = "ALLOW"


@cache
def supported_countries() -> tuple[str, ...]:
    """The countries a rule set lists: every ISO 3166 code libphonenumber has numbering data for.

    AWS answers its own list of supported countries, which it does not publish in machine-readable
    form; libphonenumber's 245 regions cover it and stay under the map's 300 entries."""
    import phonenumbers  # on first use: not at start (domain/phone_numbers.py)

    return tuple(sorted(code for code in phonenumbers.SUPPORTED_REGIONS if len(code) == 2 and code.isalpha()))


@cache
def number_capabilities() -> tuple[str, ...]:
    return tuple(load_service_model(V2).shape_for("NumberCapability").enum)


def load_protect_configuration(context: OperationContext, id_or_arn: str) -> Document:
    protect_id = resolve_id(context, id_or_arn, RESOURCE_TYPE)
    found = context.documents.get(PROTECT_CONFIGURATION, protect_id)
    if found is None:
        raise ResourceNotFoundException(
            f"The protect-configuration {id_or_arn} does not exist", RESOURCE_TYPE, id_or_arn
        )
    return found


def _information(context: OperationContext, document: Document) -> dict[str, Any]:
    """The ProtectConfigurationInformation shape most operations answer."""
    return {
        "ProtectConfigurationArn": document["ProtectConfigurationArn"],
        "ProtectConfigurationId": document["ProtectConfigurationId"],
        "CreatedTimestamp": document["CreatedTimestamp"],
        "AccountDefault": default_protect_configuration_id(context.documents)
        == document["ProtectConfigurationId"],
        "DeletionProtectionEnabled": bool(document["DeletionProtectionEnabled"]),
    }


def _identity(document: Document) -> dict[str, Any]:
    return {
        "ProtectConfigurationArn": document["ProtectConfigurationArn"],
        "ProtectConfigurationId": document["ProtectConfigurationId"],
    }


register_taggable(
    RESOURCE_TYPE, lambda context, key: context.documents.get(PROTECT_CONFIGURATION, key) is not None
)


@operations.handler("CreateProtectConfiguration")
def create_protect_configuration(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    protect_id = new_resource_id("protect")
    document: Document = {
        "ProtectConfigurationArn": arn_for(context, RESOURCE_TYPE, protect_id),
        "ProtectConfigurationId": protect_id,
        "CreatedTimestamp": context.now(),
        "DeletionProtectionEnabled": bool(params.get("DeletionProtectionEnabled", False)),
        "CountryRules": {},
    }
    add_under_quota(
        context,
        PROTECT_CONFIGURATION,
        protect_id,
        document,
        limit=V2_PROTECT_CONFIGURATIONS_PER_ACCOUNT,
        reason="PROTECT_CONFIGURATIONS_PER_ACCOUNT",
        what="protect configurations",
    )
    tags = params.get("Tags") or []
    set_tags(context, document["ProtectConfigurationArn"], tags)
    result = _information(context, document)
    if tags:
        result["Tags"] = tags
    return result


def _bool_member(member: str) -> Callable[[OperationContext, Document], bool]:
    return lambda context, document: bool(_information(context, document)[member])


# Each ProtectConfigurationFilterName and the boolean member of the information it compares with.
_FILTERS: dict[str, Callable[[OperationContext, Document], bool]] = {
    "account-default": _bool_member("AccountDefault"),
    "deletion-protection-enabled": _bool_member("DeletionProtectionEnabled"),
}


@operations.handler("DescribeProtectConfigurations")
def describe_protect_configurations(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    tests = [(_FILTERS[name], bool_filter_value(name, values)) for name, values in filter_values(params)]
    requested = params.get("ProtectConfigurationIds")
    if requested:
        chosen = {
            found["ProtectConfigurationId"]: found
            for found in (load_protect_configuration(context, value) for value in requested)
        }
        candidates = list(chosen.values())
    else:
        candidates = [document for _, document in context.documents.iterate(PROTECT_CONFIGURATION)]
    selected = [
        _information(context, item)
        for item in candidates
        if all(member(context, item) in wanted for member, wanted in tests)
    ]
    page = paginate(context, selected, lambda item: str(item["ProtectConfigurationId"]), params)
    # The model's list has at least one item: an empty answer leaves the member out.
    result: dict[str, Any] = {"ProtectConfigurations": page.items} if page.items else {}
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


@operations.handler("UpdateProtectConfiguration")
def update_protect_configuration(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    document = load_protect_configuration(context, params["ProtectConfigurationId"])
    if params.get("DeletionProtectionEnabled") is not None:
        document["DeletionProtectionEnabled"] = bool(params["DeletionProtectionEnabled"])
        context.documents.replace(PROTECT_CONFIGURATION, document["ProtectConfigurationId"], document)
    return _information(context, document)


def _associated_sets(context: OperationContext, protect_id: str) -> list[str]:
    return [
        name
        for name, item in context.documents.iterate(CONFIGURATION_SET)
        if item.get("ProtectConfigurationId") == protect_id
    ]


@operations.handler("DeleteProtectConfiguration")
def delete_protect_configuration(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    document = load_protect_configuration(context, params["ProtectConfigurationId"])
    protect_id = document["ProtectConfigurationId"]
    answer = _information(context, document)
    if document["DeletionProtectionEnabled"]:
        raise ConflictException(
            f"The protect-configuration {protect_id} has deletion protection enabled",
            "DELETION_PROTECTION_ENABLED",
            RESOURCE_TYPE,
            protect_id,
        )
    if answer["AccountDefault"]:
        raise ConflictException(
            f"The protect-configuration {protect_id} is the account default",
            "PROTECT_CONFIGURATION_IS_ACCOUNT_DEFAULT",
            RESOURCE_TYPE,
            protect_id,
        )
    associated = _associated_sets(context, protect_id)
    if associated:
        raise ConflictException(
            f"The protect-configuration {protect_id} is associated with configuration set "
            f"{', '.join(associated)}",
            "PROTECT_CONFIGURATION_ASSOCIATED_WITH_CONFIGURATION_SET",
            RESOURCE_TYPE,
            protect_id,
        )
    for key, _ in context.documents.page(NUMBER_OVERRIDE, parent=protect_id):
        context.documents.remove(NUMBER_OVERRIDE, key)
    context.documents.remove(PROTECT_CONFIGURATION, protect_id)
    drop_tags(context, document["ProtectConfigurationArn"])
    return answer


def country_status(document: Document, capability: str, iso_country_code: str | None) -> str:
    """The ProtectStatus of a country for one NumberCapability (ALLOW unless set otherwise)."""
    if iso_country_code is None:
        return DEFAULT_STATUS
    rules: dict[str, str] = document.get("CountryRules", {}).get(capability, {})
    return rules.get(iso_country_code, DEFAULT_STATUS)


def _rule_set_answer(document: Document, capability: str) -> dict[str, Any]:
    explicit: dict[str, str] = document.get("CountryRules", {}).get(capability, {})
    countries = sorted({*supported_countries(), *explicit})
    return {
        **_identity(document),
        "NumberCapability": capability,
        "CountryRuleSet": {code: {"ProtectStatus": explicit.get(code, DEFAULT_STATUS)} for code in countries},
    }


@operations.handler("GetProtectConfigurationCountryRuleSet")
def get_protect_configuration_country_rule_set(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    document = load_protect_configuration(context, params["ProtectConfigurationId"])
    return _rule_set_answer(document, params["NumberCapability"])


@operations.handler("UpdateProtectConfigurationCountryRuleSet")
def update_protect_configuration_country_rule_set(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    document = load_protect_configuration(context, params["ProtectConfigurationId"])
    capability = params["NumberCapability"]
    updates: dict[str, dict[str, str]] = params["CountryRuleSetUpdates"]
    known = set(supported_countries())
    unknown = sorted(code for code in updates if code not in known)
    if unknown:
        raise ValidationException(
            f"Not a supported country: {', '.join(unknown)}",
            "INVALID_PARAMETER",
            [FieldProblem("CountryRuleSetUpdates", f"Unknown ISO country code {code}") for code in unknown],
        )
    rules = document.setdefault("CountryRules", {}).setdefault(capability, {})
    for code, information in updates.items():
        rules[code] = information["ProtectStatus"]
    context.documents.replace(PROTECT_CONFIGURATION, document["ProtectConfigurationId"], document)
    return _rule_set_answer(document, capability)


@operations.handler("AssociateProtectConfiguration")
def associate_protect_configuration(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    """ "This replaces the configuration sets current protect configuration" (v2 API reference)."""
    document = load_protect_configuration(context, params["ProtectConfigurationId"])
    configuration_set = load_configuration_set(context, params["ConfigurationSetName"])
    configuration_set["ProtectConfigurationId"] = document["ProtectConfigurationId"]
    save_configuration_set(context, configuration_set)
    return {**identity_of(configuration_set), **_identity(document)}


@operations.handler("DisassociateProtectConfiguration")
def disassociate_protect_configuration(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    document = load_protect_configuration(context, params["ProtectConfigurationId"])
    configuration_set = load_configuration_set(context, params["ConfigurationSetName"])
    protect_id = document["ProtectConfigurationId"]
    if configuration_set.get("ProtectConfigurationId") != protect_id:
        raise ConflictException(
            f"The protect-configuration {protect_id} is not associated with configuration set "
            f"{configuration_set['ConfigurationSetName']}",
            "PROTECT_CONFIGURATION_NOT_ASSOCIATED_WITH_CONFIGURATION_SET",
            RESOURCE_TYPE,
            protect_id,
        )
    del configuration_set["ProtectConfigurationId"]
    save_configuration_set(context, configuration_set)
    return {**identity_of(configuration_set), **_identity(document)}


@operations.handler("SetAccountDefaultProtectConfiguration")
def set_account_default_protect_configuration(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    document = load_protect_configuration(context, params["ProtectConfigurationId"])
    set_default_protect_configuration_id(context.documents, document["ProtectConfigurationId"])
    return {
        "DefaultProtectConfigurationArn": document["ProtectConfigurationArn"],
        "DefaultProtectConfigurationId": document["ProtectConfigurationId"],
    }


@operations.handler("DeleteAccountDefaultProtectConfiguration")
def delete_account_default_protect_configuration(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    """The removed default; without one there is nothing to remove: not found (AWS does not say)."""
    protect_id = default_protect_configuration_id(context.documents)
    if protect_id is None:
        raise ResourceNotFoundException(
            "The account has no default protect configuration", "account", context.account
        )
    set_default_protect_configuration_id(context.documents, None)
    return {
        "DefaultProtectConfigurationArn": arn_for(context, RESOURCE_TYPE, protect_id),
        "DefaultProtectConfigurationId": protect_id,
    }
