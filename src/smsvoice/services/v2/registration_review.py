"""The review of a submitted registration version: what the reviewers do, simulated.

`--registration-review auto` (the default) takes a submitted version one step per
`--registration-review-seconds` of the simulator clock: SUBMITTED -> REVIEWING -> APPROVED (the
registration PROVISIONING while a sender ID is created, then COMPLETE). `manual` waits;
`POST /_smsvoice/registrations/{id}/review` decides a submitted version at once in either mode
(`decide`). Denied versions keep their DeniedReasons; the registration then REQUIRES_UPDATES, or
stays COMPLETE when an earlier version is approved (the update was refused, not the registration).
A REQUIRES_AUTHENTICATION decision makes the version and the registration wait for the brand's contact
to authenticate by email; `POST /_smsvoice/registrations/{id}/authenticate` does that (`authenticate`)
and the review goes on (REVIEWING, then as the mode says).
"""

from __future__ import annotations

from typing import Any, Final

from smsvoice.quotas import V2_ACCOUNT_LIMITS
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import add_under_quota
from smsvoice.services.v2.identities import SENDER_ID, SENDER_ID_TYPE, sender_key
from smsvoice.services.v2.registration_associations import (
    REGISTRATION_ASSOCIATION,
    activate_numbers,
    add_association,
    identity_target,
)
from smsvoice.services.v2.registration_records import (
    REGISTRATION,
    UNDER_REVIEW,
    Registration,
    get_registration,
    get_version,
    save_version,
    set_status,
    stamp,
)
from smsvoice.services.v2.sender_ids import new_sender_id_doc

REVIEW_JOB: Final = "review/"
DECISIONS: Final = ("APPROVE", "DENY", "REQUIRES_UPDATES", "REQUIRES_AUTHENTICATION")
AWAITING_AUTHENTICATION: Final = "REQUIRES_AUTHENTICATION"
# What a denial without reasons says (a reviewer always gives one).
DEFAULT_DENIED_REASON: Final = {
    "Reason": "INCOMPLETE_INFORMATION",
    "ShortDescription": "The registration needs more information",
}


class NothingToDecide(Exception):
    """The registration has no version waiting for a decision (or for authentication)."""


def schedule_review(context: OperationContext, registration_id: str, after: float | None = None) -> None:
    """Under `auto`, the next review step falls due one review period after `after` (the time the
    step before it was due; now by default), so a clock moved by several periods applies several steps."""
    if context.settings.registration_review != "auto":
        return
    due = (context.now() if after is None else after) + context.settings.registration_review_seconds
    context.tx.registration_jobs.schedule(REVIEW_JOB + registration_id, context.account, context.region, due)


def forget_review(context: OperationContext, registration_id: str) -> None:
    context.tx.registration_jobs.clear(REVIEW_JOB + registration_id)


def advance_review(context: OperationContext, registration_id: str, due_at: float) -> None:
    """One automatic step of a registration's review (its job fell due at `due_at`)."""
    if context.documents.get(REGISTRATION, registration_id) is None:
        return
    registration = get_registration(context, registration_id)
    if registration.version_status == "SUBMITTED":
        _move(context, registration, "REVIEWING")
        schedule_review(context, registration_id, due_at)
    elif registration.version_status == "REVIEWING":
        _approve(context, registration, provision_now=False, due_at=due_at)
    elif registration.doc["RegistrationStatus"] == "PROVISIONING":
        _complete(context, registration)


def decide(
    context: OperationContext, registration_id: str, decision: str, denied_reasons: list[dict[str, Any]]
) -> Registration:
    """Decide the registration's submitted version now (the inspection API's review)."""
    registration = get_registration(context, registration_id)
    status = registration.version_status
    if status not in UNDER_REVIEW or status == AWAITING_AUTHENTICATION:
        waiting = " until it is authenticated" if status == AWAITING_AUTHENTICATION else ""
        raise NothingToDecide(
            f"registration {registration_id} has no submitted version to decide{waiting} "
            f"(version {registration.version['VersionNumber']} is {status})"
        )
    forget_review(context, registration_id)
    if status != "REVIEWING":
        _move(context, registration, "REVIEWING")
    if decision == "APPROVE":
        _approve(context, registration, provision_now=True)
    elif decision == AWAITING_AUTHENTICATION:
        _move(context, registration, AWAITING_AUTHENTICATION)
    else:
        _deny(context, registration, denied_reasons or [DEFAULT_DENIED_REASON])
    return registration


def authenticate(context: OperationContext, registration_id: str) -> Registration:
    """The brand's contact authenticated (the simulated click in AWS's email): the review goes on."""
    registration = get_registration(context, registration_id)
    if registration.version_status != AWAITING_AUTHENTICATION:
        raise NothingToDecide(
            f"registration {registration_id} is not waiting for authentication "
            f"(version {registration.version['VersionNumber']} is {registration.version_status})"
        )
    _move(context, registration, "REVIEWING")
    schedule_review(context, registration_id)
    return registration


def _move(context: OperationContext, registration: Registration, status: str) -> None:
    """Put the current version and the registration in `status` (a status both have)."""
    stamp(registration.version, status, context.now())
    save_version(context, registration.id, registration.version)
    set_status(context, registration, status)


def _approve(
    context: OperationContext, registration: Registration, *, provision_now: bool, due_at: float | None = None
) -> None:
    previous = registration.doc.get("ApprovedVersionNumber")
    if previous is not None:
        archived = get_version(context, registration, int(previous))
        stamp(archived, "ARCHIVED", context.now())
        save_version(context, registration.id, archived)
    stamp(registration.version, "APPROVED", context.now())
    save_version(context, registration.id, registration.version)
    registration.doc["ApprovedVersionNumber"] = registration.version["VersionNumber"]
    if registration.definition.provisions is None:
        _complete(context, registration)
        return
    set_status(context, registration, "PROVISIONING")
    if provision_now:
        _complete(context, registration)
    else:
        schedule_review(context, registration.id, due_at)


def _complete(context: OperationContext, registration: Registration) -> None:
    forget_review(context, registration.id)
    if registration.definition.provisions is not None:
        _provision(context, registration)
    set_status(context, registration, "COMPLETE")
    activate_numbers(context, registration)


def _provision(context: OperationContext, registration: Registration) -> None:
    """Create the sender ID the approved version names, registered, and associate it ("The sender ID
    will be automatically provisioned once the registration is approved", user guide)."""
    provisions = registration.definition.provisions or {}
    values = registration.version["FieldValues"]
    sender_id = values[provisions["SenderIdField"]]["TextValue"]
    country = provisions["IsoCountryCode"]
    message_types = (values.get(provisions.get("MessageTypeField", "")) or {}).get("SelectChoices")
    key = sender_key(sender_id, country)
    doc = context.documents.get(SENDER_ID, key)
    if doc is None:
        doc = new_sender_id_doc(context, sender_id, country, message_types)
        doc.update(Registered=True, RegistrationId=registration.id)
        add_under_quota(
            context,
            SENDER_ID,
            key,
            doc,
            limit=V2_ACCOUNT_LIMITS["SENDER_IDS"],
            reason="SENDER_IDS_PER_ACCOUNT",
            what="sender IDs",
        )
    else:
        doc.update(Registered=True)
        context.documents.replace(SENDER_ID, key, doc)
    target = identity_target(SENDER_ID_TYPE, key, doc)
    if context.documents.get(REGISTRATION_ASSOCIATION, f"{registration.id}/{target.arn}") is None:
        add_association(context, registration, target)


def _deny(context: OperationContext, registration: Registration, reasons: list[dict[str, Any]]) -> None:
    stamp(registration.version, "DENIED", context.now())
    registration.version["DeniedReasons"] = reasons
    save_version(context, registration.id, registration.version)
    registration.doc["LatestDeniedVersionNumber"] = registration.version["VersionNumber"]
    approved = registration.doc.get("ApprovedVersionNumber") is not None
    set_status(context, registration, "COMPLETE" if approved else "REQUIRES_UPDATES")
