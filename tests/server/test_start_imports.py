"""What a server imports: SQLAlchemy and Alembic only to upgrade an older store (store/connection.py),
botocore's signer only to verify signatures.

Importing SQLAlchemy was about 45% of the server's start-up; the store runs plain SQL on the drivers,
so neither a fresh store, nor a send and its delivery records, nor the inspection API may pull it in.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from smsvoice.testing.process import ServerProcess
from tests.support.clients import client

ACCOUNT = "111122223333"
# `python -X importtime` (PYTHONPROFILEIMPORTTIME) prints a line per module imported, to stderr.
_IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$")


def _imported(output: str) -> set[str]:
    return {match.group(1) for line in output.splitlines() if (match := _IMPORTED.match(line))}


def test_serving_a_fresh_store_imports_no_orm_and_no_signer(tmp_path: Path) -> None:
    server = ServerProcess(
        tmp_path / "data", "--throttling", "off", env={"PYTHONPROFILEIMPORTTIME": "1"}
    ).start()
    try:
        v2 = client("pinpoint-sms-voice-v2", server.endpoint, ACCOUNT)
        v2.create_configuration_set(ConfigurationSetName="imports")
        number = v2.request_phone_number(
            IsoCountryCode="US",
            MessageType="TRANSACTIONAL",
            NumberCapabilities=["SMS"],
            NumberType="TOLL_FREE",
        )["PhoneNumberId"]
        sent = v2.send_text_message(
            DestinationPhoneNumber="+12065550142",
            OriginationIdentity=number,
            MessageBody="no ORM on the way",
            ConfigurationSetName="imports",
        )
        shown = httpx.get(f"{server.endpoint}/_smsvoice/messages/{sent['MessageId']}", timeout=5)
        assert shown.status_code == 200
        assert shown.json()["body"] == "no ORM on the way"
        assert server.health().json()["status"] == "ok"
    finally:
        server.stop()
    imported = _imported(server.log_text())
    assert "smsvoice.store.engine" in imported  # the import log was read
    assert {name for name in imported if name.split(".")[0] in ("sqlalchemy", "alembic")} == set()
    # Nor what only `--auth sigv4` uses (botocore's signer and credentials).
    assert "smsvoice.security.sigv4" not in imported
