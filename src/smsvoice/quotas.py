"""Every number AWS documents as a limit, in one place: request rates and resource quotas."""

from __future__ import annotations

V1 = "pinpoint-sms-voice"
V2 = "pinpoint-sms-voice-v2"

# Requests per second, per account, region and operation, under `--throttling aws`.
# v1: the API reference limits the event-destination resource to 1 request per second
# (PUT and DELETE in the seed document, GET and POST on the collection per the same reference).
RATE_LIMITS: dict[tuple[str, str], float] = {
    (V1, "CreateConfigurationSetEventDestination"): 1.0,
    (V1, "GetConfigurationSetEventDestinations"): 1.0,
    (V1, "UpdateConfigurationSetEventDestination"): 1.0,
    (V1, "DeleteConfigurationSetEventDestination"): 1.0,
}

# Operations of an API that have a default rate for "everything else" (filled by the v2 issue).
DEFAULT_RATES: dict[str, float] = {}
UNTHROTTLED: dict[str, frozenset[str]] = {}


def rate_limit_for(api: str, operation: str) -> float | None:
    explicit = RATE_LIMITS.get((api, operation))
    if explicit is not None:
        return explicit
    if operation in UNTHROTTLED.get(api, frozenset()):
        return None
    return DEFAULT_RATES.get(api)


# v1 resource quotas.
# "Each configuration set can contain between 0 and 10 event destinations." (v1 API reference)
V1_EVENT_DESTINATIONS_PER_CONFIGURATION_SET = 10
# Old Pinpoint limits page: 10,000 voice configuration sets per Region.
V1_CONFIGURATION_SETS_PER_REGION = 10_000
# v1 ListConfigurationSets page size: AWS does not document one; we use 100 and cap requests at it.
V1_LIST_PAGE_SIZE = 100
