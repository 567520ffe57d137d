"""Records of origination identities (phone numbers, sender IDs, pools) and how requests name them.

Every module of this family (phone numbers, sender IDs, pools, keywords, opt-out lists, send-time
resolution, seeding) reads and writes these documents through the helpers here, so the rules for
"a name, an id, an E.164 number or an ARN" live in one place.

Documents hold the resource in the model's own Describe* item shape (PhoneNumberInformation,
SenderIdInformation, PoolInformation); handlers return them whole and the serializer keeps what
each operation's output declares.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from smsvoice.arns import SERVICE, parse_arn
from smsvoice.protocol.model import load_service_model
from smsvoice.services.api import OperationContext
from smsvoice.services.names import V2
from smsvoice.services.v2.common import arn_for, bool_filter_value, filter_values, key_in_arn
from smsvoice.services.v2.errors import ResourceNotFoundException, ValidationException
from smsvoice.store import Document, Documents

PHONE_NUMBER = "v2/phone-number"
# E.164 number (or short code digits) -> {"PhoneNumberId": ...}: numbers are unique per account+region.
PHONE_NUMBER_BY_E164 = "v2/phone-number-by-e164"
SENDER_ID = "v2/sender-id"
POOL = "v2/pool"
# One document per (pool, identity), parent = PoolId; key "<PoolId>/<identity ARN>".
POOL_MEMBER = "v2/pool-member"

PHONE_NUMBER_TYPE = "phone-number"
SENDER_ID_TYPE = "sender-id"
POOL_TYPE = "pool"

_DIGITS = re.compile(r"\+?[1-9][0-9]{1,18}")


@cache
def _members(shape_name: str) -> tuple[str, ...]:
    shape = load_service_model(V2).shape_for(shape_name)
    return tuple(shape.members)


def item(doc: Document, shape_name: str) -> dict[str, Any]:
    """The members of `doc` that a list item shape (e.g. PhoneNumberInformation) declares (for the
    inspection API, which the model's serializer does not shape)."""
    return {name: doc[name] for name in _members(shape_name) if doc.get(name) is not None}


def as_e164(value: str) -> str | None:
    """`+digits` for a value shaped like a phone number (with or without '+'), else None."""
    if not _DIGITS.fullmatch(value):
        return None
    return value if value.startswith("+") else "+" + value


def sender_key(sender_id: str, iso_country_code: str) -> str:
    return f"{sender_id}/{iso_country_code}"


@dataclass(frozen=True, slots=True)
class IdentityRef:
    """An origination identity found in the caller's account."""

    resource_type: str  # phone-number | sender-id | pool
    key: str  # the document key: PhoneNumberId, "<SenderId>/<Country>" or PoolId
    doc: Document

    @property
    def arn(self) -> str:
        field = {PHONE_NUMBER_TYPE: "PhoneNumberArn", SENDER_ID_TYPE: "SenderIdArn", POOL_TYPE: "PoolArn"}
        return str(self.doc[field[self.resource_type]])

    @property
    def short_id(self) -> str:
        """What outputs show as OriginationIdentity: the PhoneNumberId, SenderId or PoolId."""
        field = {PHONE_NUMBER_TYPE: "PhoneNumberId", SENDER_ID_TYPE: "SenderId", POOL_TYPE: "PoolId"}
        return str(self.doc[field[self.resource_type]])


def not_found(resource_type: str, value: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(
        f"The {resource_type} {value} does not exist in this account and Region", resource_type, value
    )


def phone_number_by_e164(context: OperationContext, number: str) -> Document | None:
    """The phone number with this E.164 value; short codes are stored as their bare digits."""
    candidates = [number]
    normalized = as_e164(number)
    if normalized is not None:
        candidates = [normalized, normalized[1:]]
    for candidate in candidates:
        index = context.documents.get(PHONE_NUMBER_BY_E164, candidate)
        if index is not None:
            return context.documents.get(PHONE_NUMBER, str(index["PhoneNumberId"]))
    return None


def sender_ids_named(context: OperationContext, sender_id: str) -> list[Document]:
    return [doc for _, doc in context.documents.iterate(SENDER_ID) if doc["SenderId"] == sender_id]


def find_sender_id(
    context: OperationContext, sender_id: str, iso_country_code: str | None, *, prefer: str | None = None
) -> Document | None:
    """A sender ID by name; without a country, the only one of that name (or the one for `prefer`)."""
    if iso_country_code:
        return context.documents.get(SENDER_ID, sender_key(sender_id, iso_country_code))
    named = sender_ids_named(context, sender_id)
    if len(named) == 1:
        return named[0]
    for doc in named:
        if doc["IsoCountryCode"] == prefer:
            return doc
    if named:
        raise ValidationException(
            f"Sender ID {sender_id} exists for several countries: give IsoCountryCode or the sender ID ARN",
            "MISSING_PARAMETER",
        )
    return None


def _from_arn(
    context: OperationContext, value: str, allowed: Iterable[str]
) -> tuple[str, str, str | None] | None:
    """(resource type, id, country) named by an ARN of this account and Region, else None."""
    arn = parse_arn(value)
    if (
        arn is None
        or arn.service != SERVICE
        or arn.region != context.region
        or arn.account != context.account
    ):
        return None
    resource_type, _, rest = arn.resource.partition("/")
    if resource_type not in allowed or not rest:
        return None
    if resource_type == SENDER_ID_TYPE:
        sender_id, _, country = rest.partition("/")
        return resource_type, sender_id, country or None
    return resource_type, rest, None


def document_named(value: str) -> tuple[str, str] | None:
    """The document an origination identity given as an ARN or an id names by its key (kind, key),
    for reading it ahead; None for what is found through an index (an E.164 number, a bare sender
    ID). A guess: `resolve_identity` decides what the value designates."""
    if value.startswith("arn:"):
        for resource_type, kind in (
            (PHONE_NUMBER_TYPE, PHONE_NUMBER),
            (POOL_TYPE, POOL),
            (SENDER_ID_TYPE, SENDER_ID),
        ):
            key = key_in_arn(value, resource_type)
            if key is not None:
                return kind, key
        return None
    if value.startswith("phone-"):
        return PHONE_NUMBER, value
    if value.startswith("pool-"):
        return POOL, value
    return None


def read_ahead_origination(documents: Documents, value: object) -> None:
    """Queue what resolving a send's OriginationIdentity `value` reads (resolve_identity, and
    resolve_origination without one) beyond the document `document_named` gives, as
    `Documents.read_ahead` does (PostgreSQL only): in a batch of sends, a read made later is a round
    trip the event loop waits for."""
    if not isinstance(value, str) or not value:  # the account's own numbers and sender IDs
        documents.read_ahead_listing(PHONE_NUMBER)
        documents.read_ahead_listing(SENDER_ID)
        return
    e164 = as_e164(value)
    if e164 is not None:  # the number, through its E.164 index
        documents.read_ahead_through(PHONE_NUMBER_BY_E164, e164, "PhoneNumberId", PHONE_NUMBER)
        return
    named = document_named(value)
    if named is not None:
        if named[0] == POOL:  # the pool's members and the numbers and sender IDs they name
            documents.read_ahead_children(POOL_MEMBER, named[1], field="Key", kinds=(PHONE_NUMBER, SENDER_ID))
        return
    if not value.startswith("arn:"):  # a bare sender ID, tried as a number's and a pool's id first
        documents.read_ahead([(PHONE_NUMBER, value), (POOL, value)])
        documents.read_ahead_listing(SENDER_ID)


def _arn_type(value: str, allowed: tuple[str, ...]) -> str:
    arn = parse_arn(value)
    named = arn.resource.partition("/")[0] if arn else ""
    return named if named in (PHONE_NUMBER_TYPE, SENDER_ID_TYPE, POOL_TYPE) else allowed[0]


def resolve_identity(
    context: OperationContext,
    value: str,
    allowed: tuple[str, ...],
    *,
    iso_country_code: str | None = None,
    prefer_country: str | None = None,
) -> IdentityRef:
    """The identity `value` designates: an ARN, a PhoneNumberId, an E.164 number, a PoolId or a SenderId.

    `allowed` lists the resource types the operation accepts, in the order used to name the
    resource type of a ResourceNotFoundException when nothing matches.
    """
    if value.startswith("arn:"):
        found = _from_arn(context, value, allowed)
        if found is None:
            raise not_found(_arn_type(value, allowed), value)
        resource_type, key, country = found
        ref = _lookup(context, resource_type, key, country or iso_country_code, prefer_country)
        if ref is None:
            raise not_found(resource_type, value)
        return ref
    for resource_type in _guesses(value, allowed):
        ref = _lookup(context, resource_type, value, iso_country_code, prefer_country)
        if ref is not None:
            return ref
    raise not_found(_guess_type(value, allowed), value)


def _guesses(value: str, allowed: tuple[str, ...]) -> list[str]:
    """Resource types `value` could name, most likely first."""
    order = [POOL_TYPE, PHONE_NUMBER_TYPE, SENDER_ID_TYPE] if value.startswith("pool-") else None
    order = order or [PHONE_NUMBER_TYPE, POOL_TYPE, SENDER_ID_TYPE]
    return [resource_type for resource_type in order if resource_type in allowed]


def _guess_type(value: str, allowed: tuple[str, ...]) -> str:
    if value.startswith("pool-") and POOL_TYPE in allowed:
        return POOL_TYPE
    if (value.startswith("phone-") or as_e164(value)) and PHONE_NUMBER_TYPE in allowed:
        return PHONE_NUMBER_TYPE
    if SENDER_ID_TYPE in allowed:
        return SENDER_ID_TYPE
    return allowed[0]


def _lookup(
    context: OperationContext,
    resource_type: str,
    value: str,
    iso_country_code: str | None,
    prefer_country: str | None,
) -> IdentityRef | None:
    if resource_type == PHONE_NUMBER_TYPE:
        # Ids are "phone-<hex>": a number goes straight to the index by E.164 (one read fewer a send).
        doc = None if value.startswith("+") else context.documents.get(PHONE_NUMBER, value)
        if doc is None and as_e164(value) is not None:
            doc = phone_number_by_e164(context, value)
        return None if doc is None else IdentityRef(PHONE_NUMBER_TYPE, str(doc["PhoneNumberId"]), doc)
    if resource_type == POOL_TYPE:
        doc = context.documents.get(POOL, value)
        return None if doc is None else IdentityRef(POOL_TYPE, value, doc)
    if as_e164(value) is not None:
        return None  # sender IDs contain at least one letter
    doc = find_sender_id(context, value, iso_country_code, prefer=prefer_country)
    if doc is None:
        return None
    return IdentityRef(SENDER_ID_TYPE, sender_key(doc["SenderId"], doc["IsoCountryCode"]), doc)


def get_pool(context: OperationContext, value: str) -> IdentityRef:
    return resolve_identity(context, value, (POOL_TYPE,))


def get_phone_number(context: OperationContext, value: str) -> IdentityRef:
    return resolve_identity(context, value, (PHONE_NUMBER_TYPE,))


def phone_number_arn(context: OperationContext, phone_number_id: str) -> str:
    return arn_for(context, PHONE_NUMBER_TYPE, phone_number_id)


def sender_id_arn(context: OperationContext, sender_id: str, iso_country_code: str) -> str:
    return arn_for(context, SENDER_ID_TYPE, sender_key(sender_id, iso_country_code))


def pool_arn(context: OperationContext, pool_id: str) -> str:
    return arn_for(context, POOL_TYPE, pool_id)


def pool_members(context: OperationContext, pool_id: str) -> list[IdentityRef]:
    """The identities associated with a pool (phone numbers and sender IDs), in association order."""
    members: list[IdentityRef] = []
    for _, member in context.documents.iterate(POOL_MEMBER, parent=pool_id):
        kind = PHONE_NUMBER if member["Type"] == PHONE_NUMBER_TYPE else SENDER_ID
        doc = context.documents.get(kind, member["Key"])
        if doc is not None:
            members.append(IdentityRef(member["Type"], member["Key"], doc))
    return members


def pools_of(context: OperationContext, identity_arn: str) -> list[str]:
    """The PoolIds an identity belongs to (a sender ID may be in several pools)."""
    return [
        str(member["PoolId"])
        for _, member in context.documents.iterate(POOL_MEMBER)
        if member["OriginationIdentityArn"] == identity_arn
    ]


def add_pool_member(context: OperationContext, pool_id: str, ref: IdentityRef) -> None:
    member = {
        "PoolId": pool_id,
        "OriginationIdentityArn": ref.arn,
        "Type": ref.resource_type,
        "Key": ref.key,
    }
    context.documents.add(POOL_MEMBER, f"{pool_id}/{ref.arn}", member, parent=pool_id)


def remove_pool_member(context: OperationContext, pool_id: str, identity_arn: str) -> bool:
    return context.documents.remove(POOL_MEMBER, f"{pool_id}/{identity_arn}")


# How each filter name of a Describe* operation reads a document: a member holding a string, a
# boolean or a list of strings (a list matches when any of its values is among the filter's).
FilterSpec = dict[str, tuple[str, str]]


def matches_filters(doc: Document, params: dict[str, Any], spec: FilterSpec) -> bool:
    """AND across filters, OR within one filter's values (the usual AWS convention)."""
    for name, values in filter_values(params):
        member, kind = spec[name]
        current = doc.get(member)
        if kind == "bool":
            if bool(current) not in bool_filter_value(name, values):
                return False
        elif kind == "list":
            if not set(current or []) & set(values):
                return False
        elif current not in values:
            return False
    return True


def check_owner(params: dict[str, Any], ids_member: str) -> bool:
    """False when the request asks for SHARED resources, which smsvoice never has.

    "The Owner and <ids> parameters can't be used at the same time." (API reference)
    """
    owner = params.get("Owner")
    if owner and params.get(ids_member):
        raise ValidationException(
            f"The Owner and {ids_member} parameters can't be used at the same time",
            "PARAMETERS_CANNOT_BE_USED_TOGETHER",
        )
    return owner != "SHARED"
