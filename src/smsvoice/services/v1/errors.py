"""The v1 error shapes, named as AWS names them. Each has only a `Message` member."""

from __future__ import annotations

from smsvoice.protocol.errors import ProtocolError, ServiceError


class BadRequestException(ServiceError):
    code = "BadRequestException"


class NotFoundException(ServiceError):
    code = "NotFoundException"
    default_status = 404


class AlreadyExistsException(ServiceError):
    code = "AlreadyExistsException"
    default_status = 409


class LimitExceededException(ServiceError):
    code = "LimitExceededException"
    default_status = 412


class TooManyRequestsException(ServiceError):
    code = "TooManyRequestsException"
    default_status = 429


class InternalServiceErrorException(ServiceError):
    code = "InternalServiceErrorException"
    default_status = 500


class V1Errors:
    def invalid_input(self, error: ProtocolError) -> ServiceError:
        return BadRequestException(error.message)

    def throttled(self, operation: str) -> ServiceError:
        return TooManyRequestsException(
            f"You've made too many {operation} requests in one second. Requests are limited to 1 per second."
        )

    def internal(self, request_id: str) -> ServiceError:
        return InternalServiceErrorException(
            f"The API encountered an unexpected error (request {request_id}). Try again later."
        )

    def token_reused(self, operation: str, token: str) -> ServiceError:
        return BadRequestException(f"Token {token} was already used with other parameters")
