"""SendRcsMessage: a rich message from an RCS agent, with an optional SMS or MMS fallback.

Checks, in order (a refused send writes nothing): configuration set, destination, origination (an RCS
agent of the account by RcsAgentId or RcsAgentArn, else ResourceNotFoundException rcs-agent), the
fallback configuration's members, protect configuration (NumberCapability RCS), opt-out (the agent's
list), sandbox verification, MaxPrice, then the month's RCS spend limit
(MONTHLY_SPEND_LIMIT_REACHED_FOR_RCS). DryRun runs every check and stores nothing.

Where AWS is silent (docs/v2-rcs.md): a destination can take RCS when the agent is launched in its
country (rcs_agents.RCS_LAUNCH_COUNTRIES) and no simulator rule for RCS gives it the outcome
RCS_FALLEN_BACK_TO_SMS. Otherwise the RCS message ends RCS_FALLEN_BACK_TO_SMS and
the fallback goes out at once as a message of its own through the SendTextMessage / SendMediaMessage
path (same checks, its own MessageId and records), or, without a FallbackConfiguration, ends
RCS_FAILED. A fallback after an asynchronous failure or TTL expiry is not simulated.
"""

from __future__ import annotations

from typing import Any, Final

from smsvoice.arns import new_message_id
from smsvoice.domain import pricing, simulator_numbers
from smsvoice.domain.machines import RCS
from smsvoice.domain.message import DEFAULT_TIME_TO_LIVE
from smsvoice.messaging.rulebook import rules_in_force
from smsvoice.messaging.rules import Decision
from smsvoice.protocol.errors import FieldProblem
from smsvoice.sending.outgoing import Origin, Outgoing
from smsvoice.sending.pipeline import send
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.configuration_sets import load_configuration_set
from smsvoice.services.v2.errors import ValidationException
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.protect_overrides import effective_protect_configuration_id, judge_send
from smsvoice.services.v2.rcs_agents import get_rcs_agent, launched_countries
from smsvoice.services.v2.sending import (
    V2SendPolicy,
    ceiling,
    destination_info,
    event_destinations,
    feedback_enabled,
    media_parts,
    prepare_send,
    protect_configuration_id,
    text_parts,
)
from smsvoice.store import Document

# The plan's source when the destination cannot take RCS (shown by the inspection API).
NOT_RCS_CAPABLE: Final = "not-rcs-capable"
_CONTENT_KINDS: Final = ("TextMessage", "FileMessage", "RichCard", "Carousel")


def _fallback_params(params: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The channel and Send*Message parameters of the request's fallback, or None without one."""
    fallback = params.get("FallbackConfiguration")
    if not fallback:
        return None
    channel = fallback["Channel"]
    body, media = fallback.get("MessageBody"), fallback.get("MediaUrls")
    if channel == "SMS" and media:
        raise ValidationException(
            "MediaUrls are only valid with an MMS fallback",
            "PARAMETERS_CANNOT_BE_USED_TOGETHER",
            [FieldProblem("FallbackConfiguration.MediaUrls", "Only valid when Channel is MMS")],
        )
    if (channel == "SMS" and not body) or (channel == "MMS" and not body and not media):
        member = "MessageBody" if channel == "SMS" else "MediaUrls"
        raise ValidationException(
            f"An {channel} fallback needs a {'MessageBody' if channel == 'SMS' else 'MessageBody or MediaUrls'}",
            "MISSING_PARAMETER",
            [FieldProblem(f"FallbackConfiguration.{member}", f"{member} is required")],
        )
    sent: dict[str, Any] = {"DestinationPhoneNumber": params["DestinationPhoneNumber"], "MessageBody": body}
    if media:
        sent["MediaUrls"] = media
    for member in ("ConfigurationSetName", "Context", "ProtectConfigurationId"):
        if params.get(member) is not None:
            sent[member] = params[member]
    if fallback.get("OriginationIdentity"):
        sent["OriginationIdentity"] = fallback["OriginationIdentity"]
    return ("TEXT" if channel == "SMS" else "MEDIA"), sent


def _prepare_fallback(
    context: OperationContext, channel: str, sent: dict[str, Any], rcs_message_id: str
) -> Outgoing:
    """The fallback message, resolved and priced as SendTextMessage / SendMediaMessage would."""
    outgoing, _ = prepare_send(context, sent, channel)
    outgoing.message_id = new_message_id()
    outgoing.details["rcs_message_id"] = rcs_message_id
    if channel == "TEXT":
        text_parts(outgoing, sent.get("MessageBody") or "")
    else:
        media_parts(outgoing, sent.get("MessageBody"), list(sent.get("MediaUrls") or []))
    return outgoing


def _ruled_incapable(context: OperationContext, e164: str) -> bool:
    """A simulator rule whose outcome is RCS_FALLEN_BACK_TO_SMS marks its numbers as unable to take RCS."""
    decision = rules_in_force(context.tx).decide(RCS, context.account, e164)
    return decision.outcome == "FALLEN_BACK_TO_SMS"


def _content_kind(params: dict[str, Any]) -> str:
    content = (params.get("RcsMessageContent") or {}).get("Content") or {}
    return next((kind for kind in _CONTENT_KINDS if content.get(kind)), "TextMessage")


@operations.handler("SendRcsMessage")
def send_rcs_message(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    set_name = params.get("ConfigurationSetName")
    configuration_set: Document | None = load_configuration_set(context, set_name) if set_name else None
    info = destination_info(params["DestinationPhoneNumber"])
    agent = get_rcs_agent(context, params["OriginationIdentity"])
    fallback = _fallback_params(params)
    protect_id = effective_protect_configuration_id(
        context, protect_configuration_id(context, params.get("ProtectConfigurationId")), configuration_set
    )
    verdict = judge_send(context, protect_id, "RCS", info.iso_country_code, info.e164) if protect_id else None
    content = (params.get("RcsMessageContent") or {}).get("Content") or {}
    agent_id = str(agent["RcsAgentId"])
    outgoing = Outgoing(
        channel="RCS",
        destination=info,
        origin=Origin(
            identity=agent_id,
            details={"kind": "RCS_AGENT", "identity": agent_id, "arn": agent["RcsAgentArn"]},
            opt_out_list=str(agent.get("OptOutListName") or "Default"),
        ),
        configuration_set_name=configuration_set["ConfigurationSetName"] if configuration_set else None,
        event_destinations=event_destinations(configuration_set),
        message_type="TRANSACTIONAL",
        body=(content.get("TextMessage") or {}).get("Body"),
        encoding="UNICODE",
        parts=1,
        context=params.get("Context") or None,
        time_to_live=params.get("TimeToLive") or DEFAULT_TIME_TO_LIVE,
        feedback_enabled=feedback_enabled(params, configuration_set),
        protect_configuration_id=verdict.protect_configuration_id if verdict else None,
        message_id=new_message_id(),
    )
    outgoing.details["rcs_content_type"] = _content_kind(params)
    if verdict is not None:
        outgoing.details["protect_status"] = verdict.protect_status
    capable = info.iso_country_code in launched_countries(agent) and not _ruled_incapable(context, info.e164)
    fallback_outgoing = None
    if capable:
        outgoing.price = pricing.price_rcs(info.iso_country_code)
        outgoing.ceiling = ceiling(params, "MaxPrice", outgoing.price.total)
        outgoing.valid_number = info.is_valid or simulator_numbers.is_simulator_number(info.e164)
    else:
        if fallback is not None:
            assert outgoing.message_id is not None
            fallback_outgoing = _prepare_fallback(context, *fallback, outgoing.message_id)
            outgoing.details["fallback_message_id"] = fallback_outgoing.message_id
        outcome = "FALLEN_BACK_TO_SMS" if fallback_outgoing else "FAILED"
        outgoing.decision = Decision(outcome, ("QUEUED",), 0.0, 0.0, False, NOT_RCS_CAPABLE)
    dry_run = bool(params.get("DryRun"))
    message = send(context, outgoing, V2SendPolicy(context), dry_run=dry_run)
    # After the RCS message's records, so that RCS_FALLEN_BACK_TO_SMS comes before the SMS records.
    if fallback_outgoing is not None:
        send(context, fallback_outgoing, V2SendPolicy(context), dry_run=dry_run)
    return {"MessageId": message.message_id}
