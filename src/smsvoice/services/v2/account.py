"""The account in one Region: its tier (sandbox or production), resource limits and spend limits.

Every account starts in production (users of an emulator want to send at once); the inspection API
moves it to the sandbox (`PUT /_smsvoice/accounts/{account}/regions/{region}/tier`). Both the tier
and the spend-limit overrides live in one settings document per account and Region.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from smsvoice.protocol.model import load_service_model
from smsvoice.quotas import V2_ACCOUNT_LIMITS, V2_PRODUCTION_SPEND_LIMITS, V2_SANDBOX_SPEND_LIMITS
from smsvoice.services.api import OperationContext
from smsvoice.services.names import V2
from smsvoice.services.v2.common import paginate
from smsvoice.services.v2.errors import ValidationException
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.opt_outs import DEFAULT_LIST
from smsvoice.store import Document, Documents

ACCOUNT_SETTINGS = "v2/account"
SETTINGS_KEY = "settings"

PRODUCTION = "PRODUCTION"
SANDBOX = "SANDBOX"
TIERS = (PRODUCTION, SANDBOX)

# Document kinds counted by DescribeAccountLimits, by AccountLimitName.
_COUNTED_KINDS = {
    "PHONE_NUMBERS": "v2/phone-number",
    "POOLS": "v2/pool",
    "CONFIGURATION_SETS": "v2/configuration-set",
    "OPT_OUT_LISTS": "v2/opt-out-list",
    "SENDER_IDS": "v2/sender-id",
    "REGISTRATIONS": "v2/registration",
    "REGISTRATION_ATTACHMENTS": "v2/registration-attachment",
    "VERIFIED_DESTINATION_NUMBERS": "v2/verified-destination-number",
}


def _in_model(enum_shape: str, names: list[str]) -> list[str]:
    """The names the installed model knows: the enums grow with botocore releases (RCS came late)."""
    known = set(load_service_model(V2).shape_for(enum_shape).enum)
    return [name for name in names if name in known]


def _settings(documents: Documents) -> Document:
    return documents.get(ACCOUNT_SETTINGS, SETTINGS_KEY) or {}


def _save_settings(documents: Documents, settings: Document) -> None:
    documents.put(ACCOUNT_SETTINGS, SETTINGS_KEY, settings)


def default_protect_configuration_id(documents: Documents) -> str | None:
    """The account's default protect configuration (SetAccountDefaultProtectConfiguration), if any."""
    found = _settings(documents).get("DefaultProtectConfigurationId")
    return str(found) if found else None


def set_default_protect_configuration_id(documents: Documents, protect_id: str | None) -> None:
    settings = _settings(documents)
    if protect_id is None:
        settings.pop("DefaultProtectConfigurationId", None)
    else:
        settings["DefaultProtectConfigurationId"] = protect_id
    _save_settings(documents, settings)


def tier_of(documents: Documents) -> str:
    return str(_settings(documents).get("AccountTier", PRODUCTION))


def account_tier(context: OperationContext) -> str:
    """ "PRODUCTION" or "SANDBOX" for the caller's account in the caller's Region."""
    return tier_of(context.documents)


def set_account_tier(documents: Documents, tier: str) -> None:
    if tier not in TIERS:
        raise ValueError(f"tier must be one of {', '.join(TIERS)}, not {tier!r}")
    settings = _settings(documents)
    settings["AccountTier"] = tier
    _save_settings(documents, settings)


def _max_spend_limit(documents: Documents, channel: str) -> int:
    limits = V2_SANDBOX_SPEND_LIMITS if tier_of(documents) == SANDBOX else V2_PRODUCTION_SPEND_LIMITS
    return limits[channel]


def _override(documents: Documents, channel: str) -> int | None:
    found = _settings(documents).get("SpendLimitOverrides", {}).get(channel)
    return None if found is None else int(found)


def _enforced(documents: Documents, channel: str) -> int:
    # An override made in production still applies in the sandbox, but never above the sandbox's maximum.
    maximum = _max_spend_limit(documents, channel)
    override = _override(documents, channel)
    return maximum if override is None else min(override, maximum)


def enforced_spend_limit(context: OperationContext, channel: str) -> Decimal:
    """The monthly spend limit in US dollars that sends on `channel` (TEXT, VOICE, MEDIA, ...) must stay under."""
    return Decimal(_enforced(context.documents, channel))


@operations.handler("DescribeAccountAttributes")
def describe_account_attributes(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    attributes = [{"Name": "ACCOUNT_TIER", "Value": account_tier(context)}]
    default_protect = default_protect_configuration_id(context.documents)
    if default_protect:
        attributes.append({"Name": "DEFAULT_PROTECT_CONFIGURATION_ID", "Value": default_protect})
    return _paged(context, "AccountAttributes", attributes, params)


def _used(documents: Documents, limit_name: str) -> int:
    kind = _COUNTED_KINDS[limit_name]
    used = documents.count(kind)
    # Every account has the Default list, made on first use: it counts before it is stored.
    if limit_name == "OPT_OUT_LISTS" and documents.get(kind, DEFAULT_LIST) is None:
        used += 1
    return used


@operations.handler("DescribeAccountLimits")
def describe_account_limits(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    limits = [
        {"Name": name, "Used": _used(context.documents, name), "Max": V2_ACCOUNT_LIMITS[name]}
        for name in _in_model("AccountLimitName", list(V2_ACCOUNT_LIMITS))
    ]
    return _paged(context, "AccountLimits", limits, params)


def _spend_limit_name(channel: str) -> str:
    return f"{channel}_MESSAGE_MONTHLY_SPEND_LIMIT"


@operations.handler("DescribeSpendLimits")
def describe_spend_limits(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    documents = context.documents
    limits = [
        {
            "Name": _spend_limit_name(channel),
            "EnforcedLimit": _enforced(documents, channel),
            "MaxLimit": _max_spend_limit(documents, channel),
            "Overridden": _override(documents, channel) is not None,
        }
        for channel in V2_PRODUCTION_SPEND_LIMITS
        if _in_model("SpendLimitName", [_spend_limit_name(channel)])
    ]
    return _paged(context, "SpendLimits", limits, params)


def _paged(
    context: OperationContext, member: str, items: list[dict[str, Any]], params: dict[str, Any]
) -> dict[str, Any]:
    page = paginate(context, items, lambda item: str(item["Name"]), params)
    result: dict[str, Any] = {member: page.items}
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


def _set_override(context: OperationContext, channel: str, params: dict[str, Any]) -> dict[str, Any]:
    limit = int(params["MonthlyLimit"])
    maximum = _max_spend_limit(context.documents, channel)
    if limit > maximum:
        raise ValidationException(
            f"The requested monthly limit of {limit} USD is higher than the service limit of {maximum} USD",
            "REQUESTED_SPEND_LIMIT_HIGHER_THAN_SERVICE_LIMIT",
        )
    settings = _settings(context.documents)
    settings.setdefault("SpendLimitOverrides", {})[channel] = limit
    _save_settings(context.documents, settings)
    return {"MonthlyLimit": limit}


def _delete_override(context: OperationContext, channel: str) -> dict[str, Any]:
    """Back to the service maximum ("sets the EnforcedLimit equal to the MaxLimit", v2 API reference)."""
    settings = _settings(context.documents)
    settings.get("SpendLimitOverrides", {}).pop(channel, None)
    _save_settings(context.documents, settings)
    return {"MonthlyLimit": _max_spend_limit(context.documents, channel)}


def _register_override_handlers(channel: str) -> None:
    """Set<Channel>MessageSpendLimitOverride and Delete<Channel>MessageSpendLimitOverride (TEXT: Text)."""
    name = channel.capitalize()

    @operations.handler(f"Set{name}MessageSpendLimitOverride")
    def set_override(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
        return _set_override(context, channel, params)

    @operations.handler(f"Delete{name}MessageSpendLimitOverride")
    def delete_override(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
        return _delete_override(context, channel)


# A Set/Delete pair for every channel with a spend limit; building the API refuses a pair the model lacks.
for _channel in V2_PRODUCTION_SPEND_LIMITS:
    _register_override_handlers(_channel)
