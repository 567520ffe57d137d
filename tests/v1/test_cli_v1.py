"""The README's v1 session through the AWS CLI (`aws pinpoint-sms-voice ...`) against a live server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

AWS = str(Path(sys.executable).with_name("aws"))


def _aws(endpoint: str, account: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    environment.update(
        {
            "AWS_ACCESS_KEY_ID": account,
            "AWS_SECRET_ACCESS_KEY": "test-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_PAGER": "",
        }
    )
    return subprocess.run(
        [AWS, "--endpoint-url", endpoint, "--output", "json", "pinpoint-sms-voice", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


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
