"""The simulator's rules in force, kept in the store so that every node (and a restart) sees them.

`smsvoice serve --simulator-rules FILE` writes the file's rules at start; the inspection API
replaces, adds and removes rules. A send reads the stored rules (one key lookup) and gets the parsed
RuleSet from a small cache keyed by their stored form, so rules are parsed once per change, not per
message.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

import orjson

from smsvoice.messaging.rules import RuleSet, parse_rules
from smsvoice.store import Transaction

RULES_SETTING: Final = "simulator.rules"


def rules_in_force(tx: Transaction) -> RuleSet:
    return _parsed(tx.settings.get_text(RULES_SETTING))


def save_rules(tx: Transaction, rules: RuleSet) -> None:
    tx.settings.put_text(RULES_SETTING, orjson.dumps(rules.to_json()["rules"]).decode())


@lru_cache(maxsize=8)
def _parsed(stored: str | None) -> RuleSet:
    if stored is None:
        return RuleSet()
    return RuleSet(tuple(parse_rules(orjson.loads(stored))))
