"""Fault injection: rules that make chosen requests fail, or answer late, as AWS would.

A rule (JSON; every member optional but one of `error` and `latency_ms`):

    {"operation": "SendTextMessage", "error": "ThrottlingException", "message": "Rate exceeded",
     "reason": "...", "probability": 1.0, "count": 1, "destination": "+12065550100" | "prefix": "+44",
     "account": "111122223333", "region": "us-east-1", "latency_ms": 0}

`operation` is an operation of either API (any operation without it); `error` an error shape of that
API's model (of either model without `operation`), answered exactly as the API answers it (status,
`x-amzn-errortype`, `__type`, `Reason` where the shape has one: the rule's `reason`, else `OTHER`
when the shape's enum has it, else its first value); `probability` (0..1, default 1) and `count`
(how many times at most, default unlimited) decide when it fires; `destination`/`prefix` match the
request's `DestinationPhoneNumber`. The first rule that matches and fires wins. Rules live in the
store (every node applies them) with how often each fired.
"""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import orjson
from botocore.model import ServiceModel, StructureShape

from smsvoice.protocol.errors import ServiceError
from smsvoice.store import Transaction

FAULTS_SETTING: Final = "faults"
MAX_LATENCY_MS: Final = 60_000
_NUMBER: Final = re.compile(r"\+[0-9]{1,19}")
_PREFIX: Final = re.compile(r"\+[0-9]{0,19}")
_ACCOUNT: Final = re.compile(r"[0-9]{12}")
_MEMBERS: Final = frozenset(
    {"id", "operation", "error", "message", "reason", "probability", "count", "destination", "prefix"}
    | {"account", "region", "latency_ms", "fired"}
)


class FaultError(ValueError):
    """A fault rule that cannot be used; the message names the member."""


@dataclass(frozen=True, slots=True)
class Fault:
    id: str
    operation: str | None = None
    error: str | None = None
    message: str | None = None
    reason: str | None = None
    probability: float = 1.0
    count: int | None = None
    destination: str | None = None
    prefix: str | None = None
    account: str | None = None
    region: str | None = None
    latency_ms: int = 0
    fired: int = 0

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}

    def matches(self, operation: str, account: str, region: str, destination: str | None) -> bool:
        if self.count is not None and self.fired >= self.count:
            return False
        if self.operation is not None and self.operation != operation:
            return False
        if self.account is not None and self.account != account:
            return False
        if self.region is not None and self.region != region:
            return False
        if self.destination is not None and destination != self.destination:
            return False
        return self.prefix is None or (destination is not None and destination.startswith(self.prefix))


@dataclass(frozen=True, slots=True)
class Injected:
    """What a request gets from the rule that fired."""

    fault: Fault
    latency_seconds: float


def parse_fault(item: Any, models: list[ServiceModel]) -> Fault:
    if not isinstance(item, dict):
        raise FaultError("a fault rule must be a JSON object")
    unknown = set(item) - _MEMBERS
    if unknown:
        raise FaultError(f"unknown member(s) {sorted(unknown)}")
    operation = _text(item, "operation")
    owners = models
    if operation is not None:
        owners = [model for model in models if operation in model.operation_names]
        if not owners:
            raise FaultError(f"operation {operation!r} is not an operation of either API")
    error = _text(item, "error")
    latency = item.get("latency_ms", 0)
    if isinstance(latency, bool) or not isinstance(latency, int) or not 0 <= latency <= MAX_LATENCY_MS:
        raise FaultError(f"latency_ms must be a whole number from 0 to {MAX_LATENCY_MS}")
    if error is None and latency == 0:
        raise FaultError("give error or latency_ms (or both)")
    if error is not None and not any(_error_shape(model, error) is not None for model in owners):
        raise FaultError(
            f"error {error!r} is not an error of {'that operation' if operation else 'either API'}"
        )
    probability = item.get("probability", 1.0)
    if isinstance(probability, bool) or not isinstance(probability, int | float) or not 0 <= probability <= 1:
        raise FaultError("probability must be a number from 0 to 1")
    count = item.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise FaultError("count must be a whole number of at least 1")
    destination, prefix = _text(item, "destination"), _text(item, "prefix")
    if destination is not None and not _NUMBER.fullmatch(destination):
        raise FaultError("destination must be an E.164 number such as +12065550100")
    if prefix is not None and not _PREFIX.fullmatch(prefix):
        raise FaultError("prefix must be '+' and digits, such as +44")
    account = _text(item, "account")
    if account is not None and not _ACCOUNT.fullmatch(account):
        raise FaultError("account must be 12 digits")
    return Fault(
        id=_text(item, "id") or f"fault-{uuid.uuid4().hex[:12]}",
        operation=operation,
        error=error,
        message=_text(item, "message"),
        reason=_text(item, "reason"),
        probability=float(probability),
        count=count,
        destination=destination,
        prefix=prefix,
        account=account,
        region=_text(item, "region"),
        latency_ms=latency,
        fired=int(item.get("fired", 0)),
    )


def _text(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise FaultError(f"{name} must be a non-empty string")
    return value


def _error_shape(model: ServiceModel, name: str) -> StructureShape | None:
    for shape in model.error_shapes:
        if shape.name == name:
            return shape
    return None


def load_fault_file(path: Path, models: list[ServiceModel]) -> tuple[Fault, ...]:
    """The rules of `smsvoice serve --faults FILE`: a list of rules, or {"faults": [...]}."""
    try:
        document = orjson.loads(path.read_bytes())
    except OSError as problem:
        raise FaultError(f"cannot read fault rules {path}: {problem}") from None
    except orjson.JSONDecodeError as problem:
        raise FaultError(f"fault rules {path} are not JSON: {problem}") from None
    if isinstance(document, dict) and set(document) == {"faults"}:
        document = document["faults"]
    if not isinstance(document, list):
        raise FaultError(f'fault rules {path} must be a list, or {{"faults": [...]}}')
    return tuple(parse_fault(item, models) for item in document)


def faults_in_force(tx: Transaction) -> tuple[Fault, ...]:
    return _parsed(tx.settings.get_text(FAULTS_SETTING))


def save_faults(tx: Transaction, faults: tuple[Fault, ...]) -> None:
    tx.settings.put_text(FAULTS_SETTING, orjson.dumps([fault.to_json() for fault in faults]).decode())


@lru_cache(maxsize=8)
def _parsed(stored: str | None) -> tuple[Fault, ...]:
    if stored is None:
        return ()
    return tuple(Fault(**item) for item in orjson.loads(stored))


def candidate(
    faults: tuple[Fault, ...], operation: str, account: str, region: str, destination: str | None
) -> Fault | None:
    """The first rule that matches the request and wins its draw (None: nothing is injected)."""
    for fault in faults:
        if fault.matches(operation, account, region, destination) and random.random() < fault.probability:
            return fault
    return None


def take(
    tx: Transaction, fault_id: str, operation: str, account: str, region: str, destination: str | None
) -> Injected | None:
    """Count one firing of the rule, if it still applies (its count may have run out meanwhile)."""
    faults = faults_in_force(tx)
    for index, fault in enumerate(faults):
        if fault.id == fault_id and fault.matches(operation, account, region, destination):
            fired = replace(fault, fired=fault.fired + 1)
            save_faults(tx, (*faults[:index], fired, *faults[index + 1 :]))
            return Injected(fired, fault.latency_ms / 1000)
    return None


def error_for(fault: Fault, model: ServiceModel) -> ServiceError | None:
    """The error the rule answers with, as the model defines it (None for a latency-only rule)."""
    if fault.error is None:
        return None
    shape = _error_shape(model, fault.error)
    if shape is None:
        return None
    members: dict[str, Any] = {}
    reason_shape = shape.members.get("Reason")
    if reason_shape is not None:
        choices = list(reason_shape.enum or [])
        members["Reason"] = fault.reason or ("OTHER" if "OTHER" in choices or not choices else choices[0])
    # A fault shape without a status in the model (v2's InternalServerException) is a 500, as AWS
    # answers it; every other error the model leaves without a status is a 400.
    status = 500 if fault.error.startswith("Internal") else 400
    error_class = type(fault.error, (ServiceError,), {"code": fault.error, "default_status": status})
    text = fault.message or f"Injected by smsvoice fault rule {fault.id}"
    return error_class(text, **members)  # type: ignore[no-any-return]
