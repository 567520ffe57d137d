"""Registration forms through boto3: type, section and field definitions served from the data file,
and field values validated against them when put."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.errors import error_of
from tests.v2.registration_support import PNG

TOLL_FREE = "US_TOLL_FREE_REGISTRATION"
REQUIRED_TYPES = {
    "US_TOLL_FREE_REGISTRATION",
    "US_TEN_DLC_BRAND_REGISTRATION",
    "US_TEN_DLC_BRAND_VETTING",
    "US_TEN_DLC_CAMPAIGN_REGISTRATION",
}


def _types(sms: Any, **params: Any) -> list[str]:
    return [
        item["RegistrationType"]
        for item in sms.describe_registration_type_definitions(**params)["RegistrationTypeDefinitions"]
    ]


def test_type_definitions_include_the_us_types_and_other_countries(sms: Any) -> None:
    found = sms.describe_registration_type_definitions()["RegistrationTypeDefinitions"]
    by_type = {item["RegistrationType"]: item for item in found}
    assert set(by_type) >= REQUIRED_TYPES
    assert {"JO_SENDER_ID_REGISTRATION", "ZZ_LONG_CODE_REGISTRATION"} <= set(by_type)
    assert by_type[TOLL_FREE]["SupportedAssociations"] == [
        {
            "ResourceType": "phone-number",
            "IsoCountryCode": "US",
            "AssociationBehavior": "ASSOCIATE_BEFORE_SUBMIT",
            "DisassociationBehavior": "DISASSOCIATE_ALL_CLOSES_REGISTRATION",
        }
    ]
    sender = by_type["JO_SENDER_ID_REGISTRATION"]["SupportedAssociations"][0]
    assert (sender["ResourceType"], sender["AssociationBehavior"]) == ("sender-id", "ASSOCIATE_ON_APPROVAL")
    assert by_type[TOLL_FREE]["DisplayHints"]["Title"]


def test_type_definitions_by_name_filter_and_page(sms: Any) -> None:
    assert _types(sms, RegistrationTypes=[TOLL_FREE]) == [TOLL_FREE]
    sender_ids = _types(
        sms, Filters=[{"Name": "supported-association-resource-type", "Values": ["sender-id"]}]
    )
    assert "JO_SENDER_ID_REGISTRATION" in sender_ids and TOLL_FREE not in sender_ids
    jordan = _types(sms, Filters=[{"Name": "supported-association-iso-country-code", "Values": ["JO"]}])
    assert jordan == ["JO_SENDER_ID_REGISTRATION"]
    first = sms.describe_registration_type_definitions(MaxResults=3)
    rest = sms.describe_registration_type_definitions(MaxResults=100, NextToken=first["NextToken"])
    assert len(first["RegistrationTypeDefinitions"]) == 3
    assert len(first["RegistrationTypeDefinitions"]) + len(rest["RegistrationTypeDefinitions"]) == len(
        _types(sms)
    )
    with pytest.raises(ClientError) as refused:
        sms.describe_registration_type_definitions(RegistrationTypes=["NOPE_REGISTRATION"])
    assert error_of(refused) == {
        "Code": "ValidationException",
        "Status": 400,
        "Reason": "UNKNOWN_REGISTRATION_TYPE",
    }


def test_section_definitions_in_form_order(sms: Any) -> None:
    sections = sms.describe_registration_section_definitions(RegistrationType=TOLL_FREE)
    paths = [item["SectionPath"] for item in sections["RegistrationSectionDefinitions"]]
    assert paths == ["companyInfo", "contactInfo", "messagingUseCase", "messageSamples"]
    only = sms.describe_registration_section_definitions(
        RegistrationType=TOLL_FREE, SectionPaths=["contactInfo"]
    )
    assert [item["SectionPath"] for item in only["RegistrationSectionDefinitions"]] == ["contactInfo"]
    page = sms.describe_registration_section_definitions(RegistrationType=TOLL_FREE, MaxResults=2)
    rest = sms.describe_registration_section_definitions(
        RegistrationType=TOLL_FREE, MaxResults=2, NextToken=page["NextToken"]
    )
    assert [
        item["SectionPath"]
        for item in page["RegistrationSectionDefinitions"] + rest["RegistrationSectionDefinitions"]
    ] == paths
    with pytest.raises(ClientError) as refused:
        sms.describe_registration_section_definitions(RegistrationType=TOLL_FREE, SectionPaths=["nothing"])
    assert error_of(refused)["Reason"] == "UNKNOWN_REGISTRATION_SECTION"


def test_field_definitions_carry_their_validation(sms: Any) -> None:
    fields = {
        item["FieldPath"]: item
        for item in sms.describe_registration_field_definitions(RegistrationType=TOLL_FREE)[
            "RegistrationFieldDefinitions"
        ]
    }
    description = fields["messagingUseCase.optInDescription"]
    assert (description["FieldType"], description["FieldRequirement"]) == ("TEXT", "REQUIRED")
    assert description["TextValidation"]["MaxLength"] == 1500
    image = fields["messagingUseCase.optInImage"]
    assert (image["FieldType"], image["FieldRequirement"], image["SectionPath"]) == (
        "ATTACHMENT",
        "REQUIRED",
        "messagingUseCase",
    )
    business = fields["companyInfo.businessType"]["SelectValidation"]
    assert "SOLE_PROPRIETOR" in business["Options"] and business["MaxChoices"] == 1
    brand = {
        item["FieldPath"]: item
        for item in sms.describe_registration_field_definitions(
            RegistrationType="US_TEN_DLC_BRAND_REGISTRATION"
        )["RegistrationFieldDefinitions"]
    }
    assert brand["companyInfo.legalType"]["SelectValidation"]["Options"] == [
        "PRIVATE_PROFIT",
        "PUBLIC_PROFIT",
        "NON_PROFIT",
        "GOVERNMENT",
    ]
    assert brand["companyInfo.taxId"]["FieldRequirement"] == "REQUIRED"
    stock = brand["companyInfo.stockSymbol"]
    assert stock["FieldRequirement"] == "CONDITIONAL"
    assert (
        stock["ConditionalBehavior"]["Rules"][0]["Conditions"][0]["DependsOnFieldPath"]
        == "companyInfo.legalType"
    )


def test_field_definitions_by_section_and_path(sms: Any) -> None:
    contact = sms.describe_registration_field_definitions(
        RegistrationType=TOLL_FREE, SectionPath="contactInfo"
    )
    assert [item["FieldPath"] for item in contact["RegistrationFieldDefinitions"]] == [
        "contactInfo.firstName",
        "contactInfo.lastName",
        "contactInfo.supportEmail",
        "contactInfo.supportPhoneNumber",
    ]
    picked = sms.describe_registration_field_definitions(
        RegistrationType=TOLL_FREE, FieldPaths=["messageSamples.messageSample1"]
    )
    assert [item["FieldPath"] for item in picked["RegistrationFieldDefinitions"]] == [
        "messageSamples.messageSample1"
    ]
    for params, reason in (
        ({"SectionPath": "nothing"}, "UNKNOWN_REGISTRATION_SECTION"),
        ({"FieldPaths": ["companyInfo.nothing"]}, "UNKNOWN_REGISTRATION_FIELD"),
    ):
        with pytest.raises(ClientError) as refused:
            sms.describe_registration_field_definitions(RegistrationType=TOLL_FREE, **params)
        assert error_of(refused) == {"Code": "ValidationException", "Status": 400, "Reason": reason}


def _toll_free(sms: Any) -> str:
    registration_id: str = sms.create_registration(RegistrationType=TOLL_FREE)["RegistrationId"]
    return registration_id


def test_put_describe_and_delete_values(sms: Any) -> None:
    registration_id = _toll_free(sms)
    put = sms.put_registration_field_value(
        RegistrationId=registration_id, FieldPath="companyInfo.companyName", TextValue="Example Corp"
    )
    assert (put["RegistrationId"], put["VersionNumber"], put["FieldPath"], put["TextValue"]) == (
        registration_id,
        1,
        "companyInfo.companyName",
        "Example Corp",
    )
    sms.put_registration_field_value(
        RegistrationId=registration_id,
        FieldPath="messagingUseCase.optInType",
        SelectChoices=["TEXT", "QR_CODE"],
    )
    attachment = sms.create_registration_attachment(AttachmentBody=PNG)
    sms.put_registration_field_value(
        RegistrationId=registration_id,
        FieldPath="messagingUseCase.optInImage",
        RegistrationAttachmentId=attachment["RegistrationAttachmentArn"],
    )
    values = sms.describe_registration_field_values(RegistrationId=registration_id)
    by_path = {item["FieldPath"]: item for item in values["RegistrationFieldValues"]}
    assert by_path["messagingUseCase.optInType"]["SelectChoices"] == ["TEXT", "QR_CODE"]
    assert (
        by_path["messagingUseCase.optInImage"]["RegistrationAttachmentId"]
        == attachment["RegistrationAttachmentId"]
    )
    in_section = sms.describe_registration_field_values(
        RegistrationId=registration_id, SectionPath="companyInfo"
    )
    assert [item["FieldPath"] for item in in_section["RegistrationFieldValues"]] == [
        "companyInfo.companyName"
    ]
    picked = sms.describe_registration_field_values(
        RegistrationId=registration_id, FieldPaths=["messagingUseCase.optInType"]
    )
    assert [item["FieldPath"] for item in picked["RegistrationFieldValues"]] == ["messagingUseCase.optInType"]
    deleted = sms.delete_registration_field_value(
        RegistrationId=registration_id, FieldPath="companyInfo.companyName"
    )
    assert deleted["TextValue"] == "Example Corp"
    remaining = sms.describe_registration_field_values(RegistrationId=registration_id)[
        "RegistrationFieldValues"
    ]
    assert "companyInfo.companyName" not in {item["FieldPath"] for item in remaining}
    with pytest.raises(ClientError) as refused:
        sms.delete_registration_field_value(
            RegistrationId=registration_id, FieldPath="companyInfo.companyName"
        )
    assert error_of(refused)["Reason"] == "REGISTRATION_FIELD_CANNOT_BE_DELETED"


@pytest.mark.parametrize(
    ("put", "reason"),
    [
        ({"FieldPath": "companyInfo.nothing", "TextValue": "x"}, "UNKNOWN_REGISTRATION_FIELD"),
        ({"FieldPath": "companyInfo.website", "TextValue": "not a url"}, "FIELD_VALIDATION_FAILED"),
        ({"FieldPath": "companyInfo.isoCountryCode", "TextValue": "USA"}, "FIELD_VALIDATION_FAILED"),
        (
            {"FieldPath": "messagingUseCase.optInDescription", "TextValue": "x" * 1501},
            "FIELD_VALIDATION_FAILED",
        ),
        ({"FieldPath": "companyInfo.businessType", "SelectChoices": ["LLC"]}, "FIELD_VALIDATION_FAILED"),
        (
            {"FieldPath": "companyInfo.businessType", "SelectChoices": ["NON_PROFIT", "GOVERNMENT"]},
            "FIELD_VALIDATION_FAILED",
        ),
        ({"FieldPath": "companyInfo.businessType", "TextValue": "NON_PROFIT"}, "FIELD_VALIDATION_FAILED"),
        ({"FieldPath": "companyInfo.companyName", "SelectChoices": ["Example"]}, "FIELD_VALIDATION_FAILED"),
        ({"FieldPath": "messagingUseCase.optInImage", "TextValue": "a picture"}, "FIELD_VALIDATION_FAILED"),
    ],
)
def test_values_that_do_not_fit_their_field_are_refused(sms: Any, put: dict[str, Any], reason: str) -> None:
    registration_id = _toll_free(sms)
    with pytest.raises(ClientError) as refused:
        sms.put_registration_field_value(RegistrationId=registration_id, **put)
    assert error_of(refused) == {"Code": "ValidationException", "Status": 400, "Reason": reason}
    fields = refused.value.response.get("Fields") or []
    assert fields and fields[0]["Name"] in (put["FieldPath"], "FieldPath")
    assert (
        sms.describe_registration_field_values(RegistrationId=registration_id)["RegistrationFieldValues"]
        == []
    )


def test_an_attachment_value_must_exist(sms: Any) -> None:
    registration_id = _toll_free(sms)
    missing = "attachment-00000000000000000000000000000000"
    with pytest.raises(ClientError) as refused:
        sms.put_registration_field_value(
            RegistrationId=registration_id,
            FieldPath="messagingUseCase.optInImage",
            RegistrationAttachmentId=missing,
        )
    assert error_of(refused) == {
        "Code": "ResourceNotFoundException",
        "Status": 400,
        "ResourceType": "registration-attachment",
        "ResourceId": missing,
    }
