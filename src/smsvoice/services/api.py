"""What an API is to the gateway: its model, protocol, handlers and the errors it answers with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

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


class OperationRegistry:
    """Handlers of one API by operation name, filled by `@registry.handler("Name")`."""

    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}

    def handler(self, operation: str) -> Callable[[Handler], Handler]:
        def register(function: Handler) -> Handler:
            if operation in self.handlers:
                raise ValueError(f"{operation} registered twice")
            self.handlers[operation] = function
            return function

        return register


class ApiErrors(Protocol):
    """How one API answers problems found before or around its handlers."""

    def invalid_input(self, error: ProtocolError) -> ServiceError: ...

    def throttled(self, operation: str) -> ServiceError: ...

    def internal(self, request_id: str) -> ServiceError: ...

    def token_reused(self, operation: str, token: str) -> ServiceError:
        """A ClientToken sent again with other parameters."""
        ...


@dataclass(slots=True)
class Api:
    short_name: str  # "v1" or "v2", as the inspection API shows it
    service_name: str  # botocore's name
    protocol: WireProtocol
    registry: OperationRegistry
    errors: ApiErrors
