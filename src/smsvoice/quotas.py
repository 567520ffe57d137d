"""Every number AWS documents as a limit, in one place: request rates and resource quotas."""

from __future__ import annotations

# Requests per second, per account, Region and operation, under `--throttling aws` (which operations
# each applies to: RATES in services/v1/api.py and services/v2/api.py).
# v1: the API reference limits the event-destination resource to 1 request per second
# (PUT and DELETE in the seed document, GET and POST on the collection per the same reference).
V1_EVENT_DESTINATION_REQUESTS_PER_SECOND = 1.0
# v2: "Quotas for AWS End User Messaging SMS" (https://docs.aws.amazon.com/sms-voice/latest/userguide/
# quotas.html) lists 1 request per second for every control-plane operation, Describe*/List* included,
# and 10 for DeleteOptedOutNumber.
V2_REQUESTS_PER_SECOND = 1.0
V2_DELETE_OPTED_OUT_NUMBER_REQUESTS_PER_SECOND = 10.0


# v1 resource quotas.
# "Each configuration set can contain between 0 and 10 event destinations." (v1 API reference)
V1_EVENT_DESTINATIONS_PER_CONFIGURATION_SET = 10
# Old Pinpoint limits page: 10,000 voice configuration sets per Region.
V1_CONFIGURATION_SETS_PER_REGION = 10_000
# v1 ListConfigurationSets page size: AWS does not document one; we use 100 and cap requests at it.
V1_LIST_PAGE_SIZE = 100

# v2 resource quotas. AWS's quotas page lists request rates only; the numbers of resources an account
# may hold in a Region are not published (DescribeAccountLimits reports them per account), so these
# are smsvoice's choices except where a source is named.
V2_CONFIGURATION_SETS_PER_ACCOUNT = 25  # chosen
# "By default you can have up to 25 protect configurations in your AWS account." (user guide,
# protect-configuration-create.html); smsvoice counts them per account and Region, like every quota.
V2_PROTECT_CONFIGURATIONS_PER_ACCOUNT = 25
# "Each configuration set can contain between 0 and 5 event destinations." (v2 API reference,
# CreateEventDestination)
V2_EVENT_DESTINATIONS_PER_CONFIGURATION_SET = 5
# Max of each DescribeAccountLimits entry (AccountLimitName enum), per account and Region.
V2_ACCOUNT_LIMITS: dict[str, int] = {
    "PHONE_NUMBERS": 100,  # chosen
    "POOLS": 100,  # chosen
    "CONFIGURATION_SETS": V2_CONFIGURATION_SETS_PER_ACCOUNT,
    "OPT_OUT_LISTS": 25,  # chosen
    "SENDER_IDS": 100,  # chosen
    "REGISTRATIONS": 100,  # chosen
    "REGISTRATION_ATTACHMENTS": 100,  # chosen
    # "You can have up to 10 verified destination phone numbers" (user guide, sandbox.html).
    "VERIFIED_DESTINATION_NUMBERS": 10,
}
# Registration resources an account may create per UTC day and Region (the model's
# REGISTRATION_VERSIONS_CREATED_PER_DAY and REGISTRATION_ATTACHMENTS_CREATED_PER_DAY reasons): AWS's
# quotas page (quotas.html) lists request rates only and publishes no default; both chosen.
V2_REGISTRATION_VERSIONS_CREATED_PER_DAY = 10  # chosen
V2_REGISTRATION_ATTACHMENTS_CREATED_PER_DAY = 100  # chosen
# RCS agents an account may hold per Region (RCS_AGENTS_PER_ACCOUNT): AWS publishes no default; chosen.
V2_RCS_AGENTS_PER_ACCOUNT = 25
# Monthly spend limits in whole US dollars by channel (the SpendLimitName prefix).
# Sandbox: "$1.00 USD monthly spending quota" for SMS and for MMS (user guide, sandbox.html); voice,
# Notify and RCS are not documented and take the same $1. Production: the limit AWS grants on request;
# smsvoice grants 10,000.
V2_SANDBOX_SPEND_LIMITS: dict[str, int] = {"TEXT": 1, "VOICE": 1, "MEDIA": 1, "NOTIFY": 1, "RCS": 1}
V2_PRODUCTION_SPEND_LIMITS: dict[str, int] = {
    "TEXT": 10_000,
    "VOICE": 10_000,
    "MEDIA": 10_000,
    "NOTIFY": 10_000,
    "RCS": 10_000,
}

# v2 origination identities (pools, keywords). Account-wide counts of phone numbers, sender IDs, pools
# and opt-out lists are the V2_ACCOUNT_LIMITS entries above. The model names these quotas as
# ServiceQuotaExceededException reasons (ORIGINATION_IDENTITIES_PER_POOL, KEYWORDS_PER_PHONE_NUMBER,
# KEYWORDS_PER_POOL) but AWS publishes no default values: all three numbers are smsvoice's choices.
V2_ORIGINATION_IDENTITIES_PER_POOL = 100  # chosen
# Custom keywords only: the built-in HELP and STOP keywords of every number are not counted.
V2_KEYWORDS_PER_PHONE_NUMBER = 30  # chosen
V2_KEYWORDS_PER_POOL = 30  # chosen

# Notify (user guide, notify-quotas.html and notify-tiers.html): 25 configurations per account
# (smsvoice counts them per account and Region, like every quota); per configuration and day, 200
# messages on the Basic tier and no limit on the Advanced tier; 10 messages a day to one destination
# number, per configuration and per account; 1 send per second per configuration on Basic, 25 on Advanced.
V2_NOTIFY_CONFIGURATIONS_PER_ACCOUNT = 25
V2_NOTIFY_DAILY_MESSAGES: dict[str, int | None] = {"BASIC": 200, "ADVANCED": None}
V2_NOTIFY_DAILY_MESSAGES_PER_DESTINATION = 10
V2_NOTIFY_SENDS_PER_SECOND: dict[str, float] = {"BASIC": 1.0, "ADVANCED": 25.0}
