"""From a measurand's stored inputs to its stored outputs, with methods.iso13528 only.

``evaluate_measurand(inputs)`` is a pure function of a JSON-ready dict, so a stored evaluation
can be recomputed by anyone: ``evaluate_measurand(stored.inputs) == stored.outputs``. No
statistics are implemented here; this module only chooses which ISO 13528 function to call.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from decimal import Decimal
from typing import Any

import numpy as np

from ticcoop.methods import iso13528 as pt
from ticcoop.methods.iso13528.printed import classify_printed, printed_z, printed_z_prime

SCORE_FIELDS = ("z", "z_prime", "zeta", "en", "d", "d_percent")


def jsonable(value: Any) -> Any:
    """NaN/∞ → None, NumPy scalars → Python, tuples → lists (JSON and jsonb safe)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _assigned(inputs: dict[str, Any], values: list[float]) -> pt.AssignedValue:
    method, ref = inputs["x_pt_method"], inputs.get("reference") or {}
    terms = {"u_hom": inputs.get("u_hom", 0.0), "u_stab": inputs.get("u_stab", 0.0)}
    robust = {"method": inputs["robust_method"], "stop": inputs["stopping_rule"]}
    if method == "consensus":
        return pt.from_participants(values, **robust, **terms)
    if method == "expert":
        return pt.from_expert_consensus(ref.get("expert_results") or [], **robust, **terms)
    if ref.get("value") is None:
        raise pt.StatisticsInputError(f"{inputs['measurand']}: 未录入参考值（{method}）")
    if method == "formulation":
        return pt.from_formulation(ref["value"], ref.get("uncertainty") or 0.0, **terms)
    if method == "certified":
        return pt.from_certified_value(
            ref["value"], ref.get("uncertainty") or 0.0, ref.get("k") or 2.0, **terms
        )
    raise pt.StatisticsInputError(f"unknown x_pt method {method!r}")


def _sigma(inputs: dict[str, Any], x_pt: float, robust: pt.RobustEstimate | None) -> pt.SigmaPt:
    method = inputs["sigma_method"]
    if method == "fixed":
        return pt.sigma_fitness_for_purpose(value=inputs["sigma_value"])
    if method == "percent":
        return pt.sigma_fitness_for_purpose(percent=inputs["sigma_percent"], x_pt=x_pt)
    if method == "previous":
        return pt.sigma_previous_rounds(inputs["sigma_value"])
    if method == "horwitz":
        factor = inputs["mass_fraction_per_unit"]
        base = pt.sigma_horwitz(x_pt * factor)
        return pt.SigmaPt(base.value / factor, base.source, base.clause, base.detail)
    if method == "robust_sd":
        if robust is None:
            raise pt.StatisticsInputError("σ_pt = robust SD needs participants' results")
        return pt.sigma_robust_sd(robust)
    raise pt.StatisticsInputError(f"unknown sigma_pt method {method!r}")


def _widened(sigma: pt.SigmaPt, s_s: float) -> pt.SigmaPt:
    """σ'_pt = √(σ_pt² + s_s²): the between-item SD added to σ_pt (ISO 13528:2022 Annex B)."""
    if not s_s:
        return sigma
    value = math.hypot(sigma.value, s_s)
    detail = f"{sigma.detail}; widened for inhomogeneity: sqrt(sigma^2 + s_s^2), s_s={s_s!r}"
    return pt.SigmaPt(value, sigma.source, sigma.clause, detail)


def _uncertainty_scores(
    inputs: dict[str, Any], assigned: pt.AssignedValue, censored: np.ndarray
) -> tuple[list[float], list[float], list[str], list[str]]:
    """ζ (9.6) and E_n (9.7) for results that report U and k; others stay unscored."""
    n = len(inputs["values"])
    zeta, en = [math.nan] * n, [math.nan] * n
    rows = [
        i
        for i in range(n)
        if inputs["expanded_u"][i] is not None and inputs["k"][i] and not censored[i]
    ]
    if rows:
        x = [inputs["values"][i] for i in rows]
        big_u = [inputs["expanded_u"][i] for i in rows]
        small_u = [inputs["expanded_u"][i] / inputs["k"][i] for i in rows]
        k_pt = inputs.get("en_k", 2.0)
        zetas = pt.zeta_score(x, assigned.x_pt, small_u, assigned.u_x_pt)
        ens = pt.en_score(x, assigned.x_pt, big_u, assigned.expanded(k_pt))
        for j, i in enumerate(rows):
            zeta[i], en[i] = float(zetas[j]), float(ens[j])
    return zeta, en, [str(c) for c in pt.classify_z(zeta)], [str(c) for c in pt.classify_en(en)]


def _printed(values: np.ndarray, table: pt.ScoreTable) -> list[tuple[str | None, ...]]:
    """(z, z′, the one in use) as printed: two decimals, half-up, from the decimals."""
    out: list[tuple[str | None, ...]] = []
    for i, x in enumerate(values):
        if not table.scored[i] or not math.isfinite(float(x)):
            out.append((None, None, None))
            continue
        x_pt, sigma = float(table.x_pt), float(table.sigma_pt)
        z = str(printed_z(float(x), x_pt, sigma))
        z_prime = str(printed_z_prime(float(x), x_pt, sigma, float(table.u_x_pt)))
        out.append((z, z_prime, z if table.z_used == "z" else z_prime))
    return out


def _classify(printed: str | None) -> str:
    return classify_printed(None if printed is None else Decimal(printed))


def evaluate_measurand(inputs: dict[str, Any]) -> dict[str, Any]:
    """Run the statistics of one measurand; raises ``StatisticsInputError`` with the reason."""
    parsed = pt.CensoredResults(
        np.asarray(inputs["values"], dtype=np.float64),
        np.asarray(inputs["censor"], dtype=np.int8),
    )
    treated = pt.apply_censor_rule(parsed, inputs["censor_rule"])
    values = [float(v) for v in treated.values]
    assigned = _assigned(inputs, values)
    robust = assigned.robust
    if robust is None and len(values) >= 2:
        robust = pt.robust_estimate(
            values, method=inputs["robust_method"], stop=inputs["stopping_rule"]
        )
    sigma = _widened(_sigma(inputs, assigned.x_pt, robust), inputs.get("widen_s_s", 0.0))
    table = pt.score_results(parsed.values, assigned, sigma, censored=parsed.censored)
    printed = _printed(parsed.values, table)
    zeta, en, zeta_class, en_class = _uncertainty_scores(inputs, assigned, parsed.censored)
    d_percent = table.d_percent if table.d_percent is not None else [math.nan] * len(zeta)
    rows = [
        {
            "code": code,
            "z": float(table.z[i]),
            "z_prime": float(table.z_prime[i]),
            "zeta": zeta[i],
            "en": en[i],
            "d": float(table.d[i]),
            "d_percent": float(d_percent[i]),
            "z_printed": printed[i][0],
            "z_prime_printed": printed[i][1],
            # Classified on the printed figure (docs/methods/iso13528.md, "Printed scores").
            "performance": _classify(printed[i][2]),
            "zeta_class": zeta_class[i],
            "en_class": en_class[i],
        }
        for i, code in enumerate(inputs["codes"])
    ]
    return jsonable(
        {
            "x_pt": assigned.x_pt,
            "u_x_pt": assigned.u_x_pt,
            "assigned": assigned.as_dict(),
            "robust": None if robust is None else robust.as_dict(),
            "sigma_pt": sigma.value,
            "sigma": asdict(sigma),
            "p": len(values),
            "n_censored": treated.n_censored,
            "z_used": table.z_used,
            "z_reason": table.z_reason,
            "rows": rows,
        }
    )
