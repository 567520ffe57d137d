"""`smsvoice worker`: the delivery workers alone, against the store a server uses.

Run it next to `smsvoice serve --delivery off` (or next to a serving process that delivers too:
claims keep workers from taking the same rows). It stops cleanly on SIGTERM or SIGINT, giving back
the rows it holds.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from smsvoice.clock import SystemClock
from smsvoice.config import Settings
from smsvoice.delivery import build_worker
from smsvoice.store import Store, open_store
from smsvoice.store.engine import shown_url

logger = logging.getLogger("smsvoice.delivery")


async def _run(settings: Settings, store: Store | None) -> None:
    if store is None:
        store = open_store(
            settings.store_url, upgrade=settings.upgrades_store, pool_size=settings.database_pool_size
        )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    worker = build_worker(store, settings, SystemClock())
    worker.start()
    print(f"smsvoice worker ready ({worker.worker_id}, store: {shown_url(settings.store_url)})", flush=True)
    try:
        await stop.wait()
    finally:
        await worker.stop()
        store.close()


def run_worker(settings: Settings, store: Store | None = None) -> None:
    asyncio.run(_run(settings, store))
