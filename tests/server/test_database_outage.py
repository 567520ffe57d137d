"""PostgreSQL going away mid-run: clients get a retryable AWS error at once (never a hang), and the
node carries on by itself when the database is back. Runs in the PostgreSQL pass of ./run test, which
says how to stop and start its throwaway cluster (SMSVOICE_TEST_POSTGRES_CTL)."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from smsvoice.testing.stores import postgres_server
from tests.support.clients import client, new_account
from tests.support.errors import error_of

CTL = os.environ.get("SMSVOICE_TEST_POSTGRES_CTL", "")

pytestmark = pytest.mark.skipif(
    postgres_server() is None or not CTL, reason="needs the PostgreSQL cluster that ./run test starts"
)


def _pg_ctl(*args: str) -> None:
    subprocess.run([*shlex.split(CTL), *args], check=True, capture_output=True, timeout=60)


@pytest.fixture
def session_server_recovers(endpoint: str) -> Any:
    """The outage stops the cluster under the session's shared server too: its store threads each fail
    one request on their dropped connection before reconnecting. Let them, so that the next test
    module does not meet them (each store thread is reached within 16 answered requests in a row)."""
    yield
    v2 = client("pinpoint-sms-voice-v2", endpoint, new_account(), config=Config(retries={"max_attempts": 1}))
    deadline = time.monotonic() + 30
    answered = 0
    while answered < 16 and time.monotonic() < deadline:
        try:
            v2.describe_configuration_sets()
            answered += 1
        except ClientError:
            answered = 0
            time.sleep(0.1)


def test_a_database_outage_answers_retryable_errors_and_the_node_recovers(
    tmp_path: Path, fresh_server: Any, session_server_recovers: Any
) -> None:
    node = fresh_server("--throttling", "off", data_dir=tmp_path / "data")
    account = new_account()
    quick = Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=30, connect_timeout=5)
    v2 = client("pinpoint-sms-voice-v2", node.endpoint, account, config=quick)
    v1 = client("pinpoint-sms-voice", node.endpoint, account, config=quick)
    v2.create_configuration_set(ConfigurationSetName="before")
    number = v2.request_phone_number(
        IsoCountryCode="US", MessageType="TRANSACTIONAL", NumberCapabilities=["SMS"], NumberType="TOLL_FREE"
    )["PhoneNumberId"]
    v2.send_text_message(DestinationPhoneNumber="+12065550142", OriginationIdentity=number, MessageBody="a")
    _pg_ctl("stop", "-m", "fast", "-w")
    try:
        started = time.monotonic()
        with pytest.raises(ClientError) as v2_error:
            v2.create_configuration_set(ConfigurationSetName="during")
        with pytest.raises(ClientError) as v1_error:
            v1.create_configuration_set(ConfigurationSetName="during")
        assert time.monotonic() - started < 25  # answered, not hung until the client gave up
        assert error_of(v2_error)["Code"] == "InternalServerException"
        assert error_of(v2_error)["Status"] == 500
        assert error_of(v1_error)["Code"] == "InternalServiceErrorException"
        assert error_of(v1_error)["Status"] == 500
        assert node.health().status_code in (200, 503)  # the process is alive and answering
    finally:
        _pg_ctl("start", "-w")
    # Back by itself: dropped pooled connections are replaced, the request succeeds.
    deadline = time.monotonic() + 30
    while True:
        try:
            v2.create_configuration_set(ConfigurationSetName="after")
            break
        except ClientError as problem:
            if time.monotonic() > deadline:
                raise
            assert problem.response["Error"]["Code"] == "InternalServerException"
            time.sleep(0.5)
    names = {item["ConfigurationSetName"] for item in v2.describe_configuration_sets()["ConfigurationSets"]}
    assert names == {"before", "after"}  # nothing of the failed requests was kept
    # The send path (its statements prepared on the old connections) works again too.
    deadline = time.monotonic() + 30
    while True:
        try:
            sent = v2.send_text_message(
                DestinationPhoneNumber="+12065550142", OriginationIdentity=number, MessageBody="b"
            )
            break
        except ClientError as problem:
            if time.monotonic() > deadline:
                raise
            assert problem.response["Error"]["Code"] == "InternalServerException"
            time.sleep(0.5)
    assert sent["MessageId"]
