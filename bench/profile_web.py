"""Where an anonymous public request spends its time: layer by layer, queries, cProfile top.

Usage: ``DATABASE_URL=postgres://…/filled_db python bench/profile_web.py [N]`` (a database that
bench_web.py filled, e.g. BENCH_WEB_DATABASE_URL).  In one process with the production
settings (DEBUG=0), through Django's whole request handler (``django.test.Client``), for the
keys JSON (reference), the search API and page, the verify API and page:

1. the time of each middleware on its own (a timing probe sits between every two), and of
   the view with its template or serialisation, as µs per request (median of N);
2. the number of SQL queries per request and their text for one request;
3. the top of cProfile (cumulative and own time) over N requests of each path.

Not a ``bench_*.py`` script (``make bench`` does not run it): it prints profiles, no ratios.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
_probe = threading.local()


class Probe:
    """Records entry and exit times; placed before and after every middleware."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        self.position = int(type(self).__name__[len("Probe") :])  # Django builds them backwards

    def __call__(self, request: Any) -> Any:
        marks = _probe.__dict__.setdefault("marks", {})
        marks[self.position] = [time.thread_time(), 0.0]
        response = self.get_response(request)
        marks[self.position][1] = time.thread_time()
        return response


def probes(count: int) -> list[str]:
    names = []
    for index in range(count):
        name = f"Probe{index}"
        globals()[name] = type(name, (Probe,), {})
        names.append(f"{__name__}.{name}")
    return names


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticcoop.config.settings")
    os.environ.update(DEBUG="0", PLAIN_HTTP="1", SECRET_KEY=secrets.token_hex(32))
    os.environ["TICCOOP_API_RATE_ANON"] = str(10**9)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver"]
    layers = list(settings.MIDDLEWARE)
    names = probes(len(layers) + 1)
    chain: list[str] = []
    for index, layer in enumerate(layers):
        chain += [names[index], layer]
    chain.append(names[-1])
    settings.MIDDLEWARE = chain
    client = Client()
    sample = client.get("/api/certificates?page=3").json()["items"][:N]
    tokens = [
        (
            row["number"],
            client.get(f"/api/certificates/{row['number']}/versions").json()[0]["token"],
        )
        for row in sample
    ]
    words = ["华北", "精诚", "中检", "联合", "环科", "质量", "计量", "食安", "建工", "电科"]
    paths = {
        "keys JSON": [f"/.well-known/ticcoop-keys.json?r={i}" for i in range(N)],
        "search API": [
            f"/api/certificates?q={words[i % 10]}{words[i // 10 % 10]}" for i in range(N)
        ],
        "search page": [f"/certificates/?q={words[i % 10]}{words[i // 10 % 10]}" for i in range(N)],
        "verify API": [f"/api/certificates/verify?token={t}" for _n, t in tokens],
        "verify page": [f"/verify/{n}/?t={t}" for n, t in tokens],
    }
    for label, urls in paths.items():
        urls = (urls * (N // max(len(urls), 1) + 1))[:N]
        per_layer: dict[str, list[float]] = defaultdict(list)
        for url in urls:
            _probe.marks = {}
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            marks = _probe.__dict__.setdefault("marks", {})
            last = len(layers)
            for index, layer in enumerate(layers):
                inside = (marks[index + 1][0] - marks[index][0]) + (
                    marks[index][1] - marks[index + 1][1]
                )
                per_layer[layer.rsplit(".", 1)[-1]].append(inside)
            per_layer["view (+ template/serialisation)"].append(marks[last][1] - marks[last][0])
            per_layer["TOTAL"].append(marks[0][1] - marks[0][0])
        with CaptureQueriesContext(connection) as queries:
            client.get(urls[0])
        print(
            f"\n===== {label}: {len(queries)} queries per request; "
            "CPU µs per layer (median, thread time)"
        )
        for layer, times in per_layer.items():
            print(f"  {layer:<34} {statistics.median(times) * 1e6:9.0f}")
        for query in queries.captured_queries:
            print(f"    SQL {query['time']}s {query['sql'][:160]}")
        profile = cProfile.Profile()
        profile.enable()
        for url in urls:
            _probe.marks = {}
            client.get(url)
        profile.disable()
        for order in ("cumulative", "tottime"):
            text = io.StringIO()
            pstats.Stats(profile, stream=text).sort_stats(order).print_stats(18)
            body = text.getvalue()
            start = body.find("   ncalls")
            print(f"  -- cProfile by {order}, {N} requests --")
            print(body[start:].rstrip())


if __name__ == "__main__":
    main()
