"""`--admin-token`: /_smsvoice/ needs `Authorization: Bearer TOKEN` (or `?token=` on a GET), but health."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from smsvoice.security.credentials import new_access_key
from smsvoice.testing.client import SmsvoiceApiError, SmsvoiceClient
from tests.security.conftest import ADMIN_TOKEN, SecureServer, write_credentials


def test_health_is_open_to_all(secure: SecureServer) -> None:
    answer = httpx.get(f"{secure.endpoint}/_smsvoice/health")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "messages"), ("POST", "simulator/clock"), ("GET", "accounts")]
)
def test_no_token_is_401_and_a_wrong_one_403(secure: SecureServer, method: str, path: str) -> None:
    url = f"{secure.endpoint}/_smsvoice/{path}"
    missing = httpx.request(method, url, json={})
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert "admin token" in missing.json()["error"]
    wrong = httpx.request(method, url, json={}, headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 403
    assert ADMIN_TOKEN not in wrong.text


def test_the_web_inbox_pages_load_without_the_token_so_that_they_can_ask_for_it(secure: SecureServer) -> None:
    page = httpx.get(f"{secure.endpoint}/_smsvoice/ui/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    # The data the page shows stays behind the token.
    assert httpx.get(f"{secure.endpoint}/_smsvoice/resources").status_code == 401
    assert httpx.get(f"{secure.endpoint}/_smsvoice/changes").status_code == 401


def test_the_right_token_opens_every_route(secure: SecureServer) -> None:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    answer = httpx.get(f"{secure.endpoint}/_smsvoice/messages", headers=headers)
    assert answer.status_code == 200
    assert "messages" in answer.json()


def test_a_get_may_carry_the_token_as_a_query_parameter_but_nothing_else_may(secure: SecureServer) -> None:
    assert (
        httpx.get(f"{secure.endpoint}/_smsvoice/messages", params={"token": ADMIN_TOKEN}).status_code == 200
    )
    assert httpx.get(f"{secure.endpoint}/_smsvoice/messages", params={"token": "nope"}).status_code == 403
    posted = httpx.post(
        f"{secure.endpoint}/_smsvoice/simulator/clock", params={"token": ADMIN_TOKEN}, json={}
    )
    assert posted.status_code == 401


def test_the_testing_client_sends_its_admin_token(secure: SecureServer) -> None:
    with pytest.raises(SmsvoiceApiError) as refused:
        SmsvoiceClient(secure.endpoint).messages()
    assert refused.value.status == 401
    assert SmsvoiceClient(secure.endpoint, admin_token=ADMIN_TOKEN).messages(account="999999999999") == []


def test_sigv4_without_an_admin_token_closes_the_admin_routes(fresh_server: Any, tmp_path: Path) -> None:
    credentials = write_credentials(tmp_path / "credentials.json", new_access_key("333333333333"))
    process = fresh_server("--auth", "sigv4", "--credentials-file", str(credentials))
    assert httpx.get(f"{process.endpoint}/_smsvoice/health").status_code == 200
    for headers in ({}, {"Authorization": "Bearer anything"}):
        refused = httpx.get(f"{process.endpoint}/_smsvoice/messages", headers=headers)
        assert refused.status_code == 403
        assert "--admin-token" in refused.json()["error"]
