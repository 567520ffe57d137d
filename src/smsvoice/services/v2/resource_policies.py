"""Resource-based policies for sharing phone numbers, sender IDs, pools and opt-out lists.

smsvoice keeps the policy document as given (it must be JSON) and answers it back; it does not
evaluate policies, so sharing across accounts is not simulated. Choices where AWS is silent:
- a policy on another kind of resource (a configuration set, ...) is a ValidationException
  INVALID_PARAMETER; a policy that is not JSON is one too;
- GetResourcePolicy and DeleteResourcePolicy on a resource without a policy answer only the ARN.
"""

from __future__ import annotations

import json
from typing import Any, Final

from smsvoice.services.api import OperationContext
from smsvoice.services.v2.errors import ValidationException
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.tags import RESOURCE_POLICY, ensure_resource_exists

# "A shared resource can be a Pool, Opt-out list, Sender Id, or Phone number." (v2 API reference)
SHAREABLE: Final = frozenset({"phone-number", "sender-id", "pool", "opt-out-list"})


def _shareable(context: OperationContext, arn: str) -> None:
    resource_type = ensure_resource_exists(context, arn)
    if resource_type not in SHAREABLE:
        raise ValidationException(
            f"A {resource_type} cannot have a resource policy: only phone numbers, sender IDs, pools "
            "and opt-out lists are shared",
            "INVALID_PARAMETER",
        )


@operations.handler("PutResourcePolicy")
def put_resource_policy(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    arn: str = params["ResourceArn"]
    _shareable(context, arn)
    try:
        json.loads(params["Policy"])
    except ValueError:
        raise ValidationException("Policy must be a JSON policy document", "INVALID_PARAMETER") from None
    existing = context.documents.get(RESOURCE_POLICY, arn)
    document = {
        "ResourceArn": arn,
        "Policy": params["Policy"],
        "CreatedTimestamp": existing["CreatedTimestamp"] if existing else context.now(),
    }
    if existing is None:
        context.documents.add(RESOURCE_POLICY, arn, document)
    else:
        context.documents.replace(RESOURCE_POLICY, arn, document)
    return document


@operations.handler("GetResourcePolicy")
def get_resource_policy(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    arn: str = params["ResourceArn"]
    _shareable(context, arn)
    return context.documents.get(RESOURCE_POLICY, arn) or {"ResourceArn": arn}


@operations.handler("DeleteResourcePolicy")
def delete_resource_policy(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    arn: str = params["ResourceArn"]
    _shareable(context, arn)
    existing = context.documents.get(RESOURCE_POLICY, arn)
    if existing is None:
        return {"ResourceArn": arn}
    context.documents.remove(RESOURCE_POLICY, arn)
    return existing
