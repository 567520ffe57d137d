"""The testing toolkit under the security settings: its own servers stay local and open."""

from __future__ import annotations

import os
from pathlib import Path

from smsvoice.testing.client import SmsvoiceClient, start_server, stop_server


def test_the_toolkits_servers_stay_open_whatever_the_environment_says(tmp_path: Path) -> None:
    environment = {**os.environ, "SMSVOICE_AUTH": "sigv4", "SMSVOICE_ADMIN_TOKEN": "from-the-shell"}
    process = start_server(tmp_path / "data", env=environment)
    try:
        client = SmsvoiceClient(process.endpoint)
        account = client.account_handle()
        created = account.client().create_configuration_set(ConfigurationSetName="toolkit")
        assert created["ConfigurationSetArn"].split(":")[4] == account.account
        assert client.messages(account=account.account) == []
    finally:
        stop_server(process)
