"""Settings, read once from flags, environment variables and defaults into one typed object.

Every option has one name: flag `--data-dir` is env var `SMSVOICE_DATA_DIR` is field `data_dir`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

ThrottlingMode = Literal["aws", "off"]
DbUpgradeMode = Literal["auto", "on", "off"]
FirehoseFraming = Literal["aws", "ndjson-batch"]
RegistrationReviewMode = Literal["auto", "manual"]
RegistrationGatingMode = Literal["off", "aws"]
AuthMode = Literal["off", "sigv4"]

DEFAULT_PORT = 7767  # "SMS" on a phone keypad is 767
DEFAULT_ACCOUNT = "000000000000"


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    data_dir: Path = Path(".smsvoice")
    # SQLAlchemy URL of the store; empty means the embedded SQLite file under data_dir.
    database_url: str = ""
    # Bring the store's schema up to date at start: `auto` does it on the embedded SQLite store only;
    # another database is upgraded by `smsvoice db upgrade` (or `on`) and checked at start.
    db_upgrade: DbUpgradeMode = "auto"
    # Connections each process keeps to a database server (PostgreSQL); SQLite uses one.
    database_pool_size: int = 8
    throttling: ThrottlingMode = "aws"
    default_region: str = "us-east-1"
    default_account: str = DEFAULT_ACCOUNT
    max_body_bytes: int = 4 * 1024 * 1024
    log_level: str = "info"
    # Check every response against the model's output shape (tests turn this on).
    validate_responses: bool = False
    # Event delivery (docs/delivery.md): run the delivery workers inside `serve`; assume each Logs and
    # Firehose destination's IamRoleArn through STS as AWS does; how long a failing record is retried
    # before it is dead-lettered.
    delivery: bool = True
    delivery_assume_role: bool = True
    delivery_retention_seconds: float = 6 * 3600.0
    # Retention (smsvoice/retention.py): keep the newest N messages and those younger than D days
    # (0 turns a limit off); sized for a laptop: 100,000 messages are ~150 MB of store.
    retention_messages: int = 100_000
    retention_days: float = 7.0
    # Firehose writes (delivery/sinks/firehose.py): `aws` one PutRecord per bare JSON record, as AWS's
    # documented role policy implies; `ndjson-batch` PutRecordBatch of newline-terminated records.
    firehose_framing: FirehoseFraming = "aws"
    # Publish every message status change to the default EventBridge bus (delivery/eventbridge.py).
    eventbridge: bool = False
    # JSON file of origination identities to pre-provision at every start (docs/v2-identities.md).
    seed_file: str = ""
    # JSON rules file of the carrier simulator (docs/messaging.md): outcomes and delays by destination.
    simulator_rules: Path | None = None
    # JSON file of fault rules (smsvoice/faults.py) that replace the stored ones at start.
    faults: Path | None = None
    # Registrations (docs/registrations.md): `auto` reviews and approves a submitted version, one step
    # every registration_review_seconds of the simulator clock; `manual` waits for
    # POST /_smsvoice/registrations/{id}/review. Gating `aws` keeps US toll-free and 10DLC numbers from
    # sending until their registration is complete, as AWS does.
    registration_review: RegistrationReviewMode = "auto"
    registration_review_seconds: float = 300.0
    registration_gating: RegistrationGatingMode = "off"
    # Security for shared deployments (docs/security.md): `sigv4` verifies every AWS request's
    # signature against the credentials file; the admin token guards /_smsvoice/; TLS certificate and
    # key serve HTTPS; requests one client address may have in flight (0: no cap); seconds a client
    # has to send a whole request (head and body).
    auth: AuthMode = "off"
    credentials_file: Path | None = None
    admin_token: str = ""
    tls_cert: Path | None = None
    tls_key: Path | None = None
    max_client_requests: int = 256
    request_read_timeout: float = 30.0

    @property
    def store_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'smsvoice.db').resolve()}"

    @property
    def upgrades_store(self) -> bool | None:
        """Whether opening the store brings its schema up to date (None: only the embedded one)."""
        return {"auto": None, "on": True, "off": False}[self.db_upgrade]

    @property
    def endpoint(self) -> str:
        scheme = "https" if self.tls_cert is not None else "http"
        return f"{scheme}://{self.host}:{self.port}"


_ENV_PREFIX = "SMSVOICE_"


def _convert(name: str, raw: str) -> Any:
    if name in ("port", "max_body_bytes", "database_pool_size", "retention_messages", "max_client_requests"):
        return int(raw)
    if name in ("data_dir", "simulator_rules", "faults", "credentials_file", "tls_cert", "tls_key"):
        return Path(raw)
    if name == "validate_responses":
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if name in ("delivery", "delivery_assume_role", "eventbridge"):
        return _on_off(name, raw)
    if name in (
        "delivery_retention_seconds",
        "retention_days",
        "registration_review_seconds",
        "request_read_timeout",
    ):
        return float(raw)
    if name == "registration_review" and raw not in ("auto", "manual"):
        raise ValueError(f"registration-review must be 'auto' or 'manual', not {raw!r}")
    if name == "registration_gating" and raw not in ("off", "aws"):
        raise ValueError(f"registration-gating must be 'off' or 'aws', not {raw!r}")
    if name == "db_upgrade" and raw not in ("auto", "on", "off"):
        raise ValueError(f"db-upgrade must be 'auto', 'on' or 'off', not {raw!r}")
    if name == "firehose_framing" and raw not in ("aws", "ndjson-batch"):
        raise ValueError(f"firehose-framing must be 'aws' or 'ndjson-batch', not {raw!r}")
    if name == "auth" and raw not in ("off", "sigv4"):
        raise ValueError(f"auth must be 'off' or 'sigv4', not {raw!r}")
    if name == "throttling" and raw not in ("aws", "off"):
        raise ValueError(f"throttling must be 'aws' or 'off', not {raw!r}")
    return raw


def _on_off(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be 'on' or 'off', not {raw!r}")


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Defaults, then `SMSVOICE_*` environment variables, then explicit overrides (flags)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for item in fields(Settings):
        raw = env.get(_ENV_PREFIX + item.name.upper())
        if raw is not None and raw != "":
            values[item.name] = _convert(item.name, raw)
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = _convert(name, value) if isinstance(value, str) else value
    return _checked(replace(Settings(), **values))


def _checked(settings: Settings) -> Settings:
    """Options that only make sense together."""
    if settings.auth == "sigv4" and settings.credentials_file is None:
        raise ValueError("--auth sigv4 needs --credentials-file (SMSVOICE_CREDENTIALS_FILE)")
    if (settings.tls_cert is None) != (settings.tls_key is None):
        raise ValueError("--tls-cert and --tls-key go together")
    return settings
