"""The `smsvoice` command."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Sequence
from typing import Any

from smsvoice import __version__
from smsvoice.config import Settings, load_settings


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (SMSVOICE_HOST, default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, help="port to listen on, 0 for any free port (SMSVOICE_PORT, default 7767)"
    )
    parser.add_argument(
        "--data-dir", help="folder of the embedded SQLite store (SMSVOICE_DATA_DIR, default ./.smsvoice)"
    )
    parser.add_argument(
        "--database-url", help="SQLAlchemy URL of another store, e.g. PostgreSQL (SMSVOICE_DATABASE_URL)"
    )
    _add_database_options(parser)
    parser.add_argument(
        "--throttling",
        choices=["aws", "off"],
        help="'aws' enforces AWS's documented request rates, 'off' disables them (SMSVOICE_THROTTLING, default aws)",
    )
    parser.add_argument("--default-region", help="region of unsigned requests (SMSVOICE_DEFAULT_REGION)")
    parser.add_argument(
        "--max-body-bytes", type=int, help="largest request body accepted (SMSVOICE_MAX_BODY_BYTES)"
    )
    parser.add_argument(
        "--log-level", help="debug, info, warning or error (SMSVOICE_LOG_LEVEL, default info)"
    )
    parser.add_argument(
        "--validate-responses",
        action="store_const",
        const=True,
        help="check every response against the model (SMSVOICE_VALIDATE_RESPONSES)",
    )
    parser.add_argument(
        "--seed-file",
        help="JSON file of phone numbers, sender IDs, pools and opt-out lists to provision at start "
        "(SMSVOICE_SEED_FILE)",
    )
    parser.add_argument(
        "--faults",
        help="JSON file of fault rules (errors and latency for chosen requests) in force from the start "
        "(SMSVOICE_FAULTS; see docs/testing.md)",
    )
    parser.add_argument(
        "--retention-messages",
        type=int,
        help="keep the newest N messages (with their records); older ones are pruned in the background, "
        "0 keeps all (SMSVOICE_RETENTION_MESSAGES, default 100000; see docs/operations.md)",
    )
    parser.add_argument(
        "--retention-days",
        type=float,
        help="prune messages older than D days of the simulator clock, 0 keeps all "
        "(SMSVOICE_RETENTION_DAYS, default 7)",
    )
    parser.add_argument(
        "--simulator-rules",
        help="JSON file of carrier simulator rules: outcomes and delays by destination "
        "(SMSVOICE_SIMULATOR_RULES; see docs/messaging.md)",
    )
    _add_registration_options(parser)


def _add_registration_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--registration-review",
        choices=["auto", "manual"],
        help="'auto' approves submitted registrations on the simulator clock, 'manual' waits for "
        "POST /_smsvoice/registrations/{id}/review (SMSVOICE_REGISTRATION_REVIEW, default auto)",
    )
    parser.add_argument(
        "--registration-review-seconds",
        type=float,
        help="simulator-clock seconds each automatic review step takes "
        "(SMSVOICE_REGISTRATION_REVIEW_SECONDS, default 300)",
    )
    parser.add_argument(
        "--registration-gating",
        choices=["off", "aws"],
        help="'aws': US toll-free and 10DLC numbers need a complete registration to send "
        "(SMSVOICE_REGISTRATION_GATING, default off)",
    )


def _add_security_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--auth",
        choices=["off", "sigv4"],
        help="'sigv4' verifies every AWS request's signature against --credentials-file; 'off' trusts "
        "any caller, for a laptop (SMSVOICE_AUTH, default off; see docs/security.md)",
    )
    parser.add_argument(
        "--credentials-file",
        help="JSON file of access keys, secrets and accounts, re-read on SIGHUP (SMSVOICE_CREDENTIALS_FILE)",
    )
    parser.add_argument(
        "--admin-token",
        help="bearer token every /_smsvoice/ route but GET /_smsvoice/health requires (SMSVOICE_ADMIN_TOKEN)",
    )
    parser.add_argument("--tls-cert", help="PEM certificate: serve HTTPS (SMSVOICE_TLS_CERT, with --tls-key)")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert (SMSVOICE_TLS_KEY)")
    parser.add_argument(
        "--max-client-requests",
        type=int,
        help="requests one client address may have in flight, 0 for no cap (SMSVOICE_MAX_CLIENT_REQUESTS, "
        "default 256)",
    )
    parser.add_argument(
        "--request-read-timeout",
        type=float,
        help="seconds a client has to send a whole request, head and body "
        "(SMSVOICE_REQUEST_READ_TIMEOUT, default 30)",
    )


def _add_database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db-upgrade",
        choices=["auto", "on", "off"],
        help="bring the store's schema up to date at start: 'auto' only on the embedded SQLite store "
        "(SMSVOICE_DB_UPGRADE, default auto)",
    )
    parser.add_argument(
        "--database-pool-size",
        type=int,
        help="connections kept to a database server such as PostgreSQL (SMSVOICE_DATABASE_POOL_SIZE, "
        "default 8)",
    )


def _add_delivery_options(parser: argparse.ArgumentParser, *, in_server: bool) -> None:
    if in_server:
        parser.add_argument(
            "--delivery",
            choices=["on", "off"],
            help="run the event delivery workers in this process (SMSVOICE_DELIVERY, default on)",
        )
    parser.add_argument(
        "--delivery-assume-role",
        choices=["on", "off"],
        help="assume each CloudWatch Logs / Firehose destination's IamRoleArn through STS "
        "(SMSVOICE_DELIVERY_ASSUME_ROLE, default on)",
    )
    parser.add_argument(
        "--delivery-retention-seconds",
        type=float,
        help="how long a failing event record is retried before it is dead-lettered "
        "(SMSVOICE_DELIVERY_RETENTION_SECONDS, default 21600)",
    )
    parser.add_argument(
        "--firehose-framing",
        choices=["aws", "ndjson-batch"],
        help="'aws': one PutRecord per bare JSON record; 'ndjson-batch': PutRecordBatch of "
        "newline-terminated records (SMSVOICE_FIREHOSE_FRAMING, default aws)",
    )
    if in_server:
        parser.add_argument(
            "--eventbridge",
            choices=["on", "off"],
            help="publish message status changes to the default EventBridge bus "
            "(SMSVOICE_EVENTBRIDGE, default off)",
        )


def _settings_from(args: argparse.Namespace) -> Settings:
    names = (
        "host",
        "port",
        "data_dir",
        "database_url",
        "db_upgrade",
        "database_pool_size",
        "throttling",
        "default_region",
        "max_body_bytes",
        "log_level",
        "validate_responses",
        "seed_file",
        "simulator_rules",
        "faults",
        "delivery",
        "delivery_assume_role",
        "delivery_retention_seconds",
        "retention_messages",
        "retention_days",
        "firehose_framing",
        "eventbridge",
        "registration_review",
        "registration_review_seconds",
        "registration_gating",
        "auth",
        "credentials_file",
        "admin_token",
        "tls_cert",
        "tls_key",
        "max_client_requests",
        "request_read_timeout",
    )
    overrides: dict[str, Any] = {name: getattr(args, name, None) for name in names}
    return load_settings(overrides)


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="smsvoice", description="Local AWS SMS and voice messaging APIs")
    parser.add_argument("--version", action="version", version=f"smsvoice {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the service (both APIs and /_smsvoice/ on one port)")
    _add_server_options(serve)
    _add_security_options(serve)
    _add_delivery_options(serve, in_server=True)
    worker = commands.add_parser("worker", help="run only the event delivery workers against a store")
    worker.add_argument("--data-dir", help="folder of the embedded SQLite store (SMSVOICE_DATA_DIR)")
    worker.add_argument("--database-url", help="SQLAlchemy URL of another store (SMSVOICE_DATABASE_URL)")
    worker.add_argument("--log-level", help="debug, info, warning or error (SMSVOICE_LOG_LEVEL)")
    _add_database_options(worker)
    _add_delivery_options(worker, in_server=False)
    commands.add_parser("coverage", help="print IMPLEMENTATION_COVERAGE.md for the installed models")
    database = commands.add_parser("db", help="the store's schema")
    database_commands = database.add_subparsers(dest="db_command", required=True)
    for name, what in (
        ("upgrade", "bring the store's schema to this version's (Alembic migrations)"),
        ("current", "print the store's schema revision and this version's"),
    ):
        step = database_commands.add_parser(name, help=what)
        step.add_argument("--data-dir", help="folder of the embedded SQLite store (SMSVOICE_DATA_DIR)")
        step.add_argument("--database-url", help="SQLAlchemy URL of another store (SMSVOICE_DATABASE_URL)")
    credentials = commands.add_parser("credentials", help="the access keys of --auth sigv4")
    credentials_commands = credentials.add_subparsers(dest="credentials_command", required=True)
    create = credentials_commands.add_parser(
        "create", help="make a new key pair for an account, print it and append it to the credentials file"
    )
    create.add_argument("--account", required=True, help="the 12-digit account the key belongs to")
    create.add_argument("--credentials-file", help="the file to append to (SMSVOICE_CREDENTIALS_FILE)")
    args = parser.parse_args(argv)

    if args.command == "credentials":
        from smsvoice.security.command import create_credentials

        return create_credentials(args.account, args.credentials_file)
    if args.command == "coverage":
        from smsvoice.coverage import render_coverage

        sys.stdout.write(render_coverage())
        return 0

    try:
        settings = _settings_from(args)
    except ValueError as exc:
        parser.error(str(exc))
    _configure_logging(settings.log_level)
    if args.command == "db":
        from smsvoice.store.schema_command import run_db_command

        return run_db_command(args.db_command, settings.store_url)
    if args.command == "serve":
        # Imports and models make objects by the hundred thousand, all kept: collections during the
        # start only cost time. The app's lifespan freezes them and turns the collector back on.
        gc.disable()
    from smsvoice.store import SchemaMismatch, StoreUnavailable, open_store

    try:  # before serving: a store this version cannot use stops the start with one clear line
        store = open_store(
            settings.store_url, upgrade=settings.upgrades_store, pool_size=settings.database_pool_size
        )
    except (SchemaMismatch, StoreUnavailable) as problem:
        print(f"smsvoice: {problem}", file=sys.stderr)
        return 2
    if args.command == "worker":
        from smsvoice.delivery.standalone import run_worker

        run_worker(settings, store)
        return 0
    from smsvoice.security.credentials import CredentialsFileError, Keyring
    from smsvoice.server.run import serve as run_server

    try:  # a credentials file that does not parse stops the start too, naming no secret
        keyring = (
            Keyring(settings.credentials_file)
            if settings.auth == "sigv4" and settings.credentials_file
            else None
        )
    except CredentialsFileError as problem:
        print(f"smsvoice: {problem}", file=sys.stderr)
        return 2
    run_server(settings, store, keyring)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
