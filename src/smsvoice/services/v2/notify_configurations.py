"""Notify configurations: CreateNotifyConfiguration, UpdateNotifyConfiguration,
DeleteNotifyConfiguration, DescribeNotifyConfigurations.

A configuration is stored in the model's NotifyConfigurationInformation shape, keyed by its id
(`nc-` and 17 hex digits, like the user guide's example `nc-1234567890abcdef0`); its ARN is
`notify-configuration/<id>`.

The DisplayName review (domain/notify_review.py) runs when the configuration is created: Create
answers `PENDING`, as AWS does, and the review's verdict is stored in the same transaction, so every
later request sees `ACTIVE`, or `REJECTED` with a RejectionReason. AWS activates "most configurations
within seconds" (user guide, nx-notify-get-set-up-create.html); an emulator's user would only poll.

Every configuration starts on the BASIC tier (notify-tiers.html: "All new configurations start on the
Basic tier"); the tier upgrade is AWS's verification process, so the inspection API moves
TierUpgradeStatus (server/notify_api.py, `set_tier_upgrade_status`).
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from smsvoice.domain import notify_catalog
from smsvoice.domain.notify_catalog import ADVANCED, BASIC, NOTIFY_CHANNELS
from smsvoice.domain.notify_review import rejection_reason
from smsvoice.protocol.errors import FieldProblem
from smsvoice.quotas import V2_NOTIFY_CONFIGURATIONS_PER_ACCOUNT
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import add_under_quota, arn_for, paged_answer, resolve_id
from smsvoice.services.v2.errors import ConflictException, ResourceNotFoundException, ValidationException
from smsvoice.services.v2.identities import FilterSpec, get_pool, matches_filters
from smsvoice.services.v2.notify_limits import forget_counts
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.tags import drop_tags, get_tags, register_taggable, set_tags
from smsvoice.store import Document, Documents

NOTIFY_CONFIGURATION = "v2/notify-configuration"
RESOURCE_TYPE = "notify-configuration"
TEMPLATE_RESOURCE_TYPE = "notify-template"
UNSET_TEMPLATE: Final = "UNSET_DEFAULT_TEMPLATE"
UNSET_POOL: Final = "UNSET_DEFAULT_POOL_FOR_NOTIFY"
# TierUpgradeStatus -> the Tier it leaves the configuration on.
TIER_OF_UPGRADE_STATUS: Final = {
    BASIC: BASIC,
    "PENDING_UPGRADE": BASIC,
    ADVANCED: ADVANCED,
    "REJECTED": BASIC,
}


def load_notify_configuration(context: OperationContext, id_or_arn: str) -> Document:
    """The configuration an id or ARN designates in the caller's account and Region, else not found."""
    config_id = resolve_id(context, id_or_arn, RESOURCE_TYPE)
    found = context.documents.get(NOTIFY_CONFIGURATION, config_id)
    if found is None:
        raise ResourceNotFoundException(
            f"The notify-configuration {id_or_arn} does not exist", RESOURCE_TYPE, id_or_arn
        )
    return found


def configurations_using_pool(context: OperationContext, pool_id: str) -> list[str]:
    """The ids of the configurations whose PoolId is `pool_id` (a pool they use cannot be deleted)."""
    return [
        key for key, doc in context.documents.iterate(NOTIFY_CONFIGURATION) if doc.get("PoolId") == pool_id
    ]


def _invalid(member: str, message: str, reason: str = "INVALID_PARAMETER") -> ValidationException:
    return ValidationException(message, reason, [FieldProblem(member, message)])


def _check_channels(channels: list[str]) -> list[str]:
    unsupported = [channel for channel in channels if channel not in NOTIFY_CHANNELS]
    if unsupported:
        raise _invalid(
            "EnabledChannels", f"Notify sends over SMS and VOICE only, not {', '.join(unsupported)}"
        )
    return list(dict.fromkeys(channels))


def _check_countries(countries: list[str], tier: str) -> list[str]:
    allowed = set(notify_catalog.tier_countries(tier))
    refused = [code for code in countries if code not in allowed]
    if refused:
        raise _invalid(
            "EnabledCountries",
            f"A {tier} configuration can't enable {', '.join(refused)} (ListNotifyCountries lists what each tier supports)",
        )
    return list(dict.fromkeys(countries))


def check_template(template_id: str, tier: str) -> dict[str, Any]:
    """The template, if it exists and the tier may use it."""
    template = notify_catalog.template(template_id)
    if template is None:
        raise ResourceNotFoundException(
            f"The notify-template {template_id} does not exist", TEMPLATE_RESOURCE_TYPE, template_id
        )
    if tier not in template.get("TierAccess", []):
        raise _invalid("TemplateId", f"The template {template_id} is not available on the {tier} tier")
    return template


def _pool_id(context: OperationContext, value: str) -> str:
    return get_pool(context, value).key


def _id() -> str:
    return f"nc-{uuid.uuid4().hex[:17]}"


@operations.handler("CreateNotifyConfiguration")
def create_notify_configuration(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    display_name = params["DisplayName"]
    channels = _check_channels(params["EnabledChannels"])
    countries = params.get("EnabledCountries")
    # Without EnabledCountries, every country of the tier (on Basic, its fixed list).
    enabled = _check_countries(countries, BASIC) if countries else notify_catalog.tier_countries(BASIC)
    config_id = _id()
    doc: Document = {
        "NotifyConfigurationArn": arn_for(context, RESOURCE_TYPE, config_id),
        "NotifyConfigurationId": config_id,
        "DisplayName": display_name,
        "UseCase": params["UseCase"],
        "EnabledCountries": enabled,
        "EnabledChannels": channels,
        "Tier": BASIC,
        "TierUpgradeStatus": BASIC,
        "DeletionProtectionEnabled": bool(params.get("DeletionProtectionEnabled")),
        "CreatedTimestamp": context.now(),
    }
    template_id = params.get("DefaultTemplateId")
    if template_id == UNSET_TEMPLATE:
        raise _invalid("DefaultTemplateId", f"{UNSET_TEMPLATE} is only valid in UpdateNotifyConfiguration")
    if template_id:
        doc["DefaultTemplateId"] = check_template(template_id, BASIC)["TemplateId"]
    if params.get("PoolId"):
        doc["PoolId"] = _pool_id(context, params["PoolId"])
    reason = rejection_reason(display_name)
    doc["Status"] = "ACTIVE" if reason is None else "REJECTED"
    if reason is not None:
        doc["RejectionReason"] = reason
    add_under_quota(
        context,
        NOTIFY_CONFIGURATION,
        config_id,
        doc,
        limit=V2_NOTIFY_CONFIGURATIONS_PER_ACCOUNT,
        reason="NOTIFY_CONFIGURATIONS_PER_ACCOUNT",
        what="notify configurations",
    )
    set_tags(context, doc["NotifyConfigurationArn"], params.get("Tags"))
    answer = {key: value for key, value in doc.items() if key != "RejectionReason"}
    return {**answer, "Status": "PENDING", "Tags": get_tags(context, doc["NotifyConfigurationArn"])}


@operations.handler("UpdateNotifyConfiguration")
def update_notify_configuration(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = load_notify_configuration(context, params["NotifyConfigurationId"])
    tier = str(doc["Tier"])
    template_id = params.get("DefaultTemplateId")
    if template_id == UNSET_TEMPLATE:
        doc.pop("DefaultTemplateId", None)
    elif template_id:
        doc["DefaultTemplateId"] = check_template(template_id, tier)["TemplateId"]
    pool = params.get("PoolId")
    if pool == UNSET_POOL:
        doc.pop("PoolId", None)
    elif pool:
        doc["PoolId"] = _pool_id(context, pool)
    if params.get("EnabledChannels"):
        doc["EnabledChannels"] = _check_channels(params["EnabledChannels"])
    if params.get("EnabledCountries") is not None:
        doc["EnabledCountries"] = _check_countries(params["EnabledCountries"], tier)
    if params.get("DeletionProtectionEnabled") is not None:
        doc["DeletionProtectionEnabled"] = params["DeletionProtectionEnabled"]
    context.documents.replace(NOTIFY_CONFIGURATION, doc["NotifyConfigurationId"], doc)
    return doc


@operations.handler("DeleteNotifyConfiguration")
def delete_notify_configuration(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = load_notify_configuration(context, params["NotifyConfigurationId"])
    config_id = doc["NotifyConfigurationId"]
    if doc.get("DeletionProtectionEnabled"):
        raise ConflictException(
            f"Notify configuration {config_id} has deletion protection enabled",
            "DELETION_PROTECTION_ENABLED",
            RESOURCE_TYPE,
            config_id,
        )
    context.documents.remove(NOTIFY_CONFIGURATION, config_id)
    forget_counts(context, config_id)
    drop_tags(context, doc["NotifyConfigurationArn"])
    return doc


_FILTERS: FilterSpec = {
    "display-name": ("DisplayName", "str"),
    "enabled-countries": ("EnabledCountries", "list"),
    "enabled-channels": ("EnabledChannels", "list"),
    "default-template": ("DefaultTemplateId", "str"),
    "default-pool": ("PoolId", "str"),
    "use-case": ("UseCase", "str"),
    "status": ("Status", "str"),
    "deletion-protection-enabled": ("DeletionProtectionEnabled", "bool"),
    "tier-upgrade-status": ("TierUpgradeStatus", "str"),
}


@operations.handler("DescribeNotifyConfigurations")
def describe_notify_configurations(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    wanted = params.get("NotifyConfigurationIds")
    if wanted:
        found = (load_notify_configuration(context, value) for value in wanted)
        docs = list({doc["NotifyConfigurationId"]: doc for doc in found}.values())
    else:
        docs = [doc for _, doc in context.documents.iterate(NOTIFY_CONFIGURATION)]
    docs = [doc for doc in docs if matches_filters(doc, params, _FILTERS)]
    answer = paged_answer(
        context, "NotifyConfigurations", docs, lambda doc: str(doc["NotifyConfigurationId"]), params
    )
    # The model's NotifyConfigurationInformationList has at least one item: none is no member at all.
    if not answer["NotifyConfigurations"]:
        del answer["NotifyConfigurations"]
    return answer


def set_tier_upgrade_status(documents: Documents, config_id: str, status: str) -> Document | None:
    """Move a configuration's tier upgrade (the inspection API's stand-in for AWS's verification);
    None when there is no such configuration."""
    if status not in TIER_OF_UPGRADE_STATUS:
        raise ValueError(f"tier upgrade status must be one of {', '.join(TIER_OF_UPGRADE_STATUS)}")
    doc = documents.get(NOTIFY_CONFIGURATION, config_id)
    if doc is None:
        return None
    doc["TierUpgradeStatus"] = status
    doc["Tier"] = TIER_OF_UPGRADE_STATUS[status]
    documents.replace(NOTIFY_CONFIGURATION, config_id, doc)
    return doc


register_taggable(
    RESOURCE_TYPE, lambda context, key: context.documents.get(NOTIFY_CONFIGURATION, key) is not None
)
