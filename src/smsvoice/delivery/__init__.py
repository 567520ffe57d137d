"""Durable delivery of event records from the outbox to SNS, CloudWatch Logs, Firehose and EventBridge.

See docs/delivery.md. `build_worker` wires the pieces together from the settings; the app lifespan
and `smsvoice worker` both use it.
"""

from __future__ import annotations

from smsvoice.clock import Clock
from smsvoice.config import Settings
from smsvoice.delivery.credentials import AwsClients
from smsvoice.delivery.retry import RetryPolicy
from smsvoice.delivery.sinks import CLOUDWATCH_LOGS, EVENTBRIDGE, FIREHOSE, SNS, Sink
from smsvoice.delivery.sinks.cloudwatch_logs import CloudWatchLogsSink
from smsvoice.delivery.sinks.eventbridge import EventBridgeSink
from smsvoice.delivery.sinks.firehose import FirehoseSink
from smsvoice.delivery.sinks.sns import SnsSink
from smsvoice.delivery.worker import DeliveryWorker, Tuning
from smsvoice.store import Store


def build_worker(
    store: Store, settings: Settings, clock: Clock, tuning: Tuning | None = None
) -> DeliveryWorker:
    clients = AwsClients(clock, assume_role=settings.delivery_assume_role)
    sinks: dict[str, Sink] = {
        SNS: SnsSink(clients),
        CLOUDWATCH_LOGS: CloudWatchLogsSink(clients),
        FIREHOSE: FirehoseSink(clients, settings.firehose_framing),
        EVENTBRIDGE: EventBridgeSink(clients),
    }
    policy = RetryPolicy(retention_seconds=settings.delivery_retention_seconds)
    return DeliveryWorker(store, clock, sinks, policy, tuning)


def start_delivery(store: Store, settings: Settings, clock: Clock) -> DeliveryWorker | None:
    """Start the workers inside `smsvoice serve`, unless `--delivery off` (then a separate
    `smsvoice worker` delivers)."""
    if not settings.delivery:
        return None
    worker = build_worker(store, settings, clock)
    worker.start()
    return worker


__all__ = ["DeliveryWorker", "Tuning", "build_worker", "start_delivery"]
