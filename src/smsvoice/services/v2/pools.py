"""Pools of phone numbers and sender IDs.

"The new pool inherits its configuration from the specified origination identity. This includes
keywords, message type, opt-out list, two-way configuration, and self-managed opt-out configuration.
Deletion protection isn't inherited" (CreatePool, API reference). "The configuration of every phone
number that you add to a pool has to match the configuration of the first phone number" (user guide,
"Phone pools"): smsvoice checks message type, opt-out list, self-managed opt-outs and two-way settings,
and UpdatePool carries those settings over to the pool's phone numbers so they keep matching.

Status: CreatePool answers `CREATING` and DeletePool `DELETING` (the states Terraform waits through);
smsvoice applies both at once, so a pool is ACTIVE from its first DescribePools and gone after delete.
"""

from __future__ import annotations

from typing import Any

from smsvoice.arns import new_resource_id
from smsvoice.quotas import V2_ACCOUNT_LIMITS
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import add_under_quota, paginate
from smsvoice.services.v2.errors import (
    ConflictException,
    ValidationException,
)
from smsvoice.services.v2.identities import (
    PHONE_NUMBER,
    PHONE_NUMBER_TYPE,
    POOL,
    POOL_MEMBER,
    POOL_TYPE,
    SENDER_ID_TYPE,
    FilterSpec,
    IdentityRef,
    add_pool_member,
    check_owner,
    get_pool,
    matches_filters,
    pool_arn,
    pool_members,
    remove_pool_member,
    resolve_identity,
)
from smsvoice.services.v2.keywords import copy_keywords, drop_keywords
from smsvoice.services.v2.notify_configurations import configurations_using_pool
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.opt_outs import DEFAULT_LIST, get_opt_out_list
from smsvoice.services.v2.phone_numbers import POOL_GOVERNED, check_pool_capacity, check_two_way, join_pool
from smsvoice.services.v2.tags import drop_tags, get_tags, register_taggable, set_tags
from smsvoice.store import Document

_IDENTITY_TYPES = (PHONE_NUMBER_TYPE, SENDER_ID_TYPE)


def resolve_member(context: OperationContext, value: str, iso_country_code: str | None) -> IdentityRef:
    """A phone number or sender ID of the account, by id, E.164 number, SenderId or ARN."""
    ref = resolve_identity(context, value, _IDENTITY_TYPES, iso_country_code=iso_country_code)
    if iso_country_code and ref.doc["IsoCountryCode"] != iso_country_code:
        raise ValidationException(
            f"{value} belongs to {ref.doc['IsoCountryCode']}, not {iso_country_code}", "COUNTRY_CODE_MISMATCH"
        )
    return ref


def _check_message_type(ref: IdentityRef, message_type: str, pool_id: str) -> None:
    if ref.resource_type == PHONE_NUMBER_TYPE:
        fits = ref.doc["MessageType"] == message_type
    else:
        fits = not ref.doc.get("MessageTypes") or message_type in ref.doc["MessageTypes"]
    if not fits:
        raise ConflictException(
            f"{ref.short_id} does not send {message_type} messages",
            "MESSAGE_TYPE_MISMATCH",
            POOL_TYPE,
            pool_id,
        )


def _check_free(context: OperationContext, ref: IdentityRef, pool_id: str) -> None:
    """A phone number belongs to at most one pool; a sender ID may be in several."""
    current = ref.doc.get("PoolId") if ref.resource_type == PHONE_NUMBER_TYPE else None
    if current == pool_id or context.documents.get(POOL_MEMBER, f"{pool_id}/{ref.arn}") is not None:
        raise ConflictException(
            f"{ref.short_id} is already associated with pool {pool_id}",
            "RESOURCE_ALREADY_ASSOCIATED",
            POOL_TYPE,
            pool_id,
        )
    if current:
        raise ConflictException(
            f"Phone number {ref.short_id} is already associated with pool {current}",
            "PHONE_NUMBER_ASSOCIATED_TO_POOL",
            PHONE_NUMBER_TYPE,
            ref.short_id,
        )


def new_pool_doc(context: OperationContext, pool_id: str, message_type: str, first: IdentityRef) -> Document:
    """A pool as DescribePools shows it, configured from its first origination identity."""
    inherited = first.doc if first.resource_type == PHONE_NUMBER_TYPE else {}
    doc: Document = {
        "PoolArn": pool_arn(context, pool_id),
        "PoolId": pool_id,
        "Status": "ACTIVE",
        "MessageType": message_type,
        "TwoWayEnabled": bool(inherited.get("TwoWayEnabled", False)),
        "SelfManagedOptOutsEnabled": bool(inherited.get("SelfManagedOptOutsEnabled", False)),
        "OptOutListName": inherited.get("OptOutListName", DEFAULT_LIST),
        "SharedRoutesEnabled": False,
        "DeletionProtectionEnabled": False,
        "CreatedTimestamp": context.now(),
    }
    for member in ("TwoWayChannelArn", "TwoWayChannelRole"):
        if inherited.get(member):
            doc[member] = inherited[member]
    return doc


def create_pool_with(
    context: OperationContext, pool_id: str, message_type: str, first: IdentityRef
) -> Document:
    """Create a pool around its first identity (shared with seeding)."""
    _check_message_type(first, message_type, pool_id)
    _check_free(context, first, pool_id)
    limit = V2_ACCOUNT_LIMITS["POOLS"]
    if first.resource_type == SENDER_ID_TYPE:
        get_opt_out_list(context, DEFAULT_LIST)
    doc = new_pool_doc(context, pool_id, message_type, first)
    add_under_quota(context, POOL, pool_id, doc, limit=limit, reason="POOLS_PER_ACCOUNT", what="pools")
    _associate(context, IdentityRef(POOL_TYPE, pool_id, doc), first)
    if first.resource_type == PHONE_NUMBER_TYPE:
        copy_keywords(context, first.key, pool_id)
    return doc


def _associate(context: OperationContext, pool: IdentityRef, ref: IdentityRef) -> None:
    if ref.resource_type == PHONE_NUMBER_TYPE:
        join_pool(context, pool, ref)
    else:
        check_pool_capacity(context, pool.key)
        add_pool_member(context, pool.key, ref)


@operations.handler("CreatePool")
def create_pool(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    first = resolve_member(context, params["OriginationIdentity"], params.get("IsoCountryCode"))
    pool_id = new_resource_id("pool")
    doc = create_pool_with(context, pool_id, params["MessageType"], first)
    if params.get("DeletionProtectionEnabled") is not None:
        doc["DeletionProtectionEnabled"] = params["DeletionProtectionEnabled"]
        context.documents.replace(POOL, pool_id, doc)
    set_tags(context, doc["PoolArn"], params.get("Tags"))
    return {**doc, "Status": "CREATING", "Tags": get_tags(context, doc["PoolArn"])}


_FILTERS: FilterSpec = {
    "status": ("Status", "str"),
    "message-type": ("MessageType", "str"),
    "two-way-enabled": ("TwoWayEnabled", "bool"),
    "self-managed-opt-outs-enabled": ("SelfManagedOptOutsEnabled", "bool"),
    "opt-out-list-name": ("OptOutListName", "str"),
    "shared-routes-enabled": ("SharedRoutesEnabled", "bool"),
    "deletion-protection-enabled": ("DeletionProtectionEnabled", "bool"),
    "two-way-channel-arn": ("TwoWayChannelArn", "str"),
}


@operations.handler("DescribePools")
def describe_pools(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    if not check_owner(params, "PoolIds"):
        return {"Pools": []}
    ids = params.get("PoolIds")
    if ids:
        docs = list({ref.key: ref.doc for ref in (get_pool(context, value) for value in ids)}.values())
    else:
        docs = [doc for _, doc in context.documents.iterate(POOL)]
    docs = [doc for doc in docs if matches_filters(doc, params, _FILTERS)]
    page = paginate(context, docs, lambda doc: str(doc["PoolId"]), params)
    result: dict[str, Any] = {"Pools": page.items}
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


@operations.handler("UpdatePool")
def update_pool(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    pool = get_pool(context, params["PoolId"])
    doc = dict(pool.doc)
    if params.get("OptOutListName"):
        params = {
            **params,
            "OptOutListName": get_opt_out_list(context, params["OptOutListName"])["OptOutListName"],
        }
    for member in (*POOL_GOVERNED, "SharedRoutesEnabled", "DeletionProtectionEnabled"):
        if params.get(member) is not None:
            doc[member] = params[member]
    check_two_way(doc)
    context.documents.replace(POOL, pool.key, doc)
    for member_ref in pool_members(context, pool.key):
        if member_ref.resource_type != PHONE_NUMBER_TYPE:
            continue
        number = dict(member_ref.doc)
        for member in POOL_GOVERNED:
            if doc.get(member) is None:
                number.pop(member, None)
            else:
                number[member] = doc[member]
        context.documents.replace(PHONE_NUMBER, member_ref.key, number)
    return doc


@operations.handler("DeletePool")
def delete_pool(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    pool = get_pool(context, params["PoolId"])
    if pool.doc.get("DeletionProtectionEnabled"):
        raise ConflictException(
            f"Pool {pool.key} has deletion protection enabled",
            "DELETION_PROTECTION_ENABLED",
            POOL_TYPE,
            pool.key,
        )
    users = configurations_using_pool(context, pool.key)
    if users:
        raise ConflictException(
            f"Pool {pool.key} is used by notify configuration {users[0]}",
            "POOL_ASSOCIATED_TO_NOTIFY_CONFIGURATION",
            POOL_TYPE,
            pool.key,
        )
    # "Deleting a pool disassociates all origination identities from that pool." (API reference)
    for member_ref in pool_members(context, pool.key):
        _release_member(context, pool.key, member_ref)
    context.documents.remove(POOL, pool.key)
    drop_keywords(context, pool.key)
    drop_tags(context, pool.doc["PoolArn"])
    return {**pool.doc, "Status": "DELETING"}


def _release_member(context: OperationContext, pool_id: str, ref: IdentityRef) -> None:
    remove_pool_member(context, pool_id, ref.arn)
    if ref.resource_type == PHONE_NUMBER_TYPE:
        number = dict(ref.doc)
        number.pop("PoolId", None)
        context.documents.replace(PHONE_NUMBER, ref.key, number)


def _association_output(pool: IdentityRef, ref: IdentityRef) -> dict[str, Any]:
    return {
        "PoolArn": pool.doc["PoolArn"],
        "PoolId": pool.key,
        "OriginationIdentityArn": ref.arn,
        "OriginationIdentity": ref.short_id,
        "IsoCountryCode": ref.doc["IsoCountryCode"],
    }


@operations.handler("AssociateOriginationIdentity")
def associate_origination_identity(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    pool = get_pool(context, params["PoolId"])
    ref = resolve_member(context, params["OriginationIdentity"], params.get("IsoCountryCode"))
    _check_free(context, ref, pool.key)
    _check_message_type(ref, pool.doc["MessageType"], pool.key)
    _associate(context, pool, ref)
    return _association_output(pool, ref)


@operations.handler("DisassociateOriginationIdentity")
def disassociate_origination_identity(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    pool = get_pool(context, params["PoolId"])
    ref = resolve_member(context, params["OriginationIdentity"], params.get("IsoCountryCode"))
    members = pool_members(context, pool.key)
    if ref.arn not in {member.arn for member in members}:
        raise ConflictException(
            f"{ref.short_id} is not associated with pool {pool.key}",
            "PHONE_NUMBER_NOT_ASSOCIATED_TO_POOL",
            POOL_TYPE,
            pool.key,
        )
    if len(members) == 1:
        # A pool keeps at least one origination identity; delete the pool instead.
        raise ConflictException(
            f"{ref.short_id} is the last origination identity of pool {pool.key}",
            "LAST_PHONE_NUMBER",
            POOL_TYPE,
            pool.key,
        )
    _release_member(context, pool.key, ref)
    return _association_output(pool, ref)


_MEMBER_FILTERS: FilterSpec = {
    "iso-country-code": ("IsoCountryCode", "str"),
    "number-capability": ("NumberCapabilities", "list"),
}


def _member_item(ref: IdentityRef) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "OriginationIdentityArn": ref.arn,
        "OriginationIdentity": ref.short_id,
        "IsoCountryCode": ref.doc["IsoCountryCode"],
        # Sender IDs carry text only.
        "NumberCapabilities": ref.doc.get("NumberCapabilities") or ["SMS"],
    }
    if ref.resource_type == PHONE_NUMBER_TYPE:
        entry["PhoneNumber"] = ref.doc["PhoneNumber"]
    return entry


@operations.handler("ListPoolOriginationIdentities")
def list_pool_origination_identities(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    pool = get_pool(context, params["PoolId"])
    entries = [_member_item(ref) for ref in pool_members(context, pool.key)]
    entries = [entry for entry in entries if matches_filters(entry, params, _MEMBER_FILTERS)]
    page = paginate(context, entries, lambda entry: str(entry["OriginationIdentityArn"]), params)
    result: dict[str, Any] = {
        "PoolArn": pool.doc["PoolArn"],
        "PoolId": pool.key,
        "OriginationIdentities": page.items,
    }
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


register_taggable(POOL_TYPE, lambda context, key: context.documents.get(POOL, key) is not None)
