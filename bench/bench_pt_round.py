"""A proficiency-testing round end to end: 1,000 participants × 20 measurands.

Target: evaluation + publication + report PDF ≤ 30 s. Runs the real services (evaluate_round,
publish_round, store_report with all charts; the one-page letters are private since issue 16
and built per participant on download, not in the report) against a temporary SQLite
database migrated by this script. Setup rows are bulk-inserted (not timed).
Reference in the same run: the pure statistics alone (ticcoop.proficiency.compute on the same
inputs, no database), so the ratio shows what storage, follow-up and the PDF cost on top.
Prints the time of each phase, the total and the peak RSS.

    .venv/bin/python bench/bench_pt_round.py [participants] [measurands]
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

PARTICIPANTS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
MEASURANDS = int(sys.argv[2]) if len(sys.argv) > 2 else 20
TARGET_S = 30.0


def setup_django(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticcoop.config.settings")
    import django

    django.setup()
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
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        from ticcoop.proficiency import services
        from ticcoop.proficiency.compute import evaluate_measurand
        from ticcoop.proficiency.models import Report

        start = time.perf_counter()
        actor, rnd = build_round(random.Random(2025))
        print(
            f"setup (bulk insert, not timed)  {time.perf_counter() - start:7.2f} s  "
            f"{PARTICIPANTS:,} participants × {MEASURANDS} measurands"
        )
        phases: list[tuple[str, float]] = []

        def timed(label: str, work: object) -> object:
            t = time.perf_counter()
            out = work()  # type: ignore[operator]
            phases.append((label, time.perf_counter() - t))
            print(f"{label:<32} {phases[-1][1]:7.2f} s")
            return out

        run = timed("evaluate_round", lambda: services.evaluate_round(actor, rnd))
        timed(
            "publish_round (follow-up, rule)",
            lambda: services.publish_round(actor, rnd, render_report=False),
        )
        timed("store_report (charts + PDF)", lambda: services.store_report(actor, rnd))
        total = sum(seconds for _label, seconds in phases)
        inputs = [e.inputs for e in run.measurands.all()]  # type: ignore[attr-defined]
        t = time.perf_counter()
        for item in inputs:
            evaluate_measurand(item)
        reference = time.perf_counter() - t
        report = Report.objects.get(round=rnd)
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{'total (evaluation + PDF)':<32} {total:7.2f} s  target ≤ {TARGET_S:.0f} s "
            f"({'met' if total <= TARGET_S else 'MISSED'})"
        )
        print(
            f"{'reference: statistics only':<32} {reference:7.2f} s  ratio total/reference "
            f"{total / reference:6.1f}×"
        )
        print(
            f"report: {len(bytes(report.pdf)) / 1e6:.1f} MB, "
            f"{bytes(report.pdf).count(b'/Type /Page' + bytes([10])):,} pages; "
            f"peak RSS {peak_mib:.0f} MiB"
        )
        from _measure import report_row  # issue 17's table (bench/summary.py)

        report_row(
            "pt-round", f"{PARTICIPANTS:,} x {MEASURANDS}: {total:.1f} s", f"statistics only "
            f"{reference:.2f} s", f"{total / reference:.0f}x", f"<= {TARGET_S:.0f} s end to end",
            total <= TARGET_S,
        )  # fmt: skip


if __name__ == "__main__":
    main()
