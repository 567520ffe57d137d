"""What every node of a deployment shares through the store: request-rate buckets and the simulator
clock (simulator rules and everything else are covered in tests/multinode)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.support.clients import client, new_account
from tests.support.errors import error_of
from tests.support.waiting import wait_until


def test_a_rate_limit_holds_across_two_nodes(tmp_path: Path, fresh_server: Any) -> None:
    data_dir = tmp_path / "shared"
    first = fresh_server("--throttling", "aws", data_dir=data_dir)
    second = fresh_server("--throttling", "aws", data_dir=data_dir)
    account = new_account()
    on_first = client("pinpoint-sms-voice-v2", first.endpoint, account)
    on_second = client("pinpoint-sms-voice-v2", second.endpoint, account)
    on_first.create_configuration_set(ConfigurationSetName="first")
    # v2 control-plane operations allow 1 request per second per account: the other node knows.
    with pytest.raises(ClientError) as info:
        on_second.create_configuration_set(ConfigurationSetName="second")
    assert error_of(info)["Code"] == "ThrottlingException"
    names = [
        item["ConfigurationSetName"] for item in on_first.describe_configuration_sets()["ConfigurationSets"]
    ]
    assert names == ["first"]  # the refused create changed nothing


def _offset(endpoint: str) -> float:
    return float(httpx.get(f"{endpoint}/_smsvoice/simulator/clock", timeout=5).json()["offset_seconds"])


def test_a_clock_moved_on_one_node_moves_on_the_other_and_survives_a_restart(
    tmp_path: Path, fresh_server: Any
) -> None:
    data_dir = tmp_path / "shared"
    first = fresh_server("--throttling", "off", data_dir=data_dir)
    second = fresh_server("--throttling", "off", data_dir=data_dir)
    moved = httpx.post(
        f"{first.endpoint}/_smsvoice/simulator/clock", json={"advance_seconds": 3600}, timeout=5
    )
    assert moved.status_code == 200
    assert moved.json()["offset_seconds"] == 3600
    wait_until(lambda: _offset(second.endpoint) >= 3600, timeout=10)
    assert _offset(second.endpoint) == 3600
    assert first.stop() == 0
    restarted = fresh_server("--throttling", "off", data_dir=data_dir)
    assert _offset(restarted.endpoint) == 3600
    # Moves add up, whichever node makes them.
    httpx.post(f"{restarted.endpoint}/_smsvoice/simulator/clock", json={"advance_seconds": 60}, timeout=5)
    wait_until(lambda: _offset(second.endpoint) >= 3660, timeout=10)
    assert _offset(second.endpoint) == 3660
