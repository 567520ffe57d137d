"""The v1 API as the gateway serves it."""

from __future__ import annotations

from smsvoice.protocol.model import load_service_model
from smsvoice.protocol.rest_json import RestJsonProtocol
from smsvoice.quotas import V1
from smsvoice.services.api import Api

# Importing the handler modules registers their operations.
from smsvoice.services.v1 import configuration_sets, event_destinations, voice  # noqa: F401
from smsvoice.services.v1.errors import V1Errors
from smsvoice.services.v1.operations import operations


def build_v1_api() -> Api:
    model = load_service_model(V1)
    return Api("v1", V1, RestJsonProtocol(model), operations, V1Errors())
