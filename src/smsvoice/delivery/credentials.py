"""AWS SDK clients for delivery, built from the process's own SDK configuration.

Nothing here reads environment variables: boto3 does, the way every AWS SDK does (the credential
chain, `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`, `~/.aws/config`), so delivery goes to
real AWS, LocalStack or moto's server without code. The region of each client is the region of the
destination's ARN. For CloudWatch Logs and Firehose, AWS itself writes with the destination's
IamRoleArn ("a role the service assumes", user guide, configuration-sets-*-creating-role); we do the
same through STS AssumeRole unless that is switched off, and keep the temporary credentials until
shortly before they expire.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from smsvoice.clock import Clock
from smsvoice.delivery.failures import Failure

if TYPE_CHECKING:
    from botocore.config import Config


@cache
def sdk_config() -> Config:
    """The outbox retries (retry.py), so one SDK attempt per call keeps each attempt visible and
    bounded. Built on first use: botocore's client machinery is not imported at start."""
    from botocore.config import Config

    return Config(
        connect_timeout=5,
        read_timeout=20,
        retries={"total_max_attempts": 1, "mode": "standard"},
        max_pool_connections=32,
        user_agent_extra="smsvoice-delivery",
    )


ROLE_SESSION_NAME = "smsvoice-delivery"
ASSUMED_ROLE_SECONDS = 3600
# Renew temporary credentials this long before they expire, so no call is signed with stale ones.
REFRESH_MARGIN_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class _Assumed:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expires_at: float


class AwsClients:
    """Thread-safe cache of SDK clients keyed by (service, region, role to assume or None)."""

    def __init__(self, clock: Clock, *, assume_role: bool, config: Config | None = None) -> None:
        self.assume_role = assume_role
        self._clock = clock
        self._config = config  # sdk_config() when None
        # Made on first use, so that a broken SDK configuration shows as failed deliveries (retried,
        # visible in /_smsvoice/deliveries) instead of stopping the server from starting.
        self._session: Any = None  # a boto3 Session
        # Creating clients from one boto3 session is not thread-safe; the lock is never held over a call.
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str, str | None], tuple[str, Any]] = {}
        self._assumed: dict[tuple[str, str], _Assumed] = {}
        self._role_locks: dict[tuple[str, str], threading.Lock] = {}

    def client(self, service: str, region: str, role_arn: str | None = None) -> Any:
        """A client for `service` in `region`, signed as `role_arn` when roles are assumed."""
        role = role_arn if self.assume_role and role_arn else None
        if role is None:
            return self._cached(service, region, None, None)
        return self._cached(service, region, role, self._credentials_for(role, region))

    def forget_if_expired(self, role_arn: str | None, region: str, results: Iterable[object]) -> None:
        """Drop a role's cached credentials when any of these results says they expired."""
        if any(isinstance(result, Failure) and result.expired_credentials for result in results):
            self.forget(role_arn, region)

    def forget(self, role_arn: str | None, region: str) -> None:
        """Drop a role's cached credentials (the service said they expired)."""
        if role_arn is None:
            return
        with self._lock:
            self._assumed.pop((role_arn, region), None)

    def _cached(self, service: str, region: str, role: str | None, assumed: _Assumed | None) -> Any:
        key = (service, region, role)
        identity = assumed.access_key_id if assumed else ""
        with self._lock:
            found = self._clients.get(key)
            if found is not None and found[0] == identity:
                return found[1]
            if self._session is None:
                # boto3 (with s3transfer) is a tenth of the server's start-up: import it when needed.
                import boto3

                self._session = boto3.session.Session()
            config = self._config or sdk_config()
            if assumed is None:
                made = self._session.client(service, region_name=region, config=config)
            else:
                made = self._session.client(
                    service,
                    region_name=region,
                    config=config,
                    aws_access_key_id=assumed.access_key_id,
                    aws_secret_access_key=assumed.secret_access_key,
                    aws_session_token=assumed.session_token,
                )
            self._clients[key] = (identity, made)
            return made

    def _credentials_for(self, role_arn: str, region: str) -> _Assumed:
        key = (role_arn, region)
        with self._lock:
            role_lock = self._role_locks.setdefault(key, threading.Lock())
        # One STS call per role at a time; other roles and plain clients go on meanwhile.
        with role_lock:
            with self._lock:
                current = self._assumed.get(key)
            if current is not None and current.expires_at - REFRESH_MARGIN_SECONDS > self._clock.now():
                return current
            sts = self._cached("sts", region, None, None)
            answer = sts.assume_role(
                RoleArn=role_arn, RoleSessionName=ROLE_SESSION_NAME, DurationSeconds=ASSUMED_ROLE_SECONDS
            )
            found = answer["Credentials"]
            expiration = found["Expiration"]
            expires_at = (
                expiration.timestamp()
                if isinstance(expiration, datetime)
                else self._clock.now() + ASSUMED_ROLE_SECONDS
            )
            fresh = _Assumed(
                found["AccessKeyId"], found["SecretAccessKey"], found["SessionToken"], expires_at
            )
            with self._lock:
                self._assumed[key] = fresh
            return fresh
