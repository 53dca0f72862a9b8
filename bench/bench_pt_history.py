"""A lab's performance over time: 50 published rounds × 20 measurands on 我的能力验证.

Target (issue 16): the history of one lab (queries.lab_history: the scores read from the
database, grouped, and methods.iso13528.performance_history for every measurand) and the
whole /pt/mine/ page with its 20 inline SVG charts render in ≤ 1 s.
Reference in the same run: the pure computation alone (performance_history on the same 20
series of 50 z-scores, no database, no page); its output is checked against the page's.
Setup rows are bulk-inserted into a temporary SQLite database (not timed). Each side runs
REPEAT times; the median CPU and wall times are printed, with the peak RSS of the process.
The target is judged on CPU time: on the shared 2-core machine wall time mostly measures
the other processes (bench/README.md).

    .venv/bin/python bench/bench_pt_history.py [rounds] [measurands]
"""

from __future__ import annotations

import os
import random
import resource
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 50
MEASURANDS = int(sys.argv[2]) if len(sys.argv) > 2 else 20
OTHERS = 3  # other participants per round (their scores are in the same tables)
REPEAT = 5
TARGET_S = 1.0


def setup_django(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["DEBUG"] = "0"  # no query log, as in production
    os.environ["SECRET_KEY"] = secrets.token_hex(32)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticcoop.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()  # the test client's host is allowed
    # static URLs without a collected manifest (the page's own work is what is measured)
    plain = "django.contrib.staticfiles.storage.StaticFilesStorage"
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": plain}}).enable()
    call_command("migrate", verbosity=0)


def build(rng: random.Random) -> tuple[Any, list[list[float]]]:
    """One lab with ROUNDS published rounds of a scheme with MEASURANDS measurands."""
    from django.utils import timezone

    from ticcoop.methods.ids import make_credit_code, make_org_code
    from ticcoop.proficiency.models import (
        EvaluationRun,
        Measurand,
        MeasurandEvaluation,
        Participant,
        Result,
        Round,
        RoundStatus,
        Scheme,
        Score,
    )
    from ticcoop.regions.models import Region
    from ticcoop.registry.models import Institution

    region = Region.objects.order_by("code").first()
    scheme = Scheme.objects.create(
        code="HIST",
        name="历次结果基准",
        organising_region=region,
        provider_name="基准",
        field="基准",
    )
    measurands = Measurand.objects.bulk_create(
        Measurand(scheme=scheme, name=f"项目{i + 1}", unit="mg/kg", order=i, sigma_percent=5.0)
        for i in range(MEASURANDS)
    )
    labs = Institution.objects.bulk_create(
        Institution(
            credit_code=make_credit_code(
                f"91{region.code}0100{make_org_code(f'{i + 30_000_000:08d}')}"
            ),
            name=f"历次结果机构{i}",
            region=region,
        )
        for i in range(OTHERS + 1)
    )
    now = timezone.now()
    rounds = Round.objects.bulk_create(
        Round(
            scheme=scheme,
            code=f"H{r:03d}",
            title=f"第 {r + 1} 轮",
            year=2000 + r,
            status=RoundStatus.PUBLISHED,
            enrolment_deadline=now - timedelta(days=400 * (ROUNDS - r) + 60),
            results_due=now - timedelta(days=400 * (ROUNDS - r)),
            published_at=now - timedelta(days=400 * (ROUNDS - r) - 30),
        )
        for r in range(ROUNDS)
    )
    participants = Participant.objects.bulk_create(
        Participant(round=rnd, institution=lab, code=f"P{rnd.pk}-{j}")
        for rnd in rounds
        for j, lab in enumerate(labs)
    )
    results = Result.objects.bulk_create(
        (
            Result(participant=p, measurand=m, reported="1.00", value=1.0)
            for p in participants
            for m in measurands
        ),
        batch_size=5000,
    )
    runs = EvaluationRun.objects.bulk_create(
        EvaluationRun(round=rnd, number=1, software_version="bench", published_at=rnd.published_at)
        for rnd in rounds
    )
    evaluations = MeasurandEvaluation.objects.bulk_create(
        MeasurandEvaluation(
            run=run, measurand=m, inputs={}, outputs={"rows": []}, x_pt=1.0, u_x_pt=0.01,
            sigma_pt=0.05, sigma_basis="bench", estimator="algorithm-a", p=OTHERS + 1, z_used="z",
        )
        for run in runs
        for m in measurands
    )  # fmt: skip
    by_key = {(r.participant_id, r.measurand_id): r for r in results}
    lab_z: dict[int, list[float]] = {m.pk: [] for m in measurands}
    scores = []
    for evaluation in evaluations:
        for p in participants[rounds.index(evaluation.run.round) * (OTHERS + 1) :][: OTHERS + 1]:
            z = round(rng.gauss(0.3, 1.0), 2)
            if p.institution_id == labs[0].pk:
                lab_z[evaluation.measurand_id].append(z)
            performance = (
                "satisfactory"
                if abs(z) <= 2
                else ("questionable" if abs(z) < 3 else "unsatisfactory")
            )
            scores.append(
                Score(evaluation=evaluation, participant=p,
                      result=by_key[(p.pk, evaluation.measurand_id)],
                      z=z, z_prime=z, performance=performance)
            )  # fmt: skip
    Score.objects.bulk_create(scores, batch_size=5000)
    return labs[0], [lab_z[m.pk] for m in measurands]


def timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    cpu, wall = time.process_time(), time.perf_counter()
    out = work()
    return time.process_time() - cpu, time.perf_counter() - wall, out


def median_of(work: Callable[[], Any]) -> tuple[float, float, Any]:
    runs = [timed(work) for _ in range(REPEAT)]
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        runs[-1][2],
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        from django.test import Client

        from ticcoop.methods.iso13528 import performance_history
        from ticcoop.proficiency import queries
        from ticcoop.proficiency.tests import factories as pf
        from ticcoop.testing import otp

        start = time.perf_counter()
        lab, series = build(random.Random(16))
        print(
            f"setup (bulk insert, not timed)  {time.perf_counter() - start:7.2f} s  "
            f"1 lab × {ROUNDS} rounds × {MEASURANDS} measurands ({OTHERS} other labs per round)"
        )
        client = Client()
        user = pf.institution_user(lab)
        client.force_login(user)
        otp.verify_session(client, user)

        def page() -> bytes:
            response = client.get("/pt/mine/", secure=True)
            assert response.status_code == 200, response.status_code
            return bytes(response.content)

        page()  # warm up: templates compiled, URL resolver loaded
        history_cpu, history_wall, histories = median_of(lambda: queries.lab_history(lab))
        page_cpu, page_wall, html = median_of(page)
        ref_cpu, ref_wall, reference = median_of(lambda: [performance_history(z) for z in series])
        assert [h.stats for h in histories] == reference, "page and reference disagree"
        assert html.count(b"<svg") >= MEASURANDS and html.count(b"<circle") >= ROUNDS * MEASURANDS
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        points = ROUNDS * MEASURANDS
        print(
            f"{'lab_history (DB + methods)':<34} {history_cpu:7.3f} s CPU  "
            f"{history_wall:7.3f} s wall"
        )
        print(
            f"{'/pt/mine/ page (history + SVG)':<34} {page_cpu:7.3f} s CPU  "
            f"{page_wall:7.3f} s wall  "
            f"{len(html) / 1e6:.2f} MB  target ≤ {TARGET_S:g} s (CPU): "
            f"{'met' if page_cpu <= TARGET_S else 'NOT met'}"
        )
        print(
            f"{'reference: performance_history':<34} {ref_cpu:7.3f} s CPU  {ref_wall:7.3f} s wall  "
            f"({points:,} z-scores, no database, no page)"
        )
        print(
            f"ratio page/reference: {page_cpu / max(ref_cpu, 1e-9):.0f}x CPU, "
            f"{page_wall / max(ref_wall, 1e-9):.0f}x wall; median of {REPEAT}; "
            f"peak RSS {peak_mib:.0f} MiB"
        )


if __name__ == "__main__":
    main()
