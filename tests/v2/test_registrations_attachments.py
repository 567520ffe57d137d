"""Registration attachments through boto3: a body recognized by its content, or an s3:// URL fetched
from moto's server through the AWS SDK."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from smsvoice.domain.attachment_types import MAX_ATTACHMENT_BYTES
from tests.delivery.support import Aws, unique
from tests.support.errors import error_of
from tests.support.waiting import wait_until
from tests.v2.identity_support import arn_prefix
from tests.v2.registration_support import JPEG, PDF, PNG


def _attachment(sms: Any, attachment_id: str) -> dict[str, Any]:
    found: dict[str, Any] = sms.describe_registration_attachments(RegistrationAttachmentIds=[attachment_id])[
        "RegistrationAttachments"
    ][0]
    return found


def _settled(sms: Any, attachment_id: str) -> dict[str, Any]:
    wait_until(lambda: _attachment(sms, attachment_id)["AttachmentStatus"] != "UPLOAD_IN_PROGRESS")
    return _attachment(sms, attachment_id)


@pytest.mark.parametrize("content", [PNG, PDF, JPEG], ids=["png", "pdf", "jpeg"])
def test_a_body_is_complete_at_once(sms: Any, account: str, content: bytes) -> None:
    answer = sms.create_registration_attachment(AttachmentBody=content, Tags=[{"Key": "k", "Value": "v"}])
    attachment_id = answer["RegistrationAttachmentId"]
    assert attachment_id.startswith("attachment-")
    assert (
        answer["RegistrationAttachmentArn"] == f"{arn_prefix(account)}registration-attachment/{attachment_id}"
    )
    assert (answer["AttachmentStatus"], answer["Tags"]) == ("UPLOAD_COMPLETE", [{"Key": "k", "Value": "v"}])
    assert _attachment(sms, answer["RegistrationAttachmentArn"])["AttachmentStatus"] == "UPLOAD_COMPLETE"


def test_a_body_of_another_kind_is_refused(sms: Any) -> None:
    with pytest.raises(ClientError) as refused:
        sms.create_registration_attachment(AttachmentBody=b"GIF89a" + bytes(100))
    assert error_of(refused) == {
        "Code": "ValidationException",
        "Status": 400,
        "Reason": "ATTACHMENT_TYPE_NOT_SUPPORTED",
    }
    assert sms.describe_registration_attachments()["RegistrationAttachments"] == []


def test_five_megabytes_is_the_limit(sms: Any) -> None:
    largest = PNG + bytes(MAX_ATTACHMENT_BYTES - len(PNG))
    assert sms.create_registration_attachment(AttachmentBody=largest)["AttachmentStatus"] == "UPLOAD_COMPLETE"
    with pytest.raises(ClientError) as refused:
        sms.create_registration_attachment(AttachmentBody=largest + b"0")
    assert error_of(refused) == {
        "Code": "ValidationException",
        "Status": 400,
        "Reason": "MAXIMUM_SIZE_EXCEEDED",
    }


def test_body_and_url_go_alone(sms: Any) -> None:
    for params, reason in (
        (
            {"AttachmentBody": PNG, "AttachmentUrl": "s3://bucket/opt-in.png"},
            "PARAMETERS_CANNOT_BE_USED_TOGETHER",
        ),
        ({}, "MISSING_PARAMETER"),
        ({"AttachmentUrl": "https://example.com/opt-in.png"}, "INVALID_PARAMETER"),
    ):
        with pytest.raises(ClientError) as refused:
            sms.create_registration_attachment(**params)
        assert error_of(refused) == {"Code": "ValidationException", "Status": 400, "Reason": reason}


def test_a_url_is_fetched_from_s3(sms: Any, moto_endpoint: str) -> None:
    s3 = Aws(moto_endpoint).client("s3")
    bucket = unique("attachments")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="forms/opt-in.pdf", Body=PDF)
    url = f"s3://{bucket}/forms/opt-in.pdf"
    answer = sms.create_registration_attachment(AttachmentUrl=url)
    assert answer["AttachmentStatus"] in ("UPLOAD_IN_PROGRESS", "UPLOAD_COMPLETE")
    done = _settled(sms, answer["RegistrationAttachmentId"])
    assert (done["AttachmentStatus"], done["AttachmentUrl"]) == ("UPLOAD_COMPLETE", url)
    assert "AttachmentUploadErrorReason" not in done


@pytest.mark.parametrize("stored", [None, b"just some text"], ids=["missing-object", "not-a-document"])
def test_a_url_that_gives_no_document_fails(sms: Any, moto_endpoint: str, stored: bytes | None) -> None:
    s3 = Aws(moto_endpoint).client("s3")
    bucket = unique("attachments")
    s3.create_bucket(Bucket=bucket)
    if stored is not None:
        s3.put_object(Bucket=bucket, Key="opt-in.png", Body=stored)
    answer = sms.create_registration_attachment(AttachmentUrl=f"s3://{bucket}/opt-in.png")
    failed = _settled(sms, answer["RegistrationAttachmentId"])
    assert (failed["AttachmentStatus"], failed["AttachmentUploadErrorReason"]) == (
        "UPLOAD_FAILED",
        "INTERNAL_ERROR",
    )
    # A failed upload cannot be a field's value.
    registration_id = sms.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")["RegistrationId"]
    with pytest.raises(ClientError) as refused:
        sms.put_registration_field_value(
            RegistrationId=registration_id,
            FieldPath="messagingUseCase.optInImage",
            RegistrationAttachmentId=answer["RegistrationAttachmentId"],
        )
    assert error_of(refused)["Reason"] == "INVALID_PARAMETER"


def test_describe_filters_pages_and_delete(sms: Any) -> None:
    ids = sorted(
        sms.create_registration_attachment(AttachmentBody=PNG)["RegistrationAttachmentId"] for _ in range(3)
    )
    complete = sms.describe_registration_attachments(
        Filters=[{"Name": "attachment-status", "Values": ["UPLOAD_COMPLETE"]}]
    )["RegistrationAttachments"]
    assert [item["RegistrationAttachmentId"] for item in complete] == ids
    first = sms.describe_registration_attachments(MaxResults=2)
    rest = sms.describe_registration_attachments(MaxResults=2, NextToken=first["NextToken"])
    assert [
        item["RegistrationAttachmentId"]
        for item in first["RegistrationAttachments"] + rest["RegistrationAttachments"]
    ] == ids
    deleted = sms.delete_registration_attachment(RegistrationAttachmentId=ids[0])
    assert (deleted["RegistrationAttachmentId"], deleted["AttachmentStatus"]) == (ids[0], "DELETED")
    with pytest.raises(ClientError) as refused:
        sms.describe_registration_attachments(RegistrationAttachmentIds=[ids[0]])
    assert error_of(refused) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "registration-attachment",
        "ResourceId": ids[0],
    }


def test_attachments_per_account_are_limited(sms: Any) -> None:
    for _ in range(100):
        sms.create_registration_attachment(AttachmentBody=PNG)
    with pytest.raises(ClientError) as refused:
        sms.create_registration_attachment(AttachmentBody=PNG)
    assert error_of(refused) == {
        "Code": "ServiceQuotaExceededException",
        "Status": 400,
        "Reason": "REGISTRATION_ATTACHMENTS_PER_ACCOUNT",
    }


def test_client_token_answers_the_same_attachment(sms: Any) -> None:
    first = sms.create_registration_attachment(AttachmentBody=PNG, ClientToken="opt-in-image")
    again = sms.create_registration_attachment(AttachmentBody=PNG, ClientToken="opt-in-image")
    assert again["RegistrationAttachmentId"] == first["RegistrationAttachmentId"]
    with pytest.raises(ClientError) as refused:
        sms.create_registration_attachment(AttachmentBody=PDF, ClientToken="opt-in-image")
    assert error_of(refused) == {"Code": "ValidationException", "Status": 400, "Reason": "INVALID_REQUEST"}
    assert len(sms.describe_registration_attachments()["RegistrationAttachments"]) == 1
