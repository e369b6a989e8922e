"""Is a date a work day? Answers from the SpecialDay table, falling back to weekends."""

from __future__ import annotations

import datetime as dt
import logging
import time

from leadflow.workcalendar.models import CalendarYear, SpecialDay

log = logging.getLogger(__name__)


# Per-process cache with a short life, so an admin's edit reaches every web and worker
# process within a minute without a query per date checked.
_CACHE: dict[int, tuple[float, tuple[bool, frozenset[dt.date], frozenset[dt.date]]]] = {}
_TTL_SECONDS = 60.0


def _year(year: int) -> tuple[bool, frozenset[dt.date], frozenset[dt.date]]:
    hit = _CACHE.get(year)
    if hit and time.monotonic() - hit[0] < _TTL_SECONDS:
        return hit[1]
    value = _load_year(year)
    _CACHE[year] = (time.monotonic(), value)
    return value


def _load_year(year: int) -> tuple[bool, frozenset[dt.date], frozenset[dt.date]]:
    known = CalendarYear.objects.filter(year=year, published=True).exists()
    days = SpecialDay.objects.filter(date__year=year).values_list("date", "kind")
    holidays = frozenset(d for d, k in days if k == SpecialDay.Kind.HOLIDAY)
    workdays = frozenset(d for d, k in days if k == SpecialDay.Kind.WORKDAY)
    if not known:
        log.warning("No holiday schedule for %s: falling back to plain weekends", year)
    return known, holidays, workdays


def clear_cache() -> None:
    _CACHE.clear()


def has_schedule(year: int) -> bool:
    return _year(year)[0]


def is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def is_holiday(day: dt.date) -> bool:
    return day in _year(day.year)[1]


def is_workday(day: dt.date) -> bool:
    _, holidays, workdays = _year(day.year)
    if day in workdays:
        return True
    if day in holidays:
        return False
    return not is_weekend(day)


def seed_from_package(years: range | None = None, *, special_day=SpecialDay, calendar_year=CalendarYear) -> list[int]:
    """Copy what ``chinese-calendar`` knows into the table; returns the years written.

    The package raises ``NotImplementedError`` for years after its release: those years are skipped,
    for an admin to enter.
    """
    import chinese_calendar

    written: list[int] = []
    for year in years or range(2020, dt.date.today().year + 2):
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        try:
            holidays = chinese_calendar.get_holidays(start, end, include_weekends=False)
            workdays = [
                d for d in chinese_calendar.get_workdays(start, end, include_weekends=True) if is_weekend(d)
            ]
        except NotImplementedError:
            continue
        for day in holidays:
            detail = chinese_calendar.get_holiday_detail(day)[1]
            special_day.objects.update_or_create(
                date=day, defaults={"kind": "holiday", "name": _holiday_name(detail)}
            )
        for day in workdays:
            detail = chinese_calendar.get_holiday_detail(day)[1]
            special_day.objects.update_or_create(
                date=day, defaults={"kind": "workday", "name": _holiday_name(detail)}
            )
        calendar_year.objects.update_or_create(
            year=year, defaults={"source": "chinese-calendar", "published": True}
        )
        written.append(year)
    clear_cache()
    return written


_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_name(detail: object) -> str:
    if detail is None:
        return ""
    return _NAMES.get(str(detail), str(detail))
