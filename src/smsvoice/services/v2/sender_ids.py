"""Sender IDs: RequestSenderId, DescribeSenderIds, UpdateSenderId, ReleaseSenderId.

A sender ID is registered per country; its ARN is `sender-id/<SenderId>/<IsoCountryCode>` (user guide,
IAM actions page) and the same SenderId may exist for several countries.
"""

from __future__ import annotations

import re
from typing import Any

from smsvoice.protocol.errors import FieldProblem
from smsvoice.quotas import V2_ACCOUNT_LIMITS
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import add_under_quota, paginate
from smsvoice.services.v2.errors import (
    ConflictException,
    ValidationException,
)
from smsvoice.services.v2.identities import (
    SENDER_ID,
    SENDER_ID_TYPE,
    FilterSpec,
    IdentityRef,
    check_owner,
    matches_filters,
    pools_of,
    resolve_identity,
    sender_id_arn,
    sender_key,
)
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.registration_associations import check_release, identity_released
from smsvoice.services.v2.tags import drop_tags, get_tags, register_taggable, set_tags
from smsvoice.store import Document

# "The sender ID can be 1-11 alphanumeric characters including letters (A-Z, a-z), numbers (0-9), or
# hyphens (-). The sender ID must contain at least one letter and cannot start or end with a hyphen."
# (RequestSenderId, API reference)
_SENDER_ID_RULE = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
# Countries whose carriers do not accept alphanumeric sender IDs: smsvoice's choice of the two best
# known (the user guide's "Supported countries and regions" table lists sender ID support per country).
NO_SENDER_ID_COUNTRIES = frozenset({"US", "CA"})
MONTHLY_LEASING_PRICE = "0.00"  # most countries charge nothing for a sender ID


def check_sender_id(sender_id: str) -> None:
    if not _SENDER_ID_RULE.fullmatch(sender_id):
        message = (
            "A sender ID has 1-11 letters, digits or hyphens, at least one letter, "
            "and does not start or end with a hyphen"
        )
        raise ValidationException(message, "INVALID_PARAMETER", [FieldProblem("SenderId", message)])


def new_sender_id_doc(
    context: OperationContext, sender_id: str, iso_country_code: str, message_types: list[str] | None
) -> Document:
    return {
        "SenderIdArn": sender_id_arn(context, sender_id, iso_country_code),
        "SenderId": sender_id,
        "IsoCountryCode": iso_country_code,
        # Without MessageTypes the sender ID serves both kinds (smsvoice's choice).
        "MessageTypes": list(dict.fromkeys(message_types or ["TRANSACTIONAL", "PROMOTIONAL"])),
        "MonthlyLeasingPrice": MONTHLY_LEASING_PRICE,
        "DeletionProtectionEnabled": False,
        "Registered": False,
    }


def get_sender_id(context: OperationContext, value: str, iso_country_code: str | None) -> IdentityRef:
    return resolve_identity(context, value, (SENDER_ID_TYPE,), iso_country_code=iso_country_code)


@operations.handler("RequestSenderId")
def request_sender_id(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    sender_id = params["SenderId"]
    country = params["IsoCountryCode"]
    check_sender_id(sender_id)
    if country in NO_SENDER_ID_COUNTRIES:
        raise ValidationException(f"Sender IDs are not supported in {country}", "SENDER_ID_NOT_SUPPORTED")
    key = sender_key(sender_id, country)
    if context.documents.get(SENDER_ID, key) is not None:
        raise ConflictException(
            f"Sender ID {sender_id} already exists for {country}",
            "RESOURCE_ALREADY_EXISTS",
            SENDER_ID_TYPE,
            sender_id,
        )
    limit = V2_ACCOUNT_LIMITS["SENDER_IDS"]
    doc = new_sender_id_doc(context, sender_id, country, params.get("MessageTypes"))
    if params.get("DeletionProtectionEnabled") is not None:
        doc["DeletionProtectionEnabled"] = params["DeletionProtectionEnabled"]
    add_under_quota(
        context, SENDER_ID, key, doc, limit=limit, reason="SENDER_IDS_PER_ACCOUNT", what="sender IDs"
    )
    set_tags(context, doc["SenderIdArn"], params.get("Tags"))
    return {**doc, "Tags": get_tags(context, doc["SenderIdArn"])}


_FILTERS: FilterSpec = {
    "sender-id": ("SenderId", "str"),
    "iso-country-code": ("IsoCountryCode", "str"),
    "message-type": ("MessageTypes", "list"),
    "deletion-protection-enabled": ("DeletionProtectionEnabled", "bool"),
    "registered": ("Registered", "bool"),
}


@operations.handler("DescribeSenderIds")
def describe_sender_ids(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    if not check_owner(params, "SenderIds"):
        return {"SenderIds": []}
    wanted = params.get("SenderIds")
    if wanted:
        found = {
            ref.key: ref.doc
            for ref in (
                get_sender_id(context, entry["SenderId"], entry["IsoCountryCode"]) for entry in wanted
            )
        }
        docs = list(found.values())
    else:
        docs = [doc for _, doc in context.documents.iterate(SENDER_ID)]
    docs = [doc for doc in docs if matches_filters(doc, params, _FILTERS)]
    page = paginate(context, docs, lambda doc: sender_key(doc["SenderId"], doc["IsoCountryCode"]), params)
    result: dict[str, Any] = {"SenderIds": page.items}
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


@operations.handler("UpdateSenderId")
def update_sender_id(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = get_sender_id(context, params["SenderId"], params["IsoCountryCode"])
    doc = dict(ref.doc)
    if params.get("DeletionProtectionEnabled") is not None:
        doc["DeletionProtectionEnabled"] = params["DeletionProtectionEnabled"]
    context.documents.replace(SENDER_ID, ref.key, doc)
    return doc


@operations.handler("ReleaseSenderId")
def release_sender_id(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = get_sender_id(context, params["SenderId"], params["IsoCountryCode"])
    doc = ref.doc
    if doc.get("DeletionProtectionEnabled"):
        raise ConflictException(
            f"Sender ID {doc['SenderId']} has deletion protection enabled",
            "DELETION_PROTECTION_ENABLED",
            SENDER_ID_TYPE,
            doc["SenderId"],
        )
    pools = pools_of(context, ref.arn)
    if pools:
        raise ConflictException(
            f"Sender ID {doc['SenderId']} is associated with pool {pools[0]}",
            "SENDER_ID_ASSOCIATED_TO_POOL",
            SENDER_ID_TYPE,
            doc["SenderId"],
        )
    if doc.get("RegistrationId"):
        check_release(context, doc["RegistrationId"], SENDER_ID_TYPE, doc["SenderId"])
    context.documents.remove(SENDER_ID, ref.key)
    drop_tags(context, doc["SenderIdArn"])
    if doc.get("RegistrationId"):
        identity_released(context, doc["RegistrationId"], doc["SenderIdArn"])
    return doc


register_taggable(SENDER_ID_TYPE, lambda context, key: context.documents.get(SENDER_ID, key) is not None)
