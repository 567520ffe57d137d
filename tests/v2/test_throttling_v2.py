"""v2 control-plane request rates under `--throttling aws`: 1 per second per account, Region and
operation (10 for DeleteOptedOutNumber); send operations are not rate-limited this way.

A token bucket starts full, so the first call of each (account, Region, operation) always passes;
the tests then make calls back to back until one is refused, within a bounded number of calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from smsvoice.testing.process import ServerProcess
from tests.support.clients import client, new_account
from tests.support.waiting import wait_until

V2 = "pinpoint-sms-voice-v2"


@pytest.fixture
def throttled_endpoint(fresh_server: Callable[..., ServerProcess]) -> str:
    return fresh_server("--throttling", "aws", "--validate-responses").endpoint


@pytest.fixture
def caller() -> str:
    return new_account()


@pytest.fixture
def throttled(throttled_endpoint: str, caller: str) -> Any:
    return client(V2, throttled_endpoint, caller)


def _code(call: Callable[[], Any]) -> str:
    try:
        call()
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return "OK"


def _first_refusal(call: Callable[[], Any], attempts: int) -> int | None:
    """The 1-based number of the first call answered ThrottlingException, if any."""
    for number in range(1, attempts + 1):
        if _code(call) == "ThrottlingException":
            return number
    return None


def test_second_create_within_a_second_is_throttled(throttled: Any) -> None:
    names = iter(f"set-{number}" for number in range(10))
    first = throttled.create_configuration_set(ConfigurationSetName=next(names))
    assert first["ConfigurationSetName"] == "set-0"
    with pytest.raises(ClientError) as info:
        for _ in range(5):
            throttled.create_configuration_set(ConfigurationSetName=next(names))
    response = info.value.response
    assert response["Error"]["Code"] == "ThrottlingException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # A refused call changed nothing: only the calls that passed created sets.
    created = throttled.describe_configuration_sets()["ConfigurationSets"]
    assert len(created) < 6


def test_describe_and_list_operations_are_one_per_second_too(throttled: Any, caller: str) -> None:
    arn = f"arn:aws:sms-voice:us-east-1:{caller}:configuration-set/none"
    for call in (
        throttled.describe_configuration_sets,
        throttled.describe_account_attributes,
        throttled.describe_account_limits,
        throttled.describe_spend_limits,
        lambda: throttled.list_tags_for_resource(ResourceArn=arn),
    ):
        assert _code(call) != "ThrottlingException"
        assert _first_refusal(call, 5) is not None


def test_rates_are_per_operation_account_and_region(
    throttled: Any, throttled_endpoint: str, caller: str
) -> None:
    assert _code(throttled.describe_configuration_sets) == "OK"
    assert _first_refusal(throttled.describe_configuration_sets, 5) is not None
    # Another operation of the same caller has its own bucket.
    assert _code(throttled.describe_account_limits) == "OK"
    # So do another account and another Region.
    assert _code(client(V2, throttled_endpoint, new_account()).describe_configuration_sets) == "OK"
    elsewhere = client(V2, throttled_endpoint, caller, region="eu-west-1")
    assert _code(elsewhere.describe_configuration_sets) == "OK"


def test_the_rate_recovers(throttled: Any) -> None:
    assert _first_refusal(throttled.describe_spend_limits, 5) is not None
    wait_until(lambda: _code(throttled.describe_spend_limits) == "OK", timeout=5.0)


def test_delete_opted_out_number_allows_ten_per_second(throttled: Any) -> None:
    def call() -> Any:
        return throttled.delete_opted_out_number(OptOutListName="Default", OptedOutNumber="+14255550100")

    # The bucket holds ten calls: none of the first ten can be refused, whatever they answer.
    for _ in range(10):
        assert _code(call) != "ThrottlingException"
    assert _first_refusal(call, 40) is not None


@pytest.mark.parametrize(
    ("operation", "arguments"),
    [
        ("send_text_message", {"DestinationPhoneNumber": "+14254147755", "MessageBody": "hi"}),
        (
            "send_voice_message",
            {
                "DestinationPhoneNumber": "+14254147755",
                "OriginationIdentity": "+12065550100",
                "MessageBody": "hi",
            },
        ),
        (
            "send_media_message",
            {
                "DestinationPhoneNumber": "+14254147755",
                "OriginationIdentity": "+12065550100",
                "MediaUrls": ["s3://bucket/image.png"],
            },
        ),
        ("put_message_feedback", {"MessageId": "m-1", "MessageFeedbackStatus": "RECEIVED"}),
    ],
)
def test_send_operations_are_not_control_plane_throttled(
    throttled: Any, operation: str, arguments: dict[str, Any]
) -> None:
    def call() -> Any:
        return getattr(throttled, operation)(**arguments)

    assert _first_refusal(call, 8) is None


def test_throttling_off_never_refuses(v2: Any) -> None:
    assert _first_refusal(v2.describe_configuration_sets, 10) is None
