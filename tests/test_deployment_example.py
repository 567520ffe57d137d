"""docker-compose.yml and docs/deployment.md agree with the real settings and command line (no Docker).

Every smsvoice service's command goes through the real parser of `smsvoice` (smsvoice.cli.main, stopped
just before it would act), and its environment through the real settings loader, so the checks below
look at the settings each process would actually run with.
"""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]  # no stubs installed; only safe_load is used
from sqlalchemy.engine import make_url

from smsvoice import cli
from smsvoice.config import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
GUIDE = ROOT / "docs" / "deployment.md"
ENV_PREFIX = "SMSVOICE_"
SETTINGS = {item.name for item in fields(Settings)}
POSTGRES_MAX_CONNECTIONS = 100  # PostgreSQL's default max_connections
# Flags of other tools the guide may name (docker compose, psql and the like).
OTHER_TOOLS_FLAGS = {"--build"}
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*[a-z]")
VARIABLE = re.compile(r"\bSMSVOICE_[A-Z_]*[A-Z]\b")


class _Parsed(Exception):
    def __init__(self, overrides: dict[str, Any]) -> None:
        super().__init__("parsed")
        self.overrides = overrides


def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def services() -> dict[str, dict[str, Any]]:
    found = compose()["services"]
    assert isinstance(found, dict)
    return found


def smsvoice_services() -> dict[str, dict[str, Any]]:
    return {name: service for name, service in services().items() if command(service)[:1] == ["smsvoice"]}


def command(service: dict[str, Any]) -> list[str]:
    found = service.get("command", [])
    assert isinstance(found, list), "commands are lists: no shell, no word splitting to get wrong"
    return [str(word) for word in found]


def environment(service: dict[str, Any]) -> dict[str, str]:
    found = service.get("environment") or {}
    assert isinstance(found, dict), "environments are mappings"
    for name, value in found.items():
        # Unquoted on/off/yes/no would be booleans to YAML 1.1 readers: every value is a string here.
        assert isinstance(value, str), f"{name}: quote {value!r}"
    return dict(found)


def subcommand(service: dict[str, Any]) -> str:
    return command(service)[1]


def effective_settings(service: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings the service's process would run with: its flags through the real parser, then the
    real loader over its environment."""

    def capture(overrides: dict[str, Any] | None = None, environ: object = None) -> Settings:
        raise _Parsed(dict(overrides or {}))

    monkeypatch.setattr(cli, "load_settings", capture)
    try:
        cli.main(command(service)[1:])
    except _Parsed as parsed:
        overrides = parsed.overrides
    except SystemExit as refused:
        raise AssertionError(f"`{' '.join(command(service))}` is refused by the CLI ({refused})") from None
    else:
        raise AssertionError(f"`{' '.join(command(service))}` did not reach the settings")
    finally:
        monkeypatch.undo()
    return load_settings(overrides, environ=environment(service))


def nodes() -> dict[str, dict[str, Any]]:
    return {name: s for name, s in smsvoice_services().items() if subcommand(s) == "serve"}


def workers() -> dict[str, dict[str, Any]]:
    return {name: s for name, s in smsvoice_services().items() if subcommand(s) == "worker"}


def cli_flags(capsys: pytest.CaptureFixture[str]) -> set[str]:
    """Every flag of `smsvoice serve`, `worker`, `db upgrade` and `db current`, from their --help."""
    flags: set[str] = set()
    for words in (["serve"], ["worker"], ["db", "upgrade"], ["db", "current"]):
        with pytest.raises(SystemExit) as done:
            cli.main([*words, "--help"])
        assert done.value.code == 0
        flags |= set(FLAG.findall(capsys.readouterr().out))
    assert {"--database-url", "--database-pool-size", "--db-upgrade", "--delivery"} <= flags
    return flags


def test_the_example_has_postgres_a_one_shot_upgrade_two_nodes_and_a_worker() -> None:
    found = services()
    assert "postgres" in found
    assert str(found["postgres"]["image"]).startswith("postgres:")
    upgrades = [s for s in smsvoice_services().values() if command(s)[1:] == ["db", "upgrade"]]
    assert len(upgrades) == 1
    assert upgrades[0]["restart"] == "no"
    assert upgrades[0]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert len(nodes()) >= 2
    assert len(workers()) >= 1
    assert set(smsvoice_services()) == {*nodes(), *workers(), "db-upgrade"}


def test_every_smsvoice_variable_is_a_real_setting() -> None:
    for name, service in services().items():
        for variable in environment(service):
            if variable.startswith(ENV_PREFIX):
                assert variable[len(ENV_PREFIX) :].lower() in SETTINGS, f"{name}: {variable} is not a setting"


def test_every_command_is_accepted_by_the_cli_and_its_settings_load(monkeypatch: pytest.MonkeyPatch) -> None:
    for service in smsvoice_services().values():
        assert subcommand(service) in ("serve", "worker", "db")
        effective_settings(service, monkeypatch)  # raises on a refused flag or a bad value


def test_every_process_uses_the_one_postgres_database(monkeypatch: pytest.MonkeyPatch) -> None:
    urls = {name: effective_settings(s, monkeypatch).store_url for name, s in smsvoice_services().items()}
    assert len(set(urls.values())) == 1, urls
    url = make_url(next(iter(urls.values())))
    assert url.drivername == "postgresql+psycopg"
    assert url.host == "postgres"
    assert url.password is None, "the password goes in PGPASSWORD: a node prints its store URL"
    database = environment(services()["postgres"])
    assert url.username == database["POSTGRES_USER"]
    assert url.database == database["POSTGRES_DB"]
    assert url.port == 5432
    for name, service in smsvoice_services().items():
        assert environment(service)["PGPASSWORD"] == database["POSTGRES_PASSWORD"], name
    build = smsvoice_services()["db-upgrade"]["build"]["dockerfile_inline"]
    assert "[postgres]" in build  # the driver the URL names is installed


def test_nodes_listen_on_distinct_host_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    host_ports = []
    for name, service in nodes().items():
        settings = effective_settings(service, monkeypatch)
        assert settings.host == "0.0.0.0", f"{name} must listen beyond the container's loopback"
        [mapping] = service["ports"]
        host_port, container_port = str(mapping).rsplit(":", 1)
        assert int(container_port) == settings.port, name
        host_ports.append(int(host_port))
        assert str(settings.port) in " ".join(service["healthcheck"]["test"]), name
        assert "/_smsvoice/health" in " ".join(service["healthcheck"]["test"]), name
    assert len(set(host_ports)) == len(host_ports)


def test_nodes_without_delivery_have_a_worker_and_only_one_process_upgrades(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    node_settings = [effective_settings(service, monkeypatch) for service in nodes().values()]
    worker_settings = [effective_settings(service, monkeypatch) for service in workers().values()]
    if not all(settings.delivery for settings in node_settings):
        assert worker_settings, "nodes with delivery off need an `smsvoice worker`"
    assert [settings.delivery for settings in node_settings] == [False] * len(node_settings)
    for settings in [*node_settings, *worker_settings]:
        assert settings.db_upgrade != "on", "the db-upgrade service alone migrates the schema"
    for name, service in {**nodes(), **workers()}.items():
        assert service["depends_on"] == {"db-upgrade": {"condition": "service_completed_successfully"}}, name
        assert service["restart"] == "unless-stopped", name
    # The connections of every process fit PostgreSQL's default max_connections, with room to spare.
    used = sum(settings.database_pool_size for settings in [*node_settings, *worker_settings])
    assert used + len(node_settings) + len(worker_settings) < POSTGRES_MAX_CONNECTIONS // 2


def test_the_guide_names_every_flag_and_variable_the_example_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    used_variables = {
        variable
        for service in services().values()
        for variable in environment(service)
        if variable.startswith(ENV_PREFIX)
    }
    used_flags = {
        word for service in smsvoice_services().values() for word in command(service) if word.startswith("--")
    }
    for name in sorted(used_variables | used_flags):
        assert f"`{name}" in guide, f"docs/deployment.md does not mention {name}"
    for name in sorted(used_variables):
        flag = "--" + name[len(ENV_PREFIX) :].lower().replace("_", "-")
        assert f"`{flag}" in guide, f"docs/deployment.md does not mention {flag} ({name})"
    assert "docker-compose.yml" in guide
    assert "PGPASSWORD" in guide


def test_every_flag_and_variable_the_guide_names_exists(capsys: pytest.CaptureFixture[str]) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    flags = cli_flags(capsys)
    for flag in sorted(set(FLAG.findall(guide))):
        assert flag in flags or flag in OTHER_TOOLS_FLAGS, f"docs/deployment.md names {flag}: no such flag"
    for variable in sorted(set(VARIABLE.findall(guide))):
        assert variable[len(ENV_PREFIX) :].lower() in SETTINGS, (
            f"docs/deployment.md names {variable}: no such setting"
        )
    # The commands the guide tells operators to run, as it spells them.
    for words in ("smsvoice db upgrade", "smsvoice db current", "smsvoice worker", "smsvoice serve"):
        assert words in guide
    assert "GET /_smsvoice/health" in guide
    assert "pg_dump" in guide
    assert "max_connections" in guide
