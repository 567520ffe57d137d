"""Starting, health, stopping, and durability across restarts and kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from smsvoice.testing.process import SMSVOICE, ServerProcess
from smsvoice.testing.stores import postgres_server
from tests.support.clients import client, new_account


def test_health_answers_with_what_is_served(server: ServerProcess) -> None:
    response = server.health()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["apis"]) == {"pinpoint-sms-voice", "pinpoint-sms-voice-v2"}
    assert body["store"] == ("sqlite" if postgres_server() is None else "postgresql")


def test_sigterm_stops_cleanly(fresh_server: Any) -> None:
    process = fresh_server()
    assert process.health().status_code == 200
    assert process.stop() == 0
    assert "Application shutdown complete" in process.log_text()


@pytest.mark.embedded_store
def test_environment_variables_configure_the_server(tmp_path: Path) -> None:
    process = ServerProcess(
        tmp_path / "ignored",
        env={"SMSVOICE_DEFAULT_REGION": "eu-west-1", "SMSVOICE_DATA_DIR": str(tmp_path / "from-env")},
    )
    # Flags win over environment variables: drop the --data-dir flag to see the env var apply.
    index = process.args.index("--data-dir")
    del process.args[index : index + 2]
    process.start()
    try:
        response = httpx.post(
            process.endpoint + "/v1/sms-voice/configuration-sets", json={"ConfigurationSetName": "x"}
        )
        assert response.status_code == 200
        assert (tmp_path / "from-env" / "smsvoice.db").exists()
        unsigned = httpx.get(process.endpoint + "/v1/sms-voice/configuration-sets").json()
        assert unsigned["ConfigurationSets"] == ["x"]  # unsigned requests use the default region
    finally:
        process.stop()


def test_state_survives_restart(fresh_server: Any, tmp_path: Path) -> None:
    account = new_account()
    first = fresh_server(data_dir=tmp_path / "data")
    v1 = client("pinpoint-sms-voice", first.endpoint, account)
    v1.create_configuration_set(ConfigurationSetName="kept")
    first.stop()
    second = fresh_server(data_dir=tmp_path / "data")
    v1 = client("pinpoint-sms-voice", second.endpoint, account)
    assert v1.list_configuration_sets()["ConfigurationSets"] == ["kept"]


def test_acknowledged_writes_survive_kill_9(fresh_server: Any, tmp_path: Path) -> None:
    account = new_account()
    first = fresh_server(data_dir=tmp_path / "data")
    v1 = client("pinpoint-sms-voice", first.endpoint, account)
    names = [f"set-{index:03d}" for index in range(60)]
    for name in names:
        v1.create_configuration_set(ConfigurationSetName=name)
    assert first.process is not None
    os.kill(first.process.pid, signal.SIGKILL)
    first.process.wait(10)
    second = fresh_server(data_dir=tmp_path / "data")
    v1 = client("pinpoint-sms-voice", second.endpoint, account)
    listed = v1.list_configuration_sets(PageSize="100")["ConfigurationSets"]
    assert listed == names


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("mysql+pymysql://root@127.0.0.1/smsvoice", "not mysql+pymysql://"),
        ("smsvoice.db", "not a database URL"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/nothing", "cannot reach the database at"),
    ],
)
def test_a_store_url_it_cannot_use_stops_the_start_with_one_clear_line(
    tmp_path: Path, url: str, said: str
) -> None:
    started = subprocess.run(
        [SMSVOICE, "serve", "--port", "0", "--data-dir", str(tmp_path), "--database-url", url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 2
    assert said in started.stderr
    assert "Traceback" not in started.stderr
