"""SendNotifyTextMessage and SendNotifyVoiceMessage through boto3: rendering, variable validation, every
refusal, the identity used, DryRun, spend, and the message as the inspection API shows it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.messaging.support import Inspector
from tests.support.errors import error_of
from tests.v2.identity_support import request_number

ENGLISH = "notify-code-verification-english-001"
EXPIRING = "notify-code-verification-english-002"  # SMS only, with an optional INTEGER expiryMinutes
US_SUCCESS = "+14254147755"  # the US simulator number that always succeeds
UK_DESTINATION = "+447700900123"
ARGENTINA = "+5491123456789"


@pytest.fixture
def inspector(endpoint: str) -> Inspector:
    return Inspector(endpoint)


def configuration(v2: Any, **extra: Any) -> str:
    params: dict[str, Any] = {
        "DisplayName": "AcmeCorp",
        "UseCase": "CODE_VERIFICATION",
        "EnabledChannels": ["SMS", "VOICE"],
        "DefaultTemplateId": ENGLISH,
        **extra,
    }
    return str(v2.create_notify_configuration(**params)["NotifyConfigurationId"])


def send_text(v2: Any, config_id: str, **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "NotifyConfigurationId": config_id,
        "DestinationPhoneNumber": US_SUCCESS,
        "TemplateVariables": {"code": "123456"},
        **extra,
    }
    answer: dict[str, Any] = v2.send_notify_text_message(**params)
    return answer


def refusal(call: Any, **params: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    with pytest.raises(ClientError) as info:
        call(**params)
    return error_of(info), info.value.response


def test_a_text_renders_the_default_template_and_goes_through_the_simulator(
    v2: Any, inspector: Inspector, account: str
) -> None:
    config_id = configuration(v2)
    answer = send_text(v2, config_id, Context={"flow": "signup"}, TimeToLive=600, MessageFeedbackEnabled=True)
    assert answer["TemplateId"] == ENGLISH
    assert answer["ResolvedMessageBody"] == "Your AcmeCorp verification code is 123456."
    message = inspector.message(answer["MessageId"])
    assert message["account"] == account
    assert message["operation"] == "SendNotifyTextMessage"
    assert message["channel"] == "TEXT"
    assert message["body"] == answer["ResolvedMessageBody"]
    assert message["destination"] == US_SUCCESS
    assert message["origination"] == "+12065550100"
    assert message["origination_identity"]["kind"] == "NOTIFY_MANAGED"
    assert message["message_type"] == "TRANSACTIONAL"
    assert message["context"] == {"flow": "signup"}
    assert message["time_to_live"] == 600
    assert message["feedback"]["enabled"] is True
    assert message["details"]["notify"] == {
        "notify_configuration_id": config_id,
        "template_id": ENGLISH,
        "tier": "BASIC",
    }
    assert message["price"]["total"] > 0
    event_types = inspector.event_types(answer["MessageId"])
    assert event_types
    assert all(event_type.startswith("TEXT_") for event_type in event_types)
    feedback = v2.put_message_feedback(MessageId=answer["MessageId"], MessageFeedbackStatus="RECEIVED")
    assert feedback["MessageFeedbackStatus"] == "RECEIVED"


def test_a_named_template_and_its_integer_variable(v2: Any, inspector: Inspector) -> None:
    config_id = configuration(v2)
    answer = send_text(
        v2, config_id, TemplateId=EXPIRING, TemplateVariables={"code": "A1B2", "expiryMinutes": "5"}
    )
    assert answer["TemplateId"] == EXPIRING
    assert (
        answer["ResolvedMessageBody"]
        == "A1B2 is your AcmeCorp code. It expires in 5 minutes. Do not share it."
    )
    defaulted = send_text(v2, config_id, TemplateId=EXPIRING, TemplateVariables={"code": "A1B2"})
    assert "expires in 10 minutes" in defaulted["ResolvedMessageBody"]
    by_arn = v2.describe_notify_configurations(NotifyConfigurationIds=[config_id])["NotifyConfigurations"][0][
        "NotifyConfigurationArn"
    ]
    assert send_text(v2, by_arn)["TemplateId"] == ENGLISH


@pytest.mark.parametrize(
    ("variables", "template", "named", "reason"),
    [
        ({}, ENGLISH, "code", "MISSING_PARAMETER"),
        ({"code": "12"}, ENGLISH, "code", "FIELD_VALIDATION_FAILED"),  # the pattern wants 4 to 10
        ({"code": "12345678901"}, ENGLISH, "code", "FIELD_VALIDATION_FAILED"),  # MaxLength 10
        ({"code": "1234", "expiryMinutes": "soon"}, EXPIRING, "expiryMinutes", "FIELD_VALIDATION_FAILED"),
        ({"code": "1234", "expiryMinutes": "61"}, EXPIRING, "expiryMinutes", "FIELD_VALIDATION_FAILED"),
        ({"code": "1234", "colour": "red"}, ENGLISH, "colour", "INVALID_PARAMETER"),
        ({"code": "1234", "brandName": "Other"}, ENGLISH, "brandName", "INVALID_PARAMETER"),  # SYSTEM
    ],
)
def test_each_variable_is_validated_against_its_metadata(
    v2: Any, variables: dict[str, str], template: str, named: str, reason: str
) -> None:
    config_id = configuration(v2)
    error, response = refusal(
        v2.send_notify_text_message,
        NotifyConfigurationId=config_id,
        DestinationPhoneNumber=US_SUCCESS,
        TemplateId=template,
        TemplateVariables=variables,
    )
    assert error == {"Code": "ValidationException", "Status": 400, "Reason": reason}
    assert response["Fields"][0]["Name"] == f"TemplateVariables.{named}"
    assert named in response["Message"]


def test_sends_through_a_configuration_that_is_not_active_are_refused(v2: Any) -> None:
    config_id = configuration(v2, DisplayName="www brand")
    for call in (v2.send_notify_text_message, v2.send_notify_voice_message):
        error, _ = refusal(
            call,
            NotifyConfigurationId=config_id,
            DestinationPhoneNumber=US_SUCCESS,
            TemplateVariables={"code": "1234"},
        )
        assert error == {
            "Code": "ConflictException",
            "Status": 400,
            "Reason": "NOTIFY_CONFIGURATION_NOT_ACTIVE",
            "ResourceType": "notify-configuration",
            "ResourceId": config_id,
        }
    error, _ = refusal(
        v2.send_notify_text_message,
        NotifyConfigurationId="nc-00000000000000000",
        DestinationPhoneNumber=US_SUCCESS,
        TemplateVariables={"code": "1234"},
    )
    assert error["Code"] == "ResourceNotFoundException"
    assert error["ResourceType"] == "notify-configuration"


def test_channels_countries_and_templates_the_configuration_does_not_allow(
    v2: Any, inspector: Inspector, account: str
) -> None:
    sms_only = configuration(v2, EnabledChannels=["SMS"], EnabledCountries=["US"])
    base = {"DestinationPhoneNumber": US_SUCCESS, "TemplateVariables": {"code": "1234"}}
    cases: list[tuple[Any, dict[str, Any], str, str | None]] = [
        (v2.send_notify_voice_message, {"NotifyConfigurationId": sms_only}, "CHANNEL_NOT_ENABLED", None),
        (
            v2.send_notify_text_message,
            {"NotifyConfigurationId": sms_only, "DestinationPhoneNumber": UK_DESTINATION},
            "COUNTRY_NOT_ENABLED",
            "DestinationPhoneNumber",
        ),
        (
            v2.send_notify_text_message,
            {"NotifyConfigurationId": sms_only, "TemplateId": "notify-code-verification-english-003"},
            "INVALID_PARAMETER",
            "TemplateId",
        ),  # ADVANCED only
        (
            v2.send_notify_text_message,
            {"NotifyConfigurationId": sms_only, "TemplateId": "notify-code-verification-english-004"},
            "INVALID_PARAMETER",
            "TemplateId",
        ),  # INACTIVE
        (
            v2.send_notify_text_message,
            {"NotifyConfigurationId": sms_only, "TemplateId": "notify-code-verification-french-001"},
            "INVALID_PARAMETER",
            "TemplateId",
        ),  # not for the US
        (
            v2.send_notify_voice_message,
            {"NotifyConfigurationId": configuration(v2), "TemplateId": EXPIRING},
            "INVALID_PARAMETER",
            "TemplateId",
        ),  # SMS only
        (
            v2.send_notify_voice_message,
            {"NotifyConfigurationId": configuration(v2), "VoiceId": "HANS"},
            "INVALID_PARAMETER",
            "VoiceId",
        ),
    ]
    for call, params, reason, field in cases:
        error, response = refusal(call, **{**base, **params})
        assert error == {"Code": "ValidationException", "Status": 400, "Reason": reason}, params
        if field is not None:
            assert response["Fields"][0]["Name"] == field
    without_default = v2.create_notify_configuration(
        DisplayName="NoDefault", UseCase="CODE_VERIFICATION", EnabledChannels=["SMS"]
    )["NotifyConfigurationId"]
    error, response = refusal(v2.send_notify_text_message, NotifyConfigurationId=without_default, **base)
    assert error == {"Code": "ValidationException", "Status": 400, "Reason": "MISSING_PARAMETER"}
    assert response["Fields"][0]["Name"] == "TemplateId"
    error, _ = refusal(
        v2.send_notify_text_message,
        NotifyConfigurationId=sms_only,
        **{**base, "TemplateId": "notify-nothing"},
    )
    assert error == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "notify-template",
        "ResourceId": "notify-nothing",
    }
    assert inspector.messages(account=account) == []


def test_a_voice_message_speaks_the_template_with_the_chosen_voice(v2: Any, inspector: Inspector) -> None:
    config_id = configuration(v2)
    answer = v2.send_notify_voice_message(
        NotifyConfigurationId=config_id,
        DestinationPhoneNumber=US_SUCCESS,
        TemplateVariables={"code": "987654"},
        VoiceId="JOANNA",
    )
    assert answer["ResolvedMessageBody"] == "Your AcmeCorp verification code is 987654."
    message = inspector.message(answer["MessageId"])
    assert message["operation"] == "SendNotifyVoiceMessage"
    assert message["channel"] == "VOICE"
    assert message["details"]["voice_id"] == "JOANNA"
    assert all(event_type.startswith("VOICE_") for event_type in inspector.event_types(answer["MessageId"]))
    default_voice = v2.send_notify_voice_message(
        NotifyConfigurationId=config_id,
        DestinationPhoneNumber=US_SUCCESS,
        TemplateVariables={"code": "987654"},
    )
    assert inspector.message(default_voice["MessageId"])["details"]["voice_id"] == "MATTHEW"


def test_dry_run_checks_everything_and_stores_nothing(v2: Any, inspector: Inspector, account: str) -> None:
    config_id = configuration(v2)
    answer = send_text(v2, config_id, DryRun=True)
    assert answer["ResolvedMessageBody"] == "Your AcmeCorp verification code is 123456."
    assert inspector.messages(account=account) == []
    error, _ = refusal(
        v2.send_notify_text_message,
        NotifyConfigurationId=config_id,
        DestinationPhoneNumber=US_SUCCESS,
        TemplateVariables={},
        DryRun=True,
    )
    assert error["Reason"] == "MISSING_PARAMETER"


def test_the_configuration_pool_carries_the_message_when_it_can(v2: Any, inspector: Inspector) -> None:
    number = request_number(v2, NumberType="SIMULATOR")
    pool_id = v2.create_pool(OriginationIdentity=number["PhoneNumberId"], MessageType="TRANSACTIONAL")[
        "PoolId"
    ]
    config_id = configuration(v2, PoolId=pool_id)
    answer = send_text(v2, config_id)
    message = inspector.message(answer["MessageId"])
    assert message["origination"] == number["PhoneNumber"]
    assert message["origination_identity"]["kind"] == "POOL"
    # The pool's US simulator number can't reach the UK: an AWS-managed sender ID carries it.
    uk = send_text(v2, config_id, DestinationPhoneNumber=UK_DESTINATION)
    assert inspector.message(uk["MessageId"])["origination"] == "NOTIFY"


def test_countries_that_need_a_customer_owned_identity(v2: Any, endpoint: str, account: str) -> None:
    config_id = configuration(v2)
    base = f"{endpoint}/_smsvoice/accounts/{account}/regions/us-east-1/notify-configurations"
    httpx.put(f"{base}/{config_id}/tier-upgrade", json={"tier_upgrade_status": "ADVANCED"}).raise_for_status()
    v2.update_notify_configuration(NotifyConfigurationId=config_id, EnabledCountries=["AE", "AR"])
    error, _ = refusal(
        v2.send_notify_text_message,
        NotifyConfigurationId=config_id,
        DestinationPhoneNumber="+971501234567",
        TemplateVariables={"code": "1234"},
    )
    assert error == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "NO_ORIGINATION_IDENTITIES_FOUND",
        "ResourceType": "notify-configuration",
        "ResourceId": config_id,
    }
    # Argentina needs the Advanced tier, which the configuration now has.
    assert send_text(v2, config_id, DestinationPhoneNumber=ARGENTINA)["MessageId"]


def test_notify_spend_has_its_own_monthly_limit(v2: Any) -> None:
    config_id = configuration(v2)
    v2.set_text_message_spend_limit_override(MonthlyLimit=0)
    assert send_text(v2, config_id)["MessageId"]  # the TEXT limit does not apply to Notify
    v2.set_notify_message_spend_limit_override(MonthlyLimit=0)
    error, _ = refusal(
        v2.send_notify_text_message,
        NotifyConfigurationId=config_id,
        DestinationPhoneNumber=US_SUCCESS,
        TemplateVariables={"code": "1234"},
    )
    assert error == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "MONTHLY_SPEND_LIMIT_REACHED_FOR_NOTIFY",
    }
