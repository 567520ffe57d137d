"""A server under `--auth sigv4` with two accounts' keys and an admin token, for the module."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from smsvoice.security.credentials import AccessKey, new_access_key
from smsvoice.testing.environment import LOOPBACK_AWS
from smsvoice.testing.process import ServerProcess

ADMIN_TOKEN = "admin-token-for-tests"
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


@dataclass(frozen=True)
class SecureServer:
    process: ServerProcess
    credentials_file: Path
    alice: AccessKey
    bob: AccessKey

    @property
    def endpoint(self) -> str:
        return self.process.endpoint


def write_credentials(path: Path, *keys: AccessKey) -> Path:
    path.write_text(json.dumps({"Credentials": [key.document() for key in keys]}))
    return path


def signed_client(
    service: str,
    endpoint: str,
    key_id: str,
    secret: str,
    *,
    token: str | None = None,
    verify: str | bool = True,
) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=NO_RETRIES,
        verify=verify,
    )


def client_for(key: AccessKey, service: str, endpoint: str, **kwargs: Any) -> Any:
    return signed_client(service, endpoint, key.access_key_id, key.secret_access_key, **kwargs)


@pytest.fixture(scope="module")
def secure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureServer]:
    folder = tmp_path_factory.mktemp("secure")
    alice, bob = new_access_key("111111111111"), new_access_key("222222222222")
    credentials = write_credentials(folder / "credentials.json", alice, bob)
    process = ServerProcess(
        folder / "data",
        "--throttling",
        "off",
        "--validate-responses",
        "--auth",
        "sigv4",
        "--credentials-file",
        str(credentials),
        "--admin-token",
        ADMIN_TOKEN,
        env=LOOPBACK_AWS,
    ).start()
    yield SecureServer(process, credentials, alice, bob)
    process.stop()
