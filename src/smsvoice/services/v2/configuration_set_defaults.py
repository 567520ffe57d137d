"""Per-configuration-set defaults: message type, sender ID and message feedback.

Sends that name the set use them when the request leaves the member out; DescribeConfigurationSets
shows them as DefaultMessageType, DefaultSenderId and DefaultMessageFeedbackEnabled.
"""

from __future__ import annotations

from typing import Any

from smsvoice.services.api import OperationContext
from smsvoice.services.v2.configuration_sets import (
    identity_of,
    load_configuration_set,
    save_configuration_set,
)
from smsvoice.services.v2.operations import operations


def _set_default(
    context: OperationContext, params: dict[str, Any], member: str, value: Any, output_member: str
) -> dict[str, Any]:
    configuration_set = load_configuration_set(context, params["ConfigurationSetName"])
    configuration_set[member] = value
    save_configuration_set(context, configuration_set)
    return {**identity_of(configuration_set), output_member: value}


def _delete_default(
    context: OperationContext, params: dict[str, Any], member: str, output_member: str
) -> dict[str, Any]:
    """Removes the default and answers the value it had; deleting an unset default is not an error."""
    configuration_set = load_configuration_set(context, params["ConfigurationSetName"])
    previous = configuration_set.pop(member, None)
    save_configuration_set(context, configuration_set)
    result = identity_of(configuration_set)
    if previous is not None:
        result[output_member] = previous
    return result


@operations.handler("SetDefaultMessageType")
def set_default_message_type(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    return _set_default(context, params, "DefaultMessageType", params["MessageType"], "MessageType")


@operations.handler("DeleteDefaultMessageType")
def delete_default_message_type(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    return _delete_default(context, params, "DefaultMessageType", "MessageType")


@operations.handler("SetDefaultSenderId")
def set_default_sender_id(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    # The sender ID need not be one of the account's: AWS uses it "if no dedicated origination phone
    # numbers or registered SenderIds are available" (v2 API reference, SetDefaultSenderId).
    return _set_default(context, params, "DefaultSenderId", params["SenderId"], "SenderId")


@operations.handler("DeleteDefaultSenderId")
def delete_default_sender_id(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    return _delete_default(context, params, "DefaultSenderId", "SenderId")


@operations.handler("SetDefaultMessageFeedbackEnabled")
def set_default_message_feedback_enabled(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    enabled = bool(params["MessageFeedbackEnabled"])
    return _set_default(context, params, "DefaultMessageFeedbackEnabled", enabled, "MessageFeedbackEnabled")
