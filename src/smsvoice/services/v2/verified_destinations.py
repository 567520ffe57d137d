"""Verified destination numbers: the numbers a sandbox account may send to.

CreateVerifiedDestinationNumber adds a number (PENDING), SendDestinationNumberVerificationCode sends
it a 6-digit code as a real message (it goes through the carrier simulator and shows in the inspection
API with the code in its body), VerifyDestinationNumber with that code makes it VERIFIED.

From AWS (user guide sandbox.html, Pinpoint user guide channels-sms-sandbox.md, aws-facts §7.2): up to
10 verified numbers; the code is 6 digits and can be sent up to 5 times in 24 hours; simulator numbers
cannot be verified (they get status UNSUPPORTED here); a verified number can be deleted 24 hours after
it was added. smsvoice's own choices (AWS is silent) are marked "chosen" and listed in docs/messaging.md.
"""

from __future__ import annotations

import secrets
from typing import Any, Final

from smsvoice.arns import new_resource_id
from smsvoice.domain import simulator_numbers
from smsvoice.domain.encoding import analyze_text
from smsvoice.domain.phone_numbers import parse_destination
from smsvoice.protocol.errors import FieldProblem
from smsvoice.quotas import V2_ACCOUNT_LIMITS
from smsvoice.sending.outgoing import Origin, Outgoing
from smsvoice.sending.pipeline import send
from smsvoice.services.api import OperationContext
from smsvoice.services.v2.common import add_under_quota, arn_for, filter_values, paginate, resolve_id
from smsvoice.services.v2.configuration_sets import load_configuration_set
from smsvoice.services.v2.errors import (
    ConflictException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ValidationException,
)
from smsvoice.services.v2.operations import operations
from smsvoice.services.v2.origination import is_opted_out, resolve_origination
from smsvoice.services.v2.tags import drop_tags, register_taggable, set_tags
from smsvoice.store import Document

VERIFIED_DESTINATION_NUMBER: Final = "v2/verified-destination-number"
RESOURCE_TYPE: Final = "verified-destination-number"
MAX_CODES_PER_DAY: Final = 5  # "retry up to 5 times in 24 hours" (Pinpoint user guide)
DAY_SECONDS: Final = 24 * 3600
CODE_VALIDITY_SECONDS: Final = 600  # chosen: AWS does not say how long a code stays valid
DELETE_AFTER_SECONDS: Final = DAY_SECONDS  # a verified number can be deleted 24 h after it was added
# Members of the document that no output shows.
_PRIVATE: Final = ("VerificationCode", "CodeSentAt", "CodesSent")

# The code message per LanguageCode (chosen wording; AWS does not publish its text).
_TEMPLATES: Final = {
    "DE_DE": "Ihr Bestätigungscode lautet {code}",
    "EN_GB": "Your verification code is {code}",
    "EN_US": "Your verification code is {code}",
    "ES_419": "Tu código de verificación es {code}",
    "ES_ES": "Tu código de verificación es {code}",
    "FR_CA": "Votre code de vérification est {code}",
    "FR_FR": "Votre code de vérification est {code}",
    "IT_IT": "Il tuo codice di verifica è {code}",
    "JA_JP": "確認コードは {code} です",
    "KO_KR": "인증 코드는 {code}입니다",
    "PT_BR": "Seu código de verificação é {code}",
    "ZH_CN": "您的验证码是 {code}",
    "ZH_TW": "您的驗證碼是 {code}",
}

register_taggable(
    RESOURCE_TYPE, lambda context, key: context.documents.get(VERIFIED_DESTINATION_NUMBER, key) is not None
)


def is_verified(context: OperationContext, number_e164: str) -> bool:
    """True when the caller's account has verified this destination number (an indexed lookup)."""
    found = context.documents.page(VERIFIED_DESTINATION_NUMBER, parent=number_e164, limit=10)
    return any(doc.get("Status") == "VERIFIED" for _, doc in found)


def _load(context: OperationContext, id_or_arn: str) -> Document:
    key = resolve_id(context, id_or_arn, RESOURCE_TYPE)
    found = context.documents.get(VERIFIED_DESTINATION_NUMBER, key)
    if found is None:
        raise ResourceNotFoundException(
            f"The verified-destination-number {id_or_arn} does not exist", RESOURCE_TYPE, id_or_arn
        )
    return found


def _save(context: OperationContext, doc: Document) -> None:
    context.documents.replace(
        VERIFIED_DESTINATION_NUMBER,
        doc["VerifiedDestinationNumberId"],
        doc,
        parent=doc["DestinationPhoneNumber"],
    )


@operations.handler("CreateVerifiedDestinationNumber")
def create_verified_destination_number(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    info = parse_destination(params["DestinationPhoneNumber"])
    if info is None:
        raise ValidationException(
            f"{params['DestinationPhoneNumber']} is not a phone number in E.164 format",
            "INVALID_PARAMETER",
            [FieldProblem("DestinationPhoneNumber", "Not a phone number in E.164 format")],
        )
    number = info.e164
    limit = V2_ACCOUNT_LIMITS["VERIFIED_DESTINATION_NUMBERS"]
    if context.documents.page(VERIFIED_DESTINATION_NUMBER, parent=number, limit=1):
        # chosen: AWS does not document a second verified entry for the same number.
        raise ConflictException(
            f"{number} is already a verified destination number",
            "RESOURCE_ALREADY_EXISTS",
            RESOURCE_TYPE,
            number,
        )
    key = new_resource_id("verified-destination-number")
    # Simulator numbers "can't be used to verify a destination phone number" (user guide), and numbers
    # that are not valid phone numbers cannot receive a code either.
    supported = info.is_valid and not simulator_numbers.is_simulator_number(number)
    doc: Document = {
        "VerifiedDestinationNumberArn": arn_for(context, RESOURCE_TYPE, key),
        "VerifiedDestinationNumberId": key,
        "DestinationPhoneNumber": number,
        "Status": "PENDING" if supported else "UNSUPPORTED",
        "CreatedTimestamp": context.now(),
        "CodesSent": [],
    }
    if params.get("RcsAgentId"):
        doc["RcsAgentId"] = params["RcsAgentId"]
    add_under_quota(
        context,
        VERIFIED_DESTINATION_NUMBER,
        key,
        doc,
        parent=number,
        limit=limit,
        reason="VERIFIED_DESTINATION_NUMBERS_PER_ACCOUNT",
        what="verified destination numbers",
    )
    tags = params.get("Tags") or []
    set_tags(context, doc["VerifiedDestinationNumberArn"], tags)
    return {**doc, "Tags": tags}


_FILTERS: Final = {"status": "Status", "rcs-agent-id": "RcsAgentId"}


@operations.handler("DescribeVerifiedDestinationNumbers")
def describe_verified_destination_numbers(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    requested = params.get("VerifiedDestinationNumberIds")
    if requested:
        candidates = {
            doc["VerifiedDestinationNumberId"]: doc for doc in (_load(context, item) for item in requested)
        }
        docs = list(candidates.values())
    else:
        docs = [doc for _, doc in context.documents.iterate(VERIFIED_DESTINATION_NUMBER)]
    numbers = params.get("DestinationPhoneNumbers")
    if numbers:
        wanted = {number if number.startswith("+") else f"+{number}" for number in numbers}
        docs = [doc for doc in docs if doc["DestinationPhoneNumber"] in wanted]
    for name, values in filter_values(params):
        member = _FILTERS.get(name)
        if member is None:
            raise ValidationException(f"Unknown filter {name}", "INVALID_FILTER_VALUES")
        docs = [doc for doc in docs if doc.get(member) in set(values)]
    page = paginate(
        context,
        docs,
        lambda doc: f"{doc['CreatedTimestamp']:020.6f}/{doc['VerifiedDestinationNumberId']}",
        params,
    )
    result: dict[str, Any] = {"VerifiedDestinationNumbers": page.items}
    if page.next_token:
        result["NextToken"] = page.next_token
    return result


@operations.handler("DeleteVerifiedDestinationNumber")
def delete_verified_destination_number(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = _load(context, params["VerifiedDestinationNumberId"])
    key = doc["VerifiedDestinationNumberId"]
    age = context.now() - float(doc["CreatedTimestamp"])
    if doc["Status"] == "VERIFIED" and age < DELETE_AFTER_SECONDS:
        raise ConflictException(
            f"A verified destination number can be deleted 24 hours after it was added; {key} was added "
            f"{int(age)} seconds ago",
            "RESOURCE_DELETION_NOT_ALLOWED",
            RESOURCE_TYPE,
            key,
        )
    context.documents.remove(VERIFIED_DESTINATION_NUMBER, key)
    drop_tags(context, doc["VerifiedDestinationNumberArn"])
    return doc


def _check_can_receive_code(doc: Document, now: float) -> list[float]:
    key = doc["VerifiedDestinationNumberId"]
    if doc["Status"] == "VERIFIED":
        raise ConflictException(
            f"{doc['DestinationPhoneNumber']} is already verified",
            "VERIFICATION_ALREADY_COMPLETE",
            RESOURCE_TYPE,
            key,
        )
    if doc["Status"] == "UNSUPPORTED":
        raise ValidationException(
            f"{doc['DestinationPhoneNumber']} cannot receive verification codes",
            "INVALID_PARAMETER",
            [FieldProblem("VerifiedDestinationNumberId", "The number's status is UNSUPPORTED")],
        )
    recent = [float(at) for at in doc.get("CodesSent", []) if now - float(at) < DAY_SECONDS]
    if len(recent) >= MAX_CODES_PER_DAY:
        raise ServiceQuotaExceededException(
            f"At most {MAX_CODES_PER_DAY} verification codes can be sent to a number in 24 hours",
            "VERIFICATION_ATTEMPTS_PER_DAY",
        )
    return recent


@operations.handler("SendDestinationNumberVerificationCode")
def send_destination_number_verification_code(
    context: OperationContext, params: dict[str, Any]
) -> dict[str, Any]:
    doc = _load(context, params["VerifiedDestinationNumberId"])
    now = context.now()
    recent = _check_can_receive_code(doc, now)
    set_name = params.get("ConfigurationSetName")
    configuration_set = load_configuration_set(context, set_name) if set_name else None
    number = doc["DestinationPhoneNumber"]
    channel = params["VerificationChannel"]
    info = parse_destination(number)
    assert info is not None  # stored numbers were parsed when they were added
    origination = None
    if params.get("OriginationIdentity"):
        origination = resolve_origination(
            context, params["OriginationIdentity"], number, info.iso_country_code, channel, configuration_set
        )
        if is_opted_out(context, origination.opt_out_list_name, number):
            raise ConflictException(
                f"{number} opted out of messages from {origination.identity}",
                "DESTINATION_PHONE_NUMBER_OPTED_OUT",
                "opted-out-number",
                number,
            )
        info = parse_destination(number, origination.iso_country_code) or info
    code = f"{secrets.randbelow(1_000_000):06d}"
    template = _TEMPLATES[params.get("LanguageCode") or "EN_US"]
    body = template.format(code=" ".join(code) if channel == "VOICE" else code)
    analysis = analyze_text(body) if channel == "TEXT" else None
    outgoing = Outgoing(
        channel=channel,
        destination=info,
        # Without an OriginationIdentity the code comes from AWS's own route: records carry no
        # originationPhoneNumber (chosen).
        origin=Origin(identity=origination.identity if origination else None),
        configuration_set_name=configuration_set["ConfigurationSetName"] if configuration_set else None,
        message_type="TRANSACTIONAL" if channel == "TEXT" else None,
        body=body,
        encoding=analysis.encoding if analysis else None,
        parts=analysis.parts if analysis else None,
        context=params.get("Context") or None,
        details={
            "verified_destination_number_id": doc["VerifiedDestinationNumberId"],
            "verification_code": code,
        },
        # Checked above: the opt-out only with an identity, and codes go to unverified numbers by design.
        check_recipient=False,
    )
    message = send(context, outgoing, None)
    doc["VerificationCode"] = code
    doc["CodeSentAt"] = now
    doc["CodesSent"] = [*recent, now]
    _save(context, doc)
    return {"MessageId": message.message_id}


@operations.handler("VerifyDestinationNumber")
def verify_destination_number(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = _load(context, params["VerifiedDestinationNumberId"])
    key = doc["VerifiedDestinationNumberId"]
    if doc["Status"] == "VERIFIED":
        raise ConflictException(
            f"{doc['DestinationPhoneNumber']} is already verified",
            "VERIFICATION_ALREADY_COMPLETE",
            RESOURCE_TYPE,
            key,
        )
    code = doc.get("VerificationCode")
    sent_at = doc.get("CodeSentAt")
    if code is None or sent_at is None or context.now() - float(sent_at) > CODE_VALIDITY_SECONDS:
        raise ConflictException(
            "No verification code is valid for this number: send a new one",
            "VERIFICATION_CODE_EXPIRED",
            RESOURCE_TYPE,
            key,
        )
    if params["VerificationCode"] != code:
        raise ValidationException(
            "The verification code does not match",
            "VERIFICATION_CODE_MISMATCH",
            [FieldProblem("VerificationCode", "Does not match the code sent")],
        )
    doc["Status"] = "VERIFIED"
    for name in _PRIVATE[:2]:
        doc.pop(name, None)
    _save(context, doc)
    return doc
