"""The v2 error shapes, named as AWS names them, with their members.

The v2 model gives no HTTP status: the API reference documents 400 for client errors and 500 for
InternalServerException.
"""

from __future__ import annotations

from typing import Any

from smsvoice.protocol.errors import FieldProblem, ProtocolError, ProtocolProblem, ServiceError


class ValidationException(ServiceError):
    code = "ValidationException"

    def __init__(self, message: str, reason: str = "OTHER", fields: list[FieldProblem] | None = None) -> None:
        field_list: list[dict[str, Any]] | None = (
            [{"Name": item.name, "Message": item.message} for item in fields] if fields else None
        )
        super().__init__(message, Reason=reason, Fields=field_list)


class ConflictException(ServiceError):
    code = "ConflictException"

    def __init__(self, message: str, reason: str, resource_type: str, resource_id: str) -> None:
        super().__init__(message, Reason=reason, ResourceType=resource_type, ResourceId=resource_id)


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"

    def __init__(self, message: str, resource_type: str, resource_id: str) -> None:
        super().__init__(message, ResourceType=resource_type, ResourceId=resource_id)


class ServiceQuotaExceededException(ServiceError):
    code = "ServiceQuotaExceededException"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, Reason=reason)


class AccessDeniedException(ServiceError):
    code = "AccessDeniedException"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, Reason=reason)


class ThrottlingException(ServiceError):
    code = "ThrottlingException"


class InternalServerException(ServiceError):
    code = "InternalServerException"
    default_status = 500

    def __init__(self, message: str, request_id: str | None = None) -> None:
        super().__init__(message, RequestId=request_id)


class V2Errors:
    def invalid_input(self, error: ProtocolError) -> ServiceError:
        if error.problem is ProtocolProblem.INVALID_FIELDS:
            return ValidationException(error.message, "FIELD_VALIDATION_FAILED", error.fields)
        if error.problem is ProtocolProblem.BODY_TOO_LARGE:
            return ValidationException(error.message, "MAXIMUM_SIZE_EXCEEDED")
        return ValidationException(error.message, "CANNOT_PARSE")

    def throttled(self, operation: str) -> ServiceError:
        return ThrottlingException(f"Rate exceeded for {operation}")

    def internal(self, request_id: str) -> ServiceError:
        return InternalServerException(
            "The request failed because of an unexpected error in the service", request_id
        )

    def token_reused(self, operation: str, token: str) -> ServiceError:
        # AWS does not document this case; the service has no IdempotentParameterMismatch shape, so
        # smsvoice answers the closest declared error.
        return ValidationException(
            f"ClientToken {token} was already used for {operation} with different parameters",
            "INVALID_REQUEST",
        )
