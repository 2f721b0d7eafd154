"""Working days as day ordinals, for the seed's hundred thousand deadlines.

``members.rules.add_working_days`` walks day by day and asks the ``holidays`` package
about each one; the seed looks the days up in a table built once instead. From
``HOLIDAYS_FROM`` on the table skips weekends and the same Vietnamese public holidays as
``members.rules.is_working_day`` (the tests compare the two); before it, only weekends:
those dates are old records, and computing decades of lunar holidays costs seconds.
"""

import datetime
from bisect import bisect_left, bisect_right

import holidays

HOLIDAYS_FROM = 1990


class WorkingDays:
    """Working days from ``first`` to ``last`` (dates), for lookups by day ordinal."""

    def __init__(self, first: datetime.date, last: datetime.date):
        years = range(max(first.year, HOLIDAYS_FROM), last.year + 1)
        off = {d.toordinal() for d in holidays.country_holidays("VN", years=years)}
        # Ordinal 1 (0001-01-01) is a Monday: (ordinal - 1) % 7 is Python's weekday().
        self.days = [
            d
            for d in range(first.toordinal(), last.toordinal() + 1)
            if (d - 1) % 7 < 5 and d not in off
        ]

    def add(self, day: int, n: int) -> int:
        """The working day ``n`` working days after ``day`` (not counted), ``n`` >= 1."""
        return self.days[bisect_right(self.days, day) + n - 1]

    def back(self, day: int, n: int) -> int:
        """A working day ``n`` working days before ``day``: ``add(back(day, n), n) >= day``."""
        return self.days[bisect_left(self.days, day) - n]

    def on_or_before(self, day: int) -> int:
        return self.days[bisect_right(self.days, day) - 1]

    def on_or_after(self, day: int) -> int:
        return self.days[bisect_left(self.days, day)]
