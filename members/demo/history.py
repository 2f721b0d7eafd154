"""Member lives: admission (or arrival from another province), moves, death or departure.

Each life is a list of stays in cells; a stay ends where the next begins (a transfer within
the province) or with the membership (death, transfer out of the province). Every stay lies
inside its cell's active period, so the events written from these lives reconcile with the
placements for every subtree and year (DESIGN.md section 5).

A membership ends with death, a move out of the province or a removal from the Party
(struck off, expelled, left at one's own request; R12), whichever comes first; a
probationary member who is not recognized at the end of probation is struck off (R7).
Ceremonies and recognitions keep the Party's deadlines in working days (R6, R7).

Admissions per year are fixed from 1990 on (term XVI's 11,945 exactly at the default size);
older admissions are drawn until the province has the requested number of members on the
article's date. Dates are day ordinals (``date.toordinal()``) for speed.
"""

import datetime
import math
from bisect import bisect_left, bisect_right
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
# Removals from the Party a year at the default size, by form (the values of
# evaluation.models.RemovalForm, which this app may not import): mostly struck off, about
# 0.12% of the members; a few dozen expelled; a few leaving at their own request. At least
# one struck off a year at any size; nobody over 70.
STRUCK_OFF, EXPELLED, LEFT_AT_OWN_REQUEST = "STRUCK_OFF", "EXPELLED", "LEFT_AT_OWN_REQUEST"
REMOVALS_PER_YEAR = ((STRUCK_OFF, 80), (EXPELLED, 25), (LEFT_AT_OWN_REQUEST, 5))
REMOVAL_MAX_AGE = 70
# Probationary members not recognized at the end of probation, struck off (R7).
NOT_RECOGNIZED = 0.004
# Cells that review a recognition after the 30 working days of R7 (overdue on the due list).
LATE_REVIEW = 0.04
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
    """One member's time in the province.

    ``exit`` ends it: a death (``died``), a removal (``removal`` is the form), else a move
    out of the province. ``review`` and ``recognized`` are the cell's review and the
    committee's decision on official recognition (``official`` is the end of probation).
    """

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
        "review",
        "recognized",
        "removal",
        "not_recognized",
    )

    def active_on(self, day):
        return self.days[0] <= day and (self.exit is None or self.exit > day)

    def cell_on(self, day):
        """The cell of the stay covering ``day`` (the last stay begun by then)."""
        return self.cells[bisect_right(self.days, day) - 1]


class HistoryBuilder:
    def __init__(self, tree, rng, members: int, today: datetime.date, calendar):
        self.tree = tree
        self.rng = rng
        self.calendar = calendar
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
        self._fill(lives, active)
        self._removals(lives)
        # Removals before the article's date are made up with older members.
        self._fill(lives, sum(life.active_on(ARTICLE) for life in lives))
        return lives

    def _fill(self, lives, active):
        """Admissions before 1990 until ``members`` are active on the article's date."""
        rng = self.rng
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

    def _removals(self, lives):
        """Removals from the Party each year of the records (R12), by form, of members
        drawn among those active and admitted (ceremony held) that day, under 70."""
        rng = self.rng
        today = self._today_date()
        s = scale_of(self.members)
        # Counts carry their fractions from year to year, so that small sizes still get
        # a few of the rarer forms over the years.
        expected = dict.fromkeys(REMOVALS_PER_YEAR, 0.0)
        done = dict.fromkeys(REMOVALS_PER_YEAR, 0)
        for year in range(RECORDS_FROM.year, today.year + 1):
            share = _share_of_year(today) if year == today.year else 1.0
            for spec in REMOVALS_PER_YEAR:
                form, per_year = spec
                expected[spec] += per_year * s * share
                count = round(expected[spec]) - done[spec]
                if form == STRUCK_OFF and year < today.year:
                    count = max(1, count)
                done[spec] += count
                for _ in range(count):
                    day = self._day_in(year)
                    for _attempt in range(1000):
                        life = lives[int(rng.random() * len(lives))]
                        if (
                            life.removal is None
                            and life.days[0] < day
                            and life.ceremony < day
                            and (life.exit is None or day < life.exit)
                            and day - life.birth < REMOVAL_MAX_AGE * YEAR
                        ):
                            self._remove(life, day, form)
                            break

    @staticmethod
    def _remove(life, day, form):
        """End ``life`` on ``day`` with a removal: later stays and recognition are dropped."""
        kept = bisect_left(life.days, day)
        del life.cells[kept:], life.days[kept:], life.reasons[kept:]
        life.exit, life.died, life.removal, life.not_recognized = day, False, form, False
        if life.official is not None and life.recognized >= day:
            life.official = None

    def _today_date(self):
        return datetime.date.fromordinal(self.today)

    def _day_in(self, year):
        """A working day of ``year`` (not after today)."""
        first = datetime.date(year, 1, 1).toordinal()
        last = min(datetime.date(year, 12, 31).toordinal(), self.today)
        day = between(self.rng, first, last)
        working = self.calendar.on_or_before(day)
        if working < first:
            working = self.calendar.on_or_after(day)
        return working if working <= last else day

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
        if leave is not None and leave < exit_day:
            exit_day, died = leave, False
        exit_day = max(exit_day, start + 1)
        if exit_day > self.today:
            exit_day = None
        life.exit = exit_day
        life.died = died
        life.removal = None
        life.not_recognized = False

    def _ceremony(self, life):
        """Ceremony, probation and official recognition (R6, R7), in working days.

        The ceremony follows the decision within 30 working days; probation lasts 12
        months from it. The cell reviews within 30 working days after probation (a few
        late), the committee decides within 30 more; the member is official from the end
        of probation. A member whose membership ends before the decision stays
        probationary; a few are not recognized and are struck off on the decision date.
        """
        rng = self.rng
        calendar = self.calendar
        ceremony = calendar.add(life.admitted, between(rng, 5, 25))
        ceremony = max(life.admitted, min(ceremony, self.today))
        if life.exit is not None and life.exit <= ceremony:
            # Nobody leaves between the decision and the ceremony: the ceremony makes
            # the member (recruitment.services.candidacy_hold_ceremony).
            life.exit = calendar.add(ceremony, between(rng, 1, 40))
            if life.exit > self.today:
                life.exit, life.died = None, False
        life.ceremony = ceremony
        official = add_months(datetime.date.fromordinal(ceremony), 12).toordinal()  # R6
        late = rng.random() < LATE_REVIEW
        life.review = calendar.add(official, between(rng, 31, 60) if late else between(rng, 3, 25))
        life.recognized = calendar.add(life.review, between(rng, 2, 15))
        if life.recognized > self.today or (life.exit is not None and life.recognized >= life.exit):
            life.official = None
        elif not life.external and life.admitted >= RECORDS and rng.random() < NOT_RECOGNIZED:
            life.official = None
            life.exit, life.died, life.removal = life.recognized, False, STRUCK_OFF
            life.not_recognized = True
        else:
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
