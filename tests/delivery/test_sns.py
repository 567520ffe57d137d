"""SNS destinations: every record is published to the topic, the message being the record's JSON."""

from __future__ import annotations

import json

from smsvoice.testing.process import ServerProcess
from tests.delivery.support import Aws, Outbox, deliveries, entry, unique, wait_for_status


def test_records_reach_an_sqs_queue_subscribed_to_the_topic(
    delivering_server: ServerProcess, outbox: Outbox, aws: Aws
) -> None:
    topic, queue = aws.topic_with_queue(unique("events"))
    rows = [
        entry("SNS", topic, event_type=kind) for kind in ("TEXT_PENDING", "TEXT_SUCCESSFUL", "TEXT_DELIVERED")
    ]
    outbox.add(rows)

    bodies = aws.drain(queue, expected=3)

    assert sorted(bodies) == sorted(row.record for row in rows)
    assert {json.loads(body)["eventType"] for body in bodies} == {
        "TEXT_PENDING",
        "TEXT_SUCCESSFUL",
        "TEXT_DELIVERED",
    }
    wait_for_status(delivering_server.endpoint, [row.message_id for row in rows], "DELIVERED")
    for row in rows:
        [seen] = deliveries(delivering_server.endpoint, message_id=row.message_id)
        assert seen["attempts"] == 1
        assert seen["last_error"] is None
        assert seen["delivered_at"] is not None
        assert seen["next_attempt_at"] is None
        assert seen["destination"] == {
            "configuration_set": "cs1",
            "name": "dest1",
            "kind": "SNS",
            "arn": topic,
            "iam_role_arn": None,
        }


def test_a_topic_created_after_the_record_still_receives_it(
    delivering_server: ServerProcess, outbox: Outbox, aws: Aws
) -> None:
    name = unique("late")
    topic = f"arn:aws:sns:us-east-1:123456789012:{name}"
    row = entry("SNS", topic)
    outbox.add([row])

    def failed_once() -> bool:
        [seen] = deliveries(delivering_server.endpoint, message_id=row.message_id)
        return bool(seen["attempts"] >= 1 and seen["status"] == "PENDING")

    from tests.support.waiting import wait_until

    wait_until(failed_once, timeout=20)
    [pending] = deliveries(delivering_server.endpoint, message_id=row.message_id)
    assert "SNS Publish" in pending["last_error"]
    assert "NotFound" in pending["last_error"]
    # A missing topic pauses the destination: the record waits parked, not on its own retry clock.
    assert pending["parked"] is True
    assert pending["next_attempt_at"] is None
    assert f"SNS {topic} paused" in delivering_server.log_text()

    created, queue = aws.topic_with_queue(name)
    assert created == topic

    assert aws.drain(queue, expected=1) == [row.record]
    wait_for_status(delivering_server.endpoint, [row.message_id], "DELIVERED")
    [done] = deliveries(delivering_server.endpoint, message_id=row.message_id)
    assert done["attempts"] >= 2


def test_a_record_sns_refuses_for_good_is_dead_at_once(
    delivering_server: ServerProcess, outbox: Outbox, aws: Aws
) -> None:
    # A FIFO topic needs a MessageGroupId, which event publishing never sends (AWS: FIFO topics are
    # not supported): the rejection is final.
    topic = aws.client("sns").create_topic(Name=unique("fifo") + ".fifo", Attributes={"FifoTopic": "true"})[
        "TopicArn"
    ]
    row = entry("SNS", topic)
    outbox.add([row])

    wait_for_status(delivering_server.endpoint, [row.message_id], "DEAD")
    [dead] = deliveries(delivering_server.endpoint, message_id=row.message_id, status="DEAD")
    assert dead["attempts"] == 1
    assert "not retryable" in dead["last_error"]
    assert dead["next_attempt_at"] is None
