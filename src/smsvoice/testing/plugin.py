"""The pytest plugin of smsvoice (entry point `pytest11`: `smsvoice`), active once smsvoice is installed.

* `smsvoice_server` (session): a live server on a free port of 127.0.0.1 with a temporary store and
  throttling off, started on first use and stopped at the end of the session; or, with
  `--smsvoice-url URL` (or `SMSVOICE_URL`), a server that is already running. While it runs, the
  environment sends boto3's SMS clients to it (`AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2`,
  `AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE`) with dummy credentials and `AWS_DEFAULT_REGION=us-east-1`;
  everything is restored afterwards. It is an `SmsvoiceClient`.
* `smsvoice` (each test): an `SmsvoiceAccount` on that server, with a fresh account of its own. For
  the test, `AWS_ACCESS_KEY_ID` is that account and boto3's default session is dropped, so that
  application code building its own `boto3.client("pinpoint-sms-voice-v2")` sends as the test's
  account, and the test sees only its own messages.

The plugin imports only the standard library, pytest and smsvoice's own runtime dependencies.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest

from smsvoice.testing.client import (
    CONFLICTING_SETTINGS,
    DEFAULT_REGION,
    SECRET_ACCESS_KEY,
    SmsvoiceAccount,
    SmsvoiceApiError,
    SmsvoiceClient,
    endpoint_environment,
    new_account,
    patched_environment,
    start_server,
    stop_server,
)

URL_ENV = "SMSVOICE_URL"
ADMIN_TOKEN_ENV = "SMSVOICE_ADMIN_TOKEN"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("smsvoice", "smsvoice (local AWS SMS and voice APIs)")
    group.addoption(
        "--smsvoice-url",
        dest="smsvoice_url",
        default=None,
        metavar="URL",
        help=f"use the smsvoice server running at URL instead of starting one (or set {URL_ENV})",
    )


@pytest.fixture(scope="session")
def smsvoice_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SmsvoiceClient]:
    """The session's smsvoice server, and the environment that sends boto3's SMS clients to it."""
    url = request.config.getoption("smsvoice_url") or os.environ.get(URL_ENV)
    with contextlib.ExitStack() as stack:
        if url:
            # A shared server may guard /_smsvoice/ with an admin token (docs/security.md).
            client = SmsvoiceClient(str(url), admin_token=os.environ.get(ADMIN_TOKEN_ENV) or None)
            _check_reachable(client)
        else:
            process = start_server(tmp_path_factory.mktemp("smsvoice"))
            stack.callback(stop_server, process)
            client = SmsvoiceClient(process.endpoint)
        session_environment = {
            **endpoint_environment(client.endpoint),
            "AWS_ACCESS_KEY_ID": new_account(),
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "AWS_DEFAULT_REGION": DEFAULT_REGION,
        }
        stack.enter_context(patched_environment(session_environment, remove=CONFLICTING_SETTINGS))
        yield client


@pytest.fixture
def smsvoice(smsvoice_server: SmsvoiceClient) -> Iterator[SmsvoiceAccount]:
    """A handle on a fresh account of the session's server; boto3 clients built from the
    environment during the test send as that account."""
    handle = smsvoice_server.account_handle()
    with handle.activate():
        yield handle


def _check_reachable(client: SmsvoiceClient) -> None:
    try:
        client.health()
    except (OSError, SmsvoiceApiError) as error:
        pytest.exit(f"smsvoice: no server answers at {client.endpoint} ({error})", returncode=4)
