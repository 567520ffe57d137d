"""PostgreSQL going away mid-run: clients get a retryable AWS error at once (never a hang), and the
node carries on by itself when the database is back. Runs in the PostgreSQL pass of ./run test, which
says how to stop and start its throwaway cluster (SMSVOICE_TEST_POSTGRES_CTL)."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
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


def test_a_database_outage_answers_retryable_errors_and_the_node_recovers(
    tmp_path: Path, fresh_server: Any, endpoint: str
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
    # Requests at once, so that several store threads of the node hold a connection of their own.
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda _: v2.describe_configuration_sets(), range(64)))
    _pg_ctl("stop", "-m", "fast", "-w")
    try:
        started = time.monotonic()
        with pytest.raises(ClientError) as v2_error:
            v2.create_configuration_set(ConfigurationSetName="during")
        with pytest.raises(ClientError) as v1_error:
            v1.create_configuration_set(ConfigurationSetName="during")
        with pytest.raises(ClientError) as send_error:  # a send runs in a batch on the event loop
            v2.send_text_message(
                DestinationPhoneNumber="+12065550142", OriginationIdentity=number, MessageBody="lost"
            )
        assert time.monotonic() - started < 25  # answered, not hung until the client gave up
        assert error_of(v2_error)["Code"] == "InternalServerException"
        assert error_of(v2_error)["Status"] == 500
        assert error_of(send_error)["Code"] == "InternalServerException"
        assert error_of(send_error)["Status"] == 500
        assert error_of(v1_error)["Code"] == "InternalServiceErrorException"
        assert error_of(v1_error)["Status"] == 500
        assert node.health().status_code in (200, 503)  # the process is alive and answering
    finally:
        _pg_ctl("start", "-w")
    # Back by itself, at once: a store thread that finds its connection dropped runs the unit of work
    # again on a new one, so no request fails once the database answers again.
    for index in range(8):
        v2.create_configuration_set(ConfigurationSetName=f"after-{index}")
    names = {item["ConfigurationSetName"] for item in v2.describe_configuration_sets()["ConfigurationSets"]}
    assert names == {"before", *(f"after-{index}" for index in range(8))}  # nothing of the failed ones
    # The send path (its statements prepared on the old connections, its batches on a connection of
    # their own) works again too, at once and after.
    for body in ("b", "c"):
        sent = v2.send_text_message(
            DestinationPhoneNumber="+12065550142", OriginationIdentity=number, MessageBody=body
        )
        assert sent["MessageId"]
    # The session's shared server lost its connections too (same cluster): it answers at once as
    # well, whichever of its store threads a request lands on.
    shared = client("pinpoint-sms-voice-v2", endpoint, new_account(), config=quick)
    for _ in range(16):
        shared.describe_configuration_sets()
