"""The inbox view: live updates, search and filters, unread marks, keyboard, themes, a phone's width,
and the admin token prompt."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, Route, expect

from tests.ui.conftest import Sender


def _open_inbox(page: Page, **filters: str) -> None:
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    page.goto(f"/_smsvoice/ui/?{query}")
    expect(page.locator("#live")).to_have_text("live")


def test_a_browser_opening_the_server_lands_on_the_inbox(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_url("/_smsvoice/ui/")
    expect(page).to_have_title("Inbox · smsvoice")


def test_the_inbox_shows_a_message_sent_through_boto3_without_a_reload(
    page: Page, sender: Sender, screenshot: Callable[[Page, str], Path]
) -> None:
    sender.send("Your code is 482913", destination="+12065550100")
    _open_inbox(page, account=sender.account)
    rows = page.locator("#messages > li")
    expect(rows).to_have_count(1)
    page.evaluate("window.stillTheSamePage = true")

    message_id = sender.send("Your parcel arrives today between 2 and 4 pm", destination="+12065550101")
    # Newest first, unread, arrived through the change stream: the page was not loaded again.
    expect(rows).to_have_count(2)
    newest = rows.first
    expect(newest).to_have_attribute("data-id", message_id)
    expect(newest).to_contain_text("Your parcel arrives today")
    expect(newest).to_contain_text("+12065550101")
    expect(newest).to_have_class("message unread")
    expect(newest.locator(".badge")).to_have_text("DELIVERED")  # a US text: accepted, then delivered
    assert page.evaluate("window.stillTheSamePage") is True
    sender.send("Reply STOP to stop reminders", destination="+12065550102")
    expect(rows).to_have_count(3)
    screenshot(page, "inbox")


def test_search_and_filters_narrow_the_list(page: Page, sender: Sender) -> None:
    sender.v2.create_configuration_set(ConfigurationSetName="marketing")
    sender.send("Alpha sale starts now", destination="+12065550110", ConfigurationSetName="marketing")
    sender.send("Beta code 1234", destination="+12065550111")
    sender.send("Another alpha note", destination="+12065550111")
    _open_inbox(page, account=sender.account)
    rows = page.locator("#messages > li")
    expect(rows).to_have_count(3)

    page.fill("#search", "ALPHA")
    expect(rows).to_have_count(2)
    expect(page).to_have_url(f"/_smsvoice/ui/?q=ALPHA&direction=all&account={sender.account}")
    page.fill("input[name=number]", "+12065550111")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Another alpha note")
    page.click("button[type=reset]")
    page.fill("input[name=account]", sender.account)
    expect(rows).to_have_count(3)
    page.fill("input[name=configuration_set]", "marketing")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alpha sale")
    page.fill("input[name=configuration_set]", "")
    page.select_option("select[name=status]", "BLOCKED")
    expect(rows).to_have_count(0)
    page.select_option("select[name=status]", "DELIVERED")
    page.select_option("select[name=channel]", "TEXT")
    expect(rows).to_have_count(3)
    page.fill("input[name=since]", "2000-01-01")
    page.fill("input[name=until]", "2000-01-02")
    expect(rows).to_have_count(0)


def test_the_keyboard_moves_opens_and_marks_unread(page: Page, sender: Sender) -> None:
    older = sender.send("first")
    newer = sender.send("second")
    _open_inbox(page, account=sender.account)
    rows = page.locator("#messages > li")
    expect(rows).to_have_count(2)
    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class("message unread selected")
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class("message unread selected")
    page.keyboard.press("u")  # mark read
    expect(rows.nth(1)).to_have_class("message selected")
    page.keyboard.press("u")  # and unread again
    expect(rows.nth(1)).to_have_class("message unread selected")
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class("message unread selected")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"/_smsvoice/ui/messages/{newer}")
    expect(page.locator("#message h1")).to_contain_text("TEXT to")
    page.go_back()
    expect(page.locator("#messages > li")).to_have_count(2)
    # The message opened is read now; the other one is not.
    expect(page.locator(f"li[data-id='{newer}']")).to_have_class("message")
    expect(page.locator(f"li[data-id='{older}']")).to_have_class("message unread")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    page.keyboard.press("Escape")
    page.keyboard.press("g")
    page.keyboard.press("s")
    expect(page).to_have_url("/_smsvoice/ui/simulator")


def test_dark_theme_and_a_phones_width(
    page: Page, sender: Sender, screenshot: Callable[[Page, str], Path]
) -> None:
    sender.send("Dark and narrow")
    light = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 390, "height": 844})
    _open_inbox(page, account=sender.account)
    expect(page.locator("#messages > li")).to_have_count(1)
    dark = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert dark != light
    assert dark == "rgb(21, 23, 28)"
    # Nothing sticks out sideways at a phone's width.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "inbox-dark-phone")


def test_the_page_asks_for_the_admin_token_and_sends_it(page: Page, sender: Sender) -> None:
    """The server side of the token is another change; here its answers (401 without a token, 403
    with a wrong one) are played by the browser's router, which lets a request through only with
    the right token in the Authorization header: the JSON calls and the change stream alike."""
    sender.send("behind a token")
    seen: list[tuple[str, str | None]] = []

    def guard(route: Route) -> None:
        given = route.request.headers.get("authorization")
        seen.append((route.request.url.split("?")[0].rsplit("/", 1)[-1], given))
        if given is None:
            route.fulfill(status=401, json={"error": "this route needs the admin token"})
        elif given != "Bearer s3cret":
            route.fulfill(status=403, json={"error": "the admin token is not right"})
        else:
            route.continue_()

    page.route("**/_smsvoice/messages?*", guard)
    page.route("**/_smsvoice/changes", guard)
    page.goto(f"/_smsvoice/ui/?account={sender.account}")
    dialog = page.locator("#token-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#token-reason")).to_contain_text("asks for its admin token (HTTP 401)")
    page.fill("#token-input", "wrong")
    page.click("#token-dialog button[value=save]")
    expect(page.locator("#token-reason")).to_contain_text("refused the token kept here (HTTP 403)")
    expect(dialog).to_be_visible()
    page.fill("#token-input", "s3cret")
    page.click("#token-dialog button[value=save]")
    expect(page.locator("#live")).to_have_text("live")
    expect(page.locator("#messages > li")).to_have_count(1)
    assert ("changes", None) in seen
    assert ("changes", "Bearer s3cret") in seen
    assert ("messages", "Bearer s3cret") in seen
    assert page.evaluate("localStorage.getItem('smsvoice.adminToken')") == "s3cret"
    # Live updates go on through the stream that carries the header.
    sender.send("still live behind the token")
    expect(page.locator("#messages > li")).to_have_count(2)


def test_received_messages_are_listed_and_lead_to_their_conversation(page: Page, sender: Sender) -> None:
    sender.send("Are you coming?", destination="+12065550150")
    answer = httpx.post(
        f"{sender.endpoint}/_smsvoice/inbound",
        json={
            "originationNumber": "+12065550150",
            "destinationNumber": sender.number,
            "messageBody": "Yes, at 6",
        },
        timeout=10,
    )
    assert answer.status_code == 200
    # Both ways by default, the newest first; then what handsets sent alone.
    _open_inbox(page, account=sender.account)
    rows = page.locator("#messages > li")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Yes, at 6")
    expect(rows.nth(1)).to_contain_text("Are you coming?")
    page.select_option("select[name=direction]", "inbound")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Yes, at 6")
    expect(rows.first).to_contain_text("+12065550150")
    expect(page.locator("select[name=status]")).to_be_disabled()  # received messages have none
    page.fill("#search", "at 7")
    expect(rows).to_have_count(0)
    page.fill("#search", "AT 6")
    expect(rows).to_have_count(1)
    rows.first.locator("a").click()
    expect(page.locator("#thread-title")).to_have_text(f"+12065550150 ⇄ {sender.number}")
    expect(page.locator("#bubbles > li")).to_have_count(2)
