"""The web inbox in a real browser: Debian's headless Chromium driven by Playwright, one browser for
the session, a page of its own per test, against a server whose delivery goes to moto's server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from smsvoice.testing.environment import fake_aws_environment
from smsvoice.testing.process import ServerProcess
from tests.delivery.conftest import aws, moto_endpoint  # noqa: F401 (fixtures used by name)
from tests.support.clients import client, new_account

CHROMIUM = Path("/usr/bin/chromium")
# A loaded CI machine (two cores, several suites) can take seconds to redraw a page.
expect.set_options(timeout=10_000)
# Set SMSVOICE_SCREENSHOTS=docs/images to keep the screenshots the tests take (the README's).
SCREENSHOTS = os.environ.get("SMSVOICE_SCREENSHOTS")


@pytest.fixture(scope="session")
def ui_server(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:  # noqa: F811
    data_dir: Path = tmp_path_factory.mktemp("ui-data")
    process = ServerProcess(data_dir, "--throttling", "off", env=fake_aws_environment(moto_endpoint)).start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            "the browser tests need Debian's chromium (apt-get install -y chromium; ./run test installs it)"
        )
    with sync_playwright() as playwright:
        # Chromium's sandbox cannot start as root (CI containers run as root).
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, ui_server: ServerProcess) -> Iterator[Page]:
    context = browser.new_context(base_url=ui_server.endpoint, viewport={"width": 1280, "height": 800})
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    yield opened
    context.close()


@pytest.fixture
def screenshot(tmp_path: Path) -> Callable[[Page, str], Path]:
    """Save the page's screenshot (and keep a copy under $SMSVOICE_SCREENSHOTS when set)."""

    def take(page: Page, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path))
        assert path.stat().st_size > 1_000
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, Path(SCREENSHOTS) / path.name)
        return path

    return take


class Sender:
    """A fresh account with one phone number, sending through boto3."""

    def __init__(self, server: ServerProcess) -> None:
        self.endpoint = server.endpoint
        self.account = new_account()
        self.v2 = client("pinpoint-sms-voice-v2", server.endpoint, self.account)
        requested = self.v2.request_phone_number(
            IsoCountryCode="US",
            MessageType="TRANSACTIONAL",
            NumberCapabilities=["SMS"],
            NumberType="LONG_CODE",
        )
        self.number = str(requested["PhoneNumber"])
        self.number_id = str(requested["PhoneNumberId"])

    def send(self, body: str, destination: str = "+12065550142", **extra: Any) -> str:
        return str(
            self.v2.send_text_message(
                DestinationPhoneNumber=destination, OriginationIdentity=self.number, MessageBody=body, **extra
            )["MessageId"]
        )

    def hold_in_manual_mode(self) -> None:
        """This account's next texts wait in manual mode: QUEUED, PENDING, then DELIVERED."""
        answer = httpx.post(
            f"{self.endpoint}/_smsvoice/simulator/rules",
            params={"account": self.account},
            json={"manual": True, "outcome": "DELIVERED", "path": ["QUEUED", "PENDING"]},
            timeout=10,
        )
        assert answer.status_code == 201, answer.text

    def forget_rules(self) -> None:
        answer = httpx.delete(
            f"{self.endpoint}/_smsvoice/simulator/rules", params={"account": self.account}, timeout=10
        )
        assert answer.status_code == 200, answer.text


@pytest.fixture
def sender(ui_server: ServerProcess) -> Sender:
    return Sender(ui_server)
