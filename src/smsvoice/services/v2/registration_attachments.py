"""Registration attachments: CreateRegistrationAttachment, DescribeRegistrationAttachments,
DeleteRegistrationAttachment.

An `AttachmentBody` is checked at once (PDF, JPEG or PNG by its content, at most 5 MB) and is
UPLOAD_COMPLETE in the answer. An `AttachmentUrl` (`s3://bucket/key`) answers UPLOAD_IN_PROGRESS;
the registration runner fetches the object through the AWS SDK, outside the request, and records
UPLOAD_COMPLETE or UPLOAD_FAILED (AttachmentUploadErrorReason INTERNAL_ERROR, the model's only
reason). smsvoice keeps what it learned of the file (type, size, SHA-256), not the file: no operation
reads an attachment back.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Final

from smsvoice.arns import new_resource_id
from smsvoice.domain.attachment_types import attachment_problem, attachment_type
from smsvoice.protocol.errors import FieldProblem
from smsvoice.quotas import V2_ACCOUNT_LIMITS, V2_REGISTRATION_ATTACHMENTS_CREATED_PER_DAY
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import add_under_quota, arn_for, paginate, resolve_id
from smsvoice.services.v2.errors import ResourceNotFoundException, ValidationException
from smsvoice.services.v2.identities import FilterSpec, matches_filters
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.registration_daily import count_created_today
from smsvoice.services.v2.tags import drop_tags, get_tags, register_taggable, set_tags
from smsvoice.store import Document

REGISTRATION_ATTACHMENT = "v2/registration-attachment"
ATTACHMENT_TYPE = "registration-attachment"
ATTACHMENT_JOB: Final = "attachment/"
_S3_URL = re.compile(r"s3://([^/]+)/(.+)")


def s3_location(url: str) -> tuple[str, str] | None:
    """(bucket, key) of an `s3://bucket/key` URL."""
    found = _S3_URL.fullmatch(url)
    return None if found is None else (found.group(1), found.group(2))


def get_attachment(context: OperationContext, value: str) -> Document:
    attachment_id = resolve_id(context, value, ATTACHMENT_TYPE)
    found = context.documents.get(REGISTRATION_ATTACHMENT, attachment_id)
    if found is None:
        raise ResourceNotFoundException(
            f"The registration attachment {value} does not exist in this account and Region",
            ATTACHMENT_TYPE,
            value,
        )
    return found


def _invalid(member: str, message: str, reason: str = "INVALID_PARAMETER") -> ValidationException:
    return ValidationException(message, reason, [FieldProblem(member, message)])


def _describe_content(content: bytes) -> dict[str, Any]:
    return {
        "ContentType": attachment_type(content),
        "SizeBytes": len(content),
        "Sha256": hashlib.sha256(content).hexdigest(),
    }


@operations.handler("CreateRegistrationAttachment")
def create_registration_attachment(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    body: bytes | None = params.get("AttachmentBody")
    url: str | None = params.get("AttachmentUrl")
    if body is not None and url is not None:
        raise ValidationException(
            "Give AttachmentBody or AttachmentUrl, not both", "PARAMETERS_CANNOT_BE_USED_TOGETHER"
        )
    if body is None and url is None:
        raise ValidationException("Give AttachmentBody or AttachmentUrl", "MISSING_PARAMETER")
    attachment_id = new_resource_id("attachment")
    doc: Document = {
        "RegistrationAttachmentArn": arn_for(context, ATTACHMENT_TYPE, attachment_id),
        "RegistrationAttachmentId": attachment_id,
        "CreatedTimestamp": context.now(),
    }
    if body is not None:
        problem = attachment_problem(body)
        if problem is not None:
            reason = (
                "ATTACHMENT_TYPE_NOT_SUPPORTED" if attachment_type(body) is None else "MAXIMUM_SIZE_EXCEEDED"
            )
            raise _invalid("AttachmentBody", problem, reason)
        doc.update(AttachmentStatus="UPLOAD_COMPLETE", **_describe_content(body))
    else:
        assert url is not None
        if s3_location(url) is None:
            raise _invalid("AttachmentUrl", "AttachmentUrl must be an S3 URL: s3://bucket/key")
        doc.update(AttachmentStatus="UPLOAD_IN_PROGRESS", AttachmentUrl=url)
    add_under_quota(
        context,
        REGISTRATION_ATTACHMENT,
        attachment_id,
        doc,
        limit=V2_ACCOUNT_LIMITS["REGISTRATION_ATTACHMENTS"],
        reason="REGISTRATION_ATTACHMENTS_PER_ACCOUNT",
        what="registration attachments",
    )
    count_created_today(
        context,
        "REGISTRATION_ATTACHMENTS_CREATED_PER_DAY",
        V2_REGISTRATION_ATTACHMENTS_CREATED_PER_DAY,
        "registration attachments",
    )
    if url is not None:  # fetched by the registration runner as soon as it can
        context.tx.registration_jobs.schedule(
            ATTACHMENT_JOB + attachment_id, context.account, context.region, 0.0
        )
    set_tags(context, doc["RegistrationAttachmentArn"], params.get("Tags"))
    return {**doc, "Tags": get_tags(context, doc["RegistrationAttachmentArn"])}


def record_fetch(
    context: OperationContext, attachment_id: str, content: bytes | None, failure: str | None
) -> None:
    """What fetching an AttachmentUrl gave: the file, or why there is none."""
    doc = context.documents.get(REGISTRATION_ATTACHMENT, attachment_id)
    if doc is None or doc["AttachmentStatus"] != "UPLOAD_IN_PROGRESS":
        return  # deleted meanwhile
    if failure is None and content is not None:
        failure = attachment_problem(content)
    if failure is None and content is not None:
        doc.update(AttachmentStatus="UPLOAD_COMPLETE", **_describe_content(content))
    else:
        doc.update(
            AttachmentStatus="UPLOAD_FAILED",
            AttachmentUploadErrorReason="INTERNAL_ERROR",
            UploadFailure=failure,
        )
    context.documents.replace(REGISTRATION_ATTACHMENT, attachment_id, doc)


_FILTERS: FilterSpec = {"attachment-status": ("AttachmentStatus", "str")}


@operations.handler("DescribeRegistrationAttachments")
def describe_registration_attachments(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    wanted = params.get("RegistrationAttachmentIds")
    if wanted:
        found = {
            doc["RegistrationAttachmentId"]: doc
            for doc in (get_attachment(context, value) for value in wanted)
        }
        docs = list(found.values())
    else:
        docs = [doc for _, doc in context.documents.iterate(REGISTRATION_ATTACHMENT)]
    docs = [doc for doc in docs if matches_filters(doc, params, _FILTERS)]
    page = paginate(context, docs, lambda doc: str(doc["RegistrationAttachmentId"]), params)
    result: dict[str, Any] = {"RegistrationAttachments": page.items}
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


@operations.handler("DeleteRegistrationAttachment")
def delete_registration_attachment(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = get_attachment(context, params["RegistrationAttachmentId"])
    attachment_id = doc["RegistrationAttachmentId"]
    context.documents.remove(REGISTRATION_ATTACHMENT, attachment_id)
    context.tx.registration_jobs.clear(ATTACHMENT_JOB + attachment_id)
    drop_tags(context, doc["RegistrationAttachmentArn"])
    return {**doc, "AttachmentStatus": "DELETED"}


register_taggable(
    ATTACHMENT_TYPE, lambda context, key: context.documents.get(REGISTRATION_ATTACHMENT, key) is not None
)
