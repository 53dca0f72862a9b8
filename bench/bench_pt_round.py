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

        report_row(
            "pt-round", f"{PARTICIPANTS:,} x {MEASURANDS} with letters: {total_cpu:.1f} s CPU",
            f"statistics only {reference_cpu:.2f} s CPU", f"{total_cpu / reference_cpu:.0f}x",
            f"<= {TARGET_S:.0f} s end to end", total_cpu <= TARGET_S,
        )  # fmt: skip


if __name__ == "__main__":
    main()
