import datetime as dt

import pytest

from leadflow.workcalendar import calendar
from leadflow.workcalendar.models import CalendarYear, SpecialDay


@pytest.fixture(autouse=True)
def fresh_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def test_it_knows_public_holidays_and_make_up_days_from_the_seed(db):
    assert calendar.is_holiday(dt.date(2026, 10, 1))  # 国庆节
    assert not calendar.is_workday(dt.date(2026, 10, 1))
    # 2026-10-10 is a Saturday and a make-up work day
    assert dt.date(2026, 10, 10).weekday() == 5
    assert calendar.is_workday(dt.date(2026, 10, 10))
    assert calendar.is_workday(dt.date(2026, 12, 4))  # a plain Friday
    assert not calendar.is_workday(dt.date(2026, 12, 5))  # a plain Saturday


def test_it_falls_back_to_weekends_for_a_year_without_schedule(db):
    assert not calendar.has_schedule(2031)
    assert calendar.is_workday(dt.date(2031, 1, 1))  # a Wednesday: unknown holiday, counted as work day
    assert not calendar.is_workday(dt.date(2031, 1, 4))  # Saturday


def test_it_uses_a_year_an_admin_entered(db):
    CalendarYear.objects.create(year=2031, source="admin")
    SpecialDay.objects.create(date=dt.date(2031, 1, 1), kind="holiday", name="元旦")
    SpecialDay.objects.create(date=dt.date(2031, 1, 4), kind="workday", name="元旦调休")
    assert calendar.has_schedule(2031)
    assert not calendar.is_workday(dt.date(2031, 1, 1))
    assert calendar.is_workday(dt.date(2031, 1, 4))


def test_it_skips_years_the_package_does_not_know(db):
    written = calendar.seed_from_package(range(2025, 2040))
    assert 2025 in written and 2039 not in written
    assert not CalendarYear.objects.filter(year=2039).exists()
