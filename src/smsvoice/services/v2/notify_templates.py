"""What AWS manages for Notify, read-only: DescribeNotifyTemplates and ListNotifyCountries.

Both serve the data files of domain/notify_catalog.py. Filters follow the usual AWS convention: AND
across filters, OR within one filter's values (a list member matches when any of its values is given).
"""

from __future__ import annotations

from typing import Any, Final

from smsvoice.domain import notify_catalog
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import paged_answer
from smsvoice.services.v2.errors import ResourceNotFoundException
from smsvoice.services.v2.identities import FilterSpec, matches_filters
from smsvoice.services.v2.notify_configurations import TEMPLATE_RESOURCE_TYPE
from smsvoice.services.v2.operations import operations

# When the catalog's templates were published (the data files carry no dates): 2025-12-01 UTC.
CATALOG_PUBLISHED: Final = 1_764_547_200.0

_TEMPLATE_FILTERS: FilterSpec = {
    "template-type": ("TemplateType", "str"),
    "channels": ("Channels", "list"),
    "tier-access": ("TierAccess", "list"),
    "supported-countries": ("SupportedCountries", "list"),
    "language-code": ("LanguageCode", "str"),
    "supported-voice-ids": ("SupportedVoiceIds", "list"),
}


@operations.handler("DescribeNotifyTemplates")
def describe_notify_templates(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    wanted = params.get("TemplateIds")
    if wanted:
        templates = []
        for template_id in dict.fromkeys(wanted):
            found = notify_catalog.template(template_id)
            if found is None:
                raise ResourceNotFoundException(
                    f"The notify-template {template_id} does not exist", TEMPLATE_RESOURCE_TYPE, template_id
                )
            templates.append(found)
    else:
        templates = notify_catalog.templates()
    chosen = [
        {**template, "CreatedTimestamp": CATALOG_PUBLISHED}
        for template in templates
        if matches_filters(template, params, _TEMPLATE_FILTERS)
    ]
    return paged_answer(context, "NotifyTemplates", chosen, lambda item: str(item["TemplateId"]), params)


@operations.handler("ListNotifyCountries")
def list_notify_countries(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    channels = set(params.get("Channels") or [])
    use_cases = set(params.get("UseCases") or [])
    tier = params.get("Tier")
    chosen = [
        entry
        for entry in notify_catalog.countries()
        if (not channels or channels & set(entry["SupportedChannels"]))
        and (not use_cases or use_cases & set(entry["SupportedUseCases"]))
        and (tier is None or tier in entry["SupportedTiers"])
    ]
    return paged_answer(context, "NotifyCountries", chosen, lambda item: str(item["IsoCountryCode"]), params)
