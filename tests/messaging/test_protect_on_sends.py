"""Protect configurations on v2 sends: which configuration applies, country rules per channel, number
overrides, and the protectConfiguration field of event records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.messaging.support import US_DESTINATION, Inspector, phone_number
from tests.support.errors import error_of

MEDIA_URL = "s3://media-bucket/picture.png"


def _protect(v2: Any, capability: str = "SMS", status: str = "BLOCK", country: str = "US") -> str:
    protect_id = str(v2.create_protect_configuration()["ProtectConfigurationId"])
    v2.update_protect_configuration_country_rule_set(
        ProtectConfigurationId=protect_id,
        NumberCapability=capability,
        CountryRuleSetUpdates={country: {"ProtectStatus": status}},
    )
    return protect_id


def _text(v2: Any, origin: str, **params: Any) -> str:
    return str(
        v2.send_text_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity=origin,
            MessageBody="Code 1234",
            **params,
        )["MessageId"]
    )


def _country_blocked(protect_id: str) -> dict[str, Any]:
    return {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION",
        "ResourceType": "protect-configuration",
        "ResourceId": protect_id,
    }


def test_country_block_refuses_the_send_and_writes_nothing(
    v2: Any, account: str, inspector: Inspector
) -> None:
    origin = phone_number(v2)
    protect_id = _protect(v2)
    for dry_run in (True, False):
        with pytest.raises(ClientError) as info:
            _text(v2, origin, ProtectConfigurationId=protect_id, DryRun=dry_run)
        assert error_of(info) == _country_blocked(protect_id)
    assert inspector.messages(account=account) == []


def test_protect_configuration_given_by_arn(v2: Any) -> None:
    origin = phone_number(v2)
    protect_id = _protect(v2)
    arn = v2.describe_protect_configurations()["ProtectConfigurations"][0]["ProtectConfigurationArn"]
    with pytest.raises(ClientError) as info:
        _text(v2, origin, ProtectConfigurationId=arn)
    assert error_of(info) == _country_blocked(protect_id)


def test_unknown_protect_configuration_is_not_found(v2: Any) -> None:
    origin = phone_number(v2)
    with pytest.raises(ClientError) as info:
        _text(v2, origin, ProtectConfigurationId="protect-" + "0" * 32)
    assert error_of(info)["ResourceType"] == "protect-configuration"


def test_rules_follow_the_channel(v2: Any, inspector: Inspector) -> None:
    origin = phone_number(v2)
    voice_blocked = _protect(v2, capability="VOICE")
    media_blocked = _protect(v2, capability="MMS")
    # An SMS rule does not touch voice or MMS, and the other way round.
    text_id = _text(v2, origin, ProtectConfigurationId=voice_blocked)
    assert inspector.message(text_id)["status"] == "DELIVERED"  # a US route: accepted, then delivered
    with pytest.raises(ClientError) as info:
        v2.send_voice_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity=origin,
            MessageBody="Your code is 1234",
            ProtectConfigurationId=voice_blocked,
        )
    assert error_of(info) == _country_blocked(voice_blocked)
    with pytest.raises(ClientError) as info:
        v2.send_media_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity=origin,
            MediaUrls=[MEDIA_URL],
            ProtectConfigurationId=media_blocked,
        )
    assert error_of(info) == _country_blocked(media_blocked)
    media_id = v2.send_media_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=origin,
        MediaUrls=[MEDIA_URL],
        ProtectConfigurationId=voice_blocked,
    )["MessageId"]
    assert inspector.message(media_id)["status"] == "SUCCESSFUL"


def test_block_override_wins_over_an_allowed_country(v2: Any, account: str, inspector: Inspector) -> None:
    origin = phone_number(v2)
    protect_id = str(v2.create_protect_configuration()["ProtectConfigurationId"])
    v2.put_protect_configuration_rule_set_number_override(
        ProtectConfigurationId=protect_id, DestinationPhoneNumber=US_DESTINATION, Action="BLOCK"
    )
    with pytest.raises(ClientError) as info:
        _text(v2, origin, ProtectConfigurationId=protect_id)
    assert error_of(info) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE",
        "ResourceType": "protect-configuration",
        "ResourceId": protect_id,
    }
    assert inspector.messages(account=account) == []
    # Another number of the same country is not overridden.
    other = v2.send_text_message(
        DestinationPhoneNumber="+12065550143",
        OriginationIdentity=origin,
        MessageBody="hi",
        ProtectConfigurationId=protect_id,
    )["MessageId"]
    assert inspector.message(other)["status"] == "DELIVERED"


def test_allow_override_wins_over_a_blocked_country_until_it_expires(v2: Any, inspector: Inspector) -> None:
    origin = phone_number(v2)
    protect_id = _protect(v2)
    v2.put_protect_configuration_rule_set_number_override(
        ProtectConfigurationId=protect_id,
        DestinationPhoneNumber=US_DESTINATION,
        Action="ALLOW",
        ExpirationTimestamp=datetime.now(UTC) + timedelta(days=1),
    )
    message_id = _text(v2, origin, ProtectConfigurationId=protect_id)
    record, _ = inspector.records(message_id)
    assert record["protectConfiguration"] == {"protectConfigurationId": protect_id, "protectStatus": "ALLOW"}
    v2.put_protect_configuration_rule_set_number_override(
        ProtectConfigurationId=protect_id,
        DestinationPhoneNumber=US_DESTINATION,
        Action="ALLOW",
        ExpirationTimestamp=datetime.now(UTC) - timedelta(minutes=1),
    )
    with pytest.raises(ClientError) as info:
        _text(v2, origin, ProtectConfigurationId=protect_id)
    assert error_of(info) == _country_blocked(protect_id)


def test_account_default_applies_without_request_or_set(v2: Any, inspector: Inspector) -> None:
    origin = phone_number(v2)
    protect_id = _protect(v2)
    first = _text(v2, origin)
    assert "protectConfiguration" not in inspector.records(first)[0]
    v2.set_account_default_protect_configuration(ProtectConfigurationId=protect_id)
    with pytest.raises(ClientError) as info:
        _text(v2, origin)
    assert error_of(info) == _country_blocked(protect_id)
    v2.delete_account_default_protect_configuration()
    assert inspector.message(_text(v2, origin))["status"] == "DELIVERED"


def test_configuration_set_association_beats_the_default_and_the_request_beats_both(
    v2: Any, inspector: Inspector
) -> None:
    origin = phone_number(v2)
    blocking = _protect(v2)
    monitoring = _protect(v2, status="MONITOR")
    v2.create_configuration_set(ConfigurationSetName="otp")
    v2.set_account_default_protect_configuration(ProtectConfigurationId=monitoring)
    v2.associate_protect_configuration(ProtectConfigurationId=blocking, ConfigurationSetName="otp")
    with pytest.raises(ClientError) as info:
        _text(v2, origin, ConfigurationSetName="otp")
    assert error_of(info) == _country_blocked(blocking)
    by_request = _text(v2, origin, ConfigurationSetName="otp", ProtectConfigurationId=monitoring)
    record, _ = inspector.records(by_request)
    assert record["protectConfiguration"] == {
        "protectConfigurationId": monitoring,
        "protectStatus": "MONITOR",
    }
    v2.disassociate_protect_configuration(ProtectConfigurationId=blocking, ConfigurationSetName="otp")
    by_default = _text(v2, origin, ConfigurationSetName="otp")
    assert inspector.records(by_default)[0]["protectConfiguration"]["protectConfigurationId"] == monitoring


def test_record_field_follows_the_country_rule(v2: Any, inspector: Inspector) -> None:
    origin = phone_number(v2)
    allowing = str(v2.create_protect_configuration()["ProtectConfigurationId"])
    record = inspector.records(_text(v2, origin, ProtectConfigurationId=allowing))[0]
    assert record["protectConfiguration"] == {"protectConfigurationId": allowing, "protectStatus": "ALLOW"}
    assert list(record)[-1] == "protectConfiguration"
    voice_monitor = _protect(v2, capability="VOICE", status="MONITOR")
    call_id = v2.send_voice_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=origin,
        MessageBody="Your code is 1234",
        ProtectConfigurationId=voice_monitor,
    )["MessageId"]
    # AWS's published voice record has no protectConfiguration; the inspection API shows the verdict.
    assert inspector.message(call_id)["details"]["protect_status"] == "MONITOR"
    assert not any("protectConfiguration" in item for item in inspector.records(call_id))


def test_filter_sends_and_a_simulator_rule_can_filter_the_message(
    v2: Any, account: str, inspector: Inspector
) -> None:
    origin = phone_number(v2)
    filtering = _protect(v2, status="FILTER")
    delivered = inspector.records(_text(v2, origin, ProtectConfigurationId=filtering))[0]
    assert delivered["messageStatus"] == "SUCCESSFUL"
    assert delivered["protectConfiguration"]["protectStatus"] == "FILTER"
    inspector.add_rules({"destination": US_DESTINATION, "outcome": "TEXT_PROTECT_BLOCKED"}, account=account)
    (filtered,) = inspector.records(_text(v2, origin, ProtectConfigurationId=filtering))
    assert (filtered["eventType"], filtered["protectConfiguration"]["protectStatus"]) == (
        "TEXT_PROTECT_BLOCKED",
        "FILTER",
    )
    (blocked,) = inspector.records(_text(v2, origin))
    assert blocked["eventType"] == "TEXT_PROTECT_BLOCKED"
    assert "protectConfiguration" not in blocked
