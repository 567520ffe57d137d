"""One configuration-set flow through the AWS CLI (`aws pinpoint-sms-voice-v2 ...`) against a live server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.aws_cli import cli_runner

TOPIC = "arn:aws:sns:us-east-1:111122223333:cli-events"


@pytest.fixture
def aws(endpoint: str, account: str, tmp_path: Path) -> Any:
    """Run `aws pinpoint-sms-voice-v2 <args>` as the test's account; answer (exit code, JSON or stderr)."""
    return cli_runner(endpoint, "pinpoint-sms-voice-v2", account, tmp_path)


def test_configuration_set_flow_through_the_cli(aws: Any, account: str) -> None:
    code, created = aws(
        "create-configuration-set", "--configuration-set-name", "cli-set", "--tags", "Key=app,Value=cli"
    )
    assert code == 0
    assert (
        created["ConfigurationSetArn"] == f"arn:aws:sms-voice:us-east-1:{account}:configuration-set/cli-set"
    )
    assert created["Tags"] == [{"Key": "app", "Value": "cli"}]

    code, destination = aws(
        "create-event-destination",
        "--configuration-set-name",
        "cli-set",
        "--event-destination-name",
        "to-sns",
        "--matching-event-types",
        "TEXT_DELIVERED",
        "TEXT_BLOCKED",
        "--sns-destination",
        f"TopicArn={TOPIC}",
    )
    assert code == 0
    assert destination["EventDestination"]["Enabled"] is True

    code, _ = aws(
        "set-default-message-type", "--configuration-set-name", "cli-set", "--message-type", "TRANSACTIONAL"
    )
    assert code == 0

    code, described = aws("describe-configuration-sets", "--configuration-set-names", "cli-set")
    assert code == 0
    (only,) = described["ConfigurationSets"]
    assert only["DefaultMessageType"] == "TRANSACTIONAL"
    assert only["EventDestinations"] == [
        {
            "EventDestinationName": "to-sns",
            "Enabled": True,
            "MatchingEventTypes": ["TEXT_DELIVERED", "TEXT_BLOCKED"],
            "SnsDestination": {"TopicArn": TOPIC},
        }
    ]

    code, message = aws("create-configuration-set", "--configuration-set-name", "cli-set")
    assert code != 0
    assert "ConflictException" in message

    code, deleted = aws("delete-configuration-set", "--configuration-set-name", "cli-set")
    assert code == 0
    assert deleted["ConfigurationSetName"] == "cli-set"
    assert len(deleted["EventDestinations"]) == 1

    code, empty = aws("describe-configuration-sets")
    assert code == 0
    assert empty["ConfigurationSets"] == []
