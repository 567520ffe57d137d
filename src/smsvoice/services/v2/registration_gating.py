"""Numbers that need a registration (`--registration-gating aws`).

As AWS does: a requested US toll-free number is PENDING and cannot send until a complete
US_TOLL_FREE_REGISTRATION is associated with it ("it will be placed in the Pending state and you will
not be able to send messages with it until you've registered the number", SNS developer guide,
channels-sms-awssupport-long-code.html); a US 10DLC number is requested with the RegistrationId of a
complete campaign registration. Simulator numbers never need one. With `off` (the default) numbers
are ACTIVE at once, as before; a RegistrationId that names a registration of the account still
associates the number with it.
"""

from __future__ import annotations

from typing import Any

from smsvoice.protocol.errors import FieldProblem
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.errors import ConflictException, ValidationException
from smsvoice.services.v2.identities import PHONE_NUMBER_TYPE
from smsvoice.services.v2.registration_associations import (
    add_association,
    check_association,
    identity_target,
)
from smsvoice.services.v2.registration_records import (
    REGISTRATION,
    REGISTRATION_TYPE,
    Registration,
    get_registration,
)
from smsvoice.store import Document

CAMPAIGN = "US_TEN_DLC_CAMPAIGN_REGISTRATION"


def gated(context: OperationContext) -> bool:
    return context.settings.registration_gating == "aws"


def status_of_new_number(context: OperationContext, iso_country_code: str, number_type: str) -> str:
    """PENDING for a US toll-free number under gating, ACTIVE otherwise."""
    return (
        "PENDING" if gated(context) and iso_country_code == "US" and number_type == "TOLL_FREE" else "ACTIVE"
    )


def registration_for_new_number(context: OperationContext, params: dict[str, Any]) -> Registration | None:
    """The registration a requested number joins (RequestPhoneNumber's RegistrationId), if any."""
    value = params.get("RegistrationId")
    ten_dlc = params["IsoCountryCode"] == "US" and params["NumberType"] == "TEN_DLC"
    if not value:
        if gated(context) and ten_dlc:
            message = "A US 10DLC number needs the RegistrationId of a complete campaign registration"
            raise ValidationException(message, "MISSING_PARAMETER", [FieldProblem("RegistrationId", message)])
        return None
    if not gated(context) and context.documents.get(REGISTRATION, value.rsplit("/", 1)[-1]) is None:
        return None  # not ours to check: kept on the number as given, as before gating existed
    registration = get_registration(context, value)
    if gated(context) and ten_dlc:
        if registration.doc["RegistrationType"] != CAMPAIGN:
            message = f"Registration {registration.id} is a {registration.doc['RegistrationType']}, not a {CAMPAIGN}"
            raise ValidationException(message, "INVALID_PARAMETER", [FieldProblem("RegistrationId", message)])
        if registration.doc["RegistrationStatus"] != "COMPLETE":
            raise ConflictException(
                f"Registration {registration.id} is not complete",
                "REGISTRATION_NOT_COMPLETE",
                REGISTRATION_TYPE,
                registration.id,
            )
    return registration


def check_new_number(context: OperationContext, registration: Registration | None, doc: Document) -> None:
    if registration is not None:
        check_association(
            context, registration, identity_target(PHONE_NUMBER_TYPE, doc["PhoneNumberId"], doc)
        )


def join_registration(context: OperationContext, registration: Registration | None, doc: Document) -> None:
    """Associate a stored new number with its registration (checked by check_new_number)."""
    if registration is not None:
        add_association(context, registration, identity_target(PHONE_NUMBER_TYPE, doc["PhoneNumberId"], doc))
