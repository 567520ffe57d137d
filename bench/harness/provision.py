"""An account ready to send: a toll-free number and a configuration set with one event destination."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3
from botocore.config import Config

from harness.operations import REGION
from smsvoice.testing.process import LOOPBACK


def sns_destination(account: str, topic: str) -> dict[str, Any]:
    return {"SnsDestination": {"TopicArn": f"arn:aws:sns:{REGION}:{account}:{topic}"}}


def provision_sender(port: int, account: str, configuration_set: str, destination: Mapping[str, Any]) -> str:
    """Request a US toll-free number and create `configuration_set` whose destination `all` (an
    event destination's kind and target, e.g. `sns_destination(...)`) matches every event; the number."""
    v2 = boto3.client(
        "pinpoint-sms-voice-v2",
        endpoint_url=f"http://{LOOPBACK}:{port}",
        region_name=REGION,
        aws_access_key_id=account,
        aws_secret_access_key="bench",
        config=Config(retries={"total_max_attempts": 1}),
    )
    number = v2.request_phone_number(
        IsoCountryCode="US", MessageType="TRANSACTIONAL", NumberCapabilities=["SMS"], NumberType="TOLL_FREE"
    )["PhoneNumber"]
    v2.create_configuration_set(ConfigurationSetName=configuration_set)
    v2.create_event_destination(
        ConfigurationSetName=configuration_set,
        EventDestinationName="all",
        MatchingEventTypes=["ALL"],
        **destination,
    )
    return str(number)
