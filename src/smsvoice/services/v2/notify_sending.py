"""SendNotifyTextMessage and SendNotifyVoiceMessage: a template rendered and sent through a notify
configuration, through the one send pipeline (sending/pipeline.py) like every other send.

Checks, in this order (a refused send writes, counts and charges nothing):

1. the configuration (ResourceNotFoundException notify-configuration); its Status must be ACTIVE
   ("you can send messages only when the status is ACTIVE", user guide; ConflictException
   NOTIFY_CONFIGURATION_NOT_ACTIVE);
2. the channel among its EnabledChannels (ValidationException CHANNEL_NOT_ENABLED);
3. the destination (E.164), and its country among the EnabledCountries that the tier allows
   (ValidationException COUNTRY_NOT_ENABLED);
4. the template: TemplateId, else the configuration's DefaultTemplateId (neither: ValidationException
   MISSING_PARAMETER); it must exist (ResourceNotFoundException notify-template), be ACTIVE, serve the
   channel, the tier, the destination's country and, for voice, the VoiceId (ValidationException
   INVALID_PARAMETER naming TemplateId or VoiceId);
5. the template variables (domain/notify_rendering.py: ValidationException naming the variable);
6. the configuration set, the origination identity and the protect configuration, as every v2 send
   (services/v2/sending.py `prepare_send`); the identity is a member of the configuration's pool that
   can carry the message, else an AWS-managed identity (below);
7. the tier's send rate and daily limits (services/v2/notify_limits.py);
8. the pipeline's refusals: opt-out, sandbox, and the NOTIFY monthly spend limit
   (ServiceQuotaExceededException MONTHLY_SPEND_LIMIT_REACHED_FOR_NOTIFY: "Notify has its own dedicated
   monthly spend limit ... Sending messages via Notify does not count against your SMS or voice spend
   limits", user guide, notify-spend-limits.html).

AWS-managed identities are smsvoice's stand-in for the numbers and sender IDs AWS picks "on your
behalf": the fictional long code +1 206 555 0100 for destinations with country calling code 1, the
sender ID NOTIFY elsewhere. A country whose ListNotifyCountries entry has
CustomerOwnedIdentityRequired needs a pool member instead (ConflictException
NO_ORIGINATION_IDENTITIES_FOUND).
"""

from __future__ import annotations

from typing import Any, Final

from smsvoice.domain import notify_catalog, pricing
from smsvoice.domain.notify_rendering import MISSING, UNKNOWN, VariableProblem, render
from smsvoice.domain.phone_numbers import NumberInfo
from smsvoice.domain.voice import estimated_call_seconds
from smsvoice.protocol.errors import FieldProblem
from smsvoice.sending.outgoing import Outgoing
from smsvoice.sending.pipeline import send
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.errors import ConflictException, ValidationException
from smsvoice.services.v2.notify_configurations import (
    RESOURCE_TYPE,
    check_template,
    load_notify_configuration,
)
from smsvoice.services.v2.notify_limits import count_daily_message, take_send_rate
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.opt_outs import DEFAULT_LIST
from smsvoice.services.v2.origination import Origination, resolve_origination
from smsvoice.services.v2.sending import (
    DEFAULT_VOICE_ID,
    OriginationFinder,
    V2SendPolicy,
    destination_info,
    prepare_send,
    text_parts,
)
from smsvoice.store import Document

MANAGED_LONG_CODE: Final = "+12065550100"
MANAGED_SENDER_ID: Final = "NOTIFY"
# The channel of the API's NotifyEnabledChannelsList for each send.
_NOTIFY_CHANNEL: Final = {"TEXT": "SMS", "VOICE": "VOICE"}


def _invalid(member: str, message: str, reason: str = "INVALID_PARAMETER") -> ValidationException:
    return ValidationException(message, reason, [FieldProblem(member, message)])


def _active_configuration(context: OperationContext, params: dict[str, Any], channel: str) -> Document:
    configuration = load_notify_configuration(context, params["NotifyConfigurationId"])
    config_id = str(configuration["NotifyConfigurationId"])
    if configuration["Status"] != "ACTIVE":
        raise ConflictException(
            f"Notify configuration {config_id} is {configuration['Status']}; it can send only when ACTIVE",
            "NOTIFY_CONFIGURATION_NOT_ACTIVE",
            RESOURCE_TYPE,
            config_id,
        )
    if _NOTIFY_CHANNEL[channel] not in configuration["EnabledChannels"]:
        raise ValidationException(
            f"Notify configuration {config_id} does not enable the {_NOTIFY_CHANNEL[channel]} channel",
            "CHANNEL_NOT_ENABLED",
        )
    return configuration


def _check_country(configuration: Document, destination: NumberInfo) -> None:
    country = destination.iso_country_code
    tier = str(configuration["Tier"])
    enabled = set(configuration.get("EnabledCountries") or []) & set(notify_catalog.tier_countries(tier))
    if country not in enabled:
        raise _invalid(
            "DestinationPhoneNumber",
            f"Notify configuration {configuration['NotifyConfigurationId']} does not enable sending to "
            f"{country or 'the country of ' + destination.e164}",
            "COUNTRY_NOT_ENABLED",
        )


def _template(params: dict[str, Any], configuration: Document, channel: str, country: str | None) -> Document:
    template_id = params.get("TemplateId") or configuration.get("DefaultTemplateId")
    if not template_id:
        raise _invalid(
            "TemplateId",
            "Give a TemplateId: the notify configuration has no DefaultTemplateId",
            "MISSING_PARAMETER",
        )
    template = check_template(str(template_id), str(configuration["Tier"]))
    problem = None
    if template.get("Status") != "ACTIVE":
        problem = "is INACTIVE"
    elif _NOTIFY_CHANNEL[channel] not in template["Channels"]:
        problem = f"does not support the {_NOTIFY_CHANNEL[channel]} channel"
    elif country not in template.get("SupportedCountries", []):
        problem = f"is not supported in {country}"
    if problem is not None:
        raise _invalid("TemplateId", f"The template {template_id} {problem}")
    return template


def _resolved_body(params: dict[str, Any], template: Document, configuration: Document) -> str:
    try:
        return render(
            template["Content"],
            template.get("Variables") or {},
            params.get("TemplateVariables") or {},
            {"brandName": str(configuration["DisplayName"])},
        )
    except VariableProblem as problem:
        reason = {MISSING: "MISSING_PARAMETER", UNKNOWN: "INVALID_PARAMETER"}.get(
            problem.kind, "FIELD_VALIDATION_FAILED"
        )
        raise _invalid(
            f"TemplateVariables.{problem.name}", f"TemplateVariables.{problem.message}", reason
        ) from None


def _managed(destination: NumberInfo) -> Origination:
    nanp = destination.e164.startswith("+1")
    return Origination(
        kind="NOTIFY_MANAGED",
        identity=MANAGED_LONG_CODE if nanp else MANAGED_SENDER_ID,
        resource_arn=None,
        # A local identity of the destination's country: never an international send.
        iso_country_code=destination.iso_country_code,
        number_type="LONG_CODE" if nanp else None,
        opt_out_list_name=DEFAULT_LIST,
        message_type="TRANSACTIONAL",
        is_simulator=False,
    )


def _origination_finder(
    context: OperationContext, configuration: Document, channel: str
) -> OriginationFinder:
    def find(destination: NumberInfo, configuration_set: Document | None) -> Origination:
        pool_id = configuration.get("PoolId")
        country = notify_catalog.country(destination.iso_country_code or "") or {}
        if pool_id:
            try:
                return resolve_origination(
                    context, str(pool_id), destination.e164, destination.iso_country_code, channel, None
                )
            except ConflictException:
                if country.get("CustomerOwnedIdentityRequired"):
                    raise
        elif country.get("CustomerOwnedIdentityRequired"):
            raise ConflictException(
                f"Notify sends to {destination.iso_country_code} need a customer-owned origination identity: "
                "associate a pool with the notify configuration",
                "NO_ORIGINATION_IDENTITIES_FOUND",
                RESOURCE_TYPE,
                str(configuration["NotifyConfigurationId"]),
            )
        return _managed(destination)

    return find


def _prepare(
    context: OperationContext, params: dict[str, Any], channel: str
) -> tuple[Document, Document, Outgoing]:
    """Steps 1 to 7 of the module docstring: the configuration, template, body and the Outgoing."""
    configuration = _active_configuration(context, params, channel)
    destination = destination_info(params["DestinationPhoneNumber"])
    _check_country(configuration, destination)
    template = _template(params, configuration, channel, destination.iso_country_code)
    body = _resolved_body(params, template, configuration)
    outgoing, _ = prepare_send(context, params, channel, _origination_finder(context, configuration, channel))
    outgoing.body = body
    outgoing.message_type = "TRANSACTIONAL"
    outgoing.spend_channel = "NOTIFY"
    outgoing.details["notify"] = {
        "notify_configuration_id": configuration["NotifyConfigurationId"],
        "template_id": template["TemplateId"],
        "tier": configuration["Tier"],
    }
    take_send_rate(context, configuration)
    return configuration, template, outgoing


def _send(
    context: OperationContext,
    params: dict[str, Any],
    configuration: Document,
    template: Document,
    outgoing: Outgoing,
) -> dict[str, Any]:
    dry_run = bool(params.get("DryRun"))
    count_daily_message(context, configuration, outgoing.destination.e164, dry_run=dry_run)
    message = send(context, outgoing, V2SendPolicy(context), dry_run=dry_run)
    return {
        "MessageId": message.message_id,
        "TemplateId": template["TemplateId"],
        "ResolvedMessageBody": outgoing.body,
    }


@operations.handler("SendNotifyTextMessage")
def send_notify_text_message(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    configuration, template, outgoing = _prepare(context, params, "TEXT")
    text_parts(outgoing, outgoing.body or "")
    return _send(context, params, configuration, template, outgoing)


@operations.handler("SendNotifyVoiceMessage")
def send_notify_voice_message(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    configuration, template, outgoing = _prepare(context, params, "VOICE")
    supported = template.get("SupportedVoiceIds") or []
    voice_id = params.get("VoiceId")
    if voice_id and supported and voice_id not in supported:
        raise _invalid(
            "VoiceId", f"The template {template['TemplateId']} does not support the voice {voice_id}"
        )
    if not voice_id:
        # SendVoiceMessage's default voice, or the template's first when it does not support that one.
        voice_id = DEFAULT_VOICE_ID if not supported or DEFAULT_VOICE_ID in supported else supported[0]
    seconds = estimated_call_seconds(outgoing.body or "", ssml=False)
    outgoing.details.update({"voice_id": voice_id, "text_type": "TEXT", "estimated_seconds": seconds})
    outgoing.price = pricing.price_voice(
        outgoing.destination.iso_country_code, pricing.billable_minutes(seconds)
    )
    return _send(context, params, configuration, template, outgoing)
