"""SendRcsMessage through boto3: records, fallback to SMS/MMS, matching, refusals, spend and DryRun."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.messaging.support import (
    US_DESTINATION,
    US_SIMULATOR_FAILURE,
    Inspector,
    configuration_set,
    phone_number,
    sns_destination,
)
from tests.support.errors import error_of

# A UK number: the emulator's agents are launched in the US only, so it cannot take RCS.
GB_DESTINATION = "+447911123456"
TEXT = {"Content": {"TextMessage": {"Body": "Your order shipped"}}}


def _agent(v2: Any, **params: Any) -> dict[str, Any]:
    answer: dict[str, Any] = v2.create_rcs_agent(**params)
    return answer


def test_send_records_queued_sent_delivered(v2: Any, account: str, inspector: Inspector) -> None:
    agent = _agent(v2)
    message_id = v2.send_rcs_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=agent["RcsAgentArn"],
        RcsMessageContent=TEXT,
        Context={"order": "42"},
    )["MessageId"]
    message = inspector.message(message_id)
    assert (message["account"], message["channel"], message["status"], message["is_final"]) == (
        account,
        "RCS",
        "DELIVERED",
        True,
    )
    assert message["body"] == "Your order shipped"
    records = inspector.records(message_id)
    assert [record["eventType"] for record in records] == ["RCS_QUEUED", "RCS_SENT", "RCS_DELIVERED"]
    assert [record["isFinal"] for record in records] == [False, False, True]
    last = records[-1]
    assert last["originationPhoneNumber"] == agent["RcsAgentId"]
    assert (last["destinationPhoneNumber"], last["messageStatus"], last["context"]) == (
        US_DESTINATION,
        "DELIVERED",
        {"order": "42"},
    )
    assert last["totalMessagePrice"] > 0


def test_rich_card_content_is_accepted(v2: Any, inspector: Inspector) -> None:
    agent = _agent(v2)
    content = {
        "Content": {
            "RichCard": {
                "CardOrientation": "VERTICAL",
                "CardContent": {"Title": "Sale", "Description": "Half price"},
            }
        },
        "Suggestions": [{"Reply": {"Text": "Yes", "PostbackData": "yes"}}],
    }
    message_id = v2.send_rcs_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=agent["RcsAgentId"],
        RcsMessageContent=content,
    )["MessageId"]
    assert inspector.message(message_id)["status"] == "DELIVERED"


def test_simulator_failure_number_fails(v2: Any, inspector: Inspector) -> None:
    agent = _agent(v2)
    message_id = v2.send_rcs_message(
        DestinationPhoneNumber=US_SIMULATOR_FAILURE,
        OriginationIdentity=agent["RcsAgentId"],
        RcsMessageContent=TEXT,
    )["MessageId"]
    assert inspector.event_types(message_id) == ["RCS_QUEUED", "RCS_FAILED"]


def test_not_rcs_capable_falls_back_to_sms(v2: Any, inspector: Inspector) -> None:
    agent = _agent(v2)
    origin = phone_number(v2, capabilities=("SMS",), InternationalSendingEnabled=True)
    message_id = v2.send_rcs_message(
        DestinationPhoneNumber=GB_DESTINATION,
        OriginationIdentity=agent["RcsAgentId"],
        RcsMessageContent=TEXT,
        FallbackConfiguration={"Channel": "SMS", "MessageBody": "Shipped", "OriginationIdentity": origin},
    )["MessageId"]
    rcs = inspector.message(message_id)
    assert inspector.event_types(message_id) == ["RCS_QUEUED", "RCS_FALLEN_BACK_TO_SMS"]
    assert rcs["price"]["total"] == 0  # the fallback is charged, not the RCS message
    fallback_id = rcs["details"]["fallback_message_id"]
    sms = inspector.message(fallback_id)
    assert (sms["channel"], sms["body"], sms["origination"], sms["details"]["rcs_message_id"]) == (
        "TEXT",
        "Shipped",
        origin,
        message_id,
    )
    assert inspector.event_types(fallback_id) == ["TEXT_SUCCESSFUL"]  # to GB: no handset receipt
    fallen, sms_record = inspector.records(message_id)[-1], inspector.records(fallback_id)[0]
    assert fallen["eventTimestamp"] <= sms_record["eventTimestamp"]


def test_not_rcs_capable_falls_back_to_mms(v2: Any, inspector: Inspector) -> None:
    agent = _agent(v2)
    phone_number(v2, capabilities=("SMS", "MMS"), InternationalSendingEnabled=True)
    message_id = v2.send_rcs_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=agent["RcsAgentId"],
        RcsMessageContent=TEXT,
        FallbackConfiguration={"Channel": "MMS", "MediaUrls": ["s3://bucket/a.png"]},
    )["MessageId"]
    # A US destination can take RCS: the fallback is not used.
    assert "fallback_message_id" not in inspector.message(message_id)["details"]
    gb = v2.send_rcs_message(
        DestinationPhoneNumber=GB_DESTINATION,
        OriginationIdentity=agent["RcsAgentId"],
        RcsMessageContent=TEXT,
        FallbackConfiguration={"Channel": "MMS", "MediaUrls": ["s3://bucket/a.png"]},
    )["MessageId"]
    fallback = inspector.message(inspector.message(gb)["details"]["fallback_message_id"])
    assert (fallback["channel"], fallback["details"]["media_urls"]) == ("MEDIA", ["s3://bucket/a.png"])


def test_not_rcs_capable_without_fallback_fails(v2: Any, inspector: Inspector) -> None:
    agent = _agent(v2)
    message_id = v2.send_rcs_message(
        DestinationPhoneNumber=GB_DESTINATION, OriginationIdentity=agent["RcsAgentId"], RcsMessageContent=TEXT
    )["MessageId"]
    assert inspector.event_types(message_id) == ["RCS_QUEUED", "RCS_FAILED"]
    assert inspector.message(message_id)["simulation"]["rule"] == "not-rcs-capable"


def test_sms_fallback_needs_a_body(v2: Any, inspector: Inspector) -> None:
    agent = _agent(v2)
    with pytest.raises(ClientError) as info:
        v2.send_rcs_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity=agent["RcsAgentId"],
            RcsMessageContent=TEXT,
            FallbackConfiguration={"Channel": "SMS"},
        )
    assert error_of(info) == {"Code": "ValidationException", "Status": 400, "Reason": "MISSING_PARAMETER"}
    assert inspector.messages(account=agent["RcsAgentArn"].split(":")[4]) == []


def test_fallback_without_an_sms_identity_is_refused_and_stores_nothing(
    v2: Any, inspector: Inspector
) -> None:
    agent = _agent(v2)
    with pytest.raises(ClientError) as info:
        v2.send_rcs_message(
            DestinationPhoneNumber=GB_DESTINATION,
            OriginationIdentity=agent["RcsAgentId"],
            RcsMessageContent=TEXT,
            FallbackConfiguration={"Channel": "SMS", "MessageBody": "Shipped"},
        )
    assert error_of(info)["Reason"] == "NO_ORIGINATION_IDENTITIES_FOUND"
    assert inspector.messages(account=agent["RcsAgentArn"].split(":")[4]) == []


def test_rcs_all_matches_every_rcs_record(v2: Any, inspector: Inspector) -> None:
    configuration_set(
        v2,
        "rcs-events",
        sns_destination("rcs-all", "RCS_ALL"),
        sns_destination("text-all", "TEXT_ALL"),
        sns_destination("exact", "RCS_DELIVERED"),
    )
    agent = _agent(v2)
    message_id = v2.send_rcs_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=agent["RcsAgentId"],
        RcsMessageContent=TEXT,
        ConfigurationSetName="rcs-events",
    )["MessageId"]
    deliveries = {
        event["event_type"]: sorted(d["destination_name"] for d in event["deliveries"])
        for event in inspector.message(message_id)["events"]
    }
    assert deliveries == {
        "RCS_QUEUED": ["rcs-all"],
        "RCS_SENT": ["rcs-all"],
        "RCS_DELIVERED": ["exact", "rcs-all"],
    }


def test_unknown_agent_is_not_found(v2: Any) -> None:
    with pytest.raises(ClientError) as info:
        v2.send_rcs_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity="rcs-00000000000000000000000000000000",
            RcsMessageContent=TEXT,
        )
    assert error_of(info) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "rcs-agent",
        "ResourceId": "rcs-00000000000000000000000000000000",
    }


def test_a_phone_number_is_not_an_rcs_origination(v2: Any) -> None:
    origin = phone_number(v2)
    with pytest.raises(ClientError) as info:
        v2.send_rcs_message(
            DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, RcsMessageContent=TEXT
        )
    assert error_of(info)["ResourceType"] == "rcs-agent"


def test_opted_out_destination_is_refused(v2: Any) -> None:
    agent = _agent(v2)
    v2.put_opted_out_number(OptOutListName="Default", OptedOutNumber=US_DESTINATION)
    with pytest.raises(ClientError) as info:
        v2.send_rcs_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity=agent["RcsAgentId"],
            RcsMessageContent=TEXT,
        )
    assert error_of(info)["Reason"] == "DESTINATION_PHONE_NUMBER_OPTED_OUT"


def test_sandbox_needs_a_verified_destination(v2: Any, account: str, inspector: Inspector) -> None:
    inspector.set_tier(account, "SANDBOX")
    agent = _agent(v2)
    with pytest.raises(ClientError) as info:
        v2.send_rcs_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity=agent["RcsAgentId"],
            RcsMessageContent=TEXT,
        )
    assert error_of(info)["Reason"] == "DESTINATION_PHONE_NUMBER_NOT_VERIFIED"


def test_protect_configuration_blocks_rcs_by_country(v2: Any) -> None:
    agent = _agent(v2)
    protect_id = v2.create_protect_configuration()["ProtectConfigurationId"]
    v2.update_protect_configuration_country_rule_set(
        ProtectConfigurationId=protect_id,
        NumberCapability="RCS",
        CountryRuleSetUpdates={"US": {"ProtectStatus": "BLOCK"}},
    )
    with pytest.raises(ClientError) as info:
        v2.send_rcs_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity=agent["RcsAgentId"],
            RcsMessageContent=TEXT,
            ProtectConfigurationId=protect_id,
        )
    assert error_of(info)["Reason"] == "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION"


def test_max_price_below_the_price_is_refused(v2: Any) -> None:
    agent = _agent(v2)
    with pytest.raises(ClientError) as info:
        v2.send_rcs_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity=agent["RcsAgentId"],
            RcsMessageContent=TEXT,
            MaxPrice="0.00001",
        )
    assert error_of(info)["Reason"] == "PRICE_OVER_THRESHOLD"


def test_rcs_spend_limit(v2: Any, account: str, inspector: Inspector) -> None:
    v2.set_rcs_message_spend_limit_override(MonthlyLimit=0)
    agent = _agent(v2)
    with pytest.raises(ClientError) as info:
        v2.send_rcs_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity=agent["RcsAgentId"],
            RcsMessageContent=TEXT,
        )
    assert error_of(info) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "MONTHLY_SPEND_LIMIT_REACHED_FOR_RCS",
    }
    assert inspector.messages(account=account) == []


def test_dry_run_stores_nothing(v2: Any, account: str, inspector: Inspector) -> None:
    agent = _agent(v2)
    phone_number(v2, capabilities=("SMS",), InternationalSendingEnabled=True)
    for destination in (US_DESTINATION, GB_DESTINATION):
        answer = v2.send_rcs_message(
            DestinationPhoneNumber=destination,
            OriginationIdentity=agent["RcsAgentId"],
            RcsMessageContent=TEXT,
            FallbackConfiguration={"Channel": "SMS", "MessageBody": "Shipped"},
            DryRun=True,
        )
        assert answer["MessageId"]
    assert inspector.messages(account=account) == []


def test_rcs_machine_covers_the_model_rcs_event_types() -> None:
    import botocore.session

    from smsvoice.domain.machines import RCS

    model = botocore.session.get_session().get_service_model("pinpoint-sms-voice-v2")
    rcs_types = {name for name in model.shape_for("EventType").enum if name.startswith("RCS_")}
    emitted = {RCS.event_type(status) for status in RCS.statuses}
    assert rcs_types - emitted == {"RCS_ALL", "RCS_READ"}
    assert RCS.route("ACCEPTED", RCS.default_success) == ["QUEUED", "SENT", "DELIVERED"]


def test_a_rule_can_make_a_number_not_rcs_capable(v2: Any, account: str, inspector: Inspector) -> None:
    inspector.add_rules(
        {"destination": US_DESTINATION, "channels": ["RCS"], "outcome": "RCS_FALLEN_BACK_TO_SMS"},
        account=account,
    )
    agent = _agent(v2)
    origin = phone_number(v2, capabilities=("SMS",))
    message_id = v2.send_rcs_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=agent["RcsAgentId"],
        RcsMessageContent=TEXT,
        FallbackConfiguration={"Channel": "SMS", "MessageBody": "Shipped"},
    )["MessageId"]
    assert inspector.event_types(message_id) == ["RCS_QUEUED", "RCS_FALLEN_BACK_TO_SMS"]
    fallback = inspector.message(inspector.message(message_id)["details"]["fallback_message_id"])
    assert (fallback["origination"], inspector.event_types(fallback["message_id"])) == (
        origin,
        ["TEXT_SUCCESSFUL", "TEXT_DELIVERED"],
    )
    # Rules that do not name RCS leave RCS messages alone.
    inspector.add_rules({"destination": US_DESTINATION, "outcome": "FAILURE"}, account=account)
    text = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody="x"
    )
    assert inspector.event_types(text["MessageId"]) == ["TEXT_UNREACHABLE"]


def test_manual_rule_holds_rcs_records_until_advanced(v2: Any, account: str, inspector: Inspector) -> None:
    inspector.add_rules({"destination": US_DESTINATION, "channels": ["RCS"], "manual": True}, account=account)
    agent = _agent(v2)
    message_id = v2.send_rcs_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=agent["RcsAgentId"], RcsMessageContent=TEXT
    )["MessageId"]
    assert inspector.event_types(message_id) == []
    assert inspector.advance(message_id).status_code == 200
    assert inspector.event_types(message_id) == ["RCS_QUEUED"]
    assert inspector.advance(message_id, status="RCS_FAILED").status_code == 200
    assert inspector.event_types(message_id) == ["RCS_QUEUED", "RCS_FAILED"]


def test_time_to_live_expires_an_rcs_message(timed_v2: Any, account: str, timed: Inspector) -> None:
    timed.add_rules(
        {"destination": US_DESTINATION, "channels": ["RCS"], "delay_seconds": 120}, account=account
    )
    agent = _agent(timed_v2)
    message_id = timed_v2.send_rcs_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=agent["RcsAgentId"],
        RcsMessageContent=TEXT,
        TimeToLive=60,
    )["MessageId"]
    timed.advance_clock(59)
    assert timed.event_types(message_id) == []
    timed.advance_clock(1)
    assert timed.event_types(message_id) == ["RCS_TTL_EXPIRED"]
