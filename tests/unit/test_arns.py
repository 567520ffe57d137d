"""Ids: what clients see of a message id and a request id."""

from __future__ import annotations

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
