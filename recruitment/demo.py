"""The admission pipeline of the demo province (issue 4, item 7): a phase of ``seed_demo``.

Every admission decided since 2016 gets the candidacy that led to it, as the services of
this app would have recorded it: sourced, a party-awareness course of the upper committee
with its certificate (R2), two introducers (R3), the dossier, the cell's resolution with
at least two thirds of its official members (R4), the grassroots committee's approval
where the grassroots organization is a committee, the decision within 60 working days of
the resolution (R5), the ceremony within 30 (R6, from the member's history), then
official recognition 12 months after the ceremony (R7), or the end of the case. The
candidate is 18 to 60 at the cell's meeting (R1, from the member's date of birth).

Besides these, the live pipeline of today (candidates at every open stage, some past
their deadline: dossiers older than 12 months, decisions not issued within 60 working
days of the resolution, ceremonies not held within 30 of the decision) and, every year,
candidacies withdrawn or rejected on the way, so that the funnel does not convert
everyone. Figures scale with ``--members``.

Rows are written with the seed's fast writer (``members.demo.writer``); dates are day
ordinals until then, and working days come from the seed's calendar, which is the one of
``members.rules.add_working_days``.
"""

import datetime
import math
from collections import defaultdict

from django.db import connection

from members.choices import GRASSROOTS_KINDS, OccupationGroup, PoliticalTheory, Sector
from members.choices import OrganizationKind as K
from members.demo.history import YEAR, Pool, between
from members.demo.people import FEMALE_SHARE, Weighted
from members.demo.tree import VILLAGE
from members.models import Person
from members.rules import add_months

from .choices import IntroducerKind, SourceGroup, Stage
from .models import Candidacy, CandidacyEvent, CourseAttendance, Introducer, TrainingCourse

FIRST_YEAR = 2016
# Open candidacies today at the default size, by stage, and the share of each stage past
# its deadline (R8 dossier, R5 decision, R6 ceremony).
LIVE_PIPELINE = {
    Stage.SOURCED: 1_000,
    Stage.COURSE_COMPLETED: 750,
    Stage.DOSSIER_READY: 650,
    Stage.CELL_RESOLUTION: 300,
    Stage.COMMITTEE_APPROVAL: 220,
    Stage.DECISION: 200,
}
OVERDUE = {
    Stage.DOSSIER_READY: 0.08,
    Stage.CELL_RESOLUTION: 0.10,
    Stage.COMMITTEE_APPROVAL: 0.10,
    Stage.DECISION: 0.08,
}
# Candidacies withdrawn or rejected a year, per admission of that year.
CLOSED_PER_ADMISSION = 0.07
CLOSED_AT = Weighted(
    [(Stage.SOURCED, 0.45), (Stage.COURSE_COMPLETED, 0.35), (Stage.DOSSIER_READY, 0.2)]
)
WITHDRAWN_REASONS = (
    "Chuyển nơi làm việc ra ngoài tỉnh",
    "Đi học tập, công tác dài hạn",
    "Đi lao động ở nước ngoài",
    "Quần chúng xin rút khỏi danh sách đối tượng kết nạp",
)
REJECTED_REASONS = (
    "Kết quả thẩm tra lý lịch chưa đủ điều kiện",
    "Chưa thực hiện tốt nghĩa vụ công dân nơi cư trú",
    "Chi bộ chưa đề nghị kết nạp, cần tiếp tục bồi dưỡng, thử thách",
)
# The upper committees' party-awareness courses: one a quarter, five working days.
COURSE_MONTHS = (3, 6, 9, 11)
YOUTH_UNION_AGE = 30
# Non-state enterprises without a grassroots Youth Union organization (R3's variant).
NO_YOUTH_UNION_SHARE = 0.45

SOURCE_OF_OCCUPATION = {
    OccupationGroup.FARMER: SourceGroup.FARMER,
    OccupationGroup.WORKER: SourceGroup.ENTERPRISE_WORKER,
    OccupationGroup.ENTERPRISE_EMPLOYEE: SourceGroup.ENTERPRISE_WORKER,
    OccupationGroup.BUSINESS_OWNER: SourceGroup.PRIVATE_ENTERPRISE_OWNER,
    OccupationGroup.CIVIL_SERVANT: SourceGroup.CIVIL_SERVANT,
    OccupationGroup.PUBLIC_EMPLOYEE: SourceGroup.CIVIL_SERVANT,
    OccupationGroup.HEALTH_WORKER: SourceGroup.CIVIL_SERVANT,
    OccupationGroup.TEACHER: SourceGroup.TEACHER,
    OccupationGroup.STUDENT: SourceGroup.PUPIL_STUDENT,
    OccupationGroup.ARMED_FORCES: SourceGroup.ARMED_FORCES,
    OccupationGroup.POLICE: SourceGroup.ARMED_FORCES,
    OccupationGroup.OTHER: SourceGroup.OTHER,
}
SOURCE_OF_PROFILE = {
    VILLAGE: SourceGroup.FARMER,
    "commune_agency": SourceGroup.CIVIL_SERVANT,
    "commune_military": SourceGroup.ARMED_FORCES,
    "admin": SourceGroup.CIVIL_SERVANT,
    "public": SourceGroup.CIVIL_SERVANT,
    "school": SourceGroup.TEACHER,
    "health": SourceGroup.CIVIL_SERVANT,
    "college": SourceGroup.PUPIL_STUDENT,
    "enterprise": SourceGroup.ENTERPRISE_WORKER,
    "military": SourceGroup.ARMED_FORCES,
    "police": SourceGroup.ARMED_FORCES,
}

COLUMNS = {
    TrainingCourse: "id name organizer_id start_on end_on".split(),
    CourseAttendance: "id course_id candidacy_id certificate_number certificate_on".split(),
    Candidacy: (
        "id person_id cell_id source_group is_youth_union_member has_youth_union stage "
        "sourced_on certificate_id has_application has_biography background_check_done "
        "dossier_ready_on resolution_on resolution_yes_votes resolution_eligible "
        "committee_approval_on committee_approval_number decision_number decision_on "
        "decision_committee ceremony_on member_id official_on recognition_resolution_on "
        "recognition_decision_number recognition_decision_on closed_on closed_reason"
    ).split(),
    Introducer: "id candidacy_id kind member_id name introduced_on alongside_since".split(),
    CandidacyEvent: (
        "id candidacy_id stage date decision_number deciding_body yes_votes denominator note"
    ).split(),
}
_CANDIDACY_DEFAULTS = {
    "certificate_id": None,
    "has_application": False,
    "has_biography": False,
    "background_check_done": False,
    "committee_approval_number": "",
    "decision_number": "",
    "decision_committee": "",
    "recognition_decision_number": "",
    "closed_reason": "",
}
NEVER = 10**9  # a day ordinal after every date of the seed


def _date(day: int | None) -> datetime.date | None:
    return None if day is None else datetime.date.fromordinal(day)


def _months_before(day: int, months: int) -> int:
    return add_months(datetime.date.fromordinal(day), -months).toordinal()


def _unit(org) -> str:
    """ "xã Đình Chu" for "Đảng bộ xã Đình Chu": the unit an organization belongs to."""
    for prefix in ("Đảng bộ ", "Chi bộ "):
        if org.name.startswith(prefix):
            return org.name[len(prefix) :]
    return org.name


class _Timeline:
    """The dates of a candidacy up to its latest stage (day ordinals; None not reached)."""

    __slots__ = ("sourced", "course", "dossier", "introduced", "resolution", "approval", "decision")


def seed_recruitment(seed) -> None:
    """Write the candidacies, courses, introducers and stage events (see the module)."""
    builder = _Pipeline(seed)
    builder.build()
    builder.write()
    counts = builder.stage_counts
    admitted = sum(1 for row in builder.candidacies if row.get("member_id"))
    seed.say(
        f"recruitment: {seed.counts['Candidacy']:,} candidacies "
        f"({admitted:,} admitted since {FIRST_YEAR}, "
        f"{sum(counts[s] for s in LIVE_PIPELINE):,} open before the ceremony), "
        f"{seed.counts['TrainingCourse']:,} courses, "
        f"{seed.counts['CandidacyEvent']:,} stage events"
    )


class _Pipeline:
    def __init__(self, seed):
        self.seed = seed
        self.tree = seed.tree
        self.lives = seed.lives
        self.rng = seed.rng("recruitment")
        self.people_rng = seed.rng("candidates")
        self.calendar = seed.calendar
        self.today = seed.today.toordinal()
        self._grassroots = {}
        self._schedules = {}
        self.courses = {}  # (organizer pk, year, index) -> [pk, name, organizer, start, end, cert]
        self.issued = defaultdict(int)  # certificates issued per course pk
        self.approvals = defaultdict(int)  # committee approvals per (grassroots pk, year)
        self.persons = []
        self.candidacies = []
        self.attendances = []
        self.introducers = []
        self.events = []
        self.stage_counts = dict.fromkeys(Stage.values, 0)
        self.next_person = seed.next_pk(Person)
        self._index_stays()
        communes = defaultdict(list)
        for commune in self.tree.communes:
            communes[commune.district.pk].append(commune)
        self.district_communes = communes

    # --- the tree and who is where -----------------------------------------------------

    def grassroots(self, cell):
        found = self._grassroots.get(cell.pk)
        if found is None:
            found = cell
            while found.kind not in GRASSROOTS_KINDS:
                found = found.parent
            self._grassroots[cell.pk] = found
        return found

    def _index_stays(self):
        """Each member's stays, by cell, grassroots organization and upper committee.

        A stay is (start, end, recognized, member): ``recognized`` is the day the member's
        official recognition was decided, after which they may introduce (R3) and vote (R4).
        """
        self.by_cell = defaultdict(list)
        self.by_grassroots = defaultdict(list)
        self.by_upper = defaultdict(list)
        self.all_stays = []
        for member, life in enumerate(self.lives, 1):
            recognized = NEVER
            if life.official is not None:
                # Members from other provinces were recognized there, before arriving.
                recognized = life.official if life.external else life.recognized
            last = len(life.cells) - 1
            for i, cell in enumerate(life.cells):
                end = life.days[i + 1] if i < last else (life.exit or NEVER)
                stay = (life.days[i], end, recognized, member)
                grassroots = self.grassroots(cell)
                self.by_cell[cell.pk].append(stay)
                if grassroots is not cell:
                    self.by_grassroots[grassroots.pk].append(stay)
                self.by_upper[grassroots.parent.pk].append(stay)
                self.all_stays.append(stay)

    def _pick_introducers(self, cell, day, count):
        """``count`` members official on ``day`` and there for 12 months (R3): of the cell,
        else of its grassroots organization, its upper committee, the province."""
        since = _months_before(day, 12)
        grassroots = self.grassroots(cell)
        for stays in (
            self.by_cell[cell.pk],
            self.by_grassroots[grassroots.pk],
            self.by_upper[grassroots.parent.pk],
            self.all_stays,
        ):
            eligible = [s for s in stays if s[0] <= since and s[1] > day and s[2] <= day]
            if len(eligible) >= count:
                return self.rng.sample(eligible, count)
        raise RuntimeError("the demo province has no official member to introduce anyone")

    def _votes(self, cell, day):
        """R4: yes votes and the eligible official members of the cell at its meeting.

        The denominator leaves out a few members away or exempt; at least 3 (a cell needs 3
        official members, R13, which tiny demo sizes cannot always give). Yes votes are at
        least two thirds of it.
        """
        rng = self.rng
        official = sum(1 for s in self.by_cell[cell.pk] if s[0] <= day < s[1] and s[2] <= day)
        eligible = max(3, official - between(rng, 0, official // 10))
        roll = rng.random()
        against = 0 if roll < 0.85 else 1 if roll < 0.97 else 2
        return eligible - min(against, eligible - math.ceil(2 * eligible / 3)), eligible

    # --- courses -----------------------------------------------------------------------

    def _schedule(self, organizer, year, index):
        key = (organizer.pk, year, index)
        found = self._schedules.get(key)
        if found is None:
            calendar = self.calendar
            first = datetime.date(year, COURSE_MONTHS[index], 3 + organizer.pk % 17)
            start = calendar.on_or_after(first.toordinal())
            end = calendar.add(start, 4)
            found = self._schedules[key] = (start, end, calendar.add(end, 2))
        return found

    def _course_before(self, organizer, day):
        """The organizer's latest course whose certificates are dated on or before ``day``."""
        year = datetime.date.fromordinal(day).year
        for y in (year, year - 1):
            for index in reversed(range(len(COURSE_MONTHS))):
                start, end, certified = self._schedule(organizer, y, index)
                if certified <= day:
                    key = (organizer.pk, y, index)
                    course = self.courses.get(key)
                    if course is None:
                        name = f"Lớp bồi dưỡng nhận thức về Đảng, khóa {index + 1} năm {y}"
                        course = [len(self.courses) + 1, name, organizer, start, end, certified]
                        self.courses[key] = course
                    return course
        raise AssertionError("a course every quarter")

    # --- dates -------------------------------------------------------------------------

    def _timeline(
        self,
        cell,
        *,
        sourced=None,
        course_by=None,
        dossier=None,
        resolution=None,
        approval=None,
        decision=None,
    ) -> _Timeline:
        """The dates up to the latest given one, earlier ones drawn backward from it.

        Under a grassroots committee its approval comes between the resolution and the
        decision; the decision is within 35 working days of the resolution (R5 allows 60),
        the dossier within 75 days before the resolution (R8 allows 12 months), the
        certificate before the dossier (R2 allows 60 months).
        """
        rng, calendar = self.rng, self.calendar
        committee = self.grassroots(cell).kind == K.GRASSROOTS_COMMITTEE
        if decision is not None and resolution is None:
            if committee:
                approval = approval or calendar.back(decision, between(rng, 3, 15))
                resolution = calendar.back(approval, between(rng, 3, 20))
            else:
                resolution = calendar.back(decision, between(rng, 5, 35))
        if approval is not None and resolution is None:
            resolution = calendar.back(approval, between(rng, 3, 20))
        if resolution is not None and dossier is None:
            dossier = calendar.on_or_before(resolution - between(rng, 7, 75))
        if dossier is not None and course_by is None:
            course_by = dossier - between(rng, 7, 150)
        t = _Timeline()
        t.course = None
        if course_by is not None:
            t.course = self._course_before(cell.upper_on(course_by), course_by)
            if sourced is None:
                sourced = t.course[3] - between(rng, 20, 200)
        # The cell follows the candidate from the sourcing on (it may be younger than
        # the course): never before it was established, never after the dossier.
        sourced = max(sourced, cell.est)
        for later in (dossier, resolution):
            if later is not None:
                sourced = min(sourced, later)
        t.sourced = sourced
        t.dossier = dossier
        t.introduced = None if dossier is None else max(sourced, dossier - between(rng, 0, 14))
        t.resolution = resolution
        t.approval = approval if committee else None
        t.decision = decision
        return t

    # --- one candidacy -----------------------------------------------------------------

    def _source_group(self, cell, age, occupation):
        group = SOURCE_OF_OCCUPATION.get(occupation) or SOURCE_OF_PROFILE[cell.profile]
        if cell.profile == "college" and age >= 25:
            return SourceGroup.TEACHER
        if cell.profile == VILLAGE and age < 23 and self.rng.random() < 0.4:
            return SourceGroup.PUPIL_STUDENT
        return group

    def _candidacy(self, *, person, cell, birth, occupation, stage, t, **fields):
        """Rows of one candidacy at ``stage`` with timeline ``t``; returns its key.

        ``fields`` are further candidacy columns (member, ceremony, recognition, closing).
        """
        rng = self.rng
        pk = len(self.candidacies) + 1
        age = (t.sourced - birth) / YEAR
        youth = age <= YOUTH_UNION_AGE and rng.random() < 0.85
        has_youth_union = not (
            cell.sector in (Sector.PRIVATE_ENTERPRISE, Sector.FDI_ENTERPRISE)
            and rng.random() < NO_YOUTH_UNION_SHARE
        )
        row = dict(_CANDIDACY_DEFAULTS)
        row.update(
            id=pk,
            person_id=person,
            cell_id=cell.pk,
            source_group=self._source_group(cell, age, occupation),
            is_youth_union_member=youth,
            has_youth_union=has_youth_union,
            stage=stage,
            sourced_on=_date(t.sourced),
        )
        events = self.events

        def event(stage, day, number="", body="", yes=None, eligible=None, note=""):
            events.append(
                (len(events) + 1, pk, stage, _date(day), number, body, yes, eligible, note)
            )

        event(Stage.SOURCED, t.sourced)
        if t.course is not None:
            course_pk, course_name, organizer, _start, _end, certified = t.course
            self.issued[course_pk] += 1
            number = f"{self.issued[course_pk]}-GCN/{organizer.suffix}"
            attendance = len(self.attendances) + 1
            self.attendances.append((attendance, course_pk, pk, number, _date(certified)))
            row["certificate_id"] = attendance
            event(
                Stage.COURSE_COMPLETED,
                max(certified, t.sourced),
                number,
                organizer.name,
                note=course_name,
            )
        if t.dossier is not None:
            self._introducers(pk, cell, t.introduced, youth, has_youth_union)
            row.update(
                has_application=True,
                has_biography=True,
                background_check_done=True,
                dossier_ready_on=_date(t.dossier),
            )
            event(Stage.DOSSIER_READY, t.dossier)
        if t.resolution is not None:
            yes, eligible = self._votes(cell, t.resolution)
            row.update(
                resolution_on=_date(t.resolution),
                resolution_yes_votes=yes,
                resolution_eligible=eligible,
            )
            event(Stage.CELL_RESOLUTION, t.resolution, body=cell.name, yes=yes, eligible=eligible)
        if t.approval is not None:
            grassroots = self.grassroots(cell)
            key = (grassroots.pk, datetime.date.fromordinal(t.approval).year)
            self.approvals[key] += 1
            number = f"{self.approvals[key]}-NQ/ĐU"
            row.update(committee_approval_on=_date(t.approval), committee_approval_number=number)
            event(Stage.COMMITTEE_APPROVAL, t.approval, number, grassroots.name)
        if t.decision is not None:
            number, committee = fields.pop("decision")
            row.update(
                decision_number=number,
                decision_on=_date(t.decision),
                decision_committee=committee,
            )
            event(Stage.DECISION, t.decision, number, committee)
            ceremony = fields.pop("ceremony", None)
            if ceremony is not None:
                row.update(ceremony_on=_date(ceremony), member_id=fields.pop("member"))
                event(Stage.ADMITTED, ceremony, number, committee)
        recognition = fields.pop("recognition", None)
        if recognition is not None:
            official, review, decided, (number, committee) = recognition
            row.update(
                official_on=_date(official),
                recognition_resolution_on=_date(review),
                recognition_decision_number=number,
                recognition_decision_on=_date(decided),
            )
            event(Stage.OFFICIAL, official, number, committee)
        closed = fields.pop("closed", None)
        if closed is not None:
            day, reason, (number, committee) = closed
            row.update(closed_on=_date(day), closed_reason=reason)
            event(stage, day, number, committee, note=reason)
        assert not fields, fields
        self.candidacies.append(row)
        self.stage_counts[stage] += 1
        return pk

    def _introducers(self, candidacy, cell, day, youth, has_youth_union):
        """R3: two official members; a Youth Union member, the Youth Union executive and
        one member; without a Youth Union, often the trade union executive and one."""
        rng = self.rng
        executive = None
        if youth and has_youth_union:
            executive = IntroducerKind.YOUTH_UNION_EXECUTIVE, "Ban Chấp hành Đoàn TNCS Hồ Chí Minh"
        elif not has_youth_union and rng.random() < 0.5:
            executive = IntroducerKind.TRADE_UNION_EXECUTIVE, "Ban Chấp hành Công đoàn cơ sở"
        members = self._pick_introducers(cell, day, 1 if executive else 2)
        rows = self.introducers
        if executive:
            kind, body = executive
            name = f"{body} {_unit(self.grassroots(cell))}"
            rows.append((len(rows) + 1, candidacy, kind, None, name, _date(day), None))
        for start, _end, _recognized, member in members:
            alongside = max(start, _months_before(day, 12 + between(rng, 0, 48)))
            rows.append(
                (
                    len(rows) + 1,
                    candidacy,
                    IntroducerKind.MEMBER,
                    member,
                    "",
                    _date(day),
                    _date(alongside),
                )
            )

    # --- who ---------------------------------------------------------------------------

    def _admitted(self):
        """The candidacy of every member admitted in the province since ``FIRST_YEAR``."""
        seed = self.seed
        first = datetime.date(FIRST_YEAR, 1, 1).toordinal()
        for i, life in enumerate(self.lives):
            if life.external or life.admitted < first:
                continue
            member = i + 1
            cell = life.cells[0]
            t = self._timeline(cell, decision=life.admitted)
            fields = {
                "decision": seed.decisions[i],
                "ceremony": life.ceremony,
                "member": member,
            }
            if life.official is not None:
                stage = Stage.OFFICIAL
                fields["recognition"] = (
                    life.official,
                    life.review,
                    life.recognized,
                    seed.recognitions[i],
                )
            elif life.exit is None:
                stage = Stage.ADMITTED
            elif life.not_recognized:
                stage = Stage.STRUCK_OFF
                reason = "Không được công nhận đảng viên chính thức sau thời gian dự bị."
                fields["closed"] = (life.exit, reason, seed.removals[i])
            else:
                # The membership ended during probation: the case is closed with it.
                stage = Stage.WITHDRAWN
                if life.died:
                    reason = "Đảng viên dự bị từ trần"
                elif life.removal is not None:
                    reason = "Đảng viên dự bị ra khỏi Đảng trong thời gian dự bị"
                else:
                    reason = "Đảng viên dự bị chuyển sinh hoạt đảng ra ngoài tỉnh"
                fields["closed"] = (life.exit, reason, ("", ""))
            self._candidacy(
                person=member,
                cell=cell,
                birth=life.birth,
                occupation=self._occupation_at_admission(member, life),
                stage=stage,
                t=t,
                **fields,
            )

    def _occupation_at_admission(self, member, life):
        """The person's occupation if they still work where they were admitted, else None."""
        if life.cells[-1].profile != life.cells[0].profile:
            return None
        occupation = self.seed.occupations[member]
        return None if occupation == OccupationGroup.RETIRED else occupation

    def _candidate(self, cell, day):
        """A new person (no member) sourced by ``cell`` about ``day``: pk, birth, occupation."""
        rng = self.people_rng
        profile = cell.profile
        if profile == "military":
            age = 19 + rng.expovariate(1 / 2.5)
        elif profile == "police":
            age = 22 + rng.expovariate(1 / 4)
        elif profile == "college":
            age = 19 + rng.expovariate(1 / 2)
        elif profile == VILLAGE:
            age = 21 + rng.gammavariate(2.0, 6.0)
        else:
            age = 21 + rng.gammavariate(2.2, 4.5)
        birth = day - int(min(age, 55) * YEAR)
        if cell.commune is not None:
            home = cell.commune
        elif cell.district is not None:
            home = rng.choice(self.district_communes[cell.district.pk])
        else:
            home = rng.choice(self.tree.communes)
        pk = self.next_person
        self.next_person += 1
        row = self.seed.person_row(
            rng,
            pk,
            female=rng.random() < FEMALE_SHARE[profile],
            birth=birth,
            home=home,
            cell=cell,
            career=profile,
            retired=False,
            theory=PoliticalTheory.NONE,
        )
        self.persons.append(row)
        return pk, birth, self.seed.occupations[pk]

    def _closed_on_the_way(self):
        """Candidacies withdrawn or rejected each year, before the cell's resolution."""
        rng, calendar = self.rng, self.calendar
        admitted = defaultdict(int)
        for life in self.lives:
            if not life.external:
                admitted[datetime.date.fromordinal(life.admitted).year] += 1
        pool = Pool(self.tree.cells)
        for year in range(FIRST_YEAR, datetime.date.fromordinal(self.today).year + 1):
            first = datetime.date(year, 1, 1).toordinal()
            last = min(datetime.date(year, 12, 31).toordinal(), self.today - 30)
            if last < first:
                continue
            for _ in range(round(admitted[year] * CLOSED_PER_ADMISSION)):
                day = calendar.on_or_before(between(rng, first, last))
                cell = pool.draw(rng, day)
                reached = CLOSED_AT.draw(rng)
                if reached == Stage.SOURCED:
                    t = self._timeline(cell, sourced=day)
                elif reached == Stage.COURSE_COMPLETED:
                    t = self._timeline(cell, course_by=day)
                else:
                    t = self._timeline(cell, dossier=day)
                latest = max(t.sourced, t.dossier or 0, t.course[5] if t.course else 0)
                closed_on = min(calendar.add(latest, between(rng, 5, 100)), self.today)
                if rng.random() < 0.6:
                    stage, reason = Stage.WITHDRAWN, rng.choice(WITHDRAWN_REASONS)
                else:
                    stage, reason = Stage.REJECTED, rng.choice(REJECTED_REASONS)
                person, birth, occupation = self._candidate(cell, t.sourced)
                self._candidacy(
                    person=person,
                    cell=cell,
                    birth=birth,
                    occupation=occupation,
                    stage=stage,
                    t=t,
                    closed=(closed_on, reason, ("", "")),
                )

    def _live(self):
        """Today's open candidacies before the ceremony, some past their deadline."""
        rng, calendar, today = self.rng, self.calendar, self.today
        pool = Pool([c for c in self.tree.cells if c.closed is None])
        scale = self.seed.scale
        for stage, size in LIVE_PIPELINE.items():
            count = max(3, round(size * scale))
            late = max(1, round(count * OVERDUE[stage])) if stage in OVERDUE else 0
            for n in range(count):
                overdue = n < late
                cell = pool.draw(rng, today)
                while (
                    stage == Stage.COMMITTEE_APPROVAL
                    and self.grassroots(cell).kind != K.GRASSROOTS_COMMITTEE
                ):
                    cell = pool.draw(rng, today)
                fields = {}
                if stage == Stage.SOURCED:
                    t = self._timeline(cell, sourced=today - between(rng, 0, 240))
                elif stage == Stage.COURSE_COMPLETED:
                    t = self._timeline(cell, course_by=today - between(rng, 0, 150))
                elif stage == Stage.DOSSIER_READY:
                    if overdue:  # R8: older than 12 months without the cell's resolution
                        day = _months_before(today, 12) - between(rng, 3, 90)
                    else:
                        day = today - between(rng, 0, 300)
                    t = self._timeline(cell, dossier=calendar.on_or_before(day))
                elif stage in (Stage.CELL_RESOLUTION, Stage.COMMITTEE_APPROVAL):
                    # R5: the decision is due 60 working days after the resolution.
                    back = between(rng, 62, 100) if overdue else between(rng, 0, 55)
                    resolution = calendar.back(today, back)
                    approval = None
                    if stage == Stage.COMMITTEE_APPROVAL:
                        approval = min(
                            calendar.add(resolution, between(rng, 3, 15)),
                            calendar.on_or_before(today),
                        )
                    t = self._timeline(cell, resolution=resolution, approval=approval)
                else:
                    # R6: the ceremony is due 30 working days after the decision.
                    back = between(rng, 32, 60) if overdue else between(rng, 0, 25)
                    decision = calendar.back(today, back)
                    upper = cell.upper_on(decision)
                    fields["decision"] = (
                        self.seed.decision_number(upper, decision),
                        upper.committee_name,
                    )
                    t = self._timeline(cell, decision=decision)
                person, birth, occupation = self._candidate(cell, t.sourced)
                self._candidacy(
                    person=person,
                    cell=cell,
                    birth=birth,
                    occupation=occupation,
                    stage=stage,
                    t=t,
                    **fields,
                )

    def build(self):
        self._admitted()
        self._closed_on_the_way()
        self._live()

    def write(self):
        """Parents before children, so that SQLite's deferred foreign keys never look for
        the rows that reference a new one (it would scan the children, indexes dropped).
        A candidacy and its certificate reference each other: the certificate is set last."""
        seed = self.seed
        seed.write(Person, self.persons)
        seed.write(
            TrainingCourse,
            (
                (pk, name, organizer.pk, _date(start), _date(end))
                for pk, name, organizer, start, end, _ in self.courses.values()
            ),
        )
        columns = [c if c != "certificate_id" else None for c in COLUMNS[Candidacy]]
        seed.write(Candidacy, (tuple(row.get(c) for c in columns) for row in self.candidacies))
        seed.write(CourseAttendance, self.attendances)
        quote = connection.ops.quote_name
        candidacy, attendance = Candidacy._meta.db_table, CourseAttendance._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(candidacy)} SET certificate_id = a.id "
                f"FROM {quote(attendance)} a WHERE a.candidacy_id = {quote(candidacy)}.id"
            )
        seed.write(Introducer, self.introducers)
        seed.write(CandidacyEvent, self.events)
