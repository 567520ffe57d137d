"""The v1 API as the gateway serves it."""

from __future__ import annotations

from smsvoice.protocol.model import load_service_model
from smsvoice.protocol.rest_json import RestJsonProtocol
from smsvoice.quotas import V1_EVENT_DESTINATION_REQUESTS_PER_SECOND
from smsvoice.services.api import Api, RequestRates
from smsvoice.services.names import V1
from smsvoice.services.v1.errors import V1Errors
from smsvoice.services.v1.operations import operations
from smsvoice.services.v1.voice import read_ahead_of_send

# Under `--throttling aws`, only the event-destination resource is limited; the rest of v1 is not.
RATES = RequestRates(
    per_operation={
        "CreateConfigurationSetEventDestination": V1_EVENT_DESTINATION_REQUESTS_PER_SECOND,
        "GetConfigurationSetEventDestinations": V1_EVENT_DESTINATION_REQUESTS_PER_SECOND,
        "UpdateConfigurationSetEventDestination": V1_EVENT_DESTINATION_REQUESTS_PER_SECOND,
        "DeleteConfigurationSetEventDestination": V1_EVENT_DESTINATION_REQUESTS_PER_SECOND,
    }
)


def build_v1_api() -> Api:
    model = load_service_model(V1)
    # Every module of smsvoice.services.v1 is imported here, registering its handlers.
    return Api(
        "v1",
        V1,
        RestJsonProtocol(model),
        operations.collect(model),
        V1Errors(),
        # A send locks no row (store/batches.py).
        batched_operations=frozenset({"SendVoiceMessage"}),
        read_ahead=read_ahead_of_send,
    )
