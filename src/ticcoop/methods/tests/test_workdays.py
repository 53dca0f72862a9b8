from __future__ import annotations

from datetime import date

import pytest

from ticcoop.methods.workdays import add_working_days, is_known_year, is_working_day


def test_national_day_2025_holidays_and_make_up_days() -> None:
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are working days.
    assert is_working_day(date(2025, 9, 28))
    assert not is_working_day(date(2025, 10, 1))
    assert not is_working_day(date(2025, 10, 8))
    assert is_working_day(date(2025, 10, 11))
    assert not is_working_day(date(2025, 10, 12))


def test_counting_across_national_day() -> None:
    friday = date(2025, 9, 26)
    assert add_working_days(friday, 1) == date(2025, 9, 28)  # make-up Sunday
    assert add_working_days(friday, 3) == date(2025, 9, 30)
    assert add_working_days(friday, 4) == date(2025, 10, 9)  # after the eight days off
    assert add_working_days(friday, 6) == date(2025, 10, 11)  # make-up Saturday
    assert add_working_days(friday, 7) == date(2025, 10, 13)


def test_thirty_working_days_cross_the_holiday() -> None:
    # Plain Mon–Fri counting would give 7 November; the holiday pushes it to 10 November.
    assert add_working_days(date(2025, 9, 26), 30) == date(2025, 11, 13)


def test_zero_days_is_the_start_and_negative_is_refused() -> None:
    assert add_working_days(date(2025, 10, 3), 0) == date(2025, 10, 3)
    with pytest.raises(ValueError, match="days must be >= 0"):
        add_working_days(date(2025, 10, 3), -1)


def test_from_a_holiday_the_first_working_day_counts() -> None:
    assert add_working_days(date(2025, 10, 3), 1) == date(2025, 10, 9)


def test_unknown_years_fall_back_to_monday_to_friday() -> None:
    far = date(2099, 1, 2)  # a Friday
    assert not is_known_year(far)
    assert is_known_year(date(2025, 1, 1))
    assert add_working_days(far, 1) == date(2099, 1, 5)  # Monday; 1 January not known as holiday
    assert not is_working_day(date(2099, 1, 3))
