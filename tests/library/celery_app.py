"""The Celery app the tests' workers run: ``celery -A tests.library.celery_app worker``.

The broker URL comes from WHERRY_TEST_BROKER, set by the test that starts the worker.
"""

from __future__ import annotations

import os

from celery import Celery

from wherry.integrations.celery import install

__all__ = ["app", "make_app"]

# Seconds before an unacknowledged task goes back to the queue. Short here so a killed worker's
# task comes back within the test; see docs/LIBRARY.md for choosing it in production.
VISIBILITY_TIMEOUT = 3


def make_app(broker: str) -> Celery:
    app = Celery("wherry-tests", broker=broker, backend=broker)
    app.conf.update(
        # kombu looks for expired unacknowledged tasks every interval × throttle seconds.
        broker_transport_options={
            "visibility_timeout": VISIBILITY_TIMEOUT,
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        },
        result_backend_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        task_track_started=True,
        result_extended=True,
    )
    install(app, retry_backoff=1, retry_jitter=False, max_retries=3)
    return app


app = make_app(os.environ.get("WHERRY_TEST_BROKER", "redis://127.0.0.1:1/0"))
