"""Event records in AWS's published format (user guide "Event destinations", aws-facts §4).

A record is the JSON object AWS sends to SNS, CloudWatch Logs and Firehose. Field names, order and
types follow the documented SMS example: `eventTimestamp` and `messageRequestTimestamp` are epoch
milliseconds, `mcc`/`mnc` strings, prices numbers in USD. Optional fields (`isoCountryCode`, `mcc`,
`mnc`, `carrierName`, `context`, `protectConfiguration`) are left out when unknown, as AWS does.

Per channel:
* TEXT: the full documented field set.
* MEDIA: the same fields (AWS's MMS example is not public); `totalMessageParts` is 1, MMS is not split.
* VOICE (v2): no `messageEncoding`, `messageType` or `totalMessageParts` (a call has none of them; the
  documented VOICE_INITIATED example has none either). The price is the call's estimated price on
  VOICE_COMPLETED and 0 on every other record.
* v1 voice: AWS publishes no v1 record format; smsvoice uses the v2 voice envelope with the v1 event
  type names, so `eventType` and `messageStatus` are both e.g. `COMPLETED_CALL`.
"""

from __future__ import annotations

from typing import Any, Final

from smsvoice.clock import epoch_millis
from smsvoice.domain.message import Message

EVENT_VERSION: Final = "1.0"

# messageStatusDescription. Three are AWS's own words (user guide examples: SUCCESSFUL, DELIVERED,
# TTL_EXPIRED); AWS does not publish the others, so these are smsvoice's, written from the meaning the
# user guide gives each event type.
DESCRIPTIONS: Final[dict[str, str]] = {
    "PENDING": "Message is being delivered and has not reached the phone carrier yet",
    "QUEUED": "Message is queued for delivery",
    "SUCCESSFUL": "Message has been accepted by phone carrier",
    "DELIVERED": "Message has been accepted by phone",
    "INVALID": "The destination phone number is not valid",
    "INVALID_MESSAGE": "The message body is not valid and cannot be delivered",
    "UNREACHABLE": "The recipient's device is unavailable or not connected to the network",
    "CARRIER_UNREACHABLE": "The phone carrier's network could not be reached",
    "BLOCKED": "The recipient's device or carrier is blocking messages to this number",
    "CARRIER_BLOCKED": "The phone carrier blocked the message",
    "SPAM": "The phone carrier flagged the message as unsolicited",
    "UNKNOWN": "The message was not delivered for an unknown reason",
    "TTL_EXPIRED": "The delivery TTL has expired",
    "PROTECT_BLOCKED": "The message was blocked by a protect configuration",
    "FILE_INACCESSIBLE": "The media file could not be read",
    "FILE_TYPE_UNSUPPORTED": "The media file type is not supported",
    "FILE_SIZE_EXCEEDED": "The media file is larger than the supported size",
    "INITIATED": "The call has been initiated",
    "RINGING": "The call is ringing at the recipient",
    "ANSWERED": "The call was answered",
    "COMPLETED": "The call has been completed",
    "BUSY": "The recipient's line was busy",
    "NO_ANSWER": "The call was not answered",
    "FAILED": "The call failed",
    "INITIATED_CALL": "The call has been initiated",
    "COMPLETED_CALL": "The call has been completed",
    "SENT": "The message has been sent",
    "FALLEN_BACK_TO_SMS": "The message was sent through its fallback channel instead",
}
# Descriptions that differ by channel, by event type (smsvoice's words, like most of the above).
EVENT_DESCRIPTIONS: Final[dict[str, str]] = {
    "RCS_QUEUED": "The RCS message is queued for delivery",
    "RCS_SENT": "The RCS message has been sent to the RCS platform",
    "RCS_DELIVERED": "The RCS message has been delivered to the device",
    "RCS_FAILED": "The RCS message could not be delivered",
    "RCS_FALLEN_BACK_TO_SMS": "The destination cannot receive RCS; the fallback message was sent instead",
}


def build_record(message: Message, status: str, at: float) -> dict[str, Any]:
    """The record AWS would publish when `message` moves to `status` at time `at` (epoch seconds)."""
    machine = message.machine
    record: dict[str, Any] = {
        "eventType": machine.event_type(status),
        "eventVersion": EVENT_VERSION,
        "eventTimestamp": epoch_millis(at),
        "isFinal": machine.is_final(status),
    }
    if message.origination is not None:
        record["originationPhoneNumber"] = message.origination
    record["destinationPhoneNumber"] = message.destination
    if message.iso_country_code is not None:
        record["isoCountryCode"] = message.iso_country_code
    record["isInternationalSend"] = message.is_international_send
    for name, value in (("mcc", message.mcc), ("mnc", message.mnc), ("carrierName", message.carrier_name)):
        if value is not None:
            record[name] = value
    record["messageId"] = message.message_id
    record["messageRequestTimestamp"] = epoch_millis(message.requested_at)
    is_voice = message.channel == "VOICE"
    if not is_voice:
        record["messageEncoding"] = message.encoding or "GSM"
        record["messageType"] = message.message_type or "TRANSACTIONAL"
    record["messageStatus"] = status
    record["messageStatusDescription"] = EVENT_DESCRIPTIONS.get(record["eventType"]) or DESCRIPTIONS.get(
        status, status
    )
    if message.context:
        record["context"] = dict(message.context)
    if not is_voice:
        record["totalMessageParts"] = message.parts or 1
    charged = not is_voice or status == machine.default_success
    record["totalMessagePrice"] = message.price.message_price if charged else 0.0
    record["totalCarrierFee"] = message.price.carrier_fee if charged else 0.0
    if message.protect_configuration_id is not None:
        record["protectConfiguration"] = {
            "protectConfigurationId": message.protect_configuration_id,
            "protectStatus": _protect_status(message, status),
        }
    return record


def _protect_status(message: Message, status: str) -> str:
    """The country rule or number override the send met (ALLOW, MONITOR, FILTER). A message that ends
    PROTECT_BLOCKED was filtered (FILTER) or, by a simulator rule on a send without FILTER, blocked."""
    met = str(message.details.get("protect_status", "ALLOW"))
    if status == "PROTECT_BLOCKED" and met != "FILTER":
        return "BLOCK"
    return met
