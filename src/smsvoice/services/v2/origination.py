"""Which origination identity a send uses, and whether its destination opted out.

The messaging handlers call `resolve_origination` and `is_opted_out` inside their own transaction.

Rules (sources in docs/v2-identities.md):

* An explicit identity may be an E.164 number (with or without '+'), a PhoneNumberId, a SenderId, a
  PoolId or the ARN of any of them. Unknown -> ResourceNotFoundException of the type it looks like.
* TEXT needs the SMS capability, MEDIA the MMS capability, VOICE the VOICE capability; sender IDs
  carry TEXT only. A missing capability is a ValidationException (VOICE_CAPABILITY_NOT_AVAILABLE for
  voice, CHANNEL_NOT_ENABLED otherwise).
* A phone number reaches its own country; another country only with InternationalSendingEnabled
  (else ValidationException INTERNATIONAL_SENDING_NOT_SUPPORTED). A sender ID reaches its own country
  only (else ValidationException INVALID_IDENTITY_FOR_DESTINATION_COUNTRY).
* A SIMULATOR number only sends to the destination simulator numbers of its own country (user guide,
  test-phone-numbers.html: otherwise "an error is returned"): ValidationException
  INVALID_IDENTITY_FOR_DESTINATION_COUNTRY for another country's simulator number, INVALID_PARAMETER
  for a number that is not a simulator number.
* A pool picks, among its members, a phone number of the destination's country first, then a sender
  ID of that country, then a number with international sending; none fits -> ConflictException
  NO_ORIGINATION_IDENTITIES_FOUND.
* No identity: an identity of the account that fits (same preference order), else the configuration
  set's DefaultSenderId (SetDefaultSenderId doc: it is used "if no dedicated origination phone
  numbers or registered SenderIds are available in your account"), else ConflictException
  NO_ORIGINATION_IDENTITIES_FOUND.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from smsvoice.domain.simulator_numbers import lookup as simulator_lookup
from smsvoice.protocol.errors import ServiceError
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.errors import ConflictException, ValidationException
from smsvoice.services.v2.identities import (
    PHONE_NUMBER,
    PHONE_NUMBER_TYPE,
    POOL_TYPE,
    SENDER_ID,
    SENDER_ID_TYPE,
    IdentityRef,
    pool_members,
    resolve_identity,
    sender_key,
)
from smsvoice.services.v2.opt_outs import DEFAULT_LIST
from smsvoice.services.v2.opt_outs import is_opted_out as _list_has_number

CHANNEL_CAPABILITY = {"TEXT": "SMS", "MEDIA": "MMS", "VOICE": "VOICE"}
_ALL_TYPES = (PHONE_NUMBER_TYPE, SENDER_ID_TYPE, POOL_TYPE)


@dataclass(frozen=True, slots=True)
class Origination:
    kind: str  # "PHONE_NUMBER" | "SENDER_ID" | "POOL" | "DEFAULT_SENDER_ID"
    identity: str  # what the event record shows as originationPhoneNumber: E.164 or sender ID
    resource_arn: str | None  # the phone number / sender id / pool ARN (None for a set's default sender ID)
    iso_country_code: str | None
    number_type: str | None  # LONG_CODE, TOLL_FREE, TEN_DLC, SHORT_CODE, SIMULATOR; None for sender IDs
    opt_out_list_name: str
    message_type: str | None
    is_simulator: bool
    # The phone number or sender ID that carries the message (a pool's chosen member).
    member_arn: str | None = None
    two_way_enabled: bool = False
    self_managed_opt_outs_enabled: bool = False


def is_opted_out(context: OperationContext, opt_out_list_name: str, number_e164: str) -> bool:
    return _list_has_number(context, opt_out_list_name, number_e164)


def resolve_origination(
    context: OperationContext,
    identity: str | None,
    destination_e164: str,
    destination_country: str | None,
    channel: str,
    configuration_set: dict[str, Any] | None,
) -> Origination:
    if identity:
        ref = resolve_identity(context, identity, _ALL_TYPES, prefer_country=destination_country)
        if ref.resource_type == POOL_TYPE:
            return _from_pool(context, ref, destination_e164, destination_country, channel)
        _check_fit(ref, destination_e164, destination_country, channel)
        return _origination(ref, ref)
    candidates = _account_identities(context)
    chosen = _pick(candidates, destination_e164, destination_country, channel)
    if chosen is not None:
        return _origination(chosen, chosen)
    default_sender = (configuration_set or {}).get("DefaultSenderId")
    if default_sender and channel == "TEXT":
        return Origination(
            kind="DEFAULT_SENDER_ID",
            identity=str(default_sender),
            resource_arn=None,
            iso_country_code=destination_country,
            number_type=None,
            opt_out_list_name=DEFAULT_LIST,
            message_type=(configuration_set or {}).get("DefaultMessageType"),
            is_simulator=False,
        )
    raise ConflictException(
        f"No origination identity of this account can send {channel} messages to {destination_e164}",
        "NO_ORIGINATION_IDENTITIES_FOUND",
        "account",
        context.account,
    )


def _origination(carrier: IdentityRef, owner: IdentityRef) -> Origination:
    """The Origination of `carrier` (a number or sender ID), as used directly or through `owner`'s pool."""
    doc = carrier.doc
    settings = owner.doc if owner.resource_type == POOL_TYPE else doc
    is_number = carrier.resource_type == PHONE_NUMBER_TYPE
    kinds = {PHONE_NUMBER_TYPE: "PHONE_NUMBER", SENDER_ID_TYPE: "SENDER_ID", POOL_TYPE: "POOL"}
    if owner.resource_type == POOL_TYPE:
        message_type = settings.get("MessageType")
    elif is_number:
        message_type = doc.get("MessageType")
    else:
        types = doc.get("MessageTypes") or []
        message_type = types[0] if len(types) == 1 else None
    return Origination(
        kind=kinds[owner.resource_type],
        identity=str(doc["PhoneNumber"] if is_number else doc["SenderId"]),
        resource_arn=owner.arn,
        iso_country_code=doc.get("IsoCountryCode"),
        number_type=doc.get("NumberType") if is_number else None,
        opt_out_list_name=str(settings.get("OptOutListName") or DEFAULT_LIST),
        message_type=message_type,
        is_simulator=doc.get("NumberType") == "SIMULATOR",
        member_arn=carrier.arn,
        two_way_enabled=bool(settings.get("TwoWayEnabled")),
        self_managed_opt_outs_enabled=bool(settings.get("SelfManagedOptOutsEnabled")),
    )


def _check_fit(ref: IdentityRef, destination: str, country: str | None, channel: str) -> None:
    """Raise the error that explains why `ref` cannot carry this message, if it cannot."""
    doc = ref.doc
    if ref.resource_type == SENDER_ID_TYPE:
        if channel != "TEXT":
            raise _no_capability(ref, channel)
        if country is not None and doc["IsoCountryCode"] != country:
            raise ValidationException(
                f"Sender ID {doc['SenderId']} is registered for {doc['IsoCountryCode']}, not {country}",
                "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY",
            )
        return
    if doc.get("Status", "ACTIVE") != "ACTIVE":
        # A number waiting for its registration (--registration-gating aws) cannot send yet.
        raise ConflictException(
            f"Phone number {doc['PhoneNumber']} is {doc['Status']}: its registration is not complete",
            "RESOURCE_NOT_ACTIVE",
            PHONE_NUMBER_TYPE,
            ref.key,
        )
    if CHANNEL_CAPABILITY.get(channel) not in (doc.get("NumberCapabilities") or []):
        raise _no_capability(ref, channel)
    if doc.get("NumberType") == "SIMULATOR":
        simulated = simulator_lookup(destination)
        if simulated is None:
            raise ValidationException(
                f"Simulator number {doc['PhoneNumber']} only sends to simulator destination numbers",
                "INVALID_PARAMETER",
            )
        if simulated.country != doc["IsoCountryCode"]:
            raise ValidationException(
                f"Simulator number {doc['PhoneNumber']} only sends to simulator numbers of {doc['IsoCountryCode']}",
                "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY",
            )
        return
    if (
        country is not None
        and doc["IsoCountryCode"] != country
        and not doc.get("InternationalSendingEnabled")
    ):
        raise ValidationException(
            f"Phone number {doc['PhoneNumber']} ({doc['IsoCountryCode']}) can't send to {country}: "
            "international sending is not enabled",
            "INTERNATIONAL_SENDING_NOT_SUPPORTED",
        )


def _no_capability(ref: IdentityRef, channel: str) -> ValidationException:
    reason = "VOICE_CAPABILITY_NOT_AVAILABLE" if channel == "VOICE" else "CHANNEL_NOT_ENABLED"
    return ValidationException(f"{ref.short_id} can't send {channel} messages", reason)


def _fits(ref: IdentityRef, destination: str, country: str | None, channel: str) -> bool:
    try:
        _check_fit(ref, destination, country, channel)
    except ServiceError:
        return False
    return True


def _rank(ref: IdentityRef, destination: str, country: str | None) -> int:
    """Lower is preferred: a simulator for a simulator destination, then the destination's country."""
    doc = ref.doc
    if simulator_lookup(destination) is not None and doc.get("NumberType") == "SIMULATOR":
        return 0
    same_country = country is None or doc.get("IsoCountryCode") == country
    if ref.resource_type == PHONE_NUMBER_TYPE:
        return 1 if same_country else 3
    return 2


def _pick(
    candidates: Iterable[IdentityRef], destination: str, country: str | None, channel: str
) -> IdentityRef | None:
    fitting = [ref for ref in candidates if _fits(ref, destination, country, channel)]

    def order(ref: IdentityRef) -> tuple[int, float, str]:
        # Deterministic: the oldest identity of the best rank, so tests can predict the choice.
        return _rank(ref, destination, country), float(ref.doc.get("CreatedTimestamp") or 0), ref.key

    return min(fitting, key=order) if fitting else None


def _account_identities(context: OperationContext) -> list[IdentityRef]:
    numbers = [
        IdentityRef(PHONE_NUMBER_TYPE, key, doc) for key, doc in context.documents.iterate(PHONE_NUMBER)
    ]
    senders = [
        IdentityRef(SENDER_ID_TYPE, sender_key(doc["SenderId"], doc["IsoCountryCode"]), doc)
        for _, doc in context.documents.iterate(SENDER_ID)
    ]
    return [ref for ref in numbers + senders if ref.doc.get("Status", "ACTIVE") == "ACTIVE"]


def _from_pool(
    context: OperationContext, pool: IdentityRef, destination: str, country: str | None, channel: str
) -> Origination:
    chosen = _pick(pool_members(context, pool.key), destination, country, channel)
    if chosen is None:
        raise ConflictException(
            f"No origination identity of pool {pool.key} can send {channel} messages to {destination}",
            "NO_ORIGINATION_IDENTITIES_FOUND",
            POOL_TYPE,
            pool.key,
        )
    return _origination(chosen, pool)
