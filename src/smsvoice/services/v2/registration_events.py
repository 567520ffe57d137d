"""Registration status events, in AWS's EventBridge shape, kept for the inspection API.

AWS sends "Registration Status Change" events to EventBridge with source `aws.sms-voice`, the
registration's ARN in `resources`, and `detail.registrationDetails` (registrationId,
registrationVersionNumber, registrationType, registrationStatusChangeTimestamp in epoch
milliseconds, currentStatus) beside `detail.registrationArn` (user guide, monitor-event-bridge.html).

Every status change is written through `record_registration_event`, the one place that also hands
the event to EventBridge publishing when that is configured.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from smsvoice.arns import new_uuid4
from smsvoice.clock import epoch_millis
from smsvoice.services.api import OperationContext
from smsvoice.store import Document

# One document per registration (key RegistrationId): {"Events": [event, ...]}, oldest first. It
# outlives DeleteRegistration, so the DELETED event stays readable.
REGISTRATION_EVENTS = "v2/registration-events"
DETAIL_TYPE = "Registration Status Change"
SOURCE = "aws.sms-voice"


def registration_event(
    account: str, region: str, registration: Document, version_number: int, at: float
) -> dict[str, Any]:
    arn = registration["RegistrationArn"]
    return {
        "version": "0",
        "id": new_uuid4(),
        "detail-type": DETAIL_TYPE,
        "source": SOURCE,
        "account": account,
        "time": datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [arn],
        "detail": {
            "registrationArn": arn,
            "registrationDetails": {
                "registrationId": registration["RegistrationId"],
                "registrationVersionNumber": version_number,
                "registrationType": registration["RegistrationType"],
                "registrationStatusChangeTimestamp": epoch_millis(at),
                "currentStatus": registration["RegistrationStatus"],
            },
        },
    }


def record_registration_event(context: OperationContext, registration: Document, version_number: int) -> None:
    """Keep the event of the registration's current status (in the caller's transaction)."""
    event = registration_event(context.account, context.region, registration, version_number, context.now())
    key = str(registration["RegistrationId"])
    found = context.documents.get(REGISTRATION_EVENTS, key)
    if found is None:
        context.documents.add(REGISTRATION_EVENTS, key, {"Events": [event]})
    else:
        context.documents.replace(REGISTRATION_EVENTS, key, {"Events": [*found["Events"], event]})


def registration_events(context: OperationContext, registration_id: str) -> list[dict[str, Any]]:
    found = context.documents.get(REGISTRATION_EVENTS, registration_id)
    return [] if found is None else list(found["Events"])
