"""Event records in AWS's published format (user guide "Event destinations", aws-facts §4 and §13).

A record is the JSON object AWS sends to SNS, CloudWatch Logs and Firehose. Field names, order and
types follow the documented SMS example: `eventTimestamp` and `messageRequestTimestamp` are epoch
milliseconds, `mcc`/`mnc` strings, prices numbers in USD. Optional fields (`isoCountryCode`, `mcc`
and `mnc` - together or not at all -, `carrierName`, `context`, `protectConfiguration`) are left out
when unknown, as AWS does. `messageStatusDescription` comes from messaging/descriptions.py.

Per channel:
* TEXT: the full documented field set.
* MEDIA: the same fields (AWS's MMS example is not public); `totalMessageParts` is 1, MMS is not split.
* VOICE (v2): the fields of AWS's only published voice record (a VOICE_INITIATED event on the
  EventBridge page): eventType, eventVersion, eventTimestamp, isFinal, originationPhoneNumber,
  isoCountryCode, messageId, messageRequestTimestamp, messageStatus. smsvoice adds
  `destinationPhoneNumber` (AWS's destination records carry it where its EventBridge examples, the
  voice one among them, leave it out) and `context` when the send gave one. Later voice events
  (RINGING ... COMPLETED) carry the same fields: AWS publishes no example of them, so their having no
  duration or price fields is smsvoice's choice.
* v1 voice: AWS publishes no v1 record at all. smsvoice's v1 records are synthetic, kept to fields a
  2018 record could have had: eventType, eventVersion, eventTimestamp, isFinal,
  originationPhoneNumber, destinationPhoneNumber, messageId, messageStatus (the v1 event type names
  serve as both eventType and messageStatus, e.g. `COMPLETED_CALL`).
"""

from __future__ import annotations

from typing import Any, Final

from smsvoice.clock import epoch_millis
from smsvoice.domain.message import Message
from smsvoice.messaging.descriptions import description

EVENT_VERSION: Final = "1.0"


def build_record(message: Message, status: str, at: float) -> dict[str, Any]:
    """The record AWS would publish when `message` moves to `status` at time `at` (epoch seconds)."""
    if message.api == "v1":
        return _v1_voice_record(message, status, at)
    if message.channel == "VOICE":
        return _voice_record(message, status, at)
    return _message_record(message, status, at)


def _opening(message: Message, status: str, at: float) -> dict[str, Any]:
    machine = message.machine
    record: dict[str, Any] = {
        "eventType": machine.event_type(status),
        "eventVersion": EVENT_VERSION,
        "eventTimestamp": epoch_millis(at),
        "isFinal": machine.is_final(status),
    }
    if message.origination is not None:
        record["originationPhoneNumber"] = message.origination
    return record


def _v1_voice_record(message: Message, status: str, at: float) -> dict[str, Any]:
    record = _opening(message, status, at)
    record["destinationPhoneNumber"] = message.destination
    record["messageId"] = message.message_id
    record["messageStatus"] = status
    return record


def _voice_record(message: Message, status: str, at: float) -> dict[str, Any]:
    record = _opening(message, status, at)
    record["destinationPhoneNumber"] = message.destination
    if message.iso_country_code is not None:
        record["isoCountryCode"] = message.iso_country_code
    record["messageId"] = message.message_id
    record["messageRequestTimestamp"] = epoch_millis(message.requested_at)
    record["messageStatus"] = status
    if message.context:
        record["context"] = dict(message.context)
    return record


def _message_record(message: Message, status: str, at: float) -> dict[str, Any]:
    record = _opening(message, status, at)
    record["destinationPhoneNumber"] = message.destination
    if message.iso_country_code is not None:
        record["isoCountryCode"] = message.iso_country_code
    record["isInternationalSend"] = message.is_international_send
    if message.mcc is not None and message.mnc is not None:  # "optional and may not be present"
        record["mcc"] = message.mcc
        record["mnc"] = message.mnc
    if message.carrier_name is not None:
        record["carrierName"] = message.carrier_name
    record["messageId"] = message.message_id
    record["messageRequestTimestamp"] = epoch_millis(message.requested_at)
    record["messageEncoding"] = message.encoding or "GSM"
    record["messageType"] = message.message_type or "TRANSACTIONAL"
    record["messageStatus"] = status
    record["messageStatusDescription"] = description(message.channel, status)
    if message.context:
        record["context"] = dict(message.context)
    record["totalMessageParts"] = message.parts or 1
    record["totalMessagePrice"] = message.price.message_price
    record["totalCarrierFee"] = message.price.carrier_fee
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
