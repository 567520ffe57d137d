"""Registration status events, in AWS's EventBridge shape, kept for the inspection API.

AWS sends "Registration Status Change" events to EventBridge with source `aws.sms-voice`, the
registration's ARN in `resources`, and `detail.registrationDetails` (registrationId,
registrationVersionNumber, registrationType, registrationStatusChangeTimestamp in epoch
milliseconds, currentStatus) beside `detail.registrationArn` (user guide, monitor-event-bridge.html).

Every status change is written through `record_registration_event`, which hands it to
`enqueue_eventbridge_event` (messaging/eventbridge.py): stored for `GET
/_smsvoice/registrations/{id}/events` and `/_smsvoice/eventbridge`, and published to the default event bus
with `--eventbridge on`.
"""

from __future__ import annotations

from typing import Any

from smsvoice.clock import epoch_millis
from smsvoice.messaging.eventbridge import REGISTRATION_STATUS_CHANGE, enqueue_eventbridge_event
from smsvoice.services.api import OperationContext
from smsvoice.store import Document, Transaction
from smsvoice.store.eventbridge import EventFilter


def registration_detail(registration: Document, version_number: int, at: float) -> dict[str, Any]:
    """The event's `detail`, as AWS's example shows it."""
    return {
        "registrationArn": registration["RegistrationArn"],
        "registrationDetails": {
            "registrationId": registration["RegistrationId"],
            "registrationVersionNumber": version_number,
            "registrationType": registration["RegistrationType"],
            "registrationStatusChangeTimestamp": epoch_millis(at),
            "currentStatus": registration["RegistrationStatus"],
        },
    }


def record_registration_event(context: OperationContext, registration: Document, version_number: int) -> None:
    """Make the event of the registration's current status (in the caller's transaction): stored for
    the inspection API and, with `--eventbridge on`, published to the default event bus."""
    at = context.now()
    enqueue_eventbridge_event(
        context.tx,
        account=context.account,
        region=context.region,
        detail_type=REGISTRATION_STATUS_CHANGE,
        detail=registration_detail(registration, version_number, at),
        resources=[str(registration["RegistrationArn"])],
        subject=str(registration["RegistrationId"]),
        at=at,
    )


def registration_events(tx: Transaction, registration_id: str) -> list[dict[str, Any]]:
    """The registration's status events, oldest first (they outlive DeleteRegistration)."""
    where = EventFilter(subject=registration_id, detail_type=REGISTRATION_STATUS_CHANGE, limit=10_000)
    return [event.envelope for event in tx.eventbridge.stored(where)]
