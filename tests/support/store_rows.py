"""Rows for tests that drive the store directly (tests/store, tests/messaging): a v2 text message and an
outbox entry, with what they are about given and the rest fixed."""

from __future__ import annotations

from smsvoice.domain.message import Message
from smsvoice.store.outbox import OutboxEntry

ACCOUNT = "111122223333"
REGION = "us-east-1"
SENT_AT = 1_800_000_000.0
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:orders"


def text_message(message_id: str, **fields: object) -> Message:
    """A v2 text message accepted at SENT_AT (`fields` override or add Message fields)."""
    values: dict[str, object] = {
        "message_id": message_id,
        "account": ACCOUNT,
        "region": REGION,
        "api": "v2",
        "operation": "SendTextMessage",
        "channel": "TEXT",
        "destination": "+12065550142",
        "requested_at": SENT_AT,
        **fields,
    }
    return Message(**values)  # type: ignore[arg-type]


def outbox_entry(message_id: str, target_arn: str = TOPIC) -> OutboxEntry:
    """A TEXT_SUCCESSFUL record of `message_id` bound for an SNS topic."""
    return OutboxEntry(
        account=ACCOUNT,
        region=REGION,
        message_id=message_id,
        event_id=1,
        event_type="TEXT_SUCCESSFUL",
        configuration_set="orders",
        destination_name="sns",
        destination_kind="SNS",
        target_arn=target_arn,
        iam_role_arn=None,
        record="{}",
    )
