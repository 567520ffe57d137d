"""The credentials file: its format, `smsvoice credentials create`, and SIGHUP re-reading it."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from smsvoice.config import load_settings
from smsvoice.security.credentials import CredentialsFileError, new_access_key, parse_credentials
from smsvoice.server.run import startup_warnings
from smsvoice.testing.process import SMSVOICE
from tests.security.conftest import client_for, signed_client, write_credentials
from tests.support.errors import error_of
from tests.support.waiting import wait_until

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def _document(**entry: str) -> str:
    return json.dumps({"Credentials": [entry]})


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ("[]", '"Credentials"'),
        ('{"Credentials": [], "Other": 1}', '"Credentials"'),
        (_document(AccessKeyId="AKIAIOSFODNN7EXAMPLE", SecretAccessKey=SECRET), "exactly"),
        (_document(AccessKeyId="AKIAIOSFODNN7EXAMPLE", SecretAccessKey=SECRET, AccountId="12"), "12 digits"),
        (_document(AccessKeyId="short", SecretAccessKey=SECRET, AccountId="123456789012"), "16 to 128"),
        ("{not json", "not JSON"),
    ],
)
def test_a_file_not_in_the_format_is_refused_without_showing_a_secret(document: str, words: str) -> None:
    with pytest.raises(CredentialsFileError) as refused:
        parse_credentials(document, "credentials.json")
    assert words in str(refused.value)
    assert SECRET not in str(refused.value)


def test_a_key_listed_twice_is_refused() -> None:
    key = new_access_key("123456789012")
    document = json.dumps({"Credentials": [key.document(), key.document()]})
    with pytest.raises(CredentialsFileError, match="listed twice"):
        parse_credentials(document, "credentials.json")


def test_credentials_create_prints_a_key_and_appends_it(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    made = []
    for account in ("123456789012", "210987654321"):
        result = subprocess.run(
            [SMSVOICE, "credentials", "create", "--account", account, "--credentials-file", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        made.append(json.loads(result.stdout))
    keys = parse_credentials(path.read_text(), str(path))
    assert [keys[item["AccessKeyId"]].document() for item in made] == made
    assert made[0]["AccountId"] == "123456789012"
    assert made[0]["AccessKeyId"].startswith("AKIA") and len(made[0]["AccessKeyId"]) == 20
    assert len(made[0]["SecretAccessKey"]) == 40
    assert path.stat().st_mode & 0o777 == 0o600


def test_credentials_create_refuses_a_bad_account(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    result = subprocess.run(
        [SMSVOICE, "credentials", "create", "--account", "1234", "--credentials-file", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "12 digits" in result.stderr
    assert not path.exists()


def test_sighup_reads_the_file_again_and_a_broken_file_changes_nothing(
    fresh_server: Any, tmp_path: Path
) -> None:
    first = new_access_key("555555555555")
    path = write_credentials(tmp_path / "credentials.json", first)
    process = fresh_server("--auth", "sigv4", "--credentials-file", str(path), "--throttling", "off")
    second = new_access_key("666666666666")
    later = client_for(second, "pinpoint-sms-voice-v2", process.endpoint)
    with pytest.raises(ClientError) as info:
        later.describe_configuration_sets()
    assert error_of(info) == {"Code": "UnrecognizedClientException", "Status": 400}

    write_credentials(path, first, second)
    process.process.send_signal(signal.SIGHUP)
    wait_until(lambda: "credentials file reloaded: 2 keys" in process.log_text())
    assert later.describe_configuration_sets()["ConfigurationSets"] == []

    path.write_text('{"Credentials": [')  # half written: the keys in force stay
    process.process.send_signal(signal.SIGHUP)
    wait_until(lambda: "credentials file not reloaded" in process.log_text())
    assert later.describe_configuration_sets()["ConfigurationSets"] == []
    assert (
        client_for(first, "pinpoint-sms-voice", process.endpoint).list_configuration_sets()[
            "ConfigurationSets"
        ]
        == []
    )
    assert second.secret_access_key not in process.log_text()


def test_a_broken_credentials_file_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(_document(AccessKeyId="AKIAIOSFODNN7EXAMPLE", SecretAccessKey=SECRET))
    result = subprocess.run(
        [
            SMSVOICE,
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "data"),
            "--auth",
            "sigv4",
            "--credentials-file",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "AccountId" in result.stderr
    assert SECRET not in result.stderr + result.stdout


def test_sigv4_needs_a_credentials_file() -> None:
    with pytest.raises(ValueError, match="--credentials-file"):
        load_settings({"auth": "sigv4"}, environ={})
    assert (
        load_settings(environ={"SMSVOICE_AUTH": "sigv4", "SMSVOICE_CREDENTIALS_FILE": "c.json"}).auth
        == "sigv4"
    )


def test_auth_off_away_from_the_loopback_is_warned_about() -> None:
    assert startup_warnings(load_settings({"host": "127.0.0.1"}, environ={})) == []
    assert startup_warnings(load_settings({"host": "localhost"}, environ={})) == []
    (warning,) = startup_warnings(load_settings({"host": "0.0.0.0"}, environ={}))
    assert "--auth off" in warning and "--auth sigv4" in warning
    sigv4 = load_settings({"host": "0.0.0.0", "auth": "sigv4", "credentials_file": "c.json"}, environ={})
    assert startup_warnings(sigv4) == []


def test_a_wrong_secret_is_refused_after_reload_too(fresh_server: Any, tmp_path: Path) -> None:
    key = new_access_key("777777777777")
    path = write_credentials(tmp_path / "credentials.json", key)
    process = fresh_server("--auth", "sigv4", "--credentials-file", str(path), "--throttling", "off")
    with pytest.raises(ClientError) as info:
        signed_client(
            "pinpoint-sms-voice", process.endpoint, key.access_key_id, "wrong"
        ).list_configuration_sets()
    assert error_of(info) == {"Code": "InvalidSignatureException", "Status": 403}
