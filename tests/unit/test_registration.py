"""How operations reach an API: every module of its package is collected, and only model names pass."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smsvoice.coverage import render_coverage
from smsvoice.protocol.model import load_service_model
from smsvoice.quotas import V2_PRODUCTION_SPEND_LIMITS
from smsvoice.services.api import Api, OperationContext, OperationRegistry, RegistrationError
from smsvoice.services.v1.api import RATES as V1_RATES
from smsvoice.services.v1.api import build_v1_api
from smsvoice.services.v2.api import RATES as V2_RATES
from smsvoice.services.v2.api import build_v2_api

V2_MODEL = load_service_model("pinpoint-sms-voice-v2")
REPOSITORY = Path(__file__).resolve().parents[2]


def _answer(context: OperationContext, params: dict[str, Any]) -> dict[str, Any]:
    return {}


def test_a_name_the_model_lacks_fails_the_build() -> None:
    registry = OperationRegistry()
    registry.handler("CreateConfigurationSet")(_answer)
    registry.handler("CreateConfigurationSett")(_answer)
    with pytest.raises(RegistrationError, match="CreateConfigurationSett"):
        registry.collect(V2_MODEL)


def test_a_name_registered_twice_is_refused() -> None:
    registry = OperationRegistry()
    registry.handler("CreatePool")(_answer)
    with pytest.raises(RegistrationError, match="CreatePool registered twice"):
        registry.handler("CreatePool")(_answer)


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A throwaway API package: a registry module and a resource module nothing imports."""
    name = "smsvoice_registration_probe"
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "operations.py").write_text(
        f"from smsvoice.services.api import OperationRegistry\noperations = OperationRegistry({name!r})\n"
    )
    (root / "pools.py").write_text(
        f"from {name}.operations import operations\n\n"
        '@operations.handler("DeletePool")\n'
        "def delete_pool(context, params):\n"
        "    return {}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    for module in [module for module in sys.modules if module.split(".")[0] == name]:
        del sys.modules[module]


def test_collecting_imports_every_module_of_the_package(package: str) -> None:
    operations = __import__(f"{package}.operations", fromlist=["operations"]).operations
    assert f"{package}.pools" not in sys.modules
    registry = operations.collect(V2_MODEL)
    assert list(registry.handlers) == ["DeletePool"]


@pytest.mark.parametrize("build", [build_v1_api, build_v2_api])
def test_every_registered_handler_is_an_operation_of_the_model(build: Any) -> None:
    api: Api = build()
    model = load_service_model(api.service_name)
    assert api.registry.handlers
    assert set(api.registry.handlers) <= set(model.operation_names)


def test_every_spend_limit_channel_has_its_override_operations() -> None:
    handlers = build_v2_api().registry.handlers
    for channel in V2_PRODUCTION_SPEND_LIMITS:
        name = channel.capitalize()
        assert f"Set{name}MessageSpendLimitOverride" in handlers
        assert f"Delete{name}MessageSpendLimitOverride" in handlers


@pytest.mark.parametrize(
    ("service", "rates"), [("pinpoint-sms-voice", V1_RATES), ("pinpoint-sms-voice-v2", V2_RATES)]
)
def test_rate_tables_name_operations_of_the_model(service: str, rates: Any) -> None:
    # A misspelt name would silently throttle (or spare) nothing.
    names = set(load_service_model(service).operation_names)
    assert set(rates.per_operation) <= names
    assert rates.unthrottled <= names


def test_the_coverage_file_is_what_smsvoice_coverage_prints() -> None:
    committed = (REPOSITORY / "IMPLEMENTATION_COVERAGE.md").read_text()
    assert committed == render_coverage(), (
        "IMPLEMENTATION_COVERAGE.md is stale: regenerate it with `smsvoice coverage > IMPLEMENTATION_COVERAGE.md`"
    )
