"""Tags of every taggable v2 resource, kept per resource ARN, and the three tag operations.

Each resource family registers how to check that one of its ARNs exists (`register_taggable`);
TagResource on an ARN no family knows, or of another account or region, is not found.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from smsvoice.arns import SERVICE, parse_arn
from smsvoice.protocol.model import load_service_model
from smsvoice.services.api import OperationContext
from smsvoice.services.names import V2
from smsvoice.services.v2.errors import ResourceNotFoundException, ServiceQuotaExceededException
from smsvoice.services.v2.operations import operations

TAGS = "v2/tags"
# Resource policies (resource_policies.py) are kept by ARN too, and forgotten with the tags.
RESOURCE_POLICY = "v2/resource-policy"
# TagList allows 200 items and AWS's quota is 200 tags per resource.
MAX_TAGS_PER_RESOURCE = 200

ExistsCheck = Callable[[OperationContext, str], bool]
_TAGGABLE: dict[str, ExistsCheck] = {}


def register_taggable(resource_type: str, exists: ExistsCheck) -> None:
    """`exists(context, resource_id)` tells whether the resource of this type and id exists."""
    _TAGGABLE[resource_type] = exists


def get_tags(context: OperationContext, arn: str) -> list[dict[str, str]]:
    found = context.documents.get(TAGS, arn)
    if found is None:
        return []
    return [{"Key": key, "Value": value} for key, value in found["Tags"].items()]


def set_tags(context: OperationContext, arn: str, tags: list[dict[str, str]] | None) -> None:
    """Add or overwrite tags by key (also used by Create* operations with a Tags member)."""
    if not tags:
        return
    found = context.documents.get(TAGS, arn)
    current: dict[str, str] = dict(found["Tags"]) if found else {}
    for tag in tags:
        current[tag["Key"]] = tag["Value"]
    if len(current) > MAX_TAGS_PER_RESOURCE:
        raise ServiceQuotaExceededException(
            f"A resource can have at most {MAX_TAGS_PER_RESOURCE} tags", "TAGS_PER_RESOURCE"
        )
    if found is None:
        context.documents.add(TAGS, arn, {"Tags": current})
    else:
        context.documents.replace(TAGS, arn, {"Tags": current})


def drop_tags(context: OperationContext, arn: str) -> None:
    """Forget what is kept by ARN for a deleted resource: its tags and its resource policy."""
    context.documents.remove(TAGS, arn)
    context.documents.remove(RESOURCE_POLICY, arn)


def ensure_resource_exists(context: OperationContext, arn_text: str) -> str:
    """The resource type of an existing resource of the caller's; ResourceNotFoundException otherwise."""
    _check_exists(context, arn_text)
    arn = parse_arn(arn_text)
    assert arn is not None
    return arn.resource.partition("/")[0]


def _check_exists(context: OperationContext, arn_text: str) -> None:
    arn = parse_arn(arn_text)
    resource_type, _, resource_id = (arn.resource if arn else "").partition("/")
    exists = _TAGGABLE.get(resource_type)
    if (
        arn is None
        or arn.service != SERVICE
        or arn.account != context.account
        or arn.region != context.region
        or exists is None
        or not exists(context, resource_id)
    ):
        # ResourceType is an enum of the model: an ARN of no known type is reported as `account`.
        reported = resource_type if resource_type in _resource_types() else "account"
        raise ResourceNotFoundException(f"The resource {arn_text} does not exist", reported, arn_text)


@cache
def _resource_types() -> frozenset[str]:
    return frozenset(load_service_model(V2).shape_for("ResourceType").enum)


@operations.handler("TagResource")
def tag_resource(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["ResourceArn"]
    _check_exists(context, arn)
    set_tags(context, arn, params["Tags"])
    return {}


@operations.handler("UntagResource")
def untag_resource(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["ResourceArn"]
    _check_exists(context, arn)
    found = context.documents.get(TAGS, arn)
    if found is not None:
        removed = set(params["TagKeys"])
        remaining = {key: value for key, value in found["Tags"].items() if key not in removed}
        context.documents.replace(TAGS, arn, {"Tags": remaining})
    return {}


@operations.handler("ListTagsForResource")
def list_tags_for_resource(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["ResourceArn"]
    _check_exists(context, arn)
    return {"ResourceArn": arn, "Tags": get_tags(context, arn)}
