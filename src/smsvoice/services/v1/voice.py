"""v1 SendVoiceMessage: validate, hand the call to the carrier simulator, answer its MessageId.

The call's life (INITIATED_CALL, RINGING, ANSWERED, COMPLETED_CALL, or BUSY, NO_ANSWER, FAILED) and
its event records come from the simulator (smsvoice.messaging); records go to the destinations of
the v1 configuration set named in the request. v1 has no origination-identity resources:
OriginationPhoneNumber and CallerId are taken as given when they are valid E.164 numbers. v1 declares
no errors for opt-outs, the sandbox or spend limits, so none of those checks apply to v1 calls.
"""

from __future__ import annotations

from typing import Any

from smsvoice.domain import pricing
from smsvoice.domain.phone_numbers import parse_destination
from smsvoice.domain.voice import estimated_call_seconds
from smsvoice.sending.outgoing import Origin, Outgoing
from smsvoice.sending.pipeline import send
from smsvoice.services.api import OperationContext
from smsvoice.services.v1.configuration_sets import CONFIGURATION_SET
from smsvoice.services.v1.errors import BadRequestException
from smsvoice.services.v1.operations import operations
from smsvoice.store import Transaction

# Old Pinpoint voice limits: 3,000 billable characters; 6,000 characters in all including SSML tags.
MAX_PLAIN_TEXT_CHARACTERS = 3_000
MAX_SSML_CHARACTERS = 6_000
_CONTENT_KINDS = ("CallInstructionsMessage", "PlainTextMessage", "SSMLMessage")


def e164_or_error(value: str, member: str) -> str:
    import phonenumbers  # on first use: not at start (domain/phone_numbers.py)

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


def read_ahead_of_send(
    tx: Transaction, account: str, region: str, operation: str, params: dict[str, Any], now: float
) -> None:
    """The v1 API's read-ahead (services/api.py): a call's configuration set goes out with the
    gateway's first statement; read later, in a batch of sends on PostgreSQL, it is a round trip the
    event loop waits for."""
    set_name = params.get("ConfigurationSetName")
    if operation == "SendVoiceMessage" and isinstance(set_name, str) and set_name and tx.reads_ahead:
        tx.documents(account, region).read_ahead([(CONFIGURATION_SET, set_name)])


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
    origination_country = _country_of(origination or caller_id)
    info = parse_destination(destination, origination_country)
    assert info is not None  # e164_or_error accepted it
    text = str(body["Text"])
    seconds = estimated_call_seconds(text, ssml=kind == "SSMLMessage")
    outgoing = Outgoing(
        channel="VOICE",
        destination=info,
        # Records show the number the call comes from: OriginationPhoneNumber, else the CallerId.
        origin=Origin(
            identity=origination or caller_id,
            details={"origination_phone_number": origination, "caller_id": caller_id},
        ),
        configuration_set_name=set_name,
        body=text,
        price=pricing.price_voice(info.iso_country_code, pricing.billable_minutes(seconds)),
        details={
            "content_type": kind,
            "voice_id": body.get("VoiceId"),
            "language_code": body.get("LanguageCode"),
            "estimated_seconds": seconds,
        },
        time_to_live=None,
    )
    # v1 declares no errors for opt-outs, the sandbox or spend limits: no policy refuses anything.
    message = send(context, outgoing, None)
    return {"MessageId": message.message_id}


def _country_of(number: str | None) -> str | None:
    if not number:
        return None
    found = parse_destination(number)
    return found.iso_country_code if found else None
