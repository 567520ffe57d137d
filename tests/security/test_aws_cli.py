"""The AWS CLI against `--auth sigv4`: its signatures pass with the right secret and only then."""

from __future__ import annotations

import json
from pathlib import Path

from tests.security.conftest import SecureServer
from tests.support.aws_cli import cli_environment, run_cli


def test_the_cli_with_the_right_secret_is_served(secure: SecureServer, tmp_path: Path) -> None:
    environment = cli_environment(secure.bob.access_key_id, tmp_path)
    environment["AWS_SECRET_ACCESS_KEY"] = secure.bob.secret_access_key
    created = run_cli(
        secure.endpoint,
        "pinpoint-sms-voice-v2",
        environment,
        "create-configuration-set",
        "--configuration-set-name",
        "from-cli",
    )
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["ConfigurationSetArn"].split(":")[4] == secure.bob.account
    listed = run_cli(secure.endpoint, "pinpoint-sms-voice", environment, "list-configuration-sets")
    assert listed.returncode == 0, listed.stderr


def test_the_cli_with_a_wrong_secret_or_an_unknown_key_is_refused(
    secure: SecureServer, tmp_path: Path
) -> None:
    environment = cli_environment(secure.bob.access_key_id, tmp_path)
    environment["AWS_SECRET_ACCESS_KEY"] = "not-bobs-secret"
    wrong = run_cli(secure.endpoint, "pinpoint-sms-voice-v2", environment, "describe-configuration-sets")
    assert wrong.returncode != 0
    assert "(InvalidSignatureException)" in wrong.stderr
    environment["AWS_ACCESS_KEY_ID"] = "AKIANOBODYHASTHISKEY"
    unknown = run_cli(secure.endpoint, "pinpoint-sms-voice", environment, "list-configuration-sets")
    assert unknown.returncode != 0
    assert "(UnrecognizedClientException)" in unknown.stderr
