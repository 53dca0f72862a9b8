"""Benchmark ISO 13528:2022 Algorithm A (C.3.1): ticcoop vs a plain NumPy port (the honest
reference: what anyone would write in 15 lines), a line-by-line pure-Python reference of the
standard's text, and statsmodels' Huber proposal 2.

Run: ``.venv/bin/python bench/bench_algorithm_a.py`` (about 30 s on 2 cores).
Target reported against: Algorithm A on 1e6 values in <= 30 ms.

statsmodels' ``Huber`` has the same fixed point as Algorithm A but with the unrounded
consistency factor 1/sqrt(gamma) = 1.1334 instead of 1.134 and its own stopping rule, so
it is checked against the reference run with that factor; its s* differs from ours by
about 0.1 % (the factor also moves δ, hence the fixed point).
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.stats import norm
from statsmodels.robust.scale import Huber

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from ticcoop.methods.iso13528 import algorithm_a

SIZES = (1_000, 100_000, 1_000_000)
TARGET_MS = 30.0
REFERENCE_BUDGET_S = 20.0
HUBER_C = 1.5
GAMMA = (
    (2 * norm.cdf(HUBER_C) - 1) * (1 - HUBER_C**2) + HUBER_C**2 - 2 * HUBER_C * norm.pdf(HUBER_C)
)
UNROUNDED_FACTOR = 1 / math.sqrt(GAMMA)


def third_figure_place(v: float) -> int:
    """Decimal exponent of the third significant figure of v (v != 0), after rounding."""
    return int(f"{abs(v):.2e}".split("e")[1]) - 2


def same_third_figure(old: float, new: float, floor: int | None = None) -> bool:
    """The C.3.1 test as documented in docs/methods/iso13528.md section 3."""
    nonzero = [abs(v) for v in (old, new) if v != 0.0]
    if not nonzero:
        return True
    place = third_figure_place(min(nonzero))
    if floor is not None:
        place = max(place, floor)
    return round(old, -place) == round(new, -place)


def reference_algorithm_a(
    values: list[float],
    stop: str = "sig3",
    factor: float = 1.134,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> tuple[float, float, int]:
    """ISO 13528:2022 C.3.1 written out step by step on Python lists."""
    x = sorted(values)  # "denote the p items of data, sorted into increasing order"
    p = len(x)
    x_star = x[p // 2] if p % 2 else (x[p // 2 - 1] + x[p // 2]) / 2
    dev = sorted(abs(xi - x_star) for xi in x)
    mad = dev[p // 2] if p % 2 else (dev[p // 2 - 1] + dev[p // 2]) / 2
    s_star = 1.483 * mad
    for iteration in range(1, max_iter + 1):
        delta = 1.5 * s_star
        winsorised = []
        for xi in x:
            if xi < x_star - delta:
                winsorised.append(x_star - delta)
            elif xi > x_star + delta:
                winsorised.append(x_star + delta)
            else:
                winsorised.append(xi)
        new_x = sum(winsorised) / p
        new_s = factor * math.sqrt(sum((w - new_x) ** 2 for w in winsorised) / (p - 1))
        if stop == "sig3":
            floor = third_figure_place(new_s) if new_s else None
            done = same_third_figure(s_star, new_s) and same_third_figure(x_star, new_x, floor)
        else:
            done = abs(new_x - x_star) <= tol * new_s and abs(new_s - s_star) <= tol * new_s
        x_star, s_star = new_x, new_s
        if done:
            return x_star, s_star, iteration
    return x_star, s_star, max_iter


def numpy_port(x: np.ndarray, max_iter: int = 1000) -> tuple[float, float, int]:
    """Algorithm A (C.3.1, sig3) as a plain NumPy port: median/MAD start, clip, mean, std."""
    x_star = float(np.median(x))
    s_star = 1.483 * float(np.median(np.abs(x - x_star)))
    for iteration in range(1, max_iter + 1):
        winsorised = np.clip(x, x_star - 1.5 * s_star, x_star + 1.5 * s_star)
        new_x = float(winsorised.mean())
        new_s = 1.134 * float(winsorised.std(ddof=1))
        floor = third_figure_place(new_s) if new_s else None
        done = same_third_figure(s_star, new_s) and same_third_figure(x_star, new_x, floor)
        x_star, s_star = new_x, new_s
        if done:
            return x_star, s_star, iteration
    return x_star, s_star, max_iter


def data(n: int) -> np.ndarray:
    """Normal results with 5 % gross errors, as in a real PT round."""
    rng = np.random.default_rng(13528)
    x = rng.normal(10.0, 1.0, n)
    x[: n // 20] += rng.normal(0.0, 20.0, n // 20)
    return rng.permutation(x)


def median_ms(func: Callable[[], object], repeats: int) -> float:
    """Median wall time in ms; the machine is shared, so the minimum is kept as well."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    MINIMA.append(1e3 * min(times))
    return 1e3 * statistics.median(times)


MINIMA: list[float] = []


def huber(x: np.ndarray) -> tuple[float, float]:
    loc, scale = Huber(c=HUBER_C, tol=1e-10, maxiter=500)(x)
    return float(loc), float(scale)


def main() -> int:
    print(
        f"numpy {np.__version__}; Algorithm A, ISO 13528:2022 C.3.1; target <= {TARGET_MS} ms "
        "at 1e6 values"
    )
    header = (
        f"{'n':>9} {'ours sig3':>10} {'it':>3} {'ours tol':>9} {'it':>3} "
        f"{'NumPy port':>11} {'port/ours':>9} "
        f"{'pure-Py sig3':>13} {'statsmodels':>12} {'ref/ours':>9} {'sm/ours':>8}"
    )
    print(header)
    notes: list[str] = []
    ok = True
    ref_ms_per_value: float | None = None
    for n in SIZES:
        x = data(n)
        xs = x.tolist()
        repeats = 15 if n >= 1_000_000 else 31
        ours = algorithm_a(x)
        ours_tol = algorithm_a(x, stop="tol")
        t_sig3 = median_ms(lambda x=x: algorithm_a(x), repeats)
        t_tol = median_ms(lambda x=x: algorithm_a(x, stop="tol"), repeats)
        min_sig3, min_tol = MINIMA[-2:]
        t_port = median_ms(lambda x=x: numpy_port(x), repeats)
        px, ps, pit = numpy_port(x)
        agree = (
            abs(px - ours.x_star) <= 1e-9 * ps
            and abs(ps - ours.s_star) <= 1e-9 * ps
            and pit == ours.iterations
        )
        ok &= agree
        notes.append(f"n={n}: NumPy port vs ours -> {'agree' if agree else 'DISAGREE'}")
        t_sm = median_ms(lambda x=x: huber(x), 5 if n >= 1_000_000 else 9)
        estimate_s = (ref_ms_per_value or 0.0) * n * 1.2 / 1e3
        if estimate_s > REFERENCE_BUDGET_S:
            t_ref_txt, ratio_ref = "skipped", "-"
            notes.append(f"n={n}: pure-Python reference skipped (estimated {estimate_s:.0f} s)")
        else:
            ref_repeats = 1 if n >= 1_000_000 else 3
            t_ref = median_ms(lambda xs=xs: reference_algorithm_a(xs), ref_repeats)
            ref_ms_per_value = t_ref / n
            t_ref_txt, ratio_ref = f"{t_ref:.1f} ms", f"{t_ref / t_sig3:.0f}x"
            rx, rs, rit = reference_algorithm_a(xs)
            agree = (
                abs(rx - ours.x_star) <= 1e-9 * rs
                and abs(rs - ours.s_star) <= 1e-9 * rs
                and rit == ours.iterations
            )
            ok &= agree
            notes.append(
                f"n={n}: ours vs reference (sig3): x* {ours.x_star:.10g} vs {rx:.10g}, "
                f"s* {ours.s_star:.10g} vs {rs:.10g}, iterations {ours.iterations} vs "
                f"{rit} -> {'agree' if agree else 'DISAGREE'}"
            )
        sm_x, sm_s = huber(x)
        notes.append(
            f"n={n}: statsmodels Huber x* {sm_x:.10g} s* {sm_s:.10g}; ours (tol) "
            f"s*/sm s* = {ours_tol.s_star / sm_s:.6f} (1.134/1.1334 factor: "
            f"{1.134 / UNROUNDED_FACTOR:.6f})"
        )
        if n <= 100_000:
            ux, us, _ = reference_algorithm_a(xs, stop="tol", factor=UNROUNDED_FACTOR)
            agree = abs(ux - sm_x) <= 1e-7 * us and abs(us - sm_s) <= 1e-7 * us
            ok &= agree
            notes.append(
                f"n={n}: reference with factor {UNROUNDED_FACTOR:.6f} vs statsmodels: "
                f"x* {ux:.10g}/{sm_x:.10g}, s* {us:.10g}/{sm_s:.10g} -> "
                f"{'agree' if agree else 'DISAGREE'}"
            )
        print(
            f"{n:>9} {t_sig3:>7.2f} ms {ours.iterations:>3} {t_tol:>6.2f} ms "
            f"{ours_tol.iterations:>3} {t_port:>8.2f} ms {t_port / t_sig3:>8.2f}x "
            f"{t_ref_txt:>13} {t_sm:>9.1f} ms {ratio_ref:>9} "
            f"{t_sm / t_sig3:>7.0f}x"
        )
        if n == 1_000_000:
            met = max(t_sig3, t_tol) <= TARGET_MS
            notes.append(
                f"target: 1e6 values in {t_sig3:.1f} ms (sig3) / {t_tol:.1f} ms (tol), "
                f"median of {repeats}; best {min_sig3:.1f} / {min_tol:.1f} ms "
                f"-> {'MET' if met else 'NOT MET'} (<= {TARGET_MS} ms)"
            )
    print()
    for note in notes:
        print(note)
    print("numbers agree" if ok else "NUMBERS DISAGREE")
    from _measure import report_row  # issue 17's table (bench/summary.py), the last n (1e6)

    report_row(
        "algorithm-a", f"{n:,} values: {t_sig3:.1f} ms", f"plain NumPy port {t_port:.1f} ms",
        f"{t_sig3 / t_port:.2f}x the port", f"<= {TARGET_MS:g} ms, <= 1x the port",
        t_sig3 <= TARGET_MS and t_sig3 <= t_port and ok,
    )  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
