"""PT scores as printed and classified (issue 18): two decimals half-up from the decimals,
classification on the printed figure (docs/methods/iso13528.md, "Printed scores")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ticcoop.methods.iso13528.printed import classify_printed, printed_z, printed_z_prime


def rule_z(x: Decimal, x_pt: Decimal, sigma: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return ((x - x_pt) / sigma).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


values = st.decimals(Decimal("-500"), Decimal("500"), places=3)
sigmas = st.decimals(Decimal("0.001"), Decimal("50"), places=3)


@settings(max_examples=300)
@given(values, values, sigmas)
@example(Decimal("52.845"), Decimal("52.0"), Decimal("2.6"))
@example(Decimal("4.201"), Decimal("4.0"), Decimal("0.2"))
def test_printed_z_is_the_rule_on_the_entered_decimals(
    x: Decimal, x_pt: Decimal, sigma: Decimal
) -> None:
    expected = rule_z(x, x_pt, sigma)
    assert printed_z(float(x), float(x_pt), float(sigma)) == expected
    assert printed_z_prime(float(x), float(x_pt), float(sigma), 0.0) == expected


def test_the_issue_examples_print_half_up() -> None:
    assert printed_z(52.845, 52.0, 2.6) == Decimal("0.33")  # floats: 0.32499… → 0.32
    assert printed_z(4.201, 4.0, 0.2) == Decimal("1.01")
    # z' = 3 / √(1.2² + 1.6²) = 3 / 2 exactly.
    assert printed_z_prime(13.0, 10.0, 1.2, 1.6) == Decimal("1.50")


def test_classification_uses_the_printed_figure() -> None:
    assert classify_printed(printed_z(12.004, 10.0, 1.0)) == "satisfactory"  # prints 2.00
    assert classify_printed(printed_z(12.005, 10.0, 1.0)) == "questionable"  # prints 2.01
    assert classify_printed(printed_z(7.0051, 10.0, 1.0)) == "questionable"  # prints −2.99
    # Exact z −2.995 would be questionable; it prints as −3.00, which is unsatisfactory.
    assert classify_printed(printed_z(7.005, 10.0, 1.0)) == "unsatisfactory"
    assert classify_printed(None) == "not scored"


@settings(max_examples=200)
@given(values, values, sigmas)
def test_classification_follows_the_printed_z(x: Decimal, x_pt: Decimal, sigma: Decimal) -> None:
    shown = rule_z(x, x_pt, sigma)
    expected = (
        "satisfactory"
        if abs(shown) <= 2
        else "questionable"
        if abs(shown) < 3
        else "unsatisfactory"
    )
    assert classify_printed(printed_z(str(x), str(x_pt), str(sigma))) == expected
