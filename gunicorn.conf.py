"""gunicorn settings for Vaksam: `gunicorn -c gunicorn.conf.py 'app:create_app()'`.

Threaded workers (gthread): a slow request (an export, a big team page) holds one thread,
never a whole worker, so /healthz and the other pages keep answering. Each setting can be
changed with the environment variable named beside it; docs/performance.md has the table.
"""
from __future__ import annotations

import os

#: Where to listen (GUNICORN_BIND); behind a TLS-terminating proxy on the same host.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: Worker processes (GUNICORN_WORKERS): one per core, at least 2 (one keeps serving while the
#: other is replaced) and at most 8. With four threads each, two workers on two cores answered
#: 50 simulated users with a lower p95 than four (the threads already overlap the database
#: waits; more processes only add switches and memory): bench/RESULTS.md, 2026-12-07.
workers = int(os.environ.get("GUNICORN_WORKERS", str(max(2, min(8, os.cpu_count() or 1)))))
worker_class = "gthread"
#: Threads per worker (GUNICORN_THREADS).
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
#: A worker silent this long is restarted (GUNICORN_TIMEOUT, seconds).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
#: Workers are recycled after this many requests (GUNICORN_MAX_REQUESTS), plus a random
#: jitter so that they do not all restart at once. A guard against slow leaks (memory stays
#: flat under load: bench/RESULTS.md), not a routine: a new worker spends over a second
#: loading the app while its peers take its share, and at 2,000 (the first default) two
#: workers under 45 requests/s were recycled every minute or two.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "2000"))
#: Limits on the request line and headers (gunicorn's defaults, stated).
limit_request_line = 8190
limit_request_fields = 100
#: Access log to stdout (GUNICORN_ACCESS_LOG, "-" = stdout), one JSON object per request.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = (
    '{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", "query": "%(q)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_us": %(D)s, "pid": "%(p)s"}'
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
#: Load the app in the master once: workers fork with it (less memory, faster restarts).
preload_app = os.environ.get("GUNICORN_PRELOAD", "0") == "1"


def post_worker_init(worker) -> None:
    """Once the worker has loaded the app, freeze it out of the garbage collector's reach:
    a full collection then scans only what requests create (`jobs.batch.freeze_loaded_app`,
    docs/performance.md, "Bulk reads and the garbage collector")."""
    from jobs.batch import freeze_loaded_app

    freeze_loaded_app()
