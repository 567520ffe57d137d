"""The v2 API as the gateway serves it."""

from __future__ import annotations

from smsvoice.protocol.json_protocol import JsonProtocol
from smsvoice.protocol.model import load_service_model
from smsvoice.quotas import V2_DELETE_OPTED_OUT_NUMBER_REQUESTS_PER_SECOND, V2_REQUESTS_PER_SECOND
from smsvoice.services.api import Api, RequestRates
from smsvoice.services.names import V2
from smsvoice.services.v2.errors import V2Errors
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.sending import BATCHED_SENDS, read_ahead_of_send

# Under `--throttling aws`: every control-plane operation at the quotas page's rate, but for its one
# exception. Sending is limited by message parts per second per origination identity, not by the
# control-plane request rate (same page), so the send-path operations are left out.
RATES = RequestRates(
    per_operation={"DeleteOptedOutNumber": V2_DELETE_OPTED_OUT_NUMBER_REQUESTS_PER_SECOND},
    default=V2_REQUESTS_PER_SECOND,
    unthrottled=frozenset(
        {
            "SendTextMessage",
            "SendVoiceMessage",
            "SendMediaMessage",
            "SendRcsMessage",
            "SendNotifyTextMessage",
            "SendNotifyVoiceMessage",
            "SendDestinationNumberVerificationCode",
            "PutMessageFeedback",
        }
    ),
)


# A registration attachment is up to 5 MB ("AttachmentBody ... 5 MB", API reference), 6.7 MB in base64.
BODY_LIMITS = {"CreateRegistrationAttachment": 8 * 1024 * 1024}


def build_v2_api() -> Api:
    model = load_service_model(V2)
    # Every module of smsvoice.services.v2 is imported here, registering its handlers (one module per
    # resource family).
    return Api(
        "v2",
        V2,
        JsonProtocol(model),
        operations.collect(model),
        V2Errors(),
        BODY_LIMITS,
        read_ahead_of_send,
        BATCHED_SENDS,
    )
