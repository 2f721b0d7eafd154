"""Ratings, exemptions, screening flags and removals of the demo province (issue 5, item 5):
a phase of ``seed_demo``.

The members' history (``members.demo.history``) already ends some memberships with a
removal and writes its REMOVAL event; this phase records each one as a ``Removal`` (form,
ground, decision, committee). It adds exemptions of older members (with their
EXEMPTION_START and EXEMPTION_END events), then the yearly ratings from 2016 to the last
finished year, as the rating rounds would have saved them:

- every member placed on 31/12 is rated in the cell of that day; members exempt during
  the year and members admitted less than 6 months before 31/12 are NOT_RATED with the
  reason (R9);
- good or better (EXCELLENT + GOOD) is exactly the year's share in ``MEMBER_GOOD_RATES``
  of those rated, 88-90% in term XVI; EXCELLENT never exceeds 20% of GOOD within a
  grassroots organization (R10);
- members later struck off or expelled often did not complete their duties in the years
  before, and a few others did not complete them two years running: each such run raises a
  NOT_COMPLETED_TWO_YEARS flag (R11), resolved by the removal, by the cell's help, or open;
- every grassroots organization active on 31/12 is rated, NOT_RATED when younger than 6
  months; good or better is the year's share in ``ORGANIZATION_GOOD_RATES`` (above 95%).

Scores (100-point scale) only in years whose rule set rates with them. After the load,
the members whose recognition review is overdue today are flagged by the screening job.
"""

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from members.choices import GRASSROOTS_KINDS, EventKind
from members.demo.constants import RECORDS_FROM
from members.demo.history import LEFT_AT_OWN_REQUEST, YEAR, between
from members.demo.people import Weighted
from members.models import MembershipEvent

from .checks import member_not_rated_reason, organization_not_rated_reason, rules_for_year
from .models import (
    Exemption,
    FlagGround,
    Grade,
    MemberRating,
    NotRatedReason,
    OrganizationRating,
    Removal,
    RemovalForm,
    RemovalGround,
    ScreeningFlag,
)
from .services import flags_raise_probation_not_recognized

FIRST_YEAR = 2016
# Members rated good or better, % of those rated: term XVI averages 89.0 (the article's
# "about 89%"), term XVII a little higher; later years keep the last figure.
MEMBER_GOOD_RATES = {
    2016: 88.4,
    2017: 88.9,
    2018: 89.2,
    2019: 89.1,
    2020: 89.4,
    2021: 89.8,
    2022: 90.2,
    2023: 90.5,
    2024: 90.9,
    2025: 91.2,
}
# Grassroots organizations rated good or better, % of those rated (target 95%).
ORGANIZATION_GOOD_RATES = {
    2016: 96.3,
    2017: 96.8,
    2018: 97.1,
    2019: 97.4,
    2020: 97.6,
    2021: 97.2,
    2022: 97.5,
    2023: 97.7,
    2024: 97.9,
    2025: 98.1,
}
ORGANIZATION_EXCELLENT = 0.2  # of those rated
ORGANIZATION_NOT_COMPLETED = 0.003
# NOT_COMPLETED: in the year before a removal (R12 grounds of conduct), a share of them the
# year before that too; runs of two years started each year; single years.
BEFORE_REMOVAL = 0.8
TWO_YEARS_BEFORE_REMOVAL = 0.45
RUNS = 0.0012
SINGLES = 0.003
# Exemption from Party work and activities (Điều lệ Đảng, Điều 7): most often for age
# and health; some members request it within 5 years after turning 70.
AGE_EXEMPTION_FROM = 70
AGE_EXEMPTION = 0.35
HEALTH_EXEMPTION = 0.01
# Grounds of striking off, by weight (the probation ground only for those not recognized).
STRUCK_OFF_GROUNDS = Weighted(
    [
        (RemovalGround.ABSENT_3_MONTHS, 0.5),
        (RemovalGround.NO_PROGRESS, 0.42),
        (RemovalGround.FALSE_DOSSIER, 0.04),
        (RemovalGround.OTHER, 0.04),
    ]
)
CONDUCT_GROUNDS = frozenset(
    {RemovalGround.ABSENT_3_MONTHS, RemovalGround.NO_PROGRESS, RemovalGround.DISCIPLINARY}
)
OTHER_GROUND_DETAIL = "Không đủ tư cách đảng viên theo kết luận rà soát, sàng lọc của chi bộ"
DISCIPLINARY_DETAILS = (
    "Vi phạm quy định về những điều đảng viên không được làm",
    "Vi phạm pháp luật, bị truy cứu trách nhiệm hình sự",
    "Vi phạm nghiêm trọng nguyên tắc tổ chức và sinh hoạt đảng",
)
HELPED = "Chi bộ đã giáo dục, giúp đỡ; đảng viên đã tiến bộ"
SCORES = {
    Grade.EXCELLENT: (90, 100),
    Grade.GOOD: (70, 89),
    Grade.COMPLETED: (50, 69),
    Grade.NOT_COMPLETED: (20, 49),
}

COLUMNS = {
    MemberRating: "id member_id year grade score cell_id not_rated_reason rated_at".split(),
    OrganizationRating: "id organization_id year grade score not_rated_reason rated_at".split(),
    Exemption: (
        "id member_id start_on end_on reason decision_number start_event_id end_event_id"
    ).split(),
    ScreeningFlag: "id member_id ground year raised_on action_taken resolved_on".split(),
    Removal: (
        "id member_id form ground ground_detail decision_number decision_date "
        "deciding_committee event_id recorded_at"
    ).split(),
}


def _date(day: int | None) -> datetime.date | None:
    return None if day is None else datetime.date.fromordinal(day)


def _year_of(day: int) -> int:
    return datetime.date.fromordinal(day).year


def seed_evaluation(seed) -> None:
    """Write removals' records, exemptions, ratings and screening flags (see the module)."""
    builder = _Evaluation(seed)
    builder.removals()
    builder.exemptions()
    builder.member_ratings()
    builder.organization_ratings()
    counts = seed.counts
    seed.say(
        f"evaluation: {counts['MemberRating']:,} member ratings, "
        f"{counts['OrganizationRating']:,} organization ratings, "
        f"{counts['Exemption']:,} exemptions, {counts['ScreeningFlag']:,} flags, "
        f"{counts['Removal']:,} removals"
    )


def seed_overdue_probation_flags(seed, province) -> None:
    """Flag the probationary members whose recognition review is overdue today (R7), with
    the application's own job; run after the load (it uses the ORM)."""
    flags = flags_raise_probation_not_recognized(organization=province, on=seed.today)
    seed.counts["ScreeningFlag"] = seed.counts.get("ScreeningFlag", 0) + len(flags)
    seed.say(f"screening: {len(flags):,} members flagged for an overdue recognition")


class _Evaluation:
    def __init__(self, seed):
        self.seed = seed
        self.lives = seed.lives
        self.calendar = seed.calendar
        self.today = seed.today.toordinal()
        self.years = range(FIRST_YEAR, seed.today.year)
        self.grounds = {}  # member -> removal ground
        self.exempt = defaultdict(list)  # member -> [(start, end or None)]
        self._moments = {}
        self._round_days = {}
        self._grassroots = {}
        self._tz = ZoneInfo(settings.TIME_ZONE)

    def _moment(self, day: int, hour: int = 9) -> str:
        """A database value for a datetime column: ``day`` at ``hour`` local time, as text
        (converting a datetime object for each of 700,000 rows would cost seconds)."""
        key = (day, hour)
        value = self._moments.get(key)
        if value is None:
            moment = datetime.datetime.combine(
                datetime.date.fromordinal(day), datetime.time(hour), tzinfo=self._tz
            )
            value = self._moments[key] = str(connection.ops.adapt_datetimefield_value(moment))
        return value

    def _grassroots_of(self, cell):
        found = self._grassroots.get(cell.pk)
        if found is None:
            found = cell
            while found.kind not in GRASSROOTS_KINDS:
                found = found.parent
            self._grassroots[cell.pk] = found
        return found

    def _round_day(self, cell, year: int) -> int:
        """The day a cell held its rating round: a working day of mid to late December."""
        key = (cell.pk, year)
        day = self._round_days.get(key)
        if day is None:
            day = datetime.date(year, 12, 10 + cell.pk % 17).toordinal()
            day = self._round_days[key] = self.calendar.on_or_before(day)
        return day

    # --- removals ----------------------------------------------------------------------

    def removals(self):
        """A ``Removal`` for every REMOVAL event of the history (R12)."""
        seed = self.seed
        rng = seed.rng("removals")
        rows = []
        for i, life in enumerate(self.lives):
            if life.removal is None:
                continue
            member = i + 1
            detail = ""
            if life.not_recognized:
                ground = RemovalGround.PROBATION_NOT_RECOGNIZED
            elif life.removal == RemovalForm.STRUCK_OFF:
                ground = STRUCK_OFF_GROUNDS.draw(rng)
                if ground == RemovalGround.OTHER:
                    detail = OTHER_GROUND_DETAIL
            elif life.removal == RemovalForm.EXPELLED:
                ground = RemovalGround.DISCIPLINARY
                detail = rng.choice(DISCIPLINARY_DETAILS)
            else:
                ground = RemovalGround.OWN_REQUEST
            self.grounds[member] = ground
            number, committee = seed.removals[i]
            rows.append(
                (
                    len(rows) + 1,
                    member,
                    life.removal,
                    ground,
                    detail,
                    number,
                    _date(life.exit),
                    committee,
                    seed.removal_events[member],
                    self._moment(life.exit, 15),
                )
            )
        seed.write(Removal, rows)

    # --- exemptions --------------------------------------------------------------------

    def exemptions(self):
        """Exemptions of older members (open) and of a few ill ones (most of them ended),
        from the records on, each with its membership events at the member's cell."""
        seed, calendar, today = self.seed, self.calendar, self.today
        rng = seed.rng("exemptions")
        records = RECORDS_FROM.toordinal()
        event_pk = seed.next_pk(MembershipEvent)
        events, rows = [], []

        def event(member, kind, day, cell, note=""):
            nonlocal event_pk
            events.append(
                (event_pk, member, kind, "", _date(day), cell.pk, "", "", False, None, note)
            )
            event_pk += 1
            return event_pk - 1

        for member, life in enumerate(self.lives, 1):
            first = max(life.days[0], records)
            until = min(life.exit or today + 1, today + 1)  # last day exempt is before this
            if until <= first:
                continue
            seventy = life.birth + int(AGE_EXEMPTION_FROM * YEAR)
            start = end = None
            if seventy < until and rng.random() < AGE_EXEMPTION:
                start = max(seventy, first) + int(rng.uniform(0, 5) * YEAR)
                reason = "Tuổi cao, sức khỏe yếu"
            elif rng.random() < HEALTH_EXEMPTION:
                start = between(rng, first, until - 1)
                if (start - life.birth) / YEAR < 40:
                    continue
                end = start + between(rng, 180, 900)
                reason = "Ốm đau, điều trị bệnh dài ngày"
            if start is None or start >= until:
                continue
            start = calendar.on_or_after(start)
            if start >= until:
                continue
            if end is not None and end < until:
                end = calendar.on_or_after(end)
            if end is not None and end >= until:
                end = None  # still exempt when the membership ends, or today
            start_event = event(
                member, EventKind.EXEMPTION_START, start, life.cell_on(start), reason
            )
            end_event = None
            if end is not None:
                end_event = event(member, EventKind.EXEMPTION_END, end, life.cell_on(end))
            rows.append(
                (
                    len(rows) + 1,
                    member,
                    _date(start),
                    _date(end),
                    reason,
                    "",
                    start_event,
                    end_event,
                )
            )
            self.exempt[member].append((start, end))
        seed.write(MembershipEvent, events)
        seed.write(Exemption, rows)

    def _exempt_in(self, member, year):
        """Exempt on at least one day of ``year`` (``ExemptionQuerySet.overlapping_year``)."""
        first = datetime.date(year, 1, 1).toordinal()
        last = datetime.date(year, 12, 31).toordinal()
        return any(
            start <= last and (end is None or end > first) for start, end in self.exempt[member]
        )

    # --- member ratings ----------------------------------------------------------------

    def _rounds(self):
        """Per year: the members to rate [(member, cell)] and those not rated
        [(member, cell, reason)], from the placements covering 31/12 (R9)."""
        to_rate = {y: [] for y in self.years}
        not_rated = {y: [] for y in self.years}
        first, last = self.years[0], self.years[-1]
        for member, life in enumerate(self.lives, 1):
            exempt = member in self.exempt
            admitted = _year_of(life.admitted)
            days, stays = life.days, len(life.cells) - 1
            for i, cell in enumerate(life.cells):
                # The years whose 31/12 this stay covers: start <= 31/12 < end.
                end = days[i + 1] if i < stays else life.exit
                since = max(_year_of(days[i]), first)
                until = last if end is None else min(_year_of(end - 1), last)
                if end is not None and datetime.date(until, 12, 31).toordinal() >= end:
                    until -= 1
                for year in range(since, until + 1):
                    reason = ""
                    if exempt and self._exempt_in(member, year):
                        reason = NotRatedReason.EXEMPT
                    elif admitted == year:
                        reason = member_not_rated_reason(
                            admission_decision_date=_date(life.admitted), exempt=False, year=year
                        )
                    if reason:
                        not_rated[year].append((member, cell, reason))
                    else:
                        to_rate[year].append((member, cell))
        return to_rate, not_rated

    def _not_completed(self, to_rate, rng):
        """Members rated NOT_COMPLETED each year (see the module)."""
        rated = {y: {m for m, _ in rows} for y, rows in to_rate.items()}
        nc = {y: set() for y in self.years}
        leaving = set()
        for i, life in enumerate(self.lives):
            member = i + 1
            if life.removal == LEFT_AT_OWN_REQUEST:
                # Only members without violations may leave at their own request (R12).
                leaving.add(member)
                continue
            if self.grounds.get(member) not in CONDUCT_GROUNDS:
                continue
            year = _year_of(life.exit) - 1
            if year in rated and member in rated[year] and rng.random() < BEFORE_REMOVAL:
                nc[year].add(member)
                earlier = year - 1
                if (
                    earlier in rated
                    and member in rated[earlier]
                    and rng.random() < TWO_YEARS_BEFORE_REMOVAL
                ):
                    nc[earlier].add(member)
        for year in self.years:
            if year + 1 in rated:
                pool = sorted((rated[year] & rated[year + 1]) - nc[year] - leaving)
                count = max(1, round(len(rated[year]) * RUNS))
                for member in rng.sample(pool, min(count, len(pool))):
                    nc[year].add(member)
                    nc[year + 1].add(member)
            pool = sorted(rated[year] - nc[year] - leaving)
            count = round(len(rated[year]) * SINGLES)
            nc[year].update(rng.sample(pool, min(count, len(pool))))
        return nc

    def member_ratings(self):
        seed = self.seed
        rng = seed.rng("ratings")
        to_rate, not_rated = self._rounds()
        nc = self._not_completed(to_rate, rng)
        cells = self.seed.tree.cells
        group_of = {cell: self._grassroots_of(cell).pk for cell in cells}
        rows = []
        for year in self.years:
            # The moment each cell saved its round, as the database's text.
            moment = {cell: self._moment(self._round_day(cell, year)) for cell in cells}
            scores = rules_for_year(year).rating_scores
            rows_of_year = to_rate[year]
            not_completed = nc[year]
            rate = MEMBER_GOOD_RATES.get(year, MEMBER_GOOD_RATES[max(MEMBER_GOOD_RATES)])
            good_or_better = round(len(rows_of_year) * rate / 100)
            below = [m for m, _ in rows_of_year if m not in not_completed]
            completed = len(rows_of_year) - good_or_better - len(not_completed)
            completed = set(rng.sample(below, max(0, min(completed, len(below)))))
            grade = {}
            groups = defaultdict(list)
            for member, cell in rows_of_year:
                if member in not_completed:
                    grade[member] = Grade.NOT_COMPLETED
                elif member in completed:
                    grade[member] = Grade.COMPLETED
                else:
                    grade[member] = Grade.GOOD
                    groups[group_of[cell]].append(member)
            # R10: EXCELLENT at most 20% of GOOD in each grassroots organization, that is
            # at most a sixth of its members rated good or better.
            for members in groups.values():
                limit = len(members) // 6
                count = round(limit * rng.uniform(0.7, 1.0))
                for member in rng.sample(members, count):
                    grade[member] = Grade.EXCELLENT
            pk = len(rows)
            if scores:
                rows += [
                    (
                        pk + n,
                        m,
                        year,
                        grade[m],
                        between(rng, *SCORES[grade[m]]),
                        c.pk,
                        "",
                        moment[c],
                    )
                    for n, (m, c) in enumerate(rows_of_year, 1)
                ]
            else:
                rows += [
                    (pk + n, m, year, grade[m], None, c.pk, "", moment[c])
                    for n, (m, c) in enumerate(rows_of_year, 1)
                ]
            pk = len(rows)
            rows += [
                (pk + n, m, year, Grade.NOT_RATED, None, c.pk, reason, moment[c])
                for n, (m, c, reason) in enumerate(not_rated[year], 1)
            ]
        seed.write(MemberRating, rows)
        self._flags(nc, to_rate)

    def _flags(self, nc, to_rate):
        """R11: a NOT_COMPLETED_TWO_YEARS flag for the last year of every two-year run,
        raised on the cell's round; resolved by a later removal, exit or the cell's help."""
        seed, today = self.seed, self.today
        rng = seed.rng("flags")
        cells = {y: dict(rows) for y, rows in to_rate.items()}
        rows = []
        with translation.override("vi"):
            removed = _("Removed from the Party (%(form)s), decision %(number)s of %(committee)s.")
            labels = {form: str(form.label) for form in RemovalForm}
        for year in self.years:
            if year - 1 not in nc:
                continue
            for member in sorted(nc[year] & nc[year - 1]):
                life = self.lives[member - 1]
                raised = self._round_day(cells[year][member], year)
                action, resolved = "", None
                if life.exit is not None and life.exit >= raised:
                    resolved = life.exit
                    if life.removal is not None:
                        number, committee = seed.removals[member - 1]
                        action = removed % {
                            "form": labels[life.removal],
                            "number": number,
                            "committee": committee,
                        }
                    elif life.died:
                        action = "Đảng viên từ trần"
                    else:
                        action = "Đảng viên chuyển sinh hoạt đảng ra ngoài tỉnh"
                elif rng.random() < 0.7:
                    helped = raised + between(rng, 90, 270)
                    if helped <= today:
                        resolved, action = helped, HELPED
                rows.append(
                    (
                        len(rows) + 1,
                        member,
                        FlagGround.NOT_COMPLETED_TWO_YEARS,
                        year,
                        _date(raised),
                        action,
                        _date(resolved),
                    )
                )
        seed.write(ScreeningFlag, rows)

    # --- organization ratings ----------------------------------------------------------

    def organization_ratings(self):
        """Every grassroots organization active on 31/12, by its upper committee (R9)."""
        seed = self.seed
        rng = seed.rng("organization ratings")
        grassroots = [o for o in seed.tree.orgs if o.kind in GRASSROOTS_KINDS]
        rows = []
        for year in self.years:
            end = datetime.date(year, 12, 31)
            day = end.toordinal()
            scores = rules_for_year(year).rating_scores
            active = [
                o for o in grassroots if o.est <= day and (o.closed is None or day < o.closed)
            ]
            rated = []
            for org in active:
                reason = organization_not_rated_reason(established_on=org.established_on, year=year)
                if reason:
                    rows.append((org.pk, year, Grade.NOT_RATED, None, reason, day))
                else:
                    rated.append(org)
            rate = ORGANIZATION_GOOD_RATES.get(
                year, ORGANIZATION_GOOD_RATES[max(ORGANIZATION_GOOD_RATES)]
            )
            good_or_better = round(len(rated) * rate / 100)
            excellent = round(len(rated) * ORGANIZATION_EXCELLENT)
            not_completed = round(len(rated) * ORGANIZATION_NOT_COMPLETED)
            order = rng.sample(rated, len(rated))
            for n, org in enumerate(order):
                if n < excellent:
                    grade = Grade.EXCELLENT
                elif n < good_or_better:
                    grade = Grade.GOOD
                elif n < len(rated) - not_completed:
                    grade = Grade.COMPLETED
                else:
                    grade = Grade.NOT_COMPLETED
                score = between(rng, *SCORES[grade]) if scores else None
                rows.append((org.pk, year, grade, score, "", day))
        seed.write(
            OrganizationRating,
            (
                (pk, org, year, grade, score, reason, self._moment(self.calendar.on_or_before(day)))
                for pk, (org, year, grade, score, reason, day) in enumerate(rows, 1)
            ),
        )
