"""gunicorn settings for ``make run`` and bench/bench_web.py (issue 17; see docs/scaling.md).

gthread workers: each worker process answers several requests at once with threads, so a slow
client or a request waiting on the database does not hold a whole process; the Python work
itself still runs one request at a time per process (the GIL), so WORKERS stays about the
number of cores.  WEB_WORKER_CLASS=sync and WEB_THREADS change them (bench comparisons).
"""

from __future__ import annotations

import os

worker_class = os.environ.get("WEB_WORKER_CLASS", "gthread")
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 5
