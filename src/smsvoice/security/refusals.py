"""The answers of AWS's front end to a request it cannot authenticate.

They are not in either service's model: AWS's front end gives them before any operation runs. AWS
answers them with 400 on its JSON 1.0/1.1 services (DynamoDB, Kinesis, CloudWatch Logs, Cognito) and
with 403 on its rest-json services (Lambda, Glacier, API Gateway); docs/security.md cites examples.
"""

from __future__ import annotations

from smsvoice.protocol.errors import ServiceError


class AuthRefusal(ServiceError):
    """A request refused before it reached an operation: unsigned, unknown key or bad signature."""


class MissingAuthenticationTokenException(AuthRefusal):
    code = "MissingAuthenticationTokenException"


class UnrecognizedClientException(AuthRefusal):
    code = "UnrecognizedClientException"


class InvalidSignatureException(AuthRefusal):
    code = "InvalidSignatureException"


class IncompleteSignatureException(AuthRefusal):
    code = "IncompleteSignatureException"


def refusal_status(protocol: str) -> int:
    """The HTTP status AWS gives these refusals on a service of `protocol` (botocore's name)."""
    return 403 if protocol in ("rest-json", "rest-xml") else 400


def missing_token(protocol: str) -> MissingAuthenticationTokenException:
    # The two wordings AWS uses: JSON services say "Request is missing ...", API Gateway-fronted
    # rest services "Missing Authentication Token".
    message = (
        "Missing Authentication Token"
        if protocol == "rest-json"
        else "Request is missing Authentication Token"
    )
    return MissingAuthenticationTokenException(message)


def unrecognized_client() -> UnrecognizedClientException:
    return UnrecognizedClientException("The security token included in the request is invalid.")


def signature_mismatch() -> InvalidSignatureException:
    return InvalidSignatureException(
        "The request signature we calculated does not match the signature you provided. Check your "
        "AWS Secret Access Key and signing method. Consult the service documentation for details."
    )
