"""Micro benchmark of output serialisation: the model-driven shaper against what it replaced.

"dump only" is the floor, orjson on the handler's dict with no shaping (serialize_output used to
be little more than that; for DescribePhoneNumbers it includes the hand trimming with `item()` the
handler did before); "serialize" is serialize_output now, shaping included. Run: .venv/bin/python bench/bench_shaping.py
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from smsvoice.protocol.base import dump_json
from smsvoice.protocol.json_protocol import JsonProtocol
from smsvoice.protocol.model import load_service_model
from smsvoice.protocol.rest_json import RestJsonProtocol
from smsvoice.services.v2.identities import item
from tests.support.samples import sample


def best_of(function: Callable[[], Any], number: int = 20_000) -> float:
    """Microseconds per call, best of 7 rounds (the machine is shared)."""
    function()
    return min(timeit.repeat(function, number=number, repeat=7)) / number * 1e6


def main() -> None:
    v1 = load_service_model("pinpoint-sms-voice")
    v2 = load_service_model("pinpoint-sms-voice-v2")
    json_protocol, rest_protocol = JsonProtocol(v2), RestJsonProtocol(v1)

    send = v2.operation_model("SendTextMessage")
    send_output = {"MessageId": "0123456789abcdef0123456789abcdef"}
    sets = v2.operation_model("DescribeConfigurationSets")
    sets_output = sample(sets.output_shape, full=True)
    destinations = v1.operation_model("GetConfigurationSetEventDestinations")
    destinations_output = sample(destinations.output_shape, full=True)
    numbers = v2.operation_model("DescribePhoneNumbers")
    stored = [sample(v2.shape_for("PhoneNumberInformation"), full=True) for _ in range(10)]

    cases: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        (
            "v2 SendTextMessage {MessageId}",
            lambda: dump_json(send_output),
            lambda: json_protocol.serialize_output(send, send_output),
        ),
        (
            "v2 DescribeConfigurationSets (nested)",
            lambda: dump_json(sets_output),
            lambda: json_protocol.serialize_output(sets, sets_output),
        ),
        (
            "v1 GetConfigurationSetEventDestinations",
            lambda: dump_json(destinations_output),
            lambda: rest_protocol.serialize_output(destinations, destinations_output),
        ),
        (
            "v2 DescribePhoneNumbers, 10 stored documents",
            lambda: dump_json({"PhoneNumbers": [item(doc, "PhoneNumberInformation") for doc in stored]}),
            lambda: json_protocol.serialize_output(numbers, {"PhoneNumbers": stored}),
        ),
    ]
    print(f"{'microseconds per call':48s} {'dump only':>10s} {'serialize':>10s}")
    for name, before, after in cases:
        print(f"{name:48s} {best_of(before):10.2f} {best_of(after):10.2f}")


if __name__ == "__main__":
    main()
