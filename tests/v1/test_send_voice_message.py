"""v1 SendVoiceMessage: validation and the MessageId (the call lifecycle is tested with messaging)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

PLAIN = {"PlainTextMessage": {"Text": "Your code is 1 2 3", "VoiceId": "Joanna", "LanguageCode": "en-US"}}


def test_send_returns_a_uuid_message_id(v1: Any) -> None:
    answer = v1.send_voice_message(
        DestinationPhoneNumber="+12065550100", OriginationPhoneNumber="+12065550199", Content=PLAIN
    )
    assert uuid.UUID(answer["MessageId"])


def test_ssml_and_call_instructions_are_accepted(v1: Any) -> None:
    for content in (
        {
            "SSMLMessage": {
                "Text": "<speak>Hello <break strength='weak'/> there</speak>",
                "VoiceId": "Matthew",
            }
        },
        {"CallInstructionsMessage": {"Text": "Hello"}},
    ):
        assert v1.send_voice_message(DestinationPhoneNumber="+442071838750", Content=content)["MessageId"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"Content": PLAIN},  # no destination
        {"DestinationPhoneNumber": "12", "Content": PLAIN},
        {"DestinationPhoneNumber": "+12065550100"},  # no content
        {
            "DestinationPhoneNumber": "+12065550100",
            "Content": {**PLAIN, "CallInstructionsMessage": {"Text": "x"}},
        },
        {"DestinationPhoneNumber": "+12065550100", "Content": {"PlainTextMessage": {"Text": "   "}}},
        {"DestinationPhoneNumber": "+12065550100", "Content": {"PlainTextMessage": {"Text": "x" * 3001}}},
        {"DestinationPhoneNumber": "+12065550100", "OriginationPhoneNumber": "+1999", "Content": PLAIN},
        {"DestinationPhoneNumber": "+12065550100", "ConfigurationSetName": "ghost", "Content": PLAIN},
    ],
    ids=[
        "no-destination",
        "bad-destination",
        "no-content",
        "two-contents",
        "blank",
        "too-long",
        "bad-origin",
        "no-set",
    ],
)
def test_bad_sends_are_bad_requests(v1: Any, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as info:
        v1.send_voice_message(**kwargs)
    assert info.value.response["Error"]["Code"] == "BadRequestException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
