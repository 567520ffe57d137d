"""Schema migrations: a store written by an earlier smsvoice keeps working after an upgrade."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from smsvoice.store import migrate
from smsvoice.store.connection import Database, parse_url
from smsvoice.store.schema import ddl, metadata
from smsvoice.testing.process import SMSVOICE
from smsvoice.testing.stores import store_url
from tests.support.clients import client

OLD_STORE = Path(__file__).with_name("store_0_1.sql")
OLD_ACCOUNT = "111122223333"
OLD_MESSAGE = "232d7d6c-dc17-4b2e-bf11-246258ac562b"


def _old_store(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    database = data_dir / "smsvoice.db"
    with sqlite3.connect(database) as connection:
        connection.executescript(OLD_STORE.read_text())
    return database


def _db(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SMSVOICE, "db", *args], capture_output=True, text=True, timeout=60, check=False)


def test_head_is_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(Path(migrate.__file__).with_name("migrations")))
    scripts = ScriptDirectory.from_config(config)
    assert scripts.get_current_head() == migrate.HEAD
    assert [script.revision for script in reversed(list(scripts.walk_revisions()))] == list(migrate.KNOWN)


@pytest.mark.embedded_store
def test_the_migrations_build_exactly_the_schema_the_code_declares(tmp_path: Path) -> None:
    # Every migration from an empty database, as Alembic runs them (an empty store is otherwise
    # created from the declared schema at once: this is what makes that equivalent).
    engine = create_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    with engine.connect() as connection:
        config = Config()
        config.set_main_option("script_location", str(Path(migrate.__file__).with_name("migrations")))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == migrate.HEAD
    engine.dispose()
    assert differences == []


def test_an_empty_database_gets_the_declared_schema_at_head(tmp_path: Path) -> None:
    # On the backend the suite runs on: the store creates it from store/ddl/<dialect>.sql.
    url = store_url(tmp_path)
    database = Database(parse_url(url))
    assert migrate.upgrade(database) == migrate.Upgrade(None, migrate.HEAD)
    engine = create_engine(url)
    with engine.connect() as inspected:
        differences = compare_metadata(MigrationContext.configure(inspected), metadata)
    engine.dispose()
    assert differences == []
    with closing(database.connect()) as connection, connection.begin():
        assert migrate.current_revision(connection) == migrate.HEAD
    assert migrate.upgrade(database) == migrate.Upgrade(migrate.HEAD, migrate.HEAD)


def test_the_ddl_files_are_what_the_declared_schema_writes() -> None:
    # store/ddl/ is written by `python -m smsvoice.store.schema`: run it after changing schema.py.
    for dialect in ("sqlite", "postgresql"):
        written = (migrate.DDL / f"{dialect}.sql").read_text(encoding="utf-8")
        assert written.endswith(ddl(dialect)), f"store/ddl/{dialect}.sql is out of date"
        assert migrate.create_statements(dialect)[0].startswith("CREATE TABLE")


@pytest.mark.embedded_store
def test_db_upgrade_brings_a_0_1_store_to_head_and_says_so(tmp_path: Path) -> None:
    database = _old_store(tmp_path / "data")
    url = f"sqlite:///{database}"
    before = _db("current", "--database-url", url)
    assert before.returncode == 0
    assert f"revision 0001; this smsvoice: {migrate.HEAD}" in before.stdout
    upgraded = _db("upgrade", "--database-url", url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"upgraded from revision 0001 to {migrate.HEAD}" in upgraded.stdout
    again = _db("upgrade", "--database-url", url)
    assert f"already at revision {migrate.HEAD}" in again.stdout
    with sqlite3.connect(database) as connection:
        versions = connection.execute("SELECT DISTINCT version FROM resources").fetchall()
        meta = connection.execute("SELECT name FROM store_meta").fetchall()
    assert versions == [(1,)]  # every existing document starts at version 1
    assert ("schema_version",) not in meta


@pytest.mark.embedded_store
def test_serve_upgrades_a_0_1_store_and_everything_in_it_still_works(
    tmp_path: Path, fresh_server: Callable[..., Any]
) -> None:
    data_dir = tmp_path / "data"
    _old_store(data_dir)
    server = fresh_server("--throttling", "off", "--validate-responses", data_dir=data_dir)
    v2 = client("pinpoint-sms-voice-v2", server.endpoint, OLD_ACCOUNT)
    (old_set,) = v2.describe_configuration_sets(ConfigurationSetNames=["from-0-1"])["ConfigurationSets"]
    assert old_set["EventDestinations"][0]["EventDestinationName"] == "sns"
    numbers = v2.describe_phone_numbers()["PhoneNumbers"]
    assert [number["PhoneNumber"] for number in numbers] == ["+18004091135"]
    message = httpx.get(f"{server.endpoint}/_smsvoice/messages/{OLD_MESSAGE}", timeout=5).json()
    assert message["body"] == "before the upgrade"
    assert [event["event_type"] for event in message["events"]][-1] == "TEXT_SUCCESSFUL"
    # The old documents take writes (their version column came with the migration) and counters hold.
    v2.set_default_message_type(ConfigurationSetName="from-0-1", MessageType="PROMOTIONAL")
    v2.create_configuration_set(ConfigurationSetName="after-upgrade")
    limits = {item["Name"]: item["Used"] for item in v2.describe_account_limits()["AccountLimits"]}
    assert limits["CONFIGURATION_SETS"] == 2
    assert limits["PHONE_NUMBERS"] == 1
    sent = v2.send_text_message(
        DestinationPhoneNumber="+12065550142",
        OriginationIdentity="+18004091135",
        MessageBody="after the upgrade",
        ConfigurationSetName="from-0-1",
    )
    shown = httpx.get(f"{server.endpoint}/_smsvoice/messages/{sent['MessageId']}", timeout=5).json()
    assert shown["status"] == "DELIVERED"  # a US toll-free route: accepted, then delivered
    assert shown["events"][-1]["deliveries"][0]["destination_name"] == "sns"


@pytest.mark.embedded_store
def test_a_store_newer_than_the_code_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    database = tmp_path / "data" / "smsvoice.db"
    database.parent.mkdir()
    migrate.upgrade(Database(parse_url(f"sqlite:///{database}")))
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    started = subprocess.run(
        [SMSVOICE, "serve", "--port", "0", "--data-dir", str(database.parent)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 2
    assert "revision 9999" in started.stderr
    assert "newer than this smsvoice" in started.stderr
    refused = _db("upgrade", "--data-dir", str(database.parent))
    assert refused.returncode == 2
    assert "newer than this smsvoice" in refused.stderr


@pytest.mark.embedded_store
def test_0009_drops_the_stored_message_bus_events_and_keeps_the_others(tmp_path: Path) -> None:
    # A store at 0008 held a message's EventBridge events beside its records; from 0009 they are
    # derived from the records, so keeping the stored copies would list them twice.
    engine = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    config = Config()
    config.set_main_option("script_location", str(Path(migrate.__file__).with_name("migrations")))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008")
        connection.exec_driver_sql(
            "INSERT INTO eventbridge_events (account, region, subject, detail_type, created_at, envelope) "
            "VALUES ('111122223333', 'us-east-1', 'message-1', 'Text Message Delivery Status Updated', 1, '{}'),"
            " ('111122223333', 'us-east-1', 'message-2', 'Voice Message Delivery Status Updated', 2, '{}'),"
            " ('111122223333', 'us-east-1', 'registration-1', 'Registration Status Change', 3, '{}')"
        )
        command.upgrade(config, "0009")
        kept = connection.exec_driver_sql("SELECT subject FROM eventbridge_events").fetchall()
    assert kept == [("registration-1",)]
