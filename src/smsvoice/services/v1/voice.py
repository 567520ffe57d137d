"""v1 SendVoiceMessage: validate, store the message, answer its MessageId.

The call's life (INITIATED_CALL, RINGING, ...) and its events come from the carrier simulator.
v1 has no origination-identity resources: OriginationPhoneNumber and CallerId are taken as given
when they are valid E.164 numbers.
"""

from __future__ import annotations

from typing import Any

import phonenumbers

from smsvoice.arns import new_message_id
from smsvoice.services.api import OperationContext
from smsvoice.services.v1.configuration_sets import CONFIGURATION_SET
from smsvoice.services.v1.errors import BadRequestException
from smsvoice.services.v1.operations import operations
from smsvoice.store.messages import add_message

# Old Pinpoint voice limits: 3,000 billable characters; 6,000 characters in all including SSML tags.
MAX_PLAIN_TEXT_CHARACTERS = 3_000
MAX_SSML_CHARACTERS = 6_000
_CONTENT_KINDS = ("CallInstructionsMessage", "PlainTextMessage", "SSMLMessage")


def e164_or_error(value: str, member: str) -> str:
    try:
        parsed = phonenumbers.parse(value if value.startswith("+") else f"+{value}", None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise BadRequestException(f"{member} '{value}' is not a valid phone number in E.164 format")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def _check_content(content: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    kinds = [kind for kind in _CONTENT_KINDS if kind in (content or {})]
    if len(kinds) != 1:
        raise BadRequestException(
            "Content must contain exactly one of CallInstructionsMessage, PlainTextMessage or SSMLMessage"
        )
    assert content is not None
    kind = kinds[0]
    body: dict[str, Any] = content[kind]
    text = body.get("Text")
    if not text or not text.strip():
        raise BadRequestException(f"Content.{kind}.Text is required")
    limit = MAX_SSML_CHARACTERS if kind == "SSMLMessage" else MAX_PLAIN_TEXT_CHARACTERS
    if len(text) > limit:
        raise BadRequestException(f"Content.{kind}.Text is longer than {limit} characters")
    return kind, body


@operations.handler("SendVoiceMessage")
def send_voice_message(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    destination_raw = params.get("DestinationPhoneNumber")
    if not destination_raw:
        raise BadRequestException("DestinationPhoneNumber is required")
    destination = e164_or_error(destination_raw, "DestinationPhoneNumber")
    origination = params.get("OriginationPhoneNumber")
    if origination:
        origination = e164_or_error(origination, "OriginationPhoneNumber")
    caller_id = params.get("CallerId")
    if caller_id:
        caller_id = e164_or_error(caller_id, "CallerId")
    kind, body = _check_content(params.get("Content"))
    set_name = params.get("ConfigurationSetName")
    # The model declares no NotFoundException for this operation, so an unknown set is a bad request.
    if set_name and context.documents.get(CONFIGURATION_SET, set_name) is None:
        raise BadRequestException(f"Configuration set {set_name} does not exist")
    message_id = new_message_id()
    now = context.now()
    add_message(
        context.connection,
        message_id=message_id,
        account=context.account,
        region=context.region,
        api="v1",
        channel="VOICE",
        destination=destination,
        status="ACCEPTED",
        created_at=now,
        doc={
            "MessageId": message_id,
            "Api": "v1",
            "Channel": "VOICE",
            "DestinationPhoneNumber": destination,
            "OriginationPhoneNumber": origination,
            "CallerId": caller_id,
            "ConfigurationSetName": set_name,
            "ContentType": kind,
            "Content": body,
            "Status": "ACCEPTED",
            "RequestTimestamp": now,
        },
    )
    return {"MessageId": message_id}
