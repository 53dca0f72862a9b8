"""A proficiency-testing round end to end: 1,000 participants × 20 measurands.

Target (issue 17): evaluation + publication + public report PDF (revision 1, all charts) +
every participant's private letter ≤ 30 s CPU. Runs the real services (evaluate_round,
publish_round, store_report, store_letters — the letters are what the publication job stores
after the report) against a temporary SQLite database and a temporary media directory (so no
chart from an earlier run is reused), both made by this script. Setup rows are
bulk-inserted (not timed).
Reference in the same run: the pure statistics alone (ticcoop.proficiency.compute on the same
inputs, no database), so the ratio shows what storage, follow-up and the PDFs cost on top.
Prints CPU and wall time of each phase, the total, the ratio and the peak RSS;
``--profile`` adds the top 10 functions of a cProfile run (by own time).

Chart PNGs (issue 17: "rendered once per evaluation"): after publication every chart of every
measurand is fetched twice through the real page (``/pt/evaluations/<id>/<kind>.png``, the
test client with every middleware). The first pass renders and stores them; the second must
render none (``chart_png`` is counted) and return the same bytes. Reference in the same run:
the first pass (rendering); the ratio is first / second.

    .venv/bin/python bench/bench_pt_round.py [participants] [measurands] [--profile]
"""

from __future__ import annotations

import os
import random
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
PROFILE = "--profile" in sys.argv
PARTICIPANTS = int(ARGS[0]) if ARGS else 1000
MEASURANDS = int(ARGS[1]) if len(ARGS) > 1 else 20
TARGET_S = 30.0


def setup_django(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticcoop.config.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = str(db.parent / "media")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_round(rng: random.Random) -> tuple[object, object]:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from ticcoop.methods.ids import make_credit_code, make_org_code
    from ticcoop.proficiency.models import (
        Measurand,
        Participant,
        Result,
        Round,
        RoundStatus,
        Scheme,
    )
    from ticcoop.proficiency.services.enrolment import new_participant_code
    from ticcoop.regions.models import Region
    from ticcoop.registry.models import Institution

    regions = list(Region.objects.order_by("code"))
    actor = User.objects.create_superuser("bench", "bench@example.invalid", "x")
    scheme = Scheme.objects.create(
        code="BENCH",
        name="基准测试计划",
        organising_region=regions[0],
        provider_name="基准",
        field="基准",
        sigma_method="percent",
    )
    measurands = Measurand.objects.bulk_create(
        Measurand(
            scheme=scheme,
            name=f"项目{i + 1}",
            unit="mg/kg",
            decimals=3,
            order=i,
            sigma_percent=5.0,
            sigma_value=0.5,
        )
        for i in range(MEASURANDS)
    )
    now = timezone.now()
    rnd = Round.objects.create(
        scheme=scheme,
        code="BENCH-1",
        title="基准轮次",
        year=2025,
        status=RoundStatus.CLOSED,
        enrolment_deadline=now - timedelta(days=60),
        results_due=now - timedelta(days=1),
    )
    institutions = Institution.objects.bulk_create(
        Institution(
            credit_code=make_credit_code(
                f"91{regions[i % 5].code}0100{make_org_code(f'{i + 20_000_000:08d}')}"
            ),
            name=f"基准检测机构{i}",
            region=regions[i % 5],
        )
        for i in range(PARTICIPANTS)
    )
    taken: set[str] = set()
    participants = []
    for institution in institutions:
        code = new_participant_code(rnd, taken)
        taken.add(code)
        participants.append(Participant(round=rnd, institution=institution, code=code))
    participants = Participant.objects.bulk_create(participants)
    results = []
    for m in measurands:
        level = rng.uniform(1, 100)
        for p in participants:
            x = rng.gauss(level, level * 0.03)
            if rng.random() < 0.03:
                x += rng.choice((-1, 1)) * level * 0.3
            u = level * 0.05 if rng.random() < 0.8 else None
            results.append(
                Result(
                    participant=p,
                    measurand=m,
                    reported=f"{x:.3f}",
                    value=float(f"{x:.3f}"),
                    expanded_u=u,
                    k=2.0 if u else None,
                )
            )
    Result.objects.bulk_create(results, batch_size=5000)
    return actor, rnd


def measure_charts(run: object) -> None:
    """Fetch every chart PNG of the published run twice (see the module docstring)."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from _measure import report_row
    from ticcoop.proficiency import charts

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    renders: list[str] = []
    render = charts.chart_png

    def counted(*args: object, **kwargs: object) -> bytes:
        renders.append(str(args[1]))
        return render(*args, **kwargs)  # type: ignore[arg-type]

    charts.chart_png = counted  # type: ignore[assignment]
    urls = [
        reverse("pt-chart", args=[pk, kind])
        for pk in run.measurands.order_by("pk").values_list("pk", flat=True)  # type: ignore[attr-defined]
        for kind in charts.KINDS
    ]
    client = Client()
    passes: list[tuple[float, float, int, list[bytes]]] = []
    for number in (1, 2):
        before = len(renders)
        wall, cpu = time.perf_counter(), time.process_time()
        bodies = []
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            assert response["Content-Type"] == "image/png"
            bodies.append(response.content)
        took = (time.process_time() - cpu, time.perf_counter() - wall)
        passes.append((*took, len(renders) - before, bodies))
        print(
            f"{'chart PNGs, pass ' + str(number):<36} {took[0]:7.2f} s CPU {took[1]:7.2f} s wall"
            f"  {len(urls)} requests, {len(renders) - before} rendered, "
            f"{took[1] / len(urls) * 1000:.1f} ms per request"
        )
    charts.chart_png = render  # type: ignore[assignment]
    (first_cpu, first_wall, first_renders, first), (cpu2, wall2, renders2, second) = passes
    once = first_renders == len(urls) and renders2 == 0 and first == second
    report_row(
        "charts", f"{len(urls)} PNGs, 2nd fetch: {renders2} rendered, "
        f"{wall2 / len(urls) * 1000:.1f} ms each ({cpu2:.2f} s CPU)",
        f"1st fetch (renders {first_renders}): {first_wall / len(urls) * 1000:.0f} ms each "
        f"({first_cpu:.2f} s CPU)", f"{first_wall / max(wall2, 1e-9):.0f}x faster",
        "rendered once per evaluation", once,
    )  # fmt: skip


def main() -> None:
    import cProfile
    import io
    import pstats

    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        from ticcoop.proficiency import services
        from ticcoop.proficiency.compute import evaluate_measurand
        from ticcoop.proficiency.models import ParticipantLetter, Report

        start = time.perf_counter()
        actor, rnd = build_round(random.Random(2025))
        print(
            f"setup (bulk insert, not timed)  {time.perf_counter() - start:7.2f} s wall  "
            f"{PARTICIPANTS:,} participants × {MEASURANDS} measurands"
        )
        phases: list[tuple[str, float, float]] = []
        profile = cProfile.Profile() if PROFILE else None

        def timed(label: str, work: object) -> object:
            wall, cpu = time.perf_counter(), time.process_time()
            if profile:
                profile.enable()
            out = work()  # type: ignore[operator]
            if profile:
                profile.disable()
            phases.append((label, time.process_time() - cpu, time.perf_counter() - wall))
            print(f"{label:<36} {phases[-1][1]:7.2f} s CPU {phases[-1][2]:7.2f} s wall")
            return out

        run = timed("evaluate_round", lambda: services.evaluate_round(actor, rnd))
        timed(
            "publish_round (follow-up, rule)",
            lambda: services.publish_round(actor, rnd, render_report=False),
        )
        timed("store_report (charts + PDF)", lambda: services.store_report(actor, rnd))
        letters = timed("store_letters (every letter)", lambda: services.store_letters(actor, rnd))
        total_cpu = sum(cpu for _label, cpu, _wall in phases)
        total_wall = sum(wall for _label, _cpu, wall in phases)
        inputs = [e.inputs for e in run.measurands.all()]  # type: ignore[attr-defined]
        wall, cpu = time.perf_counter(), time.process_time()
        for item in inputs:
            evaluate_measurand(item)
        reference_cpu, reference_wall = time.process_time() - cpu, time.perf_counter() - wall
        report = Report.objects.get(round=rnd)
        assert letters == PARTICIPANTS == ParticipantLetter.objects.filter(run=run).count()
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        met = "met" if total_cpu <= TARGET_S else "NOT met"
        print(
            f"{'total (evaluation + report + letters)':<36} {total_cpu:7.2f} s CPU "
            f"{total_wall:7.2f} s wall  target ≤ {TARGET_S:.0f} s CPU: {met}"
            + ("  (profiled: slower)" if profile else "")
        )
        print(
            f"{'reference: statistics only':<36} {reference_cpu:7.2f} s CPU "
            f"{reference_wall:7.2f} s wall  ratio {total_cpu / reference_cpu:6.1f}× CPU, "
            f"{total_wall / reference_wall:6.1f}× wall"
        )
        pdf = bytes(report.pdf)
        print(
            f"report: {len(pdf) / 1e6:.1f} MB, {pdf.count(b'/Type /Page' + bytes([10])):,} pages; "
            f"letters: {letters:,}; peak RSS {peak_mib:.0f} MiB"
        )
        if profile:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(10)
            print(out.getvalue())
        from _measure import report_row  # issue 17's table (bench/summary.py)

        measure_charts(run)
        report_row(
            "pt-round", f"{PARTICIPANTS:,} x {MEASURANDS} with letters: {total_cpu:.1f} s CPU",
            f"statistics only {reference_cpu:.2f} s CPU", f"{total_cpu / reference_cpu:.0f}x",
            f"<= {TARGET_S:.0f} s end to end", total_cpu <= TARGET_S,
        )  # fmt: skip


if __name__ == "__main__":
    main()
