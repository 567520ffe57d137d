"""Registrations and the identities they govern: associations, numbers gated on registrations
(`--registration-gating aws` and `off`), sender IDs provisioned on approval, and the full toll-free and
10DLC flows from a number's request to a sent message."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from smsvoice.testing.process import ServerProcess
from tests.support.errors import error_of
from tests.v2.conftest import REVIEW_SECONDS
from tests.v2.identity_support import request_number
from tests.v2.registration_support import (
    advance_clock,
    fill_required,
    number_status,
    registration,
    statuses,
    submitted_toll_free,
)

BRAND = "US_TEN_DLC_BRAND_REGISTRATION"
CAMPAIGN = "US_TEN_DLC_CAMPAIGN_REGISTRATION"
DESTINATION = "+12065550142"


def _send(sms: Any, origination: str) -> str:
    message_id: str = sms.send_text_message(
        DestinationPhoneNumber=DESTINATION, OriginationIdentity=origination, MessageBody="Your code is 123456"
    )["MessageId"]
    return message_id


def _approved(sms: Any, endpoint: str, registration_type: str, **associations: str) -> str:
    """A registration of the type, filled, associated, submitted and approved on the clock."""
    registration_id: str = sms.create_registration(RegistrationType=registration_type)["RegistrationId"]
    fill_required(sms, registration_id, registration_type)
    for resource in associations.values():
        sms.create_registration_association(RegistrationId=registration_id, ResourceId=resource)
    sms.submit_registration_version(RegistrationId=registration_id)
    advance_clock(endpoint, 2 * REVIEW_SECONDS)
    assert registration(sms, registration_id)["RegistrationStatus"] == "COMPLETE"
    return registration_id


def test_the_full_toll_free_flow(sms: Any, registrations_server: ServerProcess) -> None:
    number = request_number(sms, NumberType="TOLL_FREE")
    assert number["Status"] == "PENDING"
    assert number_status(sms, number["PhoneNumberId"]) == "PENDING"
    with pytest.raises(ClientError) as refused:
        _send(sms, number["PhoneNumber"])
    assert error_of(refused) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "RESOURCE_NOT_ACTIVE",
        "ResourceType": "phone-number",
        "ResourceId": number["PhoneNumberId"],
    }
    registration_id = sms.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")["RegistrationId"]
    fill_required(sms, registration_id, "US_TOLL_FREE_REGISTRATION")
    associated = sms.create_registration_association(
        RegistrationId=registration_id, ResourceId=number["PhoneNumberId"]
    )
    assert (associated["ResourceType"], associated["ResourceId"], associated["PhoneNumber"]) == (
        "phone-number",
        number["PhoneNumberId"],
        number["PhoneNumber"],
    )
    assert associated["ResourceArn"] == number["PhoneNumberArn"] and associated["IsoCountryCode"] == "US"
    sms.submit_registration_version(RegistrationId=registration_id)
    advance_clock(registrations_server.endpoint, REVIEW_SECONDS)
    assert number_status(sms, number["PhoneNumberId"]) == "PENDING"  # still being reviewed
    advance_clock(registrations_server.endpoint, REVIEW_SECONDS)
    assert registration(sms, registration_id)["RegistrationStatus"] == "COMPLETE"
    assert number_status(sms, number["PhoneNumberId"]) == "ACTIVE"
    assert _send(sms, number["PhoneNumber"])


def test_the_full_ten_dlc_flow(sms: Any, registrations_server: ServerProcess) -> None:
    endpoint = registrations_server.endpoint
    with pytest.raises(ClientError) as refused:
        request_number(sms, NumberType="TEN_DLC")
    assert error_of(refused) == {"Code": "ValidationException", "Status": 400, "Reason": "MISSING_PARAMETER"}

    brand = sms.create_registration(RegistrationType=BRAND)["RegistrationId"]
    campaign = sms.create_registration(RegistrationType=CAMPAIGN)["RegistrationId"]
    with pytest.raises(ClientError) as refused:  # the brand must be complete first
        sms.create_registration_association(RegistrationId=campaign, ResourceId=brand)
    assert error_of(refused)["Reason"] == "REGISTRATION_NOT_COMPLETE"
    fill_required(sms, brand, BRAND)
    sms.submit_registration_version(RegistrationId=brand)
    advance_clock(endpoint, 2 * REVIEW_SECONDS)
    assert registration(sms, brand)["RegistrationStatus"] == "COMPLETE"

    linked = sms.create_registration_association(RegistrationId=campaign, ResourceId=brand)
    assert (linked["ResourceType"], linked["ResourceId"]) == ("registration", brand)
    fill_required(sms, campaign, CAMPAIGN)
    sms.submit_registration_version(RegistrationId=campaign)
    with pytest.raises(ClientError) as refused:  # a campaign under review gives no number
        request_number(sms, NumberType="TEN_DLC", RegistrationId=campaign)
    assert error_of(refused) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "REGISTRATION_NOT_COMPLETE",
        "ResourceType": "registration",
        "ResourceId": campaign,
    }
    with pytest.raises(ClientError) as refused:  # a brand is not a campaign
        request_number(sms, NumberType="TEN_DLC", RegistrationId=brand)
    assert error_of(refused)["Reason"] == "INVALID_PARAMETER"
    advance_clock(endpoint, 2 * REVIEW_SECONDS)
    assert registration(sms, campaign)["RegistrationStatus"] == "COMPLETE"

    number = request_number(
        sms, NumberType="TEN_DLC", RegistrationId=registration(sms, campaign)["RegistrationArn"]
    )
    assert number["RegistrationId"] == campaign
    assert number_status(sms, number["PhoneNumberId"]) == "ACTIVE"
    listed = sms.list_registration_associations(RegistrationId=campaign)["RegistrationAssociations"]
    assert {(item["ResourceType"], item["ResourceId"]) for item in listed} == {
        ("registration", brand),
        ("phone-number", number["PhoneNumberId"]),
    }
    numbers_only = sms.list_registration_associations(
        RegistrationId=campaign, Filters=[{"Name": "resource-type", "Values": ["phone-number"]}]
    )["RegistrationAssociations"]
    assert [item["PhoneNumber"] for item in numbers_only] == [number["PhoneNumber"]]
    assert _send(sms, number["PhoneNumber"])


def test_brand_vetting_takes_a_complete_brand(sms: Any, registrations_server: ServerProcess) -> None:
    brand = _approved(sms, registrations_server.endpoint, BRAND)
    vetting = _approved(sms, registrations_server.endpoint, "US_TEN_DLC_BRAND_VETTING", brand=brand)
    listed = sms.list_registration_associations(RegistrationId=vetting)["RegistrationAssociations"]
    assert [item["ResourceId"] for item in listed] == [brand]
    other = sms.create_registration(RegistrationType="US_TEN_DLC_BRAND_VETTING")["RegistrationId"]
    with pytest.raises(ClientError) as refused:  # only a brand can be vetted
        sms.create_registration_association(RegistrationId=other, ResourceId=vetting)
    assert error_of(refused) == {
        "Code": "ValidationException",
        "Status": 400,
        "Reason": "INVALID_REGISTRATION_ASSOCIATION",
    }


def test_simulator_numbers_never_need_a_registration(sms: Any) -> None:
    number = request_number(sms, NumberType="SIMULATOR")
    assert number_status(sms, number["PhoneNumberId"]) == "ACTIVE"


def test_without_gating_numbers_send_at_once(manual_sms: Any) -> None:
    toll_free = request_number(manual_sms, NumberType="TOLL_FREE")
    ten_dlc = request_number(manual_sms, NumberType="TEN_DLC")
    assert number_status(manual_sms, toll_free["PhoneNumberId"]) == "ACTIVE"
    assert number_status(manual_sms, ten_dlc["PhoneNumberId"]) == "ACTIVE"
    assert _send(manual_sms, toll_free["PhoneNumber"])


@pytest.mark.parametrize(
    ("resource", "reason"),
    [
        ("sender-id", "INVALID_REGISTRATION_ASSOCIATION"),
        ("gb-number", "INVALID_REGISTRATION_ASSOCIATION"),
        ("twice", "RESOURCE_ALREADY_ASSOCIATED"),
        ("other-registration", "PHONE_NUMBER_ASSOCIATED_TO_REGISTRATION"),
    ],
)
def test_associations_that_do_not_fit_are_refused(sms: Any, resource: str, reason: str) -> None:
    registration_id = sms.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")["RegistrationId"]
    number = request_number(sms, NumberType="TOLL_FREE")
    if resource == "sender-id":
        value = sms.request_sender_id(SenderId="EXAMPLE", IsoCountryCode="GB")["SenderIdArn"]
    elif resource == "gb-number":
        value = request_number(sms, NumberType="LONG_CODE", IsoCountryCode="GB")["PhoneNumberId"]
    else:
        owner = registration_id
        if resource == "other-registration":
            owner = sms.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")["RegistrationId"]
        sms.create_registration_association(RegistrationId=owner, ResourceId=number["PhoneNumberId"])
        value = number["PhoneNumberArn"]
    with pytest.raises(ClientError) as refused:
        sms.create_registration_association(RegistrationId=registration_id, ResourceId=value)
    assert error_of(refused)["Reason"] == reason
    assert error_of(refused)["Code"] in ("ValidationException", "ConflictException")


def test_nothing_is_associated_while_under_review(sms: Any) -> None:
    registration_id, _ = submitted_toll_free(sms)
    another = request_number(sms, NumberType="TOLL_FREE")
    with pytest.raises(ClientError) as refused:
        sms.create_registration_association(
            RegistrationId=registration_id, ResourceId=another["PhoneNumberId"]
        )
    assert error_of(refused)["Reason"] == "REGISTRATION_ALREADY_SUBMITTED"


def test_a_number_under_review_cannot_be_released(sms: Any, registrations_server: ServerProcess) -> None:
    registration_id, number = submitted_toll_free(sms)
    with pytest.raises(ClientError) as refused:
        sms.release_phone_number(PhoneNumberId=number["PhoneNumberId"])
    assert error_of(refused) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "PHONE_NUMBER_ASSOCIATED_TO_REGISTRATION",
        "ResourceType": "phone-number",
        "ResourceId": number["PhoneNumberId"],
    }
    assert number_status(sms, number["PhoneNumberId"]) == "PENDING"
    advance_clock(registrations_server.endpoint, 2 * REVIEW_SECONDS)
    assert registration(sms, registration_id)["RegistrationStatus"] == "COMPLETE"


def test_releasing_the_number_closes_the_registration(sms: Any, registrations_server: ServerProcess) -> None:
    registration_id, number = submitted_toll_free(sms)
    advance_clock(registrations_server.endpoint, 2 * REVIEW_SECONDS)
    with pytest.raises(ClientError) as refused:
        sms.delete_registration(RegistrationId=registration_id)
    assert error_of(refused) == {
        "Code": "ConflictException",
        "Status": 400,
        "Reason": "PHONE_NUMBER_ASSOCIATED_TO_REGISTRATION",
        "ResourceType": "registration",
        "ResourceId": registration_id,
    }
    sms.release_phone_number(PhoneNumberId=number["PhoneNumberId"])
    assert registration(sms, registration_id)["RegistrationStatus"] == "CLOSED"
    assert (
        sms.list_registration_associations(RegistrationId=registration_id)["RegistrationAssociations"] == []
    )
    assert sms.delete_registration(RegistrationId=registration_id)["RegistrationStatus"] == "DELETED"
    assert statuses(registrations_server.endpoint, registration_id)[-2:] == ["CLOSED", "DELETED"]


def test_an_approved_sender_id_registration_provisions_the_sender_id(
    sms: Any, registrations_server: ServerProcess
) -> None:
    endpoint = registrations_server.endpoint
    registration_id = sms.create_registration(RegistrationType="JO_SENDER_ID_REGISTRATION")["RegistrationId"]
    fill_required(sms, registration_id, "JO_SENDER_ID_REGISTRATION", **{"senderIdInfo.senderId": "EXAMPLECO"})
    sender = sms.request_sender_id(SenderId="OTHER", IsoCountryCode="JO")
    with pytest.raises(ClientError) as refused:  # sender IDs are associated by the approval itself
        sms.create_registration_association(RegistrationId=registration_id, ResourceId=sender["SenderIdArn"])
    assert error_of(refused)["Reason"] == "INVALID_REGISTRATION_ASSOCIATION"
    sms.submit_registration_version(RegistrationId=registration_id)
    advance_clock(endpoint, 2 * REVIEW_SECONDS)
    assert registration(sms, registration_id)["RegistrationStatus"] == "PROVISIONING"
    assert (
        sms.describe_sender_ids(Filters=[{"Name": "sender-id", "Values": ["EXAMPLECO"]}])["SenderIds"] == []
    )
    advance_clock(endpoint, REVIEW_SECONDS)
    assert registration(sms, registration_id)["RegistrationStatus"] == "COMPLETE"
    (provisioned,) = sms.describe_sender_ids(Filters=[{"Name": "sender-id", "Values": ["EXAMPLECO"]}])[
        "SenderIds"
    ]
    assert (provisioned["IsoCountryCode"], provisioned["Registered"]) == ("JO", True)
    listed = sms.list_registration_associations(RegistrationId=registration_id)["RegistrationAssociations"]
    assert [(item["ResourceType"], item["ResourceArn"]) for item in listed] == [
        ("sender-id", provisioned["SenderIdArn"])
    ]
    assert statuses(endpoint, registration_id) == [
        "CREATED",
        "SUBMITTED",
        "REVIEWING",
        "PROVISIONING",
        "COMPLETE",
    ]
    sms.release_sender_id(SenderId="EXAMPLECO", IsoCountryCode="JO")
    assert registration(sms, registration_id)["RegistrationStatus"] == "CLOSED"
