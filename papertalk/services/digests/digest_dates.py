"""A digest's period from its name: a day (2026-12-06), an ISO week (2026-W49) or a month (2026-12), its
bounds in a reader's timezone (midnight to midnight, so a day may be 23 or 25 hours long), and its
neighbours. Pure: nothing here reads a clock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
WEEK_NAME = re.compile(r"^(\d{4})-W(\d{2})$")
MONTH_NAME = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 1991, 2200  # arXiv began in 1991; past 2200 is a typo


class PeriodError(ValueError):
    """A digest name that is no day, week or month."""


@dataclass(frozen=True, slots=True)
class Period:
    kind: str  # "day", "week" or "month"
    first: date
    last: date  # inclusive

    @property
    def name(self) -> str:
        if self.kind == "day":
            return self.first.isoformat()
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.first.year}-{self.first.month:02d}"

    def bounds(self, zone: ZoneInfo) -> tuple[int, int]:
        """[start, end) in epoch seconds: midnight of the first day to midnight after the last, in ``zone``."""
        start = datetime.combine(self.first, time(0), zone)
        end = datetime.combine(self.last + timedelta(days=1), time(0), zone)
        return int(start.timestamp()), int(end.timestamp())

    def previous(self) -> Period:
        return _shifted(self, -1)

    def next(self) -> Period:
        return _shifted(self, 1)

    def days(self) -> tuple[date, ...]:
        return tuple(self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1))


def day_period(day: date) -> Period:
    return Period("day", day, day)


def week_of(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period("week", monday, monday + timedelta(days=6))


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period("month", first, following - timedelta(days=1))


def parse_period(text: str) -> Period:
    """The period ``text`` names; PeriodError saying what is wrong otherwise."""
    shown = text[:40]
    try:
        if found := DAY_NAME.match(text):
            period = day_period(date(int(found[1]), int(found[2]), int(found[3])))
        elif found := WEEK_NAME.match(text):
            period = week_of(date.fromisocalendar(int(found[1]), int(found[2]), 1))
        elif found := MONTH_NAME.match(text):
            period = month_of(date(int(found[1]), int(found[2]), 1))
        else:
            raise PeriodError(f"date: {shown!r} is not a day, week or month (write 2026-12-06, 2026-W49 or 2026-12)")
    except ValueError as error:
        if isinstance(error, PeriodError):
            raise
        raise PeriodError(f"date: {shown!r} is no such day, week or month ({error})") from None
    if not FIRST_YEAR <= period.first.year <= LAST_YEAR:
        raise PeriodError(f"date: {shown!r} is outside the years {FIRST_YEAR} to {LAST_YEAR}")
    return period


def today_in(zone: ZoneInfo, now: int) -> date:
    return datetime.fromtimestamp(now, zone).date()


def _shifted(period: Period, step: int) -> Period:
    if period.kind == "day":
        return day_period(period.first + timedelta(days=step))
    if period.kind == "week":
        return week_of(period.first + timedelta(days=7 * step))
    return month_of(period.first - timedelta(days=1) if step < 0 else period.last + timedelta(days=1))
