"""A message's EventBridge events are made from its event records: the event listed by the inspection
API is the event published (same envelope, same `id`), and a listing pages across both kinds of event
(a message's, derived; a registration's, stored) without losing or repeating one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from smsvoice.delivery.sinks import EVENTBRIDGE
from smsvoice.messaging.eventbridge import list_events, set_publishing, switch
from smsvoice.messaging.transitions import accept, advance_manually
from smsvoice.store import Store, Transaction, open_store
from smsvoice.testing.process import ServerProcess
from smsvoice.testing.stores import store_url
from tests.support.clients import client, new_account
from tests.support.store_rows import SENT_AT as NOW
from tests.support.store_rows import text_message


@pytest.fixture
def publishing_store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(store_url(tmp_path / "store"), upgrade=True)
    before = switch.publishing
    set_publishing(True)
    yield opened
    set_publishing(before)
    opened.close()


def test_the_event_listed_is_the_event_published(publishing_store: Store) -> None:
    message = text_message(
        "bus-event-message", origination="+18005550100", message_type="TRANSACTIONAL", body="hello"
    )

    def send_and_deliver(tx: Transaction) -> None:
        accept(tx, message, NOW)
        advance_manually(tx, message.message_id, NOW, to_end=True)

    publishing_store.run_sync(send_and_deliver)

    listed, following = publishing_store.run_sync(lambda tx: list_events(tx, subject=message.message_id))
    published = publishing_store.run_sync(
        lambda tx: tx.outbox.claim_due(worker_id="test", now=NOW + 1, lease_seconds=30, limit=100)
    )
    envelopes = [orjson.loads(row.record) for row in published if row.destination_kind == EVENTBRIDGE]
    assert following is None
    assert envelopes, "publishing is on: every record has its EventBridge row"
    assert [event.envelope for event in listed] == envelopes
    assert [event.delivery_status for event in listed] == ["PENDING"] * len(envelopes)
    assert len({envelope["id"] for envelope in envelopes}) == len(envelopes)


def _page(endpoint: str, **query: str) -> dict[str, Any]:
    answer = httpx.get(f"{endpoint}/_smsvoice/eventbridge", params=query, timeout=10)
    assert answer.status_code == 200, answer.text
    page: dict[str, Any] = answer.json()
    return page


def test_pages_cover_message_and_registration_events_once_each(server: ServerProcess) -> None:
    account = new_account()
    v2 = client("pinpoint-sms-voice-v2", server.endpoint, account)
    number = v2.request_phone_number(
        IsoCountryCode="US", MessageType="TRANSACTIONAL", NumberCapabilities=["SMS"], NumberType="TOLL_FREE"
    )["PhoneNumber"]
    for body in ("one", "two", "three"):
        v2.send_text_message(
            DestinationPhoneNumber="+12065550142", OriginationIdentity=number, MessageBody=body
        )
    for _ in range(2):
        v2.create_registration(RegistrationType="US_TEN_DLC_BRAND_REGISTRATION")

    whole = _page(server.endpoint, account=account)
    pages: list[dict[str, Any]] = []
    after = ""
    for _ in range(20):  # bounded: 3 sends and 2 registrations make a dozen events at most
        page = _page(server.endpoint, account=account, limit="2", after=after)
        pages.append(page)
        if page["next_after"] is None:
            break
        after = page["next_after"]
    paged = [event for page in pages for event in page["events"]]

    assert whole["next_after"] is None
    kinds = sorted(event["event"]["detail-type"] for event in whole["events"])
    assert kinds.count("Registration Status Change") == 2
    assert kinds.count("Text Message Delivery Status Updated") >= 3
    assert sorted(event["id"] for event in paged) == sorted(event["id"] for event in whole["events"])
    assert len({event["id"] for event in paged}) == len(paged)
    assert all(len(page["events"]) <= 2 for page in pages)


def test_a_bad_cursor_is_refused_naming_it(server: ServerProcess) -> None:
    answer = httpx.get(f"{server.endpoint}/_smsvoice/eventbridge", params={"after": "x"}, timeout=10)
    assert answer.status_code == 400
    assert "after" in answer.json()["error"]
