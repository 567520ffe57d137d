"""What an API is to the gateway: its model, protocol, handlers and the errors it answers with."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from botocore.model import ServiceModel

from smsvoice.clock import Clock
from smsvoice.config import Settings
from smsvoice.protocol.base import WireProtocol
from smsvoice.protocol.errors import ProtocolError, ServiceError
from smsvoice.store import Documents, Transaction


@dataclass(slots=True)
class OperationContext:
    """Everything a handler may use: who calls, the store transaction, the clock. Handlers never see
    HTTP."""

    api: str
    operation: str
    account: str
    region: str
    request_id: str
    tx: Transaction
    clock: Clock
    settings: Settings
    documents: Documents = field(init=False)

    def __post_init__(self) -> None:
        self.documents = self.tx.documents(self.account, self.region)

    def now(self) -> float:
        return self.clock.now()


Handler = Callable[[OperationContext, dict[str, Any]], dict[str, Any]]
# Queues, before the gateway's own first read, what a request of an operation will read (account,
# region, operation, parameters, the clock's time); those reads then cost no round trip of their own
# (store/libpq.py).
ReadAhead = Callable[[Transaction, str, str, str, dict[str, Any], float], None]


class RegistrationError(Exception):
    """A handler registered under a name its API's model does not define, or registered twice."""


class OperationRegistry:
    """Handlers of one API by operation name, filled by `@registry.handler("Name")`.

    `collect` imports every module of the API's package before the API is built, so a resource module
    cannot be left out by forgetting an import, and refuses names that are not operations of the model.
    """

    def __init__(self, package: str | None = None) -> None:
        self.package = package  # where the resource modules live (None: only what was registered by hand)
        self.handlers: dict[str, Handler] = {}

    def handler(self, operation: str) -> Callable[[Handler], Handler]:
        def register(function: Handler) -> Handler:
            if operation in self.handlers:
                raise RegistrationError(
                    f"{operation} registered twice: by {_where(self.handlers[operation])} and {_where(function)}"
                )
            self.handlers[operation] = function
            return function

        return register

    def collect(self, model: ServiceModel) -> OperationRegistry:
        """Import the package's modules (registering their handlers) and check every name against `model`."""
        if self.package is not None:
            package = importlib.import_module(self.package)
            for module in pkgutil.walk_packages(package.__path__, f"{self.package}."):
                importlib.import_module(module.name)
        known = set(model.operation_names)
        unknown = sorted(name for name in self.handlers if name not in known)
        if unknown:
            raise RegistrationError(
                f"not operations of {model.service_name} in the installed botocore: "
                + ", ".join(f"{name} ({_where(self.handlers[name])})" for name in unknown)
            )
        return self


def _where(function: Handler) -> str:
    return f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', '?')}"


class ApiErrors(Protocol):
    """How one API answers problems found before or around its handlers."""

    def invalid_input(self, error: ProtocolError) -> ServiceError: ...

    def throttled(self, operation: str) -> ServiceError: ...

    def internal(self, request_id: str) -> ServiceError: ...

    def token_reused(self, operation: str, token: str) -> ServiceError:
        """A ClientToken sent again with other parameters."""
        ...


@dataclass(frozen=True, slots=True)
class RequestRates:
    """Requests per second per account, Region and operation that one API allows under `--throttling aws`."""

    per_operation: Mapping[str, float] = field(default_factory=dict)
    default: float | None = None  # for the operations not named in either field; None: unlimited
    unthrottled: frozenset[str] = frozenset()

    def for_operation(self, operation: str) -> float | None:
        explicit = self.per_operation.get(operation)
        if explicit is not None:
            return explicit
        if operation in self.unthrottled:
            return None
        return self.default


@dataclass(slots=True)
class Api:
    short_name: str  # "v1" or "v2", as the inspection API shows it
    service_name: str  # botocore's name
    protocol: WireProtocol
    registry: OperationRegistry
    errors: ApiErrors
    # Request bodies some operations may send beyond --max-body-bytes, by operation name.
    body_limits: Mapping[str, int] = field(default_factory=dict)
    read_ahead: ReadAhead | None = None
    # Operations whose unit of work locks no row (sends), so that on PostgreSQL it may share a
    # transaction with others ready at the same time (store/batches.py).
    batched_operations: frozenset[str] = frozenset()
