"""The README's v1 session through the AWS CLI (`aws pinpoint-sms-voice ...`) against a live server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.support.aws_cli import cli_environment, run_cli


def _aws(endpoint: str, account: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(endpoint, "pinpoint-sms-voice", cli_environment(account, tmp_path), *args)


def test_v1_session_through_the_cli(endpoint: str, account: str, tmp_path: Path) -> None:
    created = _aws(
        endpoint, account, tmp_path, "create-configuration-set", "--configuration-set-name", "cli-v1"
    )
    assert created.returncode == 0, created.stderr

    destination = json.dumps(
        {
            "Enabled": True,
            "MatchingEventTypes": ["INITIATED_CALL", "COMPLETED_CALL"],
            "SnsDestination": {"TopicArn": f"arn:aws:sns:us-east-1:{account}:calls"},
        }
    )
    added = _aws(
        endpoint,
        account,
        tmp_path,
        "create-configuration-set-event-destination",
        "--configuration-set-name",
        "cli-v1",
        "--event-destination-name",
        "to-sns",
        "--event-destination",
        destination,
    )
    assert added.returncode == 0, added.stderr

    listed = _aws(endpoint, account, tmp_path, "list-configuration-sets")
    assert json.loads(listed.stdout)["ConfigurationSets"] == ["cli-v1"]
    got = _aws(
        endpoint,
        account,
        tmp_path,
        "get-configuration-set-event-destinations",
        "--configuration-set-name",
        "cli-v1",
    )
    (only,) = json.loads(got.stdout)["EventDestinations"]
    assert (only["Name"], only["Enabled"]) == ("to-sns", True)

    missing = _aws(
        endpoint, account, tmp_path, "delete-configuration-set", "--configuration-set-name", "nope"
    )
    assert missing.returncode != 0
    assert "NotFoundException" in missing.stderr
    assert "DeleteConfigurationSet" in missing.stderr
