"""Pre-provisioned origination identities ("seeds") for apps that name their real number or sender ID.

AWS never lets a caller choose a phone number, so an app whose code says
`OriginationIdentity="+12065550100"` could not run against smsvoice without this. A seed document
(JSON; the format is in docs/v2-identities.md) lists phone numbers, sender IDs, pools and opt-out
lists per account and Region. `smsvoice serve --seed-file` applies it at every start and
`POST /_smsvoice/identities` applies one at run time.

Applying is idempotent: whatever already exists (same E.164 number, same SenderId and country, same
PoolId, same opt-out list name) is left as it is, so changes made through the API survive a restart;
only missing resources are created, and opted-out numbers of the seed are put back when missing.
One seed is applied in one store transaction: an error anywhere leaves the store untouched.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from smsvoice.clock import Clock
from smsvoice.config import Settings
from smsvoice.domain.phone_numbers import parse_destination
from smsvoice.protocol.errors import ServiceError
from smsvoice.protocol.model import load_service_model
from smsvoice.protocol.validation import validate_input
from smsvoice.services.api import OperationContext
from smsvoice.services.names import V2
from smsvoice.services.v2 import keywords, opt_outs, phone_numbers, pools
from smsvoice.services.v2.identities import (
    PHONE_NUMBER,
    PHONE_NUMBER_TYPE,
    POOL,
    SENDER_ID,
    IdentityRef,
    as_e164,
    phone_number_by_e164,
    sender_key,
)
from smsvoice.services.v2.sender_ids import check_sender_id, new_sender_id_doc
from smsvoice.services.v2.tags import set_tags
from smsvoice.store import Store, Transaction

_ACCOUNT = re.compile(r"\d{12}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
_RESOURCE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SHORT_CODE = re.compile(r"[1-9][0-9]{2,7}")
# Stable ids for seeded resources that do not name one, so the same seed gives the same ids.
_NAMESPACE = uuid.UUID("0f6f8a52-5c2e-4f7e-9a4b-7d1d2f0b3c11")

_SECTIONS = {"Account", "Region", "OptOutLists", "PhoneNumbers", "SenderIds", "Pools"}
_PHONE_KEYS = {
    "PhoneNumber",
    "PhoneNumberId",
    "IsoCountryCode",
    "NumberType",
    "MessageType",
    "NumberCapabilities",
    "OptOutListName",
    "RegistrationId",
    "InternationalSendingEnabled",
    "DeletionProtectionEnabled",
    "TwoWayEnabled",
    "TwoWayChannelArn",
    "TwoWayChannelRole",
    "SelfManagedOptOutsEnabled",
    "Tags",
    "Keywords",
}
_PHONE_UPDATES = ("TwoWayEnabled", "TwoWayChannelArn", "TwoWayChannelRole", "SelfManagedOptOutsEnabled")
_SENDER_KEYS = {
    "SenderId",
    "IsoCountryCode",
    "MessageTypes",
    "DeletionProtectionEnabled",
    "Registered",
    "RegistrationId",
    "Tags",
}
_POOL_SETTINGS = (
    "TwoWayEnabled",
    "TwoWayChannelArn",
    "TwoWayChannelRole",
    "SelfManagedOptOutsEnabled",
    "OptOutListName",
    "SharedRoutesEnabled",
    "DeletionProtectionEnabled",
)
_POOL_KEYS = {"PoolId", "MessageType", "OriginationIdentities", "Tags", "Keywords", *_POOL_SETTINGS}
_LIST_KEYS = {"OptOutListName", "OptedOutNumbers", "Tags"}


class SeedError(ValueError):
    """A seed document that cannot be applied; the message names the faulty member."""


@dataclass(slots=True)
class SeedReport:
    account: str
    region: str
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "Account": self.account,
            "Region": self.region,
            "Created": self.created,
            "Existing": self.existing,
        }


# ---- reading and checking ------------------------------------------------------------------------


def load_seed_file(path: str | Path) -> list[dict[str, Any]]:
    try:
        raw = Path(path).read_bytes()
    except OSError as problem:
        raise SeedError(f"cannot read seed file {path}: {problem}") from None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as problem:
        raise SeedError(f"seed file {path} is not valid JSON: {problem}") from None
    return parse_seed(data)


def parse_seed(data: Any) -> list[dict[str, Any]]:
    """One seed block per account and Region: the document is a block or a list of blocks."""
    blocks = data if isinstance(data, list) else [data]
    for index, block in enumerate(blocks):
        path = f"[{index}]" if isinstance(data, list) else "seed"
        if not isinstance(block, dict):
            raise SeedError(f"{path} must be an object")
        _unknown(block, _SECTIONS, path)
        for section in ("OptOutLists", "PhoneNumbers", "SenderIds", "Pools"):
            entries = block.get(section, [])
            if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
                raise SeedError(f"{path}.{section} must be a list of objects")
    return blocks


def _unknown(entry: dict[str, Any], allowed: set[str], path: str) -> None:
    extra = sorted(set(entry) - allowed)
    if extra:
        raise SeedError(
            f"{path}: unknown member(s) {', '.join(extra)}; allowed: {', '.join(sorted(allowed))}"
        )


def _check(operation: str, entry: dict[str, Any], path: str, **filler: Any) -> None:
    """Check the members of `entry` that `operation`'s input declares against every model rule."""
    shape = load_service_model(V2).operation_model(operation).input_shape
    values = {**filler, **{k: v for k, v in entry.items() if k in shape.members}}
    _, problems = validate_input(shape, values)
    if problems:
        raise SeedError(f"{path}: " + "; ".join(problem.message for problem in problems))


# ---- applying -------------------------------------------------------------------------------------


def apply_seed(
    tx: Transaction, blocks: list[dict[str, Any]], settings: Settings, clock: Clock
) -> list[SeedReport]:
    """Apply every block inside the caller's transaction."""
    reports = []
    for index, block in enumerate(blocks):
        account = str(block.get("Account") or settings.default_account)
        region = str(block.get("Region") or settings.default_region)
        if not _ACCOUNT.fullmatch(account):
            raise SeedError(f"[{index}].Account must be 12 digits, not {account!r}")
        if not _REGION.fullmatch(region):
            raise SeedError(f"[{index}].Region is not a Region name: {region!r}")
        context = OperationContext(
            api="v2",
            operation="Seed",
            account=account,
            region=region,
            request_id="seed",
            tx=tx,
            clock=clock,
            settings=settings,
        )
        report = SeedReport(account, region)
        _apply_block(context, block, report)
        reports.append(report)
    return reports


def _apply_block(context: OperationContext, block: dict[str, Any], report: SeedReport) -> None:
    steps: list[tuple[str, Callable[[OperationContext, dict[str, Any], str, SeedReport], None]]] = [
        ("OptOutLists", _seed_opt_out_list),
        ("PhoneNumbers", _seed_phone_number),
        ("SenderIds", _seed_sender_id),
        ("Pools", _seed_pool),
    ]
    for section, apply in steps:
        for position, entry in enumerate(block.get(section, [])):
            path = f"{section}[{position}]"
            try:
                apply(context, entry, path, report)
            except ServiceError as problem:
                reason = problem.members.get("Reason")
                detail = f" ({reason})" if reason else ""
                raise SeedError(f"{path}: {problem.code}{detail}: {problem.message}") from None


def _seed_opt_out_list(
    context: OperationContext, entry: dict[str, Any], path: str, report: SeedReport
) -> None:
    _unknown(entry, _LIST_KEYS, path)
    _check("CreateOptOutList", entry, path)
    name = entry["OptOutListName"]
    existing = opt_outs.get_opt_out_list_or_none(context, name)
    if existing is None:
        out = opt_outs.create_opt_out_list(context, {"OptOutListName": name, "Tags": entry.get("Tags")})
        report.created.append(out["OptOutListArn"])
    else:
        report.existing.append(existing["OptOutListArn"])
    numbers = entry.get("OptedOutNumbers", [])
    if not isinstance(numbers, list):
        raise SeedError(f"{path}.OptedOutNumbers must be a list")
    for position, value in enumerate(numbers):
        number, end_user = (
            (value, False)
            if isinstance(value, str)
            else _opted_out_entry(value, f"{path}.OptedOutNumbers[{position}]")
        )
        e164 = as_e164(number)
        if e164 is None:
            raise SeedError(f"{path}.OptedOutNumbers[{position}]: {number!r} is not a phone number")
        opt_outs.opt_out(context, name, e164, end_user=end_user)


def _opted_out_entry(value: Any, path: str) -> tuple[str, bool]:
    if not isinstance(value, dict) or not isinstance(value.get("OptedOutNumber"), str):
        raise SeedError(f"{path} must be a number or an object with OptedOutNumber")
    _unknown(value, {"OptedOutNumber", "EndUserOptedOut"}, path)
    return value["OptedOutNumber"], bool(value.get("EndUserOptedOut", False))


def _phone_defaults(entry: dict[str, Any], path: str) -> tuple[str, str]:
    """The number as stored (E.164, or a short code's digits) and its country."""
    number = entry.get("PhoneNumber")
    number_type = entry.get("NumberType", "LONG_CODE")
    if not isinstance(number, str):
        raise SeedError(f"{path}.PhoneNumber is required")
    if number_type not in load_service_model(V2).shape_for("NumberType").enum:
        raise SeedError(f"{path}.NumberType {number_type!r} is not a NumberType")
    if number_type == "SHORT_CODE":
        stored = number.lstrip("+")
        if not _SHORT_CODE.fullmatch(stored):
            raise SeedError(f"{path}.PhoneNumber: a short code has 3 to 8 digits")
        country = entry.get("IsoCountryCode")
        if not country:
            raise SeedError(f"{path}.IsoCountryCode is required for a short code")
        return stored, str(country)
    info = parse_destination(number)
    if info is None:
        raise SeedError(f"{path}.PhoneNumber {number!r} is not an E.164 phone number")
    country = entry.get("IsoCountryCode") or info.iso_country_code
    if not country:
        raise SeedError(f"{path}.IsoCountryCode is required: no country is known for {number}")
    return info.e164, str(country)


def _seed_phone_number(
    context: OperationContext, entry: dict[str, Any], path: str, report: SeedReport
) -> None:
    _unknown(entry, _PHONE_KEYS, path)
    number, country = _phone_defaults(entry, path)
    settings = {
        "IsoCountryCode": country,
        "MessageType": entry.get("MessageType", "TRANSACTIONAL"),
        "NumberCapabilities": entry.get("NumberCapabilities", ["SMS"]),
    }
    requested = {key: value for key, value in entry.items() if key != "NumberType"}
    _check("RequestPhoneNumber", {**requested, **settings}, path, NumberType="LONG_CODE")
    _check("UpdatePhoneNumber", entry, path, PhoneNumberId="seed")
    number_type = entry.get("NumberType", "LONG_CODE")
    phone_numbers.check_number_type(country, number_type, settings["MessageType"])
    existing = phone_number_by_e164(context, number)
    if existing is not None:
        report.existing.append(existing["PhoneNumberArn"])
        return
    phone_number_id = entry.get("PhoneNumberId") or "phone-" + _stable_hex(context, "phone", number)
    if not _RESOURCE_ID.fullmatch(phone_number_id):
        raise SeedError(
            f"{path}.PhoneNumberId {phone_number_id!r} has other characters than letters, digits, '_' and '-'"
        )
    if context.documents.get(PHONE_NUMBER, phone_number_id) is not None:
        raise SeedError(f"{path}.PhoneNumberId {phone_number_id} is already used by another number")
    list_name = opt_outs.get_opt_out_list(context, entry.get("OptOutListName") or opt_outs.DEFAULT_LIST)[
        "OptOutListName"
    ]
    doc = phone_numbers.new_phone_number_doc(
        context,
        phone_number=number,
        phone_number_id=phone_number_id,
        iso_country_code=country,
        message_type=settings["MessageType"],
        number_capabilities=settings["NumberCapabilities"],
        number_type=number_type,
        opt_out_list_name=list_name,
    )
    for member in (
        *_PHONE_UPDATES,
        "InternationalSendingEnabled",
        "DeletionProtectionEnabled",
        "RegistrationId",
    ):
        if entry.get(member) is not None:
            doc[member] = entry[member]
    phone_numbers.check_two_way(doc)
    phone_numbers.store_new_phone_number(context, doc)
    set_tags(context, doc["PhoneNumberArn"], entry.get("Tags"))
    _seed_keywords(context, phone_number_id, entry, path)
    report.created.append(doc["PhoneNumberArn"])


def _seed_keywords(context: OperationContext, owner: str, entry: dict[str, Any], path: str) -> None:
    words = entry.get("Keywords", [])
    if not isinstance(words, list):
        raise SeedError(f"{path}.Keywords must be a list")
    for position, word in enumerate(words):
        where = f"{path}.Keywords[{position}]"
        if not isinstance(word, dict):
            raise SeedError(f"{where} must be an object")
        _unknown(word, {"Keyword", "KeywordMessage", "KeywordAction"}, where)
        _check("PutKeyword", word, where, OriginationIdentity=owner)
        keywords.put_keyword(context, {**word, "OriginationIdentity": owner})


def _seed_sender_id(context: OperationContext, entry: dict[str, Any], path: str, report: SeedReport) -> None:
    _unknown(entry, _SENDER_KEYS, path)
    _check("RequestSenderId", entry, path)
    if "Registered" in entry and not isinstance(entry["Registered"], bool):
        raise SeedError(f"{path}.Registered must be true or false")
    sender_id, country = entry["SenderId"], entry["IsoCountryCode"]
    check_sender_id(sender_id)
    key = sender_key(sender_id, country)
    existing = context.documents.get(SENDER_ID, key)
    if existing is not None:
        report.existing.append(existing["SenderIdArn"])
        return
    # No country policy here: a seed describes a sender ID the user already holds in AWS.
    doc = new_sender_id_doc(context, sender_id, country, entry.get("MessageTypes"))
    doc["Registered"] = bool(entry.get("Registered", False))
    doc["DeletionProtectionEnabled"] = bool(entry.get("DeletionProtectionEnabled", False))
    if entry.get("RegistrationId"):
        doc["RegistrationId"] = str(entry["RegistrationId"])
    context.documents.add(SENDER_ID, key, doc)
    set_tags(context, doc["SenderIdArn"], entry.get("Tags"))
    report.created.append(doc["SenderIdArn"])


def _pool_identities(entry: dict[str, Any], path: str) -> list[tuple[str, str | None]]:
    values = entry.get("OriginationIdentities")
    if not isinstance(values, list) or not values:
        raise SeedError(f"{path}.OriginationIdentities must list at least one phone number or sender ID")
    result: list[tuple[str, str | None]] = []
    for position, value in enumerate(values):
        if isinstance(value, str):
            result.append((value, None))
        elif isinstance(value, dict) and isinstance(value.get("SenderId"), str):
            _unknown(value, {"SenderId", "IsoCountryCode"}, f"{path}.OriginationIdentities[{position}]")
            result.append((value["SenderId"], value.get("IsoCountryCode")))
        else:
            raise SeedError(
                f"{path}.OriginationIdentities[{position}] must be a phone number, id, ARN or "
                '{"SenderId": ..., "IsoCountryCode": ...}'
            )
    return result


def _seed_pool(context: OperationContext, entry: dict[str, Any], path: str, report: SeedReport) -> None:
    _unknown(entry, _POOL_KEYS, path)
    if entry.get("MessageType") is None:
        entry = {**entry, "MessageType": "TRANSACTIONAL"}
    identities = _pool_identities(entry, path)
    _check("CreatePool", entry, path, OriginationIdentity="seed")
    _check("UpdatePool", entry, path, PoolId="seed")
    pool_id = entry.get("PoolId") or "pool-" + _stable_hex(context, "pool", identities[0][0])
    if not _RESOURCE_ID.fullmatch(pool_id):
        raise SeedError(f"{path}.PoolId {pool_id!r} has other characters than letters, digits, '_' and '-'")
    existing = context.documents.get(POOL, pool_id)
    if existing is not None:
        report.existing.append(existing["PoolArn"])
        return
    refs = [pools.resolve_member(context, value, country) for value, country in identities]
    doc = pools.create_pool_with(context, pool_id, entry["MessageType"], refs[0])
    updates = {member: entry[member] for member in _POOL_SETTINGS if entry.get(member) is not None}
    if updates:
        pools.update_pool(context, {"PoolId": pool_id, **updates})
        doc = context.documents.get(POOL, pool_id) or doc
    for ref in refs[1:]:
        if ref.resource_type == PHONE_NUMBER_TYPE and not ref.doc.get("PoolId"):
            _align_with_pool(context, ref, doc)
        pools.associate_origination_identity(context, {"PoolId": pool_id, "OriginationIdentity": ref.arn})
    set_tags(context, doc["PoolArn"], entry.get("Tags"))
    _seed_keywords(context, pool_id, entry, path)
    report.created.append(doc["PoolArn"])


def _align_with_pool(context: OperationContext, ref: IdentityRef, pool: dict[str, Any]) -> None:
    """A seeded pool's further numbers take its settings (the API would refuse a mismatch)."""
    number = dict(ref.doc)
    for member in phone_numbers.POOL_GOVERNED:
        if pool.get(member) is None:
            number.pop(member, None)
        else:
            number[member] = pool[member]
    context.documents.replace(PHONE_NUMBER, ref.key, number)


def _stable_hex(context: OperationContext, kind: str, value: str) -> str:
    return uuid.uuid5(_NAMESPACE, f"{context.account}/{context.region}/{kind}/{value}").hex


async def apply_seed_file(store: Store, settings: Settings, clock: Clock) -> list[SeedReport]:
    """Apply `settings.seed_file` (called from the application lifespan); SeedError stops the start."""
    if not settings.seed_file:
        return []
    blocks = load_seed_file(settings.seed_file)
    return await store.run(lambda tx: apply_seed(tx, blocks, settings, clock))
