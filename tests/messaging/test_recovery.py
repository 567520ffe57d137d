"""Pending simulator work survives a crash (kill -9) and a restart; the rules file and its env var."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from smsvoice.testing.environment import LOOPBACK_AWS
from smsvoice.testing.process import SMSVOICE, ServerProcess
from tests.messaging.support import US_DESTINATION, Inspector, phone_number
from tests.support.clients import client, new_account
from tests.support.waiting import wait_until


def _send_mix(v2: Any, origin: str) -> list[str]:
    ids = []
    for index in range(5):
        ids.append(
            v2.send_text_message(
                DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody=f"text {index}"
            )["MessageId"]
        )
        ids.append(
            v2.send_voice_message(
                DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=origin, MessageBody="call"
            )["MessageId"]
        )
    return ids


def _all_final(inspector: Inspector, account: str) -> bool:
    return all(message["is_final"] for message in inspector.messages(account=account))


def test_crash_with_pending_delays_then_restart(fresh_server: Any, tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"rules": [{"delay_seconds": 3600, "step_seconds": 60}]}))
    data = tmp_path / "data"
    first: ServerProcess = fresh_server("--throttling", "off", "--simulator-rules", str(rules), data_dir=data)
    account = new_account()
    v2 = client("pinpoint-sms-voice-v2", first.endpoint, account)
    origin = phone_number(v2)
    ids = _send_mix(v2, origin)
    inspector = Inspector(first.endpoint)
    inspector.advance_clock(3600 + 60)  # texts delivered (accepted, then the receipt); calls at RINGING
    before = {m["message_id"]: m["status"] for m in inspector.messages(account=account)}
    assert sorted(set(before.values())) == ["DELIVERED", "RINGING"]
    first.kill()  # SIGKILL: no shutdown work at all

    second = fresh_server("--throttling", "off", data_dir=data)  # no rules: the plans are stored
    inspector = Inspector(second.endpoint)
    after = {m["message_id"]: m["status"] for m in inspector.messages(account=account)}
    assert after == before  # nothing lost, nothing applied twice
    # The restarted clock is real time again, so the calls' remaining steps are ~1 h ahead.
    inspector.advance_clock(2 * 3600)
    messages = inspector.messages(account=account)
    assert [m["message_id"] for m in messages] == ids
    for message in messages:
        types = [event["event_type"] for event in message["events"]]
        if message["channel"] == "VOICE":
            assert types == ["VOICE_INITIATED", "VOICE_RINGING", "VOICE_ANSWERED", "VOICE_COMPLETED"]
        else:
            assert types == ["TEXT_SUCCESSFUL", "TEXT_DELIVERED"]
    assert inspector.advance_clock(0)["pending"] == 0


def test_overdue_work_is_done_at_start_without_help(fresh_server: Any, tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([{"delay_seconds": 1}]))
    data = tmp_path / "data"
    first = fresh_server("--throttling", "off", "--simulator-rules", str(rules), data_dir=data)
    account = new_account()
    v2 = client("pinpoint-sms-voice-v2", first.endpoint, account)
    ids = _send_mix(v2, phone_number(v2))
    first.kill()
    second = fresh_server("--throttling", "off", data_dir=data)
    inspector = Inspector(second.endpoint)
    wait_until(lambda: _all_final(inspector, account), timeout=15)
    assert [m["message_id"] for m in inspector.messages(account=account)] == ids


def test_rules_file_from_environment(fresh_server: Any, tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"rules": [{"id": "spam", "prefix": "+1206", "outcome": "SPAM"}]}))
    server = fresh_server("--throttling", "off", env={**LOOPBACK_AWS, "SMSVOICE_SIMULATOR_RULES": str(rules)})
    inspector = Inspector(server.endpoint)
    assert server.health().json()["simulator"] == "running"
    assert [rule["id"] for rule in inspector.rules()] == ["spam"]
    v2 = client("pinpoint-sms-voice-v2", server.endpoint, new_account())
    message_id = v2.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=phone_number(v2), MessageBody="hi"
    )["MessageId"]
    assert inspector.event_types(message_id) == ["TEXT_SPAM"]


def test_bad_rules_file_stops_the_start(tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"rules": [{"outcome": "EXPLODED"}]}))
    command = [
        SMSVOICE,
        "serve",
        "--port",
        "0",
        "--data-dir",
        str(tmp_path / "data"),
        "--simulator-rules",
        str(rules),
    ]
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=30, env={**os.environ, **LOOPBACK_AWS}, check=False
    )
    assert finished.returncode != 0
    assert "EXPLODED" in finished.stdout + finished.stderr
