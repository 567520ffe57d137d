"""The tier limits of Notify sends: messages a day per configuration (on the simulator's clock, which
these tests move on servers of their own), messages a day per destination, and the send rate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from smsvoice.quotas import V2_NOTIFY_DAILY_MESSAGES, V2_NOTIFY_DAILY_MESSAGES_PER_DESTINATION
from smsvoice.testing.process import ServerProcess
from tests.messaging.support import Inspector
from tests.support.clients import client, new_account
from tests.support.errors import error_of

DAY = 24 * 3600
LIMIT = V2_NOTIFY_DAILY_MESSAGES["BASIC"] or 0
PER_DESTINATION = V2_NOTIFY_DAILY_MESSAGES_PER_DESTINATION


def destinations(count: int) -> list[str]:
    """US numbers of the 555-01xx fictional range, across two area codes."""
    return [f"+1{area}55501{number:02d}" for area in ("206", "425") for number in range(100)][:count]


def configuration(v2: Any) -> str:
    return str(
        v2.create_notify_configuration(
            DisplayName="AcmeCorp",
            UseCase="CODE_VERIFICATION",
            EnabledChannels=["SMS"],
            DefaultTemplateId="notify-code-verification-english-001",
        )["NotifyConfigurationId"]
    )


def send(v2: Any, config_id: str, destination: str, **extra: Any) -> str:
    return str(
        v2.send_notify_text_message(
            NotifyConfigurationId=config_id,
            DestinationPhoneNumber=destination,
            TemplateVariables={"code": "1234"},
            **extra,
        )["MessageId"]
    )


def refused(v2: Any, config_id: str, destination: str, **extra: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as info:
        send(v2, config_id, destination, **extra)
    return error_of(info)


DAILY_LIMIT = {
    "Code": "ServiceQuotaExceededException",
    "Status": 400,
    "Reason": "DAILY_NOTIFY_TIER_MESSAGE_LIMIT",
}


@pytest.fixture
def own_server(fresh_server: Callable[..., ServerProcess]) -> ServerProcess:
    """A server whose clock these tests may move."""
    return fresh_server("--throttling", "off", "--validate-responses")


def test_basic_tier_daily_limit_until_the_next_day_or_an_upgrade(own_server: ServerProcess) -> None:
    account = new_account()
    v2 = client("pinpoint-sms-voice-v2", own_server.endpoint, account)
    config_id = configuration(v2)
    numbers = destinations(LIMIT // PER_DESTINATION)
    for index in range(LIMIT):
        send(v2, config_id, numbers[index % len(numbers)])
    other = "+12065559999"
    assert refused(v2, config_id, other) == DAILY_LIMIT
    assert refused(v2, config_id, other, DryRun=True) == DAILY_LIMIT
    messages = Inspector(own_server.endpoint).messages(account=account)
    assert len(messages) == LIMIT

    Inspector(own_server.endpoint).advance_clock(DAY)
    send(v2, config_id, other)

    base = f"{own_server.endpoint}/_smsvoice/accounts/{account}/regions/us-east-1/notify-configurations"
    for index in range(LIMIT - 1):
        send(v2, config_id, numbers[index % len(numbers)])
    assert refused(v2, config_id, other) == DAILY_LIMIT
    upgrade = httpx.put(
        f"{base}/{config_id}/tier-upgrade", json={"tier_upgrade_status": "ADVANCED"}, timeout=10
    )
    assert upgrade.status_code == 200, upgrade.text
    send(v2, config_id, other)  # the Advanced tier has no daily limit


def test_ten_messages_a_day_to_one_destination_per_configuration_and_per_account(v2: Any) -> None:
    first, second = configuration(v2), configuration(v2)
    destination, another = destinations(2)
    for _ in range(PER_DESTINATION // 2):
        send(v2, first, destination)
        send(v2, second, destination)
    assert refused(v2, second, destination) == DAILY_LIMIT  # the account's ten
    for _ in range(PER_DESTINATION):
        send(v2, first, another)
    assert refused(v2, first, another) == DAILY_LIMIT  # the configuration's ten
    send(v2, second, "+12065550999")


def test_send_rate_follows_the_tier(fresh_server: Callable[..., ServerProcess]) -> None:
    server = fresh_server("--throttling", "aws", "--validate-responses")
    basic = client("pinpoint-sms-voice-v2", server.endpoint, new_account())
    basic_id = configuration(basic)
    codes = []
    for destination in destinations(5):
        try:
            send(basic, basic_id, destination)
            codes.append("OK")
        except ClientError as error:
            codes.append(error.response["Error"]["Code"])
            break
    assert codes[0] == "OK"
    assert codes[-1] == "ThrottlingException"  # 1 send a second on Basic

    account = new_account()
    advanced = client("pinpoint-sms-voice-v2", server.endpoint, account)
    advanced_id = configuration(advanced)
    base = f"{server.endpoint}/_smsvoice/accounts/{account}/regions/us-east-1/notify-configurations"
    httpx.put(
        f"{base}/{advanced_id}/tier-upgrade", json={"tier_upgrade_status": "ADVANCED"}, timeout=10
    ).raise_for_status()
    for destination in destinations(10):
        send(advanced, advanced_id, destination)  # 25 a second on Advanced
