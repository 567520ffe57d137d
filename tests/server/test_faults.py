"""Fault injection (POST /_smsvoice/faults) answered as the APIs answer those errors, and reset
(DELETE /_smsvoice/state)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from smsvoice.testing.process import ServerProcess
from tests.support.clients import client, new_account
from tests.support.errors import error_of


@pytest.fixture
def faults(endpoint: str) -> Iterator[str]:
    url = f"{endpoint}/_smsvoice/faults"
    yield url
    httpx.delete(url, timeout=10)


def _add(url: str, rule: dict[str, Any]) -> dict[str, Any]:
    answer = httpx.post(url, json=rule, timeout=10)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def test_a_v2_error_is_answered_as_v2_answers_it_and_counts_down(faults: str, v2: Any, account: str) -> None:
    rule = _add(
        faults,
        {
            "operation": "CreateConfigurationSet",
            "error": "ThrottlingException",
            "count": 1,
            "account": account,
        },
    )
    assert rule["id"].startswith("fault-")
    with pytest.raises(ClientError) as info:
        v2.create_configuration_set(ConfigurationSetName="first")
    assert error_of(info)["Code"] == "ThrottlingException"
    assert error_of(info)["Status"] == 400
    assert f"fault rule {rule['id']}" in info.value.response["Error"]["Message"]
    # count 1: the next call goes through, and nothing of the refused one was kept.
    v2.create_configuration_set(ConfigurationSetName="second")
    names = [item["ConfigurationSetName"] for item in v2.describe_configuration_sets()["ConfigurationSets"]]
    assert names == ["second"]
    [listed] = httpx.get(faults, timeout=10).json()["faults"]
    assert (listed["id"], listed["fired"], listed["count"]) == (rule["id"], 1, 1)


def test_an_error_with_a_reason_carries_it(faults: str, v2: Any, account: str) -> None:
    _add(faults, {"operation": "SendTextMessage", "error": "ValidationException", "account": account})
    _add(
        faults,
        {"operation": "CreateOptOutList", "error": "ConflictException", "reason": "RESOURCE_ALREADY_EXISTS"},
    )
    with pytest.raises(ClientError) as validation:
        v2.send_text_message(DestinationPhoneNumber="+12065550142", MessageBody="hi")
    assert (error_of(validation)["Code"], error_of(validation)["Reason"]) == ("ValidationException", "OTHER")
    with pytest.raises(ClientError) as conflict:
        v2.create_opt_out_list(OptOutListName="new-list")
    assert (error_of(conflict)["Code"], error_of(conflict)["Reason"]) == (
        "ConflictException",
        "RESOURCE_ALREADY_EXISTS",
    )


def test_an_internal_error_is_a_500(faults: str, v2: Any, account: str) -> None:
    _add(faults, {"operation": "DescribePools", "error": "InternalServerException", "account": account})
    with pytest.raises(ClientError) as info:
        v2.describe_pools()
    assert (error_of(info)["Code"], error_of(info)["Status"]) == ("InternalServerException", 500)


def test_a_v1_error_has_the_v1_status_and_error_type(faults: str, v1: Any, account: str) -> None:
    _add(
        faults, {"operation": "CreateConfigurationSet", "error": "LimitExceededException", "account": account}
    )
    with pytest.raises(ClientError) as info:
        v1.create_configuration_set(ConfigurationSetName="x")
    assert (error_of(info)["Code"], error_of(info)["Status"]) == ("LimitExceededException", 412)


def test_destination_and_prefix_choose_the_sends(faults: str, v2: Any, account: str) -> None:
    number = v2.request_phone_number(
        IsoCountryCode="US", MessageType="TRANSACTIONAL", NumberCapabilities=["SMS"], NumberType="TOLL_FREE"
    )["PhoneNumberId"]
    _add(faults, {"error": "ServiceQuotaExceededException", "prefix": "+1206555019", "account": account})
    v2.send_text_message(DestinationPhoneNumber="+12065550142", OriginationIdentity=number, MessageBody="ok")
    with pytest.raises(ClientError) as info:
        v2.send_text_message(
            DestinationPhoneNumber="+12065550199", OriginationIdentity=number, MessageBody="no"
        )
    assert error_of(info)["Code"] == "ServiceQuotaExceededException"


def test_probability_zero_never_fires(faults: str, v2: Any, account: str) -> None:
    _add(
        faults,
        {"operation": "DescribePools", "error": "ThrottlingException", "probability": 0, "account": account},
    )
    for _ in range(5):
        assert v2.describe_pools()["Pools"] == []
    [listed] = httpx.get(faults, timeout=10).json()["faults"]
    assert listed["fired"] == 0


def test_latency_only_answers_late_but_answers(faults: str, v2: Any, account: str) -> None:
    _add(faults, {"operation": "DescribePools", "latency_ms": 300, "account": account, "count": 1})
    started = time.monotonic()
    assert v2.describe_pools()["Pools"] == []
    assert time.monotonic() - started >= 0.3  # the injected pause, not a speed measurement


@pytest.mark.parametrize(
    ("rule", "member"),
    [
        ({"operation": "SendTextMessage", "error": "NoSuchException"}, "error"),
        ({"operation": "SendTelegram", "error": "ThrottlingException"}, "operation"),
        ({"error": "ThrottlingException", "probability": 2}, "probability"),
        ({"operation": "SendTextMessage"}, "error or latency_ms"),
        ({"error": "ThrottlingException", "count": 0}, "count"),
        ({"error": "ThrottlingException", "destination": "12"}, "destination"),
        ({"error": "ThrottlingException", "colour": "red"}, "colour"),
    ],
)
def test_bad_rules_are_400_naming_the_member(faults: str, rule: dict[str, Any], member: str) -> None:
    answer = httpx.post(faults, json=rule, timeout=10)
    assert answer.status_code == 400
    assert member in answer.json()["error"]


def test_one_rule_is_deleted_by_id(faults: str) -> None:
    rule = _add(faults, {"error": "ThrottlingException", "account": new_account()})
    assert httpx.delete(f"{faults}/{rule['id']}", timeout=10).status_code == 204
    assert httpx.delete(f"{faults}/{rule['id']}", timeout=10).status_code == 404
    assert httpx.get(faults, timeout=10).json()["faults"] == []


def test_rules_from_a_file_at_start(tmp_path: Path, fresh_server: Any) -> None:
    rules = tmp_path / "faults.json"
    rules.write_text(json.dumps([{"operation": "DescribePools", "error": "AccessDeniedException"}]))
    server: ServerProcess = fresh_server("--throttling", "off", "--faults", str(rules))
    v2 = client("pinpoint-sms-voice-v2", server.endpoint, new_account())
    with pytest.raises(ClientError) as info:
        v2.describe_pools()
    assert error_of(info)["Code"] == "AccessDeniedException"


@pytest.mark.parametrize("account", ["1111", "11112222333%", "1111_2223333", "my-account"])
def test_a_reset_of_an_account_that_is_not_one_is_refused_and_forgets_nothing(
    endpoint: str, account: str
) -> None:
    kept = new_account()
    client("pinpoint-sms-voice-v2", endpoint, kept).create_configuration_set(ConfigurationSetName="kept")
    answer = httpx.delete(f"{endpoint}/_smsvoice/state", params={"account": account}, timeout=10)
    assert answer.status_code == 400
    assert answer.json() == {"error": f"account must be 12 digits, not {account!r}"}
    [still] = client("pinpoint-sms-voice-v2", endpoint, kept).describe_configuration_sets()[
        "ConfigurationSets"
    ]
    assert still["ConfigurationSetName"] == "kept"


def test_reset_forgets_one_account_and_keeps_the_others(endpoint: str) -> None:
    first, second = new_account(), new_account()
    for account in (first, second):
        client("pinpoint-sms-voice-v2", endpoint, account).create_configuration_set(
            ConfigurationSetName="kept"
        )
    answer = httpx.delete(f"{endpoint}/_smsvoice/state", params={"account": first}, timeout=10)
    assert answer.status_code == 200
    assert answer.json()["forgotten"]["resources"] >= 1
    assert (
        client("pinpoint-sms-voice-v2", endpoint, first).describe_configuration_sets()["ConfigurationSets"]
        == []
    )
    [kept] = client("pinpoint-sms-voice-v2", endpoint, second).describe_configuration_sets()[
        "ConfigurationSets"
    ]
    assert kept["ConfigurationSetName"] == "kept"
    # The counters went with the documents: the quota starts again.
    limits = client("pinpoint-sms-voice-v2", endpoint, first).describe_account_limits()["AccountLimits"]
    assert {item["Name"]: item["Used"] for item in limits}["CONFIGURATION_SETS"] == 0
