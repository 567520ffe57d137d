"""Origination phone numbers: RequestPhoneNumber, DescribePhoneNumbers, UpdatePhoneNumber, ReleasePhoneNumber.

Status: AWS answers RequestPhoneNumber with `Status: PENDING` and the number becomes ACTIVE later
(user guide, "Request a phone number"). smsvoice provisions instantly: the number is stored ACTIVE
and only the RequestPhoneNumber answer says PENDING, so a client that waits for ACTIVE (Terraform
does) sees it on its first DescribePhoneNumbers.
"""

from __future__ import annotations

import random
from typing import Any

from smsvoice.arns import new_resource_id
from smsvoice.domain.number_search import matching_us_numbers
from smsvoice.domain.phone_numbers import mint_phone_number
from smsvoice.protocol.errors import FieldProblem
from smsvoice.quotas import V2_ACCOUNT_LIMITS, V2_ORIGINATION_IDENTITIES_PER_POOL
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.available_numbers import is_taken, number_preference
from smsvoice.services.v2.common import paginate
from smsvoice.services.v2.errors import (
    ConflictException,
    ServiceQuotaExceededException,
    ValidationException,
)
from smsvoice.services.v2.identities import (
    PHONE_NUMBER,
    PHONE_NUMBER_BY_E164,
    PHONE_NUMBER_TYPE,
    POOL_TYPE,
    FilterSpec,
    IdentityRef,
    add_pool_member,
    check_owner,
    get_phone_number,
    get_pool,
    matches_filters,
    phone_number_arn,
    pool_members,
)
from smsvoice.services.v2.keywords import drop_keywords
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.opt_outs import DEFAULT_LIST, get_opt_out_list
from smsvoice.services.v2.registration_associations import check_release, identity_released
from smsvoice.services.v2.registration_gating import (
    check_new_number,
    join_registration,
    registration_for_new_number,
    status_of_new_number,
)
from smsvoice.services.v2.tags import drop_tags, get_tags, register_taggable, set_tags
from smsvoice.store import Document, QuotaExceeded

_RANDOM = random.SystemRandom()
_MINT_TRIES = 20

# Estimated monthly lease in USD by number type (AWS's pricing page; the UG example shows "1.00"
# for a long code). Simulator numbers are test resources: smsvoice charges nothing for them.
MONTHLY_LEASING_PRICE = {
    "LONG_CODE": "1.00",
    "TOLL_FREE": "2.00",
    "TEN_DLC": "2.00",
    "SHORT_CODE": "995.00",
    "SIMULATOR": "0.00",
}
# 10DLC is a US registration scheme, and "Currently only United States origination simulator
# numbers are available" (user guide, test-phone-numbers.html).
US_ONLY_TYPES = frozenset({"TEN_DLC", "SIMULATOR"})
# Settings a pool governs for all of its numbers (they "have to match", user guide "Phone pools").
POOL_GOVERNED = (
    "OptOutListName",
    "TwoWayEnabled",
    "TwoWayChannelArn",
    "TwoWayChannelRole",
    "SelfManagedOptOutsEnabled",
)


def _invalid(member: str, message: str) -> ValidationException:
    return ValidationException(message, "INVALID_PARAMETER", [FieldProblem(member, message)])


def check_number_type(iso_country_code: str, number_type: str, message_type: str) -> None:
    if number_type in US_ONLY_TYPES and iso_country_code != "US":
        raise _invalid("IsoCountryCode", f"{number_type} numbers are only available in the US")
    if number_type == "SIMULATOR" and message_type != "TRANSACTIONAL":
        # "simulator phone numbers ... MessageType must be TRANSACTIONAL" (user guide, phone-numbers-request)
        raise _invalid("MessageType", "Simulator numbers only send TRANSACTIONAL messages")


def _mint(context: OperationContext, iso_country_code: str, number_type: str) -> str:
    for _ in range(_MINT_TRIES):
        try:
            number = mint_phone_number(iso_country_code, number_type, _RANDOM)
        except ValueError as problem:
            raise _invalid(
                "NumberType", f"No {number_type} numbers are available in {iso_country_code}: {problem}"
            ) from None
        if context.documents.get(PHONE_NUMBER_BY_E164, number) is None:
            return number
    raise ServiceQuotaExceededException(
        f"No more {number_type} numbers are available in {iso_country_code}", "PHONE_NUMBERS_PER_ACCOUNT"
    )


def _chosen(
    context: OperationContext, params: dict[str, Any], iso_country_code: str, number_type: str
) -> str:
    """A number matching the request's NumberPreference, else any number of the country and type."""
    preference = number_preference(params, number_type, iso_country_code)
    if preference is None:
        return _mint(context, iso_country_code, number_type)
    found = matching_us_numbers(preference, 1, _RANDOM, lambda number: is_taken(context, number))
    if not found:
        raise _invalid("NumberPreference", "No available phone number matches the NumberPreference")
    return found[0]


def _over_phone_quota() -> ServiceQuotaExceededException:
    limit = V2_ACCOUNT_LIMITS["PHONE_NUMBERS"]
    return ServiceQuotaExceededException(
        f"An account can have at most {limit} phone numbers per Region", "PHONE_NUMBERS_PER_ACCOUNT"
    )


def check_phone_quota(context: OperationContext) -> None:
    """Fail early, before a number is searched for (store_new_phone_number is what enforces it)."""
    if context.documents.count(PHONE_NUMBER) >= V2_ACCOUNT_LIMITS["PHONE_NUMBERS"]:
        raise _over_phone_quota()


def new_phone_number_doc(
    context: OperationContext,
    *,
    phone_number: str,
    phone_number_id: str,
    iso_country_code: str,
    message_type: str,
    number_capabilities: list[str],
    number_type: str,
    opt_out_list_name: str,
) -> Document:
    """A phone number as DescribePhoneNumbers shows it, with AWS's defaults."""
    return {
        "PhoneNumberArn": phone_number_arn(context, phone_number_id),
        "PhoneNumberId": phone_number_id,
        "PhoneNumber": phone_number,
        "Status": "ACTIVE",
        "IsoCountryCode": iso_country_code,
        "MessageType": message_type,
        "NumberCapabilities": list(dict.fromkeys(number_capabilities)),
        "NumberType": number_type,
        "MonthlyLeasingPrice": MONTHLY_LEASING_PRICE.get(number_type, "1.00"),
        "TwoWayEnabled": False,
        "SelfManagedOptOutsEnabled": False,
        "OptOutListName": opt_out_list_name,
        "InternationalSendingEnabled": False,
        "DeletionProtectionEnabled": False,
        "CreatedTimestamp": context.now(),
    }


def store_new_phone_number(context: OperationContext, doc: Document) -> None:
    try:
        context.documents.add(
            PHONE_NUMBER, doc["PhoneNumberId"], doc, limit=V2_ACCOUNT_LIMITS["PHONE_NUMBERS"]
        )
    except QuotaExceeded:
        raise _over_phone_quota() from None
    context.documents.add(PHONE_NUMBER_BY_E164, doc["PhoneNumber"], {"PhoneNumberId": doc["PhoneNumberId"]})


def check_two_way(doc: Document) -> None:
    if doc.get("TwoWayEnabled") and not doc.get("TwoWayChannelArn"):
        raise ValidationException("Two-way messaging needs a TwoWayChannelArn", "TWO_WAY_CHANNEL_NOT_PRESENT")


def join_pool(context: OperationContext, pool: IdentityRef, number: IdentityRef) -> None:
    """Check that a phone number fits a pool, then associate it (shared by Associate and Request)."""
    pool_id = pool.key
    doc = number.doc
    if doc["MessageType"] != pool.doc["MessageType"]:
        raise ConflictException(
            f"The phone number's message type {doc['MessageType']} differs from the pool's {pool.doc['MessageType']}",
            "MESSAGE_TYPE_MISMATCH",
            POOL_TYPE,
            pool_id,
        )
    mismatches = {
        "OptOutListName": "OPT_OUT_LIST_MISMATCH",
        "SelfManagedOptOutsEnabled": "SELF_MANAGED_OPT_OUTS_MISMATCH",
        "TwoWayEnabled": "TWO_WAY_CONFIG_MISMATCH",
        "TwoWayChannelArn": "TWO_WAY_CONFIG_MISMATCH",
    }
    for member, reason in mismatches.items():
        if doc.get(member) != pool.doc.get(member):
            raise ConflictException(
                f"The phone number's {member} does not match the pool's", reason, POOL_TYPE, pool_id
            )
    check_pool_capacity(context, pool_id)
    add_pool_member(context, pool_id, number)
    doc["PoolId"] = pool_id
    context.documents.replace(PHONE_NUMBER, number.key, doc)


def check_pool_capacity(context: OperationContext, pool_id: str) -> None:
    if len(pool_members(context, pool_id)) >= V2_ORIGINATION_IDENTITIES_PER_POOL:
        raise ServiceQuotaExceededException(
            f"A pool can hold at most {V2_ORIGINATION_IDENTITIES_PER_POOL} origination identities",
            "ORIGINATION_IDENTITIES_PER_POOL",
        )


@operations.handler("RequestPhoneNumber")
def request_phone_number(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    country = params["IsoCountryCode"]
    number_type = params["NumberType"]
    message_type = params["MessageType"]
    check_number_type(country, number_type, message_type)
    pool = get_pool(context, params["PoolId"]) if params.get("PoolId") else None
    list_name = DEFAULT_LIST
    if params.get("OptOutListName"):
        list_name = get_opt_out_list(context, params["OptOutListName"])["OptOutListName"]
    elif pool is not None:
        list_name = pool.doc["OptOutListName"]
    else:
        get_opt_out_list(context, DEFAULT_LIST)
    check_phone_quota(context)
    registration = registration_for_new_number(context, params)
    phone_number_id = new_resource_id("phone")
    doc = new_phone_number_doc(
        context,
        phone_number=_chosen(context, params, country, number_type),
        phone_number_id=phone_number_id,
        iso_country_code=country,
        message_type=message_type,
        number_capabilities=params["NumberCapabilities"],
        number_type=number_type,
        opt_out_list_name=list_name,
    )
    for member in ("InternationalSendingEnabled", "DeletionProtectionEnabled"):
        if params.get(member) is not None:
            doc[member] = params[member]
    doc["Status"] = status_of_new_number(context, country, number_type)
    if params.get("RegistrationId"):
        doc["RegistrationId"] = params["RegistrationId"].rsplit("/", 1)[-1]
    check_new_number(context, registration, doc)
    if pool is not None:
        # A number requested into a pool takes the pool's two-way and opt-out settings.
        for member in ("TwoWayEnabled", "TwoWayChannelArn", "TwoWayChannelRole", "SelfManagedOptOutsEnabled"):
            if pool.doc.get(member) is not None:
                doc[member] = pool.doc[member]
    store_new_phone_number(context, doc)
    join_registration(context, registration, doc)
    if pool is not None:
        join_pool(context, pool, IdentityRef(PHONE_NUMBER_TYPE, phone_number_id, doc))
    set_tags(context, doc["PhoneNumberArn"], params.get("Tags"))
    return {**doc, "Status": "PENDING", "Tags": get_tags(context, doc["PhoneNumberArn"])}


_FILTERS: FilterSpec = {
    "status": ("Status", "str"),
    "iso-country-code": ("IsoCountryCode", "str"),
    "message-type": ("MessageType", "str"),
    "number-capability": ("NumberCapabilities", "list"),
    "number-type": ("NumberType", "str"),
    "two-way-enabled": ("TwoWayEnabled", "bool"),
    "self-managed-opt-outs-enabled": ("SelfManagedOptOutsEnabled", "bool"),
    "opt-out-list-name": ("OptOutListName", "str"),
    "deletion-protection-enabled": ("DeletionProtectionEnabled", "bool"),
    "two-way-channel-arn": ("TwoWayChannelArn", "str"),
}


@operations.handler("DescribePhoneNumbers")
def describe_phone_numbers(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    if not check_owner(params, "PhoneNumberIds"):
        return {"PhoneNumbers": []}
    ids = params.get("PhoneNumberIds")
    if ids:
        found = {ref.key: ref.doc for ref in (get_phone_number(context, value) for value in ids)}
        docs = list(found.values())
    else:
        docs = [doc for _, doc in context.documents.iterate(PHONE_NUMBER)]
    docs = [doc for doc in docs if matches_filters(doc, params, _FILTERS)]
    page = paginate(context, docs, lambda doc: str(doc["PhoneNumberId"]), params)
    result: dict[str, Any] = {"PhoneNumbers": page.items}
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


@operations.handler("UpdatePhoneNumber")
def update_phone_number(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = get_phone_number(context, params["PhoneNumberId"])
    doc = dict(ref.doc)
    if params.get("OptOutListName"):
        params = {
            **params,
            "OptOutListName": get_opt_out_list(context, params["OptOutListName"])["OptOutListName"],
        }
    changes = {
        member: params[member]
        for member in (*POOL_GOVERNED, "InternationalSendingEnabled", "DeletionProtectionEnabled")
        if params.get(member) is not None
    }
    if doc.get("PoolId") and any(
        doc.get(member) != changes[member] for member in POOL_GOVERNED if member in changes
    ):
        # "If the origination phone number is associated with a pool, an error is returned."
        # smsvoice refuses only the settings the pool governs; deletion protection and international
        # sending stay the number's own.
        raise ConflictException(
            f"Phone number {ref.key} is in pool {doc['PoolId']}: change these settings on the pool",
            "PHONE_NUMBER_ASSOCIATED_TO_POOL",
            PHONE_NUMBER_TYPE,
            ref.key,
        )
    doc.update(changes)
    check_two_way(doc)
    context.documents.replace(PHONE_NUMBER, ref.key, doc)
    return doc


@operations.handler("ReleasePhoneNumber")
def release_phone_number(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = get_phone_number(context, params["PhoneNumberId"])
    doc = ref.doc
    if doc.get("DeletionProtectionEnabled"):
        raise ConflictException(
            f"Phone number {ref.key} has deletion protection enabled",
            "DELETION_PROTECTION_ENABLED",
            PHONE_NUMBER_TYPE,
            ref.key,
        )
    if doc.get("PoolId"):
        raise ConflictException(
            f"Phone number {ref.key} is associated with pool {doc['PoolId']}",
            "PHONE_NUMBER_ASSOCIATED_TO_POOL",
            PHONE_NUMBER_TYPE,
            ref.key,
        )
    if doc.get("RegistrationId"):
        check_release(context, doc["RegistrationId"], PHONE_NUMBER_TYPE, ref.key)
    context.documents.remove(PHONE_NUMBER, ref.key)
    context.documents.remove(PHONE_NUMBER_BY_E164, doc["PhoneNumber"])
    drop_keywords(context, ref.key)
    drop_tags(context, doc["PhoneNumberArn"])
    if doc.get("RegistrationId"):
        identity_released(context, doc["RegistrationId"], doc["PhoneNumberArn"])
    return {**doc, "Status": "DELETED"}


register_taggable(
    PHONE_NUMBER_TYPE, lambda context, key: context.documents.get(PHONE_NUMBER, key) is not None
)
