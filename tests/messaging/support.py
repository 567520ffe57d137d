"""Helpers of the messaging tests: provisioning through boto3, reading results through the inspection API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.arns import delivery_stream_arn, log_group_arn, role_arn, topic_arn

TOPIC = topic_arn("events")
LOG_GROUP = log_group_arn("sms-events")
ROLE = role_arn("sms-events")
STREAM = delivery_stream_arn("sms-events")
US_DESTINATION = "+12065550142"
US_SIMULATOR_SUCCESS = "+14254147755"
US_SIMULATOR_FAILURE = "+14254147167"


def phone_number(
    v2: Any, *, capabilities: tuple[str, ...] = ("SMS", "MMS", "VOICE"), **overrides: Any
) -> str:
    """A US toll-free number of the test's account that can send every channel; its E.164 form."""
    params: dict[str, Any] = {
        "IsoCountryCode": "US",
        "MessageType": "TRANSACTIONAL",
        "NumberCapabilities": list(capabilities),
        "NumberType": "TOLL_FREE",
        **overrides,
    }
    return str(v2.request_phone_number(**params)["PhoneNumber"])


def configuration_set(v2: Any, name: str, *destinations: dict[str, Any]) -> str:
    """A configuration set with SNS event destinations given as {name: [event types]}-like dicts."""
    v2.create_configuration_set(ConfigurationSetName=name)
    for destination in destinations:
        v2.create_event_destination(ConfigurationSetName=name, **destination)
    return name


def sns_destination(name: str, *types: str) -> dict[str, Any]:
    return {
        "EventDestinationName": name,
        "MatchingEventTypes": list(types),
        "SnsDestination": {"TopicArn": TOPIC},
    }


class Inspector:
    """The /_smsvoice/ API of one server."""

    def __init__(self, endpoint: str) -> None:
        self.base = f"{endpoint}/_smsvoice"

    def messages(self, **filters: str) -> list[dict[str, Any]]:
        answer = httpx.get(f"{self.base}/messages", params=filters, timeout=10)
        assert answer.status_code == 200, answer.text
        found: list[dict[str, Any]] = answer.json()["messages"]
        return found

    def message(self, message_id: str) -> dict[str, Any]:
        answer = httpx.get(f"{self.base}/messages/{message_id}", timeout=10)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    def records(self, message_id: str) -> list[dict[str, Any]]:
        return [event["record"] for event in self.message(message_id)["events"]]

    def event_types(self, message_id: str) -> list[str]:
        return [event["event_type"] for event in self.message(message_id)["events"]]

    def advance(self, message_id: str, **body: Any) -> httpx.Response:
        return httpx.post(f"{self.base}/messages/{message_id}/advance", json=body, timeout=10)

    def add_rules(self, *rules: dict[str, Any], account: str | None = None) -> list[dict[str, Any]]:
        params = {"account": account} if account else {}
        answer = httpx.post(
            f"{self.base}/simulator/rules", json={"rules": list(rules)}, params=params, timeout=10
        )
        assert answer.status_code == 201, answer.text
        added: list[dict[str, Any]] = answer.json()["rules"]
        return added

    def rules(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = httpx.get(f"{self.base}/simulator/rules", timeout=10).json()["rules"]
        return found

    def clear_rules(self, **params: str) -> None:
        assert httpx.delete(f"{self.base}/simulator/rules", params=params, timeout=10).status_code == 200

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        answer = httpx.post(f"{self.base}/simulator/clock", json={"advance_seconds": seconds}, timeout=30)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    def set_tier(self, account: str, tier: str, region: str = "us-east-1") -> None:
        answer = httpx.put(
            f"{self.base}/accounts/{account}/regions/{region}/tier", json={"tier": tier}, timeout=10
        )
        assert answer.status_code == 200, answer.text
