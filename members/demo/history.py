"""Member lives: admission (or arrival from another province), moves, death or departure.

Each life is a list of stays in cells; a stay ends where the next begins (a transfer within
the province) or with the membership (death, transfer out of the province). Every stay lies
inside its cell's active period, so the events written from these lives reconcile with the
placements for every subtree and year (DESIGN.md section 5).

Admissions per year are fixed from 1990 on (term XVI's 11,945 exactly at the default size);
older admissions are drawn until the province has the requested number of members on the
article's date. Dates are day ordinals (``date.toordinal()``) for speed.
"""

import datetime
import math
from bisect import bisect_right
from itertools import accumulate

from ..choices import TransferReason
from ..rules import add_months
from .constants import (
    ARTICLE_DATE,
    CURRENT_YEAR_PACE,
    DEFAULT_MEMBERS,
    EARLY_ADMISSIONS,
    RECORDS_FROM,
    TERM_XVI_ADMISSIONS,
    TERM_XVI_YEAR_SHARES,
    TERM_XVII_ADMISSIONS,
    TRANSFERS_IN_PER_YEAR,
)
from .people import FEMALE_SHARE
from .tree import VILLAGE, WORKPLACE_GROUPS

YEAR = 365.2425
ARTICLE = ARTICLE_DATE.toordinal()
RECORDS = RECORDS_FROM.toordinal()
BORN_FROM = datetime.date(1925, 1, 1).toordinal()
BEFORE_1976 = datetime.date(1976, 1, 1).toordinal()
BEFORE_1980 = datetime.date(1980, 1, 1).toordinal()

# Gompertz-Makeham mortality: hazard A * exp(B * age) + C a year.
GOMPERTZ_A = 3e-5
GOMPERTZ_B = 0.095
MAKEHAM_C = 0.0006
# Moves out of the province, a year, before the age of 62.
LEAVE_RATE = 0.004
# Chance of one move to another workplace of the same kind during a career.
ROTATION = {"civil": 0.3, "enterprise": 0.15, "military": 0.3, "police": 0.35}
VILLAGE_MOVE = 0.04
# Weights of admission years before 1990 (wartime admissions were many).
EARLY_YEAR_WEIGHTS = [
    (y, 0.6 if y < 1960 else 0.8 if y < 1965 else 1.4 if y <= 1975 else 0.9)
    for y in range(1951, 1990)
]

HOME, ROTATE, MOVE_VILLAGE = "home", "rotate", "village"


def between(rng, low: int, high: int) -> int:
    """A random integer from ``low`` to ``high`` inclusive (faster than ``randint``)."""
    return low + int(rng.random() * (high - low + 1))


def scale_of(members: int) -> float:
    return members / DEFAULT_MEMBERS


def admissions_by_year(members: int, today: datetime.date) -> dict[int, int]:
    """ADMISSION events per year from 1990 to this year, scaled to ``members``."""
    s = scale_of(members)
    first, first_n, last, last_n = EARLY_ADMISSIONS
    counts = {
        y: round((first_n + (last_n - first_n) * (y - first) / (last - first)) * s)
        for y in range(first, last + 1)
    }
    # Term XVI: exactly round(11,945 * s) in total, split by largest remainder.
    total = round(TERM_XVI_ADMISSIONS * s)
    raw = {y: v * total / TERM_XVI_ADMISSIONS for y, v in TERM_XVI_YEAR_SHARES.items()}
    term = {y: math.floor(v) for y, v in raw.items()}
    for y in sorted(raw, key=lambda y: (term[y] - raw[y], y))[: total - sum(term.values())]:
        term[y] += 1
    counts.update(term)
    counts.update({y: round(v * s) for y, v in TERM_XVII_ADMISSIONS.items()})
    for y in range(max(TERM_XVII_ADMISSIONS) + 1, today.year + 1):
        counts[y] = round(CURRENT_YEAR_PACE * s)
    counts = {y: n for y, n in counts.items() if y <= today.year}
    counts[today.year] = round(counts.get(today.year, 0) * _share_of_year(today))
    return counts


def _share_of_year(today: datetime.date) -> float:
    start = datetime.date(today.year, 1, 1)
    return ((today - start).days + 1) / ((datetime.date(today.year + 1, 1, 1) - start).days)


class Pool:
    """Cells drawn by weight among those active on a day."""

    __slots__ = ("cells", "est", "cum")

    def __init__(self, cells):
        self.cells = sorted(cells, key=lambda c: c.est)
        self.est = [c.est for c in self.cells]
        self.cum = list(accumulate(c.weight for c in self.cells))

    def draw(self, rng, day, exclude=None):
        k = bisect_right(self.est, day)
        if k == 0:
            return None
        total = self.cum[k - 1]
        cells, cum = self.cells, self.cum
        for _ in range(20):
            cell = cells[bisect_right(cum, rng.random() * total, 0, k - 1)]
            if (cell.closed is None or day < cell.closed) and cell is not exclude:
                return cell
        active = [c for c in cells[:k] if (c.closed is None or day < c.closed) and c is not exclude]
        return rng.choice(active) if active else None


class Life:
    """One member's time in the province."""

    __slots__ = (
        "birth",
        "female",
        "admitted",
        "external",
        "cells",
        "days",
        "reasons",
        "exit",
        "died",
        "home",
        "retire",
        "career",
        "ceremony",
        "official",
    )

    def active_on(self, day):
        return self.days[0] <= day and (self.exit is None or self.exit > day)

    def cell_on(self, day):
        """The cell of the stay covering ``day`` (the last stay begun by then)."""
        return self.cells[bisect_right(self.days, day) - 1]


class HistoryBuilder:
    def __init__(self, tree, rng, members: int, today: datetime.date):
        self.tree = tree
        self.rng = rng
        self.members = members
        self.today = today.toordinal()
        self.admission_pool = Pool(tree.cells)
        groups = {}
        for cell in tree.cells:
            group = WORKPLACE_GROUPS.get(cell.profile)
            if group:
                groups.setdefault(group, []).append(cell)
        self.group_pools = {g: Pool(cells) for g, cells in groups.items()}
        self.commune_pools = {c.pk: Pool(c.villages) for c in tree.communes}
        by_district = {}
        for c in tree.communes:
            by_district.setdefault(c.district.pk, []).append(c)
        self.district_communes = by_district
        self.district_pools = {
            d: Pool([v for c in communes for v in c.villages])
            for d, communes in by_district.items()
        }

    # --- the cohorts -------------------------------------------------------------------

    def build(self) -> list[Life]:
        """Every life kept in the records, in no particular order."""
        rng = self.rng
        lives = []
        active = 0
        for year, count in sorted(admissions_by_year(self.members, self._today_date()).items()):
            for _ in range(count):
                life = self._admitted(self._day_in(year))
                if life is not None:
                    lives.append(life)
                    active += life.active_on(ARTICLE)
        s = scale_of(self.members)
        for year in range(RECORDS_FROM.year, self._today_date().year + 1):
            count = round(TRANSFERS_IN_PER_YEAR * s)
            if year == self._today_date().year:
                count = round(count * _share_of_year(self._today_date()))
            for _ in range(count):
                life = self._arrived(self._day_in(year))
                lives.append(life)
                active += life.active_on(ARTICLE)
        years = [y for y, _ in EARLY_YEAR_WEIGHTS]
        cum = list(accumulate(w for _, w in EARLY_YEAR_WEIGHTS))
        attempts = 0
        while active < self.members and attempts < 20 * self.members:
            attempts += 1
            year = years[bisect_right(cum, rng.random() * cum[-1])]
            life = self._admitted(self._day_in(year))
            if life is not None:
                lives.append(life)
                active += life.active_on(ARTICLE)
        return lives

    def _today_date(self):
        return datetime.date.fromordinal(self.today)

    def _day_in(self, year):
        """A working day of ``year`` (not after today)."""
        first = datetime.date(year, 1, 1).toordinal()
        last = min(datetime.date(year, 12, 31).toordinal(), self.today)
        day = between(self.rng, first, last)
        weekday = day % 7  # ordinal 1 (0001-01-01) is a Monday: 0 is Sunday, 6 Saturday
        if weekday == 6 and day - 1 >= first:
            day -= 1
        elif weekday == 0:
            day = day + 1 if day + 1 <= last else day - 2
        return max(day, first)

    # --- one life ------------------------------------------------------------------------

    def _admitted(self, day):
        """A member admitted in the province on ``day``; None if gone before the records."""
        rng = self.rng
        cell = self.admission_pool.draw(rng, day)
        if cell is None:
            return None
        life = self._person(cell, day)
        life.admitted = day
        life.external = False
        self._exit(life, day)
        if life.exit is not None and life.exit < RECORDS:
            return None
        self._ceremony(life)
        self._moves(life, cell, day)
        return life

    def _arrived(self, day):
        """A member transferred in from another province on ``day``, admitted years before."""
        rng = self.rng
        cell = self.admission_pool.draw(rng, day)
        admitted = day - int(rng.uniform(2, 25) * YEAR)
        life = self._person(cell, admitted)
        life.admitted = admitted
        life.external = True
        self._exit(life, day)
        self._ceremony(life)
        self._moves(life, cell, day)
        return life

    def _person(self, cell, admitted):
        rng = self.rng
        life = Life()
        female_share = FEMALE_SHARE[cell.profile]
        if admitted < BEFORE_1980:
            female_share *= 0.55
        life.female = rng.random() < female_share
        profile = cell.profile
        if admitted < BEFORE_1976:
            age = 18 + rng.gammavariate(2.0, 3.0)
        elif profile == "military":
            age = 19 + rng.expovariate(1 / 2.5)
        elif profile == "police":
            age = 22 + rng.expovariate(1 / 4)
        elif profile == "college":
            age = 19 + rng.expovariate(1 / 2)
        elif profile == VILLAGE:
            age = 21 + rng.gammavariate(2.0, 6.0)
        else:
            age = 21 + rng.gammavariate(2.2, 4.5)
        age = min(age, 59.5)
        birth = admitted - int(age * YEAR)
        if birth < BORN_FROM:
            birth = between(rng, BORN_FROM, max(BORN_FROM, admitted - int(18.5 * YEAR)))
        life.birth = birth
        armed = profile in ("military", "police", "commune_military")
        retire_age = (50 if life.female else 55) if armed else (55 if life.female else 60)
        life.retire = birth + int(retire_age * YEAR) + between(rng, 0, 90)
        if cell.commune is not None:
            life.home = cell.commune
        elif cell.district is not None:
            life.home = rng.choice(self.district_communes[cell.district.pk])
        else:
            life.home = rng.choice(self.tree.communes)
        life.career = profile
        return life

    def _exit(self, life, start):
        """Death or departure from the province, whichever comes first (None if neither)."""
        rng = self.rng
        age = (start - life.birth) / YEAR
        u = 1.0 - rng.random()
        gompertz = math.log(math.exp(GOMPERTZ_B * age) - GOMPERTZ_B / GOMPERTZ_A * math.log(u))
        death_age = min(gompertz / GOMPERTZ_B, age + rng.expovariate(MAKEHAM_C))
        death = life.birth + int(death_age * YEAR)
        leave = start + int(rng.expovariate(LEAVE_RATE) * YEAR)
        if (leave - life.birth) / YEAR > 62:
            leave = None
        exit_day, died = death, True
        if leave is not None and leave < death:
            exit_day, died = leave, False
        exit_day = max(exit_day, start + 1)
        if exit_day > self.today:
            exit_day = None
        life.exit = exit_day
        life.died = died

    def _ceremony(self, life):
        """Ceremony a few weeks after the decision; official exactly 12 months after it."""
        rng = self.rng
        ceremony = life.admitted + between(rng, 14, 45)
        if ceremony > self.today or (life.exit is not None and ceremony > life.exit):
            life.ceremony = life.official = None
            return
        life.ceremony = ceremony
        official = add_months(datetime.date.fromordinal(ceremony), 12).toordinal()  # R6
        if official > self.today or (life.exit is not None and official > life.exit):
            official = None
        life.official = official

    def _moves(self, life, cell, start):
        """Stays in cells: retirement home, discharge, rotation, dissolution of the cell."""
        rng = self.rng
        life.cells = [cell]
        life.days = [start]
        life.reasons = [None]
        horizon = self.today + 1 if life.exit is None else life.exit
        moves = []
        profile = cell.profile
        age = (start - life.birth) / YEAR
        if profile != VILLAGE:
            moves.append((life.retire, HOME))
            if profile == "military" and age < 27 and rng.random() < 0.65:
                moves.append((start + int(rng.uniform(1.5, 3.5) * YEAR), HOME))
            elif profile == "college" and age < 23 and rng.random() < 0.6:
                moves.append((start + int(rng.uniform(0.5, 2.5) * YEAR), HOME))
            group = WORKPLACE_GROUPS.get(profile)
            if group and rng.random() < ROTATION[group]:
                latest = min(life.retire, horizon)
                if latest > start + 400:
                    moves.append((between(rng, start + 365, latest - 1), ROTATE))
        elif rng.random() < VILLAGE_MOVE and horizon > start + 400:
            moves.append((between(rng, start + 365, horizon - 1), MOVE_VILLAGE))
        moves.sort()
        i = 0
        current, since = cell, start
        while True:
            closed = current.closed
            nxt = moves[i] if i < len(moves) else None
            if closed is not None and closed < horizon and (nxt is None or closed <= nxt[0]):
                # The cell is dissolved: its members go to a village cell of the commune.
                dest = self.commune_pools[current.commune.pk].draw(rng, closed) or (
                    self.district_pools[current.district.pk].draw(rng, closed)
                )
                current, since = dest, closed
                self._stay(life, dest, closed, TransferReason.DISSOLUTION)
                continue
            if nxt is None or nxt[0] >= horizon:
                break
            i += 1
            day, kind = nxt
            if day <= since:
                continue
            dest = None
            if kind == HOME and current.profile != VILLAGE:
                dest = self.commune_pools[life.home.pk].draw(rng, day)
            elif kind == ROTATE and current.profile in WORKPLACE_GROUPS:
                pool = self.group_pools[WORKPLACE_GROUPS[current.profile]]
                dest = pool.draw(rng, day, exclude=current)
            elif kind == MOVE_VILLAGE and current.profile == VILLAGE:
                dest = self.district_pools[current.district.pk].draw(rng, day, exclude=current)
            if dest is not None:
                if dest.profile == VILLAGE and dest.commune is not None:
                    life.home = dest.commune
                else:
                    life.career = dest.profile
                current, since = dest, day
                self._stay(life, dest, day, TransferReason.REQUEST)

    @staticmethod
    def _stay(life, cell, day, reason):
        life.cells.append(cell)
        life.days.append(day)
        life.reasons.append(reason)
