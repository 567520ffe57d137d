"""Ids: what clients see of a message id and a request id."""

from __future__ import annotations

import time
import uuid

from smsvoice.arns import new_message_id, new_uuid4


def test_new_uuid4_is_a_random_rfc_4122_version_4_uuid_in_its_usual_text_form() -> None:
    seen = {new_uuid4() for _ in range(2_000)}
    assert len(seen) == 2_000
    for text in seen:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_message_ids_are_version_4_uuids_like_aws_message_ids() -> None:
    parsed = uuid.UUID(new_message_id())
    assert parsed.version == 4


def test_message_ids_made_later_sort_later() -> None:
    # Time-ordered: the store's indexes keyed by message id then grow at their right edge.
    made = []
    for _ in range(5):
        made.append(new_message_id())
        deadline = time.monotonic() + 0.002
        while time.monotonic() < deadline:  # bounded: 2 ms, so the next id is in a later millisecond
            pass
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    assert all(uuid.UUID(text).version == 4 and str(uuid.UUID(text)) == text for text in made)
