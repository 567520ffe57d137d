"""The simulator view (rules, the clock, manual mode, fault rules) and the resources view."""

from __future__ import annotations

from typing import Any

import httpx
from botocore.exceptions import ClientError
from playwright.sync_api import Page, expect

from tests.support.waiting import wait_until
from tests.ui.conftest import Sender


def _api(sender: Sender, path: str, **params: Any) -> Any:
    answer = httpx.get(f"{sender.endpoint}/_smsvoice{path}", params=params, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _rules_of(sender: Sender) -> list[dict[str, Any]]:
    return [
        rule for rule in _api(sender, "/simulator/rules")["rules"] if rule.get("account") == sender.account
    ]


def test_a_rule_added_on_the_page_shapes_the_next_send(page: Page, sender: Sender) -> None:
    page.goto("/_smsvoice/ui/simulator")
    form = page.locator("#rule-form")
    form.locator("select[name=match]").select_option("destination")
    form.locator("input[name=value]").fill("+12065550199")
    form.locator("input[name=account]").fill(sender.account)
    form.locator("input[name=outcome]").fill("blocked")
    form.locator("button.primary").click()
    (rule,) = _wait_for_rules(sender, 1)
    assert rule["destination"] == "+12065550199"
    assert rule["outcome"] == "BLOCKED"
    row = page.locator(f"#rules tr[data-id='{rule['id']}']")
    expect(row).to_contain_text("+12065550199")
    expect(row).to_contain_text("BLOCKED")

    blocked = sender.send("Will it get there?", destination="+12065550199")
    other = sender.send("And this one?", destination="+12065550198")
    assert _api(sender, f"/messages/{blocked}")["status"] == "BLOCKED"
    assert _api(sender, f"/messages/{other}")["status"] == "DELIVERED"  # a US text: accepted, then delivered

    row.get_by_role("button", name=f"Delete rule {rule['id']}").click()
    expect(row).to_have_count(0)
    assert _rules_of(sender) == []


def _wait_for_rules(sender: Sender, count: int) -> list[dict[str, Any]]:
    wait_until(lambda: len(_rules_of(sender)) == count)
    return _rules_of(sender)


def test_manual_mode_messages_are_moved_from_the_page_and_the_clock_advances(
    page: Page, sender: Sender
) -> None:
    sender.hold_in_manual_mode()
    stepped = sender.send("held one")
    ended = sender.send("held two")
    page.goto("/_smsvoice/ui/simulator")
    first = page.locator(f"#manual li[data-id='{stepped}']")
    second = page.locator(f"#manual li[data-id='{ended}']")
    expect(first).to_be_visible()
    expect(second).to_be_visible()

    second.get_by_role("button", name="To the end").click()
    expect(second).to_have_count(0)
    assert _api(sender, f"/messages/{ended}")["status"] == "DELIVERED"
    first.get_by_role("button", name="Advance one step").click()
    wait_until(lambda: _api(sender, f"/messages/{stepped}")["status"] == "QUEUED")
    expect(first).to_contain_text("QUEUED; next: TEXT_PENDING → TEXT_SUCCESSFUL → TEXT_DELIVERED")
    first.locator("select").select_option("DELIVERED")
    first.get_by_role("button", name="To status").click()
    expect(first).to_have_count(0)
    assert _api(sender, f"/messages/{stepped}")["status"] == "DELIVERED"

    offset = _api(sender, "/simulator/clock")["offset_seconds"]
    page.fill("#clock-form input[name=seconds]", "90")
    page.click("#clock-form button")
    wait_until(lambda: _api(sender, "/simulator/clock")["offset_seconds"] >= offset + 90)
    expect(page.locator("#clock")).to_contain_text("ahead by")
    sender.forget_rules()


def test_fault_rules_are_added_and_deleted_on_the_page(page: Page, sender: Sender) -> None:
    page.goto("/_smsvoice/ui/simulator")
    page.fill(
        "#fault-json",
        f'{{"id": "ui-{sender.account}", "operation": "SendTextMessage", "error": "ThrottlingException", '
        f'"account": "{sender.account}", "count": 1}}',
    )
    page.click("#fault-form button")
    row = page.locator(f"#faults tr[data-id='ui-{sender.account}']")
    expect(row).to_contain_text("ThrottlingException")
    try:
        sender.send("throttled?")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "ThrottlingException"
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    else:
        raise AssertionError("the fault rule added on the page did not fire")
    page.reload()
    expect(row.locator("td.num")).to_have_text("1 / 1")
    row.get_by_role("button", name=f"Delete fault rule ui-{sender.account}").click()
    expect(row).to_have_count(0)
    assert all(fault["id"] != f"ui-{sender.account}" for fault in _api(sender, "/faults")["faults"])

    # A fault rule that is not JSON is refused on the page, with the reason.
    page.fill("#fault-json", "{not json")
    page.click("#fault-form button")
    expect(page.locator("#problem")).to_contain_text("not JSON")
    page.fill("#fault-json", '{"operation": "NoSuchOperation", "error": "ThrottlingException"}')
    page.click("#fault-form button")
    expect(page.locator("#problem")).to_contain_text("HTTP 400")


def test_the_resources_of_each_account_and_region(page: Page, sender: Sender) -> None:
    sender.v2.create_configuration_set(ConfigurationSetName="alerts")
    sender.v2.create_event_destination(
        ConfigurationSetName="alerts",
        EventDestinationName="to-logs",
        MatchingEventTypes=["TEXT_ALL"],
        CloudWatchLogsDestination={
            "IamRoleArn": "arn:aws:iam::123456789012:role/logs",
            "LogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:sms",
        },
    )
    sender.v2.create_opt_out_list(OptOutListName="marketing")
    sender.v2.put_opted_out_number(OptOutListName="marketing", OptedOutNumber="+12065550123")
    sender.v2.create_pool(
        OriginationIdentity=sender.number_id, IsoCountryCode="US", MessageType="TRANSACTIONAL"
    )
    registration = sender.v2.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")

    page.goto("/_smsvoice/ui/resources")
    page.fill("input[name=account]", sender.account)
    expect(page).to_have_url(f"/_smsvoice/ui/resources?account={sender.account}")
    group = page.locator(f"article[data-account='{sender.account}']")
    expect(group).to_have_count(1)
    expect(page.locator("#groups > article")).to_have_count(1)
    expect(group.locator("h2")).to_have_text(f"{sender.account} · us-east-1")
    sets = group.locator("[data-section=ConfigurationSets]")
    expect(sets).to_contain_text("alerts")
    expect(sets).to_contain_text("to-logs")
    expect(sets).to_contain_text("CloudWatch Logs arn:aws:logs:us-east-1:123456789012:log-group:sms")
    expect(group.locator("[data-section=PhoneNumbers]")).to_contain_text(sender.number)
    expect(group.locator("[data-section=Pools] h3")).to_have_text("Pools (1)")
    lists = group.locator("[data-section=OptOutLists]")
    expect(lists).to_contain_text("marketing")
    expect(lists).to_contain_text("+12065550123")
    registrations = group.locator("[data-section=Registrations]")
    expect(registrations.locator("h3")).to_have_text("Registrations (1)")
    expect(registrations).to_contain_text(registration["RegistrationId"])
    expect(registrations).to_contain_text("US_TOLL_FREE_REGISTRATION")
    expect(registrations).to_contain_text("CREATED")
    # The address keeps the filter.
    page.reload()
    expect(page.locator("input[name=account]")).to_have_value(sender.account)
    expect(page.locator("#groups > article")).to_have_count(1)
