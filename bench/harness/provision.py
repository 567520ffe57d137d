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


# How a send names where it comes from (`origination_as`): its number's E.164 form, PhoneNumberId or
# ARN, a pool holding the number, or nothing (the server picks one of the account's numbers).
ORIGIN_FORMS = ("number", "id", "arn", "pool", "none")


def _v2(port: int, account: str) -> Any:
    return boto3.client(
        "pinpoint-sms-voice-v2",
        endpoint_url=f"http://{LOOPBACK}:{port}",
        region_name=REGION,
        aws_access_key_id=account,
        aws_secret_access_key="bench",
        config=Config(retries={"total_max_attempts": 1}),
    )


def origination_as(port: int, account: str, number: str, form: str) -> str | None:
    """The OriginationIdentity that names `number` in `form` (one of ORIGIN_FORMS; a pool is created
    for "pool"); None for "none"."""
    if form == "number":
        return number
    if form == "none":
        return None
    v2 = _v2(port, account)
    found = next(
        item for item in v2.describe_phone_numbers()["PhoneNumbers"] if item["PhoneNumber"] == number
    )
    if form == "id":
        return str(found["PhoneNumberId"])
    if form == "arn":
        return str(found["PhoneNumberArn"])
    if form == "pool":
        return str(
            v2.create_pool(
                OriginationIdentity=found["PhoneNumberArn"], IsoCountryCode="US", MessageType="TRANSACTIONAL"
            )["PoolId"]
        )
    raise ValueError(f"unknown origin form {form!r}: one of {', '.join(ORIGIN_FORMS)}")


def provision_sender(port: int, account: str, configuration_set: str, destination: Mapping[str, Any]) -> str:
    """Request a US toll-free number and create `configuration_set` whose destination `all` (an
    event destination's kind and target, e.g. `sns_destination(...)`) matches every event; the number."""
    v2 = _v2(port, account)
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
