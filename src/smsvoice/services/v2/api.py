"""The v2 API as the gateway serves it."""

from __future__ import annotations

from smsvoice.protocol.json_protocol import JsonProtocol
from smsvoice.protocol.model import load_service_model
from smsvoice.quotas import V2
from smsvoice.services.api import Api

# Importing the handler modules registers their operations (one line per resource family).
from smsvoice.services.v2 import (  # noqa: F401
    account,
    available_numbers,
    carrier_lookup,
    configuration_set_defaults,
    configuration_sets,
    event_destinations,
    keywords,
    opt_outs,
    phone_numbers,
    pools,
    protect_configurations,
    protect_overrides,
    rcs_agents,
    rcs_sending,
    resource_policies,
    sender_ids,
    sending,
    tags,
    verified_destinations,
)
from smsvoice.services.v2.errors import V2Errors
from smsvoice.services.v2.operations import operations


def build_v2_api() -> Api:
    model = load_service_model(V2)
    return Api("v2", V2, JsonProtocol(model), operations, V2Errors())
