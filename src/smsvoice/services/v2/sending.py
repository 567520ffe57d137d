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
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

from smsvoice.domain import pricing, simulator_numbers
from smsvoice.domain.encoding import TextAnalysis, analyze_text, exceeds_max_size
from smsvoice.domain.message import DEFAULT_TIME_TO_LIVE, Message
from smsvoice.domain.phone_numbers import NumberInfo, parse_destination
from smsvoice.domain.voice import estimated_call_seconds
from smsvoice.protocol.errors import FieldProblem
from smsvoice.sending.outgoing import Ceiling, Origin, Outgoing
from smsvoice.sending.pipeline import send
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.account import (
    ACCOUNT_SETTINGS,
    SANDBOX,
    SETTINGS_KEY,
    account_tier,
    enforced_spend_limit,
)
from smsvoice.services.v2.common import key_in_arn
from smsvoice.services.v2.configuration_sets import CONFIGURATION_SET, load_configuration_set
from smsvoice.services.v2.configuration_sets import RESOURCE_TYPE as CONFIGURATION_SET_TYPE
from smsvoice.services.v2.errors import (
    ConflictException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ValidationException,
)
from smsvoice.services.v2.identities import (
    PHONE_NUMBER_BY_E164,
    as_e164,
    document_named,
    read_ahead_origination,
)
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.opt_outs import DEFAULT_LIST, OPTED_OUT_NUMBER, number_key
from smsvoice.services.v2.origination import Origination, is_opted_out, resolve_origination
from smsvoice.services.v2.protect_configurations import load_protect_configuration
from smsvoice.services.v2.protect_overrides import effective_protect_configuration_id, judge_send
from smsvoice.services.v2.verified_destinations import is_verified
from smsvoice.store import Document, Transaction

# SendVoiceMessage: "TEXT: ... the maximum character limit is 3000. SSML: ... 6000 including SSML tagging."
MAX_VOICE_TEXT_CHARACTERS: Final = 3_000
MAX_VOICE_SSML_CHARACTERS: Final = 6_000
DEFAULT_VOICE_ID: Final = "MATTHEW"  # "By default this is set to "MATTHEW"" (SendVoiceMessage)
# MMS file types of the user guide (mms-limitations-character.html), by file name extension.
MEDIA_EXTENSIONS: Final = frozenset(
    {".gif", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".3gp", ".3g2", ".amr", ".mp4", ".mp3"}
    | {".mpeg", ".ogg", ".oga", ".ogv", ".mov", ".qt", ".webm", ".ics", ".vcf", ".pdf"}
)


# The sends whose unit of work locks no row: it writes new rows and the month's spend (which a batch
# writes last, in key order), so on PostgreSQL they may share a transaction (store/batches.py).
# The Notify sends take a request-rate token (a row lock) and stay out.
BATCHED_SENDS: Final = frozenset({"SendTextMessage", "SendVoiceMessage", "SendMediaMessage"})


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


class V2SendPolicy:
    """The refusals of v2 sends, in the order AWS's documentation implies (see the module docstring)."""

    def __init__(self, context: OperationContext) -> None:
        self.context = context

    def refuse_recipient(self, outgoing: Outgoing) -> None:
        context = self.context
        e164 = outgoing.destination.e164
        opt_out_list = outgoing.origin.opt_out_list
        if opt_out_list is not None and is_opted_out(context, opt_out_list, e164):
            raise ConflictException(
                f"{e164} opted out of messages from {outgoing.origin.identity} (opt-out list {opt_out_list})",
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

    def refuse_price(self, outgoing: Outgoing, spent: Decimal) -> None:
        context = self.context
        assert outgoing.price is not None
        total = outgoing.price.total
        ceiling = outgoing.ceiling
        if ceiling is not None and ceiling.compared > Decimal(ceiling.value):
            raise ValidationException(
                f"The price of the message ({ceiling.compared} USD) is higher than {ceiling.member} "
                f"({ceiling.value} USD)",
                "PRICE_OVER_THRESHOLD",
                [FieldProblem(ceiling.member, f"Lower than the price of {ceiling.compared} USD")],
            )
        charged_to = outgoing.charged_to
        limit = enforced_spend_limit(context, charged_to)
        if spent + total > limit:
            raise ServiceQuotaExceededException(
                f"Sending this message would take this month's {charged_to} spend to "
                f"{spent + total} USD, over the {limit} USD monthly spend limit",
                f"MONTHLY_SPEND_LIMIT_REACHED_FOR_{charged_to}",
            )


def feedback_enabled(params: dict[str, Any], configuration_set: Document | None) -> bool:
    """The request's MessageFeedbackEnabled, else the configuration set's default (false)."""
    feedback = params.get("MessageFeedbackEnabled")
    if feedback is None:
        return bool((configuration_set or {}).get("DefaultMessageFeedbackEnabled", False))
    return bool(feedback)


def event_destinations(configuration_set: Document | None) -> list[Document] | None:
    if configuration_set is None:
        return None
    return [item for item in configuration_set.get("EventDestinations") or [] if isinstance(item, dict)]


def message_type(params: dict[str, Any], configuration_set: Document | None, origination: Origination) -> str:
    """The request's MessageType, else the set's DefaultMessageType, else the identity's, else
    TRANSACTIONAL (AWS documents no default)."""
    if params.get("MessageType"):
        return str(params["MessageType"])
    found = (configuration_set or {}).get("DefaultMessageType")
    return str(found or origination.message_type or "TRANSACTIONAL")


def ceiling(params: dict[str, Any], member: str, compared: Decimal) -> Ceiling | None:
    value = params.get(member)
    return None if value is None else Ceiling(str(value), member, compared)


# Finds the origination identity of a send that does not name one (Notify: the configuration's pool
# or an AWS-managed identity), from the destination and the configuration set.
OriginationFinder = Callable[[NumberInfo, Document | None], Origination]


def _e164(value: object) -> str | None:
    return as_e164(value) if isinstance(value, str) else None


def _documents_of_send(params: dict[str, Any]) -> list[tuple[str, str]]:
    """The documents every send through an origination identity reads first (given by name, id or
    ARN: on PostgreSQL a document read later, in a batch of sends, is a round trip the event loop
    waits for, which had made sends from an ARN 1.5x the CPU of sends from a number)."""
    wanted = [(ACCOUNT_SETTINGS, SETTINGS_KEY)]
    set_name_or_arn = params.get("ConfigurationSetName")
    if isinstance(set_name_or_arn, str) and set_name_or_arn:
        name = (
            key_in_arn(set_name_or_arn, CONFIGURATION_SET_TYPE)
            if set_name_or_arn.startswith("arn:")
            else set_name_or_arn
        )
        if name is not None:
            wanted.append((CONFIGURATION_SET, name))
    identity = params.get("OriginationIdentity")
    if isinstance(identity, str):
        e164 = as_e164(identity)
        named = (PHONE_NUMBER_BY_E164, e164) if e164 is not None else document_named(identity)
        if named is not None:
            wanted.append(named)
    return wanted


# The channel whose month-to-date spend a send operation checks (pipeline.py), for reading it ahead.
_SPEND_CHANNEL_OF = {"SendTextMessage": "TEXT", "SendVoiceMessage": "VOICE", "SendMediaMessage": "MEDIA"}


def read_ahead_of_send(
    tx: Transaction, account: str, region: str, operation: str, params: dict[str, Any], now: float
) -> None:
    """The v2 API's read-ahead (services/api.py): a send's first documents and its month's spend go
    out with the gateway's first statement instead of a round trip each (on PostgreSQL)."""
    channel = _SPEND_CHANNEL_OF.get(operation)
    if channel is None or not tx.reads_ahead:
        return
    documents = tx.documents(account, region)
    wanted = _documents_of_send(params)
    destination = _e164(params.get("DestinationPhoneNumber"))
    if destination is not None:
        # A guess that is right for most numbers: their opt-out list is the Default one. When it is
        # another, the check reads that list's entry as usual.
        wanted.append((OPTED_OUT_NUMBER, number_key(DEFAULT_LIST, destination)))
    documents.read_ahead(wanted)
    read_ahead_origination(documents, params.get("OriginationIdentity"))
    tx.spend.read_ahead(account, region, channel, now)


def prepare_send(
    context: OperationContext,
    params: dict[str, Any],
    channel: str,
    origination_for: OriginationFinder | None = None,
) -> tuple[Outgoing, Origination]:
    """What every v2 send through an origination identity starts from: the set, the destination, the
    identity and the protect configuration's verdict (their errors come first, in that order).
    `origination_for`, when given, finds the identity instead of the request's OriginationIdentity."""
    set_name_or_arn = params.get("ConfigurationSetName")
    # What every send reads, in one statement (already on its way when the gateway read it ahead).
    context.documents.prefetch(_documents_of_send(params))
    configuration_set = load_configuration_set(context, set_name_or_arn) if set_name_or_arn else None
    destination = destination_info(params["DestinationPhoneNumber"])
    if origination_for is not None:
        origination = origination_for(destination, configuration_set)
    else:
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
    info = destination.with_international_send(international)
    protect_id = effective_protect_configuration_id(
        context, protect_configuration_id(context, params.get("ProtectConfigurationId")), configuration_set
    )
    outgoing = Outgoing(
        channel=channel,
        destination=info,
        origin=Origin(
            identity=origination.identity,
            details={
                "kind": origination.kind,
                "identity": origination.identity,
                "arn": origination.resource_arn,
                "member_arn": origination.member_arn,
                "number_type": origination.number_type,
                "iso_country_code": origination.iso_country_code,
                "opt_out_list_name": origination.opt_out_list_name,
            },
            opt_out_list=origination.opt_out_list_name,
            iso_country_code=origination.iso_country_code,
            number_type=origination.number_type,
        ),
        configuration_set_name=configuration_set["ConfigurationSetName"] if configuration_set else None,
        event_destinations=event_destinations(configuration_set),
        context=params.get("Context") or None,
        time_to_live=params.get("TimeToLive") or DEFAULT_TIME_TO_LIVE,
        feedback_enabled=feedback_enabled(params, configuration_set),
        valid_number=info.is_valid or simulator_numbers.is_simulator_number(info.e164),
    )
    verdict = None
    if protect_id is not None:
        verdict = judge_send(context, protect_id, channel, info.iso_country_code, info.e164)
    if verdict is not None:
        outgoing.protect_configuration_id = verdict.protect_configuration_id
        outgoing.details["protect_status"] = verdict.protect_status
    if params.get("DestinationCountryParameters"):
        outgoing.details["destination_country_parameters"] = params["DestinationCountryParameters"]
    if channel in ("TEXT", "MEDIA"):
        outgoing.message_type = message_type(params, configuration_set, origination)
    return outgoing, origination


def text_parts(outgoing: Outgoing, body: str, analysis: TextAnalysis | None = None) -> None:
    """An SMS body: its encoding, parts and price (`analysis`: the body's, when the caller has it)."""
    analysis = analysis or analyze_text(body)
    outgoing.body = body
    outgoing.encoding, outgoing.parts = analysis.encoding, analysis.parts
    outgoing.price = pricing.price_text(
        outgoing.destination.iso_country_code,
        analysis.parts,
        outgoing.message_type or "TRANSACTIONAL",
        outgoing.origin.number_type,
    )


def media_parts(outgoing: Outgoing, body: str | None, media: list[str]) -> None:
    """An MMS: body, media and price (MMS is not split into parts: user guide, MMS limits)."""
    outgoing.body = body
    outgoing.encoding = analyze_text(body).encoding if body else "GSM"
    outgoing.parts = 1
    outgoing.details["media_urls"] = media
    outgoing.price = pricing.price_media(
        outgoing.destination.iso_country_code,
        outgoing.message_type or "TRANSACTIONAL",
        outgoing.origin.number_type,
    )


def answer(message: Message) -> dict[str, Any]:
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
    outgoing, _ = prepare_send(context, params, "TEXT")
    text_parts(outgoing, body, analysis)
    if params.get("Keyword"):
        outgoing.details["keyword"] = params["Keyword"]
    assert outgoing.price is not None
    outgoing.ceiling = ceiling(params, "MaxPrice", outgoing.price.total)
    return answer(send(context, outgoing, V2SendPolicy(context), dry_run=bool(params.get("DryRun"))))


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
    outgoing, _ = prepare_send(context, params, "MEDIA")
    media_parts(outgoing, body, media)
    assert outgoing.price is not None
    outgoing.ceiling = ceiling(params, "MaxPrice", outgoing.price.total)
    return answer(send(context, outgoing, V2SendPolicy(context), dry_run=bool(params.get("DryRun"))))


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
    outgoing, _ = prepare_send(context, params, "VOICE")
    outgoing.body = body
    seconds = estimated_call_seconds(body, ssml=text_type == "SSML")
    outgoing.details.update(
        {
            "voice_id": params.get("VoiceId") or DEFAULT_VOICE_ID,
            "text_type": text_type,
            "estimated_seconds": seconds,
        }
    )
    country = outgoing.destination.iso_country_code
    outgoing.price = pricing.price_voice(country, pricing.billable_minutes(seconds))
    per_minute = pricing.price_voice(country, 1).total
    outgoing.ceiling = ceiling(params, "MaxPricePerMinute", per_minute)
    return answer(send(context, outgoing, V2SendPolicy(context), dry_run=bool(params.get("DryRun"))))


def _own_message(context: OperationContext, message_id: str) -> Message:
    found = context.tx.messages.load(message_id)
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
    context.tx.messages.update(message)
    return {"MessageId": message.message_id, "MessageFeedbackStatus": message.feedback_status}
