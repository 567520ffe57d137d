"""v2 sends: SendTextMessage, SendVoiceMessage, SendMediaMessage, and PutMessageFeedback.

Every send runs the same checks, in this order, and a refused send writes and publishes nothing
(the handler's transaction rolls back): body (missing, too long, media type), configuration set
(ResourceNotFoundException), destination number, origination identity (services/v2/origination.py), protect configuration, opt-out
(ConflictException DESTINATION_PHONE_NUMBER_OPTED_OUT), sandbox verification (ConflictException
DESTINATION_PHONE_NUMBER_NOT_VERIFIED), MaxPrice (ValidationException PRICE_OVER_THRESHOLD), then
the month's spend limit (ServiceQuotaExceededException MONTHLY_SPEND_LIMIT_REACHED_FOR_<channel>).
DryRun runs every check and answers a MessageId, but stores, charges and publishes nothing.
An accepted message goes to the carrier simulator (smsvoice.messaging). Choices where AWS is silent
are listed in docs/messaging.md.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Final

from smsvoice.arns import new_message_id
from smsvoice.domain import pricing, simulator_numbers
from smsvoice.domain.encoding import analyze_text, exceeds_max_size
from smsvoice.domain.phone_numbers import NumberInfo, parse_destination
from smsvoice.messaging.message import Message, Price
from smsvoice.messaging.outgoing import (
    DEFAULT_TIME_TO_LIVE,
    apply_network_facts,
    dispatch,
    estimated_call_seconds,
    month_to_date_spend,
    record_spend,
)
from smsvoice.messaging.read_cache import RememberingDocuments
from smsvoice.protocol.errors import FieldProblem
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.account import SANDBOX, account_tier, enforced_spend_limit
from smsvoice.services.v2.configuration_sets import load_configuration_set
from smsvoice.services.v2.errors import (
    ConflictException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ValidationException,
)
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.origination import Origination, is_opted_out, resolve_origination
from smsvoice.services.v2.protect_configurations import load_protect_configuration
from smsvoice.services.v2.protect_overrides import effective_protect_configuration_id, judge_send
from smsvoice.services.v2.verified_destinations import is_verified
from smsvoice.store import messages as rows
from smsvoice.store.documents import Document

# SendVoiceMessage: "TEXT: ... the maximum character limit is 3000. SSML: ... 6000 including SSML tagging."
MAX_VOICE_TEXT_CHARACTERS: Final = 3_000
MAX_VOICE_SSML_CHARACTERS: Final = 6_000
DEFAULT_VOICE_ID: Final = "MATTHEW"  # "By default this is set to "MATTHEW"" (SendVoiceMessage)
# MMS file types of the user guide (mms-limitations-character.html), by file name extension.
MEDIA_EXTENSIONS: Final = frozenset(
    {".gif", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".3gp", ".3g2", ".amr", ".mp4", ".mp3"}
    | {".mpeg", ".ogg", ".oga", ".ogv", ".mov", ".qt", ".webm", ".ics", ".vcf", ".pdf"}
)


def _missing(member: str, what: str) -> ValidationException:
    return ValidationException(
        f"{what} is required", "MISSING_PARAMETER", [FieldProblem(member, f"{member} is required")]
    )


def destination_info(raw: str) -> NumberInfo:
    info = parse_destination(raw)
    if info is None:
        raise ValidationException(
            f"{raw} is not a phone number in E.164 format",
            "INVALID_PARAMETER",
            [FieldProblem("DestinationPhoneNumber", "Not a phone number in E.164 format")],
        )
    return info


def protect_configuration_id(context: OperationContext, value: str | None) -> str | None:
    if value is None:
        return None
    return str(load_protect_configuration(context, value)["ProtectConfigurationId"])


def check_recipient(context: OperationContext, sender: str, opt_out_list: str, e164: str) -> None:
    """The refusals every v2 send shares: an opted-out recipient, an unverified one in the sandbox."""
    if is_opted_out(context, opt_out_list, e164):
        raise ConflictException(
            f"{e164} opted out of messages from {sender} (opt-out list {opt_out_list})",
            "DESTINATION_PHONE_NUMBER_OPTED_OUT",
            "opted-out-number",
            e164,
        )
    # "sending to simulator numbers works even in the sandbox" (Pinpoint user guide, SMS simulator).
    if (
        account_tier(context) == SANDBOX
        and not simulator_numbers.is_simulator_number(e164)
        and not is_verified(context, e164)
    ):
        raise ConflictException(
            f"The account is in the sandbox and {e164} is not a verified destination number",
            "DESTINATION_PHONE_NUMBER_NOT_VERIFIED",
            "verified-destination-number",
            e164,
        )


def feedback_enabled(params: dict[str, Any], configuration_set: Document | None) -> bool:
    """The request's MessageFeedbackEnabled, else the configuration set's default (false)."""
    feedback = params.get("MessageFeedbackEnabled")
    if feedback is None:
        return bool((configuration_set or {}).get("DefaultMessageFeedbackEnabled", False))
    return bool(feedback)


@dataclass(slots=True)
class SendDraft:
    message: Message
    origination: Origination
    info: NumberInfo
    configuration_set: Document | None

    def message_type(self, params: dict[str, Any]) -> str:
        """The request's MessageType, else the set's DefaultMessageType, else the identity's, else
        TRANSACTIONAL (AWS documents no default)."""
        if params.get("MessageType"):
            return str(params["MessageType"])
        found = (self.configuration_set or {}).get("DefaultMessageType")
        return str(found or self.origination.message_type or "TRANSACTIONAL")


def prepare_send(context: OperationContext, params: dict[str, Any], channel: str) -> SendDraft:
    """The message every send starts from: set, destination, origination and the refusals they imply."""
    context.documents = RememberingDocuments(context.connection, context.account, context.region)
    set_name_or_arn = params.get("ConfigurationSetName")
    configuration_set = load_configuration_set(context, set_name_or_arn) if set_name_or_arn else None
    destination = destination_info(params["DestinationPhoneNumber"])
    origination = resolve_origination(
        context,
        params.get("OriginationIdentity"),
        destination.e164,
        destination.iso_country_code,
        channel,
        configuration_set,
    )
    # isInternationalSend: the destination's country differs from the identity's (parsing again would
    # give the same answer at twice the cost).
    international = origination.iso_country_code is not None and origination.iso_country_code.upper() != (
        destination.iso_country_code
    )
    info = replace(destination, is_international_send=international)
    protect_id = effective_protect_configuration_id(
        context, protect_configuration_id(context, params.get("ProtectConfigurationId")), configuration_set
    )
    verdict = None
    if protect_id is not None:
        verdict = judge_send(context, protect_id, channel, info.iso_country_code, info.e164)
    check_recipient(context, origination.identity, origination.opt_out_list_name, info.e164)
    feedback = feedback_enabled(params, configuration_set)
    message = Message(
        message_id=new_message_id(),
        account=context.account,
        region=context.region,
        api="v2",
        operation=context.operation,
        channel=channel,
        destination=info.e164,
        requested_at=context.now(),
        origination=origination.identity,
        origination_identity={
            "kind": origination.kind,
            "identity": origination.identity,
            "arn": origination.resource_arn,
            "member_arn": origination.member_arn,
            "number_type": origination.number_type,
            "iso_country_code": origination.iso_country_code,
            "opt_out_list_name": origination.opt_out_list_name,
        },
        configuration_set=configuration_set["ConfigurationSetName"] if configuration_set else None,
        context=params.get("Context") or None,
        time_to_live=params.get("TimeToLive") or DEFAULT_TIME_TO_LIVE,
        protect_configuration_id=verdict.protect_configuration_id if verdict else None,
        feedback_enabled=bool(feedback),
    )
    apply_network_facts(message, info)
    if verdict is not None:
        message.details["protect_status"] = verdict.protect_status
    if params.get("DestinationCountryParameters"):
        message.details["destination_country_parameters"] = params["DestinationCountryParameters"]
    return SendDraft(message, origination, info, configuration_set)


def charge_send(
    context: OperationContext,
    message: Message,
    price: pricing.Price,
    ceiling: str | None,
    ceiling_member: str,
    compared: Decimal | None = None,
) -> None:
    """Refuse over MaxPrice or over the month's spend limit; else set the message's price."""
    compared = price.total if compared is None else compared
    if ceiling is not None and compared > Decimal(ceiling):
        raise ValidationException(
            f"The price of the message ({compared} USD) is higher than {ceiling_member} ({ceiling} USD)",
            "PRICE_OVER_THRESHOLD",
            [FieldProblem(ceiling_member, f"Lower than the price of {compared} USD")],
        )
    limit = enforced_spend_limit(context, message.channel)
    spent = month_to_date_spend(
        context.connection, context.account, context.region, message.channel, message.requested_at
    )
    if spent + price.total > limit:
        raise ServiceQuotaExceededException(
            f"Sending this message would take this month's {message.channel} spend to "
            f"{spent + price.total} USD, over the {limit} USD monthly spend limit",
            f"MONTHLY_SPEND_LIMIT_REACHED_FOR_{message.channel}",
        )
    message.price = Price(pricing.to_float(price.message_price), pricing.to_float(price.carrier_fee))


def finish_send(context: OperationContext, draft: SendDraft, params: dict[str, Any]) -> dict[str, Any]:
    message, info = draft.message, draft.info
    if params.get("DryRun"):
        return {"MessageId": message.message_id}
    valid = info.is_valid or simulator_numbers.is_simulator_number(info.e164)
    dispatch(
        context.connection,
        message,
        context.now(),
        rules=context.simulator_rules,
        valid_number=valid,
        configuration_set=draft.configuration_set,
    )
    record_spend(context.connection, message)
    return {"MessageId": message.message_id}


@operations.handler("SendTextMessage")
def send_text_message(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    body = params.get("MessageBody")
    if body is None:
        raise _missing("MessageBody", "A text message needs a MessageBody")
    analysis = analyze_text(body)
    if exceeds_max_size(analysis):
        # The user guide says larger messages fail with an "Invalid Message" exception; smsvoice answers
        # it synchronously, as the closest declared error.
        raise ValidationException(
            f"The message is {analysis.units} {analysis.encoding} characters long; the largest is "
            "1530 GSM or 630 non-GSM characters",
            "MAXIMUM_SIZE_EXCEEDED",
            [FieldProblem("MessageBody", "Longer than 1530 GSM or 630 non-GSM characters")],
        )
    draft = prepare_send(context, params, "TEXT")
    message, info = draft.message, draft.info
    message.message_type = draft.message_type(params)
    message.body = body
    message.encoding = analysis.encoding
    message.parts = analysis.parts
    if params.get("Keyword"):
        message.details["keyword"] = params["Keyword"]
    price = pricing.price_text(
        info.iso_country_code, analysis.parts, message.message_type, draft.origination.number_type
    )
    charge_send(context, message, price, params.get("MaxPrice"), "MaxPrice")
    return finish_send(context, draft, params)


@operations.handler("SendMediaMessage")
def send_media_message(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    body = params.get("MessageBody")
    media = list(params.get("MediaUrls") or [])
    if body is None and not media:
        raise _missing("MediaUrls", "A media message needs MediaUrls or a MessageBody")
    for url in media:
        extension = posixpath.splitext(url.rsplit("/", 1)[-1])[1].lower()
        if extension and extension not in MEDIA_EXTENSIONS:
            raise ValidationException(
                f"The media file {url} is of a type MMS does not support",
                "MEDIA_TYPE_NOT_SUPPORTED",
                [FieldProblem("MediaUrls", f"Unsupported file type {extension}")],
            )
    draft = prepare_send(context, params, "MEDIA")
    message, info = draft.message, draft.info
    message.message_type = draft.message_type(params)
    message.body = body
    message.encoding = analyze_text(body).encoding if body else "GSM"
    message.parts = 1  # MMS is not split into parts (user guide, MMS limits)
    message.details["media_urls"] = media
    price = pricing.price_media(info.iso_country_code, message.message_type, draft.origination.number_type)
    charge_send(context, message, price, params.get("MaxPrice"), "MaxPrice")
    return finish_send(context, draft, params)


@operations.handler("SendVoiceMessage")
def send_voice_message(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    body = params.get("MessageBody")
    if body is None:
        raise _missing("MessageBody", "A voice message needs a MessageBody")
    text_type = params.get("MessageBodyTextType") or "TEXT"
    limit = MAX_VOICE_SSML_CHARACTERS if text_type == "SSML" else MAX_VOICE_TEXT_CHARACTERS
    if len(body) > limit:
        raise ValidationException(
            f"A {text_type} voice message can have at most {limit} characters",
            "MAXIMUM_SIZE_EXCEEDED",
            [FieldProblem("MessageBody", f"Longer than {limit} characters")],
        )
    draft = prepare_send(context, params, "VOICE")
    message, info = draft.message, draft.info
    message.body = body
    seconds = estimated_call_seconds(body, ssml=text_type == "SSML")
    message.details.update(
        {
            "voice_id": params.get("VoiceId") or DEFAULT_VOICE_ID,
            "text_type": text_type,
            "estimated_seconds": seconds,
        }
    )
    price = pricing.price_voice(info.iso_country_code, pricing.billable_minutes(seconds))
    per_minute = pricing.price_voice(info.iso_country_code, 1).total
    charge_send(context, message, price, params.get("MaxPricePerMinute"), "MaxPricePerMinute", per_minute)
    return finish_send(context, draft, params)


def _own_message(context: OperationContext, message_id: str) -> Message:
    found = rows.load_message(context.connection, message_id)
    if found is None or found.account != context.account or found.region != context.region:
        raise ResourceNotFoundException(f"The message {message_id} does not exist", "message", message_id)
    return found


@operations.handler("PutMessageFeedback")
def put_message_feedback(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    message = _own_message(context, params["MessageId"])
    if not message.feedback_enabled:
        raise ValidationException(
            f"Message feedback is not enabled for message {message.message_id}",
            "INVALID_REQUEST",
            [FieldProblem("MessageId", "The message was sent without MessageFeedbackEnabled")],
        )
    message.feedback_status = params["MessageFeedbackStatus"]
    message.feedback_updated_at = context.now()
    rows.update_message(context.connection, message)
    return {"MessageId": message.message_id, "MessageFeedbackStatus": message.feedback_status}
