"""The message detail (records, deliveries to moto's SNS with their errors, the parts) and a
conversation (bubbles both ways, a reply as the handset that reaches the server)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.delivery.support import MOTO_ACCOUNT, Aws, unique
from tests.ui.conftest import Sender

HANDSET = "+12065550142"


def test_the_detail_shows_the_records_and_their_delivery_attempts(
    page: Page, sender: Sender, aws: Aws, screenshot: Callable[[Page, str], Path]
) -> None:
    topic, queue = aws.topic_with_queue(unique("inbox"))
    sender.v2.create_configuration_set(ConfigurationSetName="orders")
    sender.v2.create_event_destination(
        ConfigurationSetName="orders",
        EventDestinationName="to-sns",
        MatchingEventTypes=["TEXT_ALL"],
        SnsDestination={"TopicArn": topic},
    )
    sender.v2.create_event_destination(
        ConfigurationSetName="orders",
        EventDestinationName="to-nowhere",
        MatchingEventTypes=["TEXT_SUCCESSFUL"],
        SnsDestination={"TopicArn": f"arn:aws:sns:us-east-1:{MOTO_ACCOUNT}:{unique('missing')}"},
    )
    body = "Your order 1234 has shipped. " * 7  # 203 GSM characters: two parts
    message_id = sender.send(body, ConfigurationSetName="orders", Context={"order": "1234"}, TimeToLive=600)

    page.goto(f"/_smsvoice/ui/messages/{message_id}")
    facts = page.locator(".facts")
    expect(facts).to_contain_text("orders")
    expect(facts).to_contain_text('{"order":"1234"}')
    expect(facts).to_contain_text("600")
    expect(facts).to_contain_text("GSM · 2")
    expect(facts).to_contain_text("TRANSACTIONAL")
    expect(facts).to_contain_text(sender.number)
    parts = page.locator(".parts > li")
    expect(parts).to_have_count(2)
    expect(parts.nth(0)).to_contain_text("part 1 · 153 chars")
    expect(parts.nth(1)).to_contain_text("part 2 · 50 chars")

    # The records in order, as the API has them (a US text goes PENDING, SUCCESSFUL, then DELIVERED).
    shown = httpx.get(f"{sender.endpoint}/_smsvoice/messages/{message_id}", timeout=10).json()
    events = page.locator(".events > li")
    expect(events).to_have_count(len(shown["events"]))
    for position, event in enumerate(shown["events"]):
        expect(events.nth(position).locator("h3")).to_contain_text(event["event_type"])
    expect(events.last.locator("h3")).to_contain_text("TEXT_DELIVERED")
    # The SUCCESSFUL record (both destinations match it) and its JSON, as the API shows it.
    successful = [event for event in shown["events"] if event["event_type"] == "TEXT_SUCCESSFUL"]
    last = events.filter(has=page.locator("h3", has_text="TEXT_SUCCESSFUL"))
    last.locator("summary").click()
    record = json.loads(last.locator("pre.json").inner_text())
    assert [record] == [event["record"] for event in successful]
    assert record["messageId"] == message_id
    # Each record's deliveries: the topic on moto's server delivered; the missing topic failed with
    # SNS's error, shown live without a reload.
    delivered = last.locator("tbody tr", has_text="to-sns")
    expect(delivered.locator("td").nth(3)).to_have_text("DELIVERED")
    expect(delivered.locator("td").nth(4)).to_have_text("1")
    failing = last.locator("tbody tr", has_text="to-nowhere")
    expect(failing.locator("td.error")).to_contain_text("NotFound")
    assert len(aws.drain(queue, expected=len(shown["events"]))) >= len(shown["events"])
    screenshot(page, "message")


def test_a_conversation_shows_both_ways_and_a_reply_from_the_box_reaches_the_server(
    page: Page, sender: Sender, screenshot: Callable[[Page, str], Path]
) -> None:
    first = sender.send("Hi! Your table for two is booked for 7 pm tonight.", destination=HANDSET)
    inbound = httpx.post(
        f"{sender.endpoint}/_smsvoice/inbound",
        json={
            "originationNumber": HANDSET,
            "destinationNumber": sender.number,
            "messageBody": "Can we make it 8?",
        },
        timeout=10,
    )
    assert inbound.status_code == 200
    sender.send("Done: 8 pm. Reply STOP to opt out.", destination=HANDSET)

    page.goto(f"/_smsvoice/ui/conversations?account={sender.account}")
    page.fill("input[name=account]", sender.account)
    thread = page.locator("#threads a", has_text=HANDSET)
    expect(thread).to_have_count(1)
    thread.click()
    bubbles = page.locator("#bubbles > li")
    expect(bubbles).to_have_count(3)
    expect(bubbles.nth(0)).to_have_class("bubble theirs")
    expect(bubbles.nth(0)).to_have_attribute("data-id", first)
    expect(bubbles.nth(0)).to_contain_text("GSM · 1 part · $0.00883")
    expect(bubbles.nth(1)).to_have_class("bubble mine")
    expect(bubbles.nth(1)).to_contain_text("Can we make it 8?")
    expect(page.locator("#thread-title")).to_have_text(f"{HANDSET} ⇄ {sender.number}")

    page.fill("#reply-body", "STOP")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#reply-result")).to_contain_text("keyword STOP, OPT_OUT")
    # The handset's STOP, and the number's automatic answer to it.
    expect(bubbles).to_have_count(5)
    stop = page.locator("#bubbles > li.mine", has_text="STOP")
    expect(stop).to_contain_text("keyword STOP · OPT_OUT")
    expect(page.locator("#bubbles > li.theirs")).to_have_count(3)
    expect(page.locator("#live")).to_have_text("live")
    screenshot(page, "conversation")

    # The server got it: the handset is opted out, and the API lists the inbound message.
    received = httpx.get(
        f"{sender.endpoint}/_smsvoice/messages",
        params={"direction": "inbound", "account": sender.account},
        timeout=10,
    ).json()["messages"]
    assert [(item["body"], item["keyword"], item["origination"]) for item in received] == [
        ("Can we make it 8?", None, HANDSET),
        ("STOP", "STOP", HANDSET),
    ]
    opted_out = sender.v2.describe_opted_out_numbers(OptOutListName="Default")["OptedOutNumbers"]
    assert [item["OptedOutNumber"] for item in opted_out] == [HANDSET]


def test_the_detail_moves_a_manual_message_and_redraws(page: Page, sender: Sender) -> None:
    sender.hold_in_manual_mode()
    message_id = sender.send("held for a person to move")
    page.goto(f"/_smsvoice/ui/messages/{message_id}")
    manual = page.locator("section", has_text="Manual mode")
    expect(manual).to_contain_text("TEXT_QUEUED → TEXT_PENDING → TEXT_SUCCESSFUL → TEXT_DELIVERED")
    manual.get_by_role("button", name="Advance one step").click()
    expect(page.locator("#message h1 .badge")).to_have_text("QUEUED")
    expect(page.locator(".events > li")).to_have_count(1)
    manual.get_by_role("button", name="To the end").click()
    expect(page.locator("#message h1 .badge")).to_have_text("DELIVERED")
    expect(manual).to_have_count(0)
    events = page.locator(".events > li h3")
    expect(events).to_have_count(4)
    expect(events.nth(3)).to_contain_text("TEXT_DELIVERED")
    shown = httpx.get(f"{sender.endpoint}/_smsvoice/messages/{message_id}", timeout=10).json()
    assert [event["event_type"] for event in shown["events"]] == [
        "TEXT_QUEUED",
        "TEXT_PENDING",
        "TEXT_SUCCESSFUL",
        "TEXT_DELIVERED",
    ]
    sender.forget_rules()
