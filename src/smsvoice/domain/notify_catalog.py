"""The AWS-managed side of Notify, read from the data files shipped in the package
(smsvoice/data/notify/*.json, each citing its sources): the templates of DescribeNotifyTemplates and
the countries of ListNotifyCountries, with the countries each tier may enable."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

BASIC = "BASIC"
ADVANCED = "ADVANCED"
# The model allows SMS, VOICE, MMS and RCS in NotifyEnabledChannelsList; Notify sends only these two
# ("Supported values include SMS and VOICE", CreateNotifyConfiguration reference).
NOTIFY_CHANNELS = ("SMS", "VOICE")

Entry = dict[str, Any]


def _load(name: str) -> dict[str, Any]:
    text = resources.files("smsvoice").joinpath("data", "notify", name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _templates() -> dict[str, Entry]:
    return {entry["TemplateId"]: entry for entry in _load("templates.json")["templates"]}


@cache
def _countries() -> dict[str, Entry]:
    return {entry["IsoCountryCode"]: entry for entry in _load("countries.json")["countries"]}


def templates() -> list[Entry]:
    """Every template, in TemplateId order (copies: callers may add to them)."""
    return [dict(entry) for _, entry in sorted(_templates().items())]


def template(template_id: str) -> Entry | None:
    found = _templates().get(template_id)
    return None if found is None else dict(found)


def countries() -> list[Entry]:
    return [dict(entry) for _, entry in sorted(_countries().items())]


def country(iso_country_code: str) -> Entry | None:
    found = _countries().get(iso_country_code)
    return None if found is None else dict(found)


def tier_countries(tier: str) -> list[str]:
    """The countries a configuration of `tier` may enable: BASIC's fixed list of 30, or every country."""
    return [code for code, entry in sorted(_countries().items()) if tier in entry["SupportedTiers"]]
