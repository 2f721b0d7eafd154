"""seed_demo: the demo province of DESIGN.md section 6, from the tree to the ratings.

The command runs once for the module with 2,000 members (the whole hierarchy, few people);
its rows are committed, so the module deletes them at the end. Structure, members and
history first; then the admission pipeline (issue 4: R1-R8 on every admission since 2016,
the live pipeline), ratings, flags, exemptions and removals (issue 5: R9-R12), and the
reconciliation of every upper committee and grassroots organization.
"""

import datetime
import hashlib
import random
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear, Substr
from django.test import override_settings
from django.utils import timezone

from evaluation.checks import excellent_limit, member_not_rated_reason, rules_for_year
from evaluation.models import (
    REMOVAL_GROUNDS,
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
from members import services
from members.choices import (
    ACTIVE_STATUSES,
    CELL_KINDS,
    EVENTS_IN,
    EVENTS_OUT,
    GRASSROOTS_KINDS,
    Closure,
    EventKind,
    Gender,
    MemberStatus,
    OrganizationEventKind,
    Sector,
    StaffRole,
    TransferKind,
    TransferReason,
)
from members.choices import OrganizationKind as K
from members.demo import DemoSeed, reset_domain_data
from members.demo.constants import (
    ARTICLE_DATE,
    DEFAULT_SEED,
    LAP_THACH_CODE,
    PROVINCE_CODE,
    VINH_YEN_CODE,
)
from members.models import (
    Member,
    MemberPlacement,
    MembershipEvent,
    Organization,
    OrganizationEvent,
    Person,
    StaffAssignment,
    Transfer,
)
from members.rules import add_months, add_working_days, full_months_between
from members.search import normalize_search
from recruitment import checks
from recruitment.choices import PIPELINE_STAGES, DueKind, IntroducerKind, Stage
from recruitment.deadlines import (
    ceremony_due_on,
    decision_due_on,
    dossier_expires_on,
    due_list,
    probation_ends_on,
)
from recruitment.models import Candidacy, CandidacyEvent, CourseAttendance
from reports.metrics import (
    RatingRate,
    member_rating_rates_by_year,
    organization_rating_rates_by_year,
    reconciliation_table,
    removals_in_year,
)
from reports.models import CongressTerm

MEMBERS = 2000
SCALE = MEMBERS / 70_000
END_OF_2015 = datetime.date(2015, 12, 31)
FIRST_RECRUITMENT_DAY = datetime.date(2016, 1, 1)
TERM_XVI = range(2016, 2021)
RATED_YEARS = range(2016, timezone.localdate().year)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
COMMUNE_SECTORS = (Sector.COMMUNE, Sector.WARD, Sector.TOWNSHIP)
OPEN_BEFORE_CEREMONY = (
    Stage.SOURCED,
    Stage.COURSE_COMPLETED,
    Stage.DOSSIER_READY,
    Stage.CELL_RESOLUTION,
    Stage.COMMITTEE_APPROVAL,
    Stage.DECISION,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    # The tests' fast hasher (conftest) is function-scoped; the demo logins need it too.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        out = StringIO()
        call_command("seed_demo", "--members", str(MEMBERS), "--reset", stdout=out)
        yield out.getvalue()
        with transaction.atomic():
            reset_domain_data()


def covering(day, prefix=""):
    return Q(**{f"{prefix}start_on__lte": day}) & (
        Q(**{f"{prefix}end_on__isnull": True}) | Q(**{f"{prefix}end_on__gt": day})
    )


def year_end(year):
    return datetime.date(year, 12, 31)


def checksum():
    """A fingerprint of the people, their history, candidacies, ratings and removals."""
    digest = hashlib.sha256()
    for rows in (
        Person.objects.order_by("pk").values_list("pk", "national_id", "full_name"),
        MemberPlacement.objects.order_by("pk").values_list(
            "member_id", "cell__code", "start_on", "end_on"
        ),
        Candidacy.objects.order_by("pk").values_list(
            "person_id", "cell_id", "stage", "sourced_on", "resolution_on", "decision_number"
        ),
        MemberRating.objects.order_by("pk").values_list("member_id", "year", "grade", "score"),
        Removal.objects.order_by("pk").values_list("member_id", "form", "ground"),
        Exemption.objects.order_by("pk").values_list("member_id", "start_on", "end_on"),
    ):
        for row in rows:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def grassroots_paths():
    """Path -> kind of every grassroots organization (all at depth 3 in the demo)."""
    return dict(Organization.objects.filter(kind__in=GRASSROOTS_KINDS).values_list("path", "kind"))


# --- structure ---------------------------------------------------------------------------


def test_structure_matches_the_article():
    orgs = Organization.objects.all()
    upper = orgs.filter(kind=K.UPPER)
    assert upper.active_on(END_OF_2015).count() == 14
    assert upper.active_on(ARTICLE_DATE).count() == 13
    assert upper.active().count() == 13
    for day in (ARTICLE_DATE, timezone.localdate()):
        grassroots = orgs.grassroots().active_on(day)
        assert grassroots.count() == 617
        communes = grassroots.filter(sector__in=COMMUNE_SECTORS)
        assert communes.filter(kind=K.GRASSROOTS_COMMITTEE).count() == 137
        assert dict(communes.values_list("sector").annotate(n=Count("id")).order_by()) == {
            Sector.COMMUNE: 112,
            Sector.WARD: 15,
            Sector.TOWNSHIP: 10,
        }
        assert 3000 <= orgs.filter(kind=K.CELL).active_on(day).count() <= 3200
    province = orgs.get(code=PROVINCE_CODE)
    assert (province.kind, province.name) == (K.PROVINCE, "Đảng bộ tỉnh Vĩnh Phúc")
    assert orgs.get(code=LAP_THACH_CODE).name == "Huyện ủy Lập Thạch"
    assert orgs.get(code=VINH_YEN_CODE).name == "Thành ủy Vĩnh Yên"
    assert set(grassroots_paths()) == set(
        orgs.filter(kind__in=GRASSROOTS_KINDS, depth=3).values_list("path", flat=True)
    )


def test_commune_agency_and_military_cells_dissolved_during_term_xvi():
    term = (datetime.date(2016, 1, 1), ARTICLE_DATE)
    agency = Organization.objects.filter(sector=Sector.COMMUNE_AGENCY)
    military = Organization.objects.filter(sector=Sector.COMMUNE_MILITARY)
    assert agency.count() == military.count() == 137
    assert agency.filter(closure=Closure.DISSOLVED, closed_on__range=term).count() == 137
    assert military.filter(closure=Closure.DISSOLVED, closed_on__range=term).count() == 126
    assert military.active().count() == 11
    dissolved = OrganizationEvent.objects.filter(kind=OrganizationEventKind.DISSOLVED)
    assert dissolved.count() == 137 + 126
    # Their members were transferred to another cell of the same commune on that day.
    moved = Transfer.objects.filter(reason=TransferReason.DISSOLUTION)
    assert moved.exists()
    for transfer in moved.select_related("from_cell", "to_cell")[:200]:
        assert transfer.date == transfer.from_cell.closed_on
        assert transfer.from_cell.sector in (Sector.COMMUNE_AGENCY, Sector.COMMUNE_MILITARY)
        assert transfer.to_cell.path[:12] == transfer.from_cell.path[:12]


def test_merged_committee_closed_with_successor_and_children_moved():
    merged = Organization.objects.get(kind=K.UPPER, closure=Closure.MERGED)
    successor = merged.successor
    assert successor.kind == K.UPPER and successor.closed_on is None
    assert datetime.date(2016, 1, 1) <= merged.closed_on < ARTICLE_DATE
    assert merged.numchild == 0
    events = OrganizationEvent.objects.filter(date=merged.closed_on)
    assert events.filter(organization=merged, kind="MERGED_INTO", other=successor).exists()
    assert events.filter(organization=successor, kind="ABSORBED", other=merged).exists()
    moved = events.filter(kind=OrganizationEventKind.MOVED, other=merged)
    assert moved.count() > 0
    for event in moved.select_related("organization"):
        assert event.organization.path.startswith(successor.path)


def test_tree_is_a_valid_treebeard_tree():
    # find_problems() runs two queries a node (8,000 here): run it where nodes were moved,
    # and check the same properties for the whole tree in Python.
    successor = Organization.objects.get(closure=Closure.MERGED).successor
    assert all(problem == [] for problem in Organization.objects.find_problems(successor))
    orgs = {o.path: o for o in Organization.objects.all()}
    children = {}
    for path, org in orgs.items():
        assert set(path) <= set(Organization.alphabet)
        assert len(path) == org.depth * Organization.steplen
        if org.depth == 1:
            assert org.parent_kind == ""
            continue
        parent = orgs[path[: -Organization.steplen]]
        children[parent.path] = children.get(parent.path, 0) + 1
        assert org.parent_kind == parent.kind
        assert org.established_on >= parent.established_on, org.code
    for path, org in orgs.items():
        assert org.numchild == children.get(path, 0), org.code


# --- members and their history -----------------------------------------------------------


def test_admissions_per_year_reproduce_the_terms():
    per_year = dict(
        MembershipEvent.objects.filter(kind=EventKind.ADMISSION)
        .values_list(ExtractYear("date"))
        .annotate(n=Count("id"))
        .order_by()
    )
    assert sum(per_year[y] for y in TERM_XVI) == round(11_945 * SCALE)
    for year in range(2021, 2026):
        assert per_year[year] >= round(2_000 * SCALE)
    assert min(per_year) < 1960
    # One admission event per member admitted here, on the decision date, in the first cell.
    first_cell = MemberPlacement.objects.filter(member=OuterRef("member")).order_by("start_on")
    admissions = MembershipEvent.objects.filter(kind=EventKind.ADMISSION).annotate(
        first=Subquery(first_cell.values("cell")[:1])
    )
    assert admissions.count() == admissions.values("member").distinct().count()
    assert not admissions.exclude(
        date=Subquery(
            Member.objects.filter(pk=OuterRef("member")).values("admission_decision_date")
        )
    ).exists()
    assert not admissions.exclude(organization=Subquery(first_cell.values("cell")[:1])).exists()


def test_members_active_on_the_article_date():
    assert MemberPlacement.objects.filter(covering(ARTICLE_DATE)).count() == MEMBERS


def test_placements_follow_each_member_without_gaps_or_overlaps():
    members = {m.pk: m for m in Member.objects.all()}
    arrivals = dict(
        Transfer.objects.filter(kind=TransferKind.IN_FROM_OUTSIDE).values_list("member", "date")
    )
    placements = {}
    for p in MemberPlacement.objects.select_related("cell").order_by("member", "start_on", "pk"):
        placements.setdefault(p.member_id, []).append(p)
    assert placements.keys() == members.keys()
    for pk, member in members.items():
        stays = placements[pk]
        assert stays[0].start_on == arrivals.get(pk, member.admission_decision_date)
        for before, after in zip(stays, stays[1:], strict=False):
            assert before.end_on == after.start_on
        last = stays[-1]
        assert member.organization_id == last.cell_id
        if member.status in ACTIVE_STATUSES:
            assert last.end_on is None and member.ended_on is None
        else:
            assert last.end_on == member.ended_on
        for p in stays:
            assert p.cell.kind in CELL_KINDS
            assert p.start_on >= p.cell.established_on
            if p.cell.closed_on is not None:
                assert p.end_on is not None and p.end_on <= p.cell.closed_on
    open_ = MemberPlacement.objects.open()
    assert open_.count() == Member.objects.active().count()


def test_statuses_and_dates_follow_the_rules():
    today = timezone.localdate()
    recognitions = dict(
        MembershipEvent.objects.filter(kind=EventKind.OFFICIAL_RECOGNITION).values_list(
            "member", "date"
        )
    )
    for m in Member.objects.filter(status=MemberStatus.OFFICIAL).only(
        "ceremony_date", "official_date", "admission_decision_date"
    ):
        assert m.official_date == add_months(m.ceremony_date, 12) <= today
        assert m.admission_decision_date < m.ceremony_date
        assert recognitions.get(m.pk, m.official_date) == m.official_date
    for m in Member.objects.filter(status=MemberStatus.PROBATIONARY):
        assert m.official_date is None
        # R6: the ceremony within 30 working days; probation ends within the year, or ended
        # weeks ago and the recognition is still being decided (R7).
        assert m.ceremony_date <= ceremony_due_on(m.admission_decision_date)
        assert probation_ends_on(m.ceremony_date) > today - datetime.timedelta(days=150)
    # Every official member admitted here since the records has its recognition event.
    admitted_here = MembershipEvent.objects.filter(
        kind=EventKind.ADMISSION, date__gte=datetime.date(2000, 1, 1)
    ).values("member")
    official = Member.objects.filter(official_date__isnull=False, pk__in=admitted_here)
    assert official.exists()
    assert set(official.values_list("pk", flat=True)) <= set(recognitions)
    deceased = Member.objects.filter(status=MemberStatus.DECEASED)
    assert deceased.exists()
    deaths = MembershipEvent.objects.filter(kind=EventKind.DEATH)
    assert set(deaths.values_list("member", flat=True)) == set(
        deceased.values_list("pk", flat=True)
    )
    left = Member.objects.filter(status=MemberStatus.TRANSFERRED_OUT)
    assert left.exists()
    out = Transfer.objects.filter(kind=TransferKind.OUT_OF_PROVINCE)
    assert set(out.values_list("member", flat=True)) == set(left.values_list("pk", flat=True))
    external = MembershipEvent.objects.filter(kind=EventKind.TRANSFER_OUT, is_external=True)
    assert external.count() == out.count()
    within = Transfer.objects.filter(kind=TransferKind.WITHIN).annotate(
        outs=Count("events", filter=Q(events__kind=EventKind.TRANSFER_OUT)),
        ins=Count("events", filter=Q(events__kind=EventKind.TRANSFER_IN)),
    )
    assert within.count() > 0
    assert not within.exclude(outs=1, ins=1).exists()


def test_ages_at_death_and_today_are_plausible():
    today = timezone.localdate()
    ages_at_death = [
        full_months_between(born, died) / 12
        for born, died in Member.objects.filter(status=MemberStatus.DECEASED).values_list(
            "person__date_of_birth", "ended_on"
        )
    ]
    ages = [
        full_months_between(born, today) / 12
        for born in Member.objects.active().values_list("person__date_of_birth", flat=True)
    ]
    ages_at_death.sort()
    ages.sort()
    assert 65 < ages_at_death[len(ages_at_death) // 2] < 90
    assert 40 < ages[len(ages) // 2] < 60
    assert ages[0] >= 18


def test_people_are_synthetic_with_valid_national_ids():
    people = list(Person.objects.all())
    candidates = Person.objects.filter(member__isnull=True)
    assert len(people) == Member.objects.count() + candidates.count()
    assert not candidates.filter(candidacies__isnull=True).exists()
    assert all(p.is_synthetic for p in people)
    assert len({p.national_id for p in people}) == len(people)
    for p in people:
        century = 0 if p.date_of_birth.year < 2000 else 2
        gender = 1 if p.gender == Gender.FEMALE else 0
        assert p.national_id.startswith(f"026{century + gender}{p.date_of_birth.year % 100:02d}")
        assert len(p.national_id) == 12 and p.national_id.isdigit()
        assert p.search_name == normalize_search(p.full_name)
        assert len(p.full_name.split()) >= 3
        assert p.residence.endswith("tỉnh Vĩnh Phúc")
    active = Person.objects.filter(
        member__placements__in=MemberPlacement.objects.filter(covering(ARTICLE_DATE))
    )
    women = active.filter(gender=Gender.FEMALE).count() / active.count()
    assert 0.25 < women < 0.42
    years = active.values_list("date_of_birth__year", flat=True)
    assert 1925 <= min(years) and max(years) <= 2002
    cards = Member.objects.exclude(party_card_number="")
    assert cards.count() == Member.objects.filter(official_date__isnull=False).count()


def test_seed_calendar_matches_the_rules_working_days():
    calendar = DemoSeed(members=1000).calendar
    rng = random.Random(4)
    for _ in range(300):
        day = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randrange(9800))
        n = rng.choice((1, 5, 30, 60))
        expected = add_working_days(day, n)
        assert datetime.date.fromordinal(calendar.add(day.toordinal(), n)) == expected
        back = datetime.date.fromordinal(calendar.back(expected.toordinal(), n))
        assert add_working_days(back, n) == expected


# --- recruitment (issue 4) ---------------------------------------------------------------


def test_every_admission_since_2016_has_its_candidacy():
    admissions = MembershipEvent.objects.filter(
        kind=EventKind.ADMISSION, date__gte=FIRST_RECRUITMENT_DAY
    )
    expected = set(admissions.values_list("member", "date", "organization", "decision_number"))
    admitted = Candidacy.objects.filter(member__isnull=False)
    assert len(expected) > 600
    assert set(admitted.values_list("member", "decision_on", "cell", "decision_number")) == expected
    assert admitted.count() == len(expected)
    statuses = dict(Member.objects.values_list("pk", "status"))
    grounds = dict(Removal.objects.values_list("member", "ground"))
    for candidacy in admitted.only("stage", "member_id"):
        status = statuses[candidacy.member_id]
        if candidacy.stage == Stage.OFFICIAL:
            assert status == MemberStatus.OFFICIAL or status not in ACTIVE_STATUSES
        elif candidacy.stage == Stage.ADMITTED:
            assert status == MemberStatus.PROBATIONARY
        elif candidacy.stage == Stage.STRUCK_OFF:
            assert grounds[candidacy.member_id] == RemovalGround.PROBATION_NOT_RECOGNIZED
        else:
            assert candidacy.stage == Stage.WITHDRAWN and status not in ACTIVE_STATUSES
    stages = Counter(admitted.values_list("stage", flat=True))
    assert stages[Stage.OFFICIAL] > stages[Stage.ADMITTED] > 0


def test_candidacies_keep_the_rules_r1_to_r8():
    """Every candidacy that reached the cell's resolution, admitted or still open."""
    kinds = grassroots_paths()
    candidacies = (
        Candidacy.objects.exclude(resolution_on=None)
        .select_related("person", "member", "cell", "certificate__course")
        .order_by("pk")
    )
    admitted = 0
    for c in candidacies:
        meeting = c.resolution_on
        assert c.sourced_on <= c.dossier_ready_on <= meeting
        # R1, R2, R3, R4 on the cell's meeting, as the resolution service checks them.
        assert not checks.check_age_at_meeting(
            date_of_birth=c.person.date_of_birth, meeting_on=meeting
        ), c.pk
        certificate = c.certificate
        assert certificate.course.end_on <= certificate.certificate_on <= c.dossier_ready_on
        assert not checks.check_certificate_valid(
            certificate_on=certificate.certificate_on, meeting_on=meeting
        )
        # Introducers are dated before the dossier (test_introducers_follow_r3).
        assert not checks.check_introducers(candidacy=c, on=meeting), c.pk
        assert not checks.check_resolution_quorum(
            yes_votes=c.resolution_yes_votes,
            eligible_members=c.resolution_eligible,
            meeting_on=meeting,
        )
        assert meeting <= dossier_expires_on(c.dossier_ready_on)  # R8
        # R4: the grassroots committee's approval where there is a committee.
        if kinds[c.cell.path[:12]] != K.GRASSROOTS_COMMITTEE:
            assert c.committee_approval_on is None
        elif c.decision_on is not None or c.stage == Stage.COMMITTEE_APPROVAL:
            assert meeting <= c.committee_approval_on <= (c.decision_on or timezone.localdate())
            assert c.committee_approval_number
        if c.decision_on is None:
            continue
        assert c.decision_on <= decision_due_on(meeting)  # R5
        assert c.decision_number and c.decision_committee
        if c.member is None:
            assert c.stage == Stage.DECISION
            continue
        # R6, R7: the member made by the ceremony.
        admitted += 1
        assert c.decision_on <= c.ceremony_on <= ceremony_due_on(c.decision_on)
        member = c.member
        assert (member.admission_decision_date, member.ceremony_date) == (
            c.decision_on,
            c.ceremony_on,
        )
        assert (member.admission_decision_number, member.admission_committee) == (
            c.decision_number,
            c.decision_committee,
        )
        if c.stage == Stage.OFFICIAL:
            assert c.official_on == member.official_date == probation_ends_on(c.ceremony_on)
            assert c.official_on <= c.recognition_resolution_on <= c.recognition_decision_on
            assert c.recognition_decision_number
    assert admitted == Candidacy.objects.exclude(member=None).count()


def test_introducers_follow_r3():
    candidacies = Candidacy.objects.exclude(dossier_ready_on=None).prefetch_related("introducers")
    kinds = Counter()
    for c in candidacies:
        introducers = list(c.introducers.all())
        kinds.update(i.kind for i in introducers)
        combinations = checks.required_introducers(
            is_youth_union_member=c.is_youth_union_member, has_youth_union=c.has_youth_union
        )
        counts = Counter(i.kind for i in introducers)
        assert counts in [Counter(combination) for combination in combinations], c.pk
        assert all(i.introduced_on <= c.dossier_ready_on for i in introducers)
    assert kinds[IntroducerKind.MEMBER] and kinds[IntroducerKind.YOUTH_UNION_EXECUTIVE]
    assert kinds[IntroducerKind.TRADE_UNION_EXECUTIVE]
    # Member introducers are, as far as the cells allow, of the candidate's own cell.
    same_cell = Candidacy.objects.filter(
        introducers__kind=IntroducerKind.MEMBER,
        introducers__member__placements__cell=F("cell"),
    )
    assert same_cell.exists()


def test_candidacy_events_log_every_stage_in_order():
    order = {stage: i for i, stage in enumerate(PIPELINE_STAGES)}
    closing = {Stage.WITHDRAWN, Stage.REJECTED, Stage.STRUCK_OFF}
    events = defaultdict(list)
    for candidacy, stage, date in CandidacyEvent.objects.order_by(
        "candidacy", "date", "id"
    ).values_list("candidacy", "stage", "date"):
        events[candidacy].append((stage, date))
    candidacies = dict(Candidacy.objects.values_list("pk", "stage"))
    assert events.keys() == candidacies.keys()
    today = timezone.localdate()
    for pk, stage in candidacies.items():
        log = events[pk]
        assert log[0][0] == Stage.SOURCED
        assert log[-1][0] == stage, pk
        assert all(date <= today for _, date in log)
        steps = [order[s] for s, _ in log if s not in closing]
        assert steps == sorted(steps) and len(set(steps)) == len(steps), pk


def test_live_pipeline_has_every_stage_and_overdue_cases():
    today = timezone.localdate()
    open_ = Candidacy.objects.open().filter(member__isnull=True)
    stages = Counter(open_.values_list("stage", flat=True))
    assert set(stages) == set(OPEN_BEFORE_CEREMONY)
    assert all(stages[s] >= 3 for s in OPEN_BEFORE_CEREMONY)
    # Open cases are followed by active cells.
    assert not open_.exclude(cell__closed_on=None).exists()
    committees = open_.filter(stage=Stage.COMMITTEE_APPROVAL).values_list("cell__path", flat=True)
    kinds = grassroots_paths()
    assert {kinds[path[:12]] for path in committees} == {K.GRASSROOTS_COMMITTEE}
    admin = get_user_model().objects.get(username="admin")
    items = due_list(user=admin, today=today)
    overdue = Counter(item.kind for item in items if item.overdue)
    assert overdue[DueKind.DOSSIER_EXPIRY] and overdue[DueKind.DECISION]
    assert overdue[DueKind.CEREMONY]
    due = Counter(item.kind for item in items if not item.overdue)
    assert due[DueKind.RECOGNITION] and due[DueKind.DECISION] and due[DueKind.CEREMONY]
    # Probation ends within the coming weeks for some members.
    ending = [
        m
        for m in Member.objects.filter(status=MemberStatus.PROBATIONARY)
        if today <= probation_ends_on(m.ceremony_date) <= today + datetime.timedelta(days=30)
    ]
    assert ending
    # Candidacies end on the way every year, too.
    closed = Candidacy.objects.filter(stage__in=[Stage.WITHDRAWN, Stage.REJECTED], member=None)
    assert set(closed.values_list("closed_on__year", flat=True)) >= set(TERM_XVI)
    assert not closed.filter(closed_reason="").exists()


def test_courses_are_the_upper_committees_with_one_certificate_each():
    attendances = CourseAttendance.objects.select_related("course__organizer", "candidacy")
    assert attendances.count() == Candidacy.objects.exclude(certificate=None).count()
    for a in attendances:
        assert a.course.organizer.kind == K.UPPER
        assert a.candidacy.certificate_id == a.pk
        assert a.course.start_on <= a.course.end_on <= a.certificate_on


# --- evaluation (issue 5) ----------------------------------------------------------------


def test_every_member_placed_on_31_december_is_rated_once_in_that_cell():
    for year in RATED_YEARS:
        placed = set(
            MemberPlacement.objects.filter(covering(year_end(year))).values_list("member", "cell")
        )
        rated = list(MemberRating.objects.filter(year=year).values_list("member", "cell"))
        assert len(rated) == len(placed) and set(rated) == placed, year
    assert not MemberRating.objects.filter(year__gte=timezone.localdate().year).exists()


def test_not_rated_members_are_the_recently_admitted_and_the_exempt():
    reasons = Counter()
    for year in RATED_YEARS:
        exempt = set(Exemption.objects.overlapping_year(year).values_list("member", flat=True))
        ratings = MemberRating.objects.filter(year=year).values_list(
            "member", "member__admission_decision_date", "grade", "not_rated_reason", "score"
        )
        scores = rules_for_year(year).rating_scores
        for member, admitted, grade, reason, score in ratings:
            expected = member_not_rated_reason(
                admission_decision_date=admitted, exempt=member in exempt, year=year
            )
            assert reason == expected, (member, year)
            assert (grade == Grade.NOT_RATED) == bool(reason)
            assert (score is not None) == (scores and grade != Grade.NOT_RATED)
            reasons[reason] += 1
    assert reasons[NotRatedReason.EXEMPT] and reasons[NotRatedReason.ADMITTED_RECENTLY]
    assert rules_for_year(2025).rating_scores and not rules_for_year(2024).rating_scores


def test_member_rating_rates_reproduce_the_terms():
    province = Organization.objects.get(code=PROVINCE_CODE)
    rates = member_rating_rates_by_year(province, RATED_YEARS)
    for year in TERM_XVI:
        assert Decimal(88) <= rates[year].rate <= Decimal(90), (year, rates[year])
        assert rates[year].not_rated > 0
    term = sum((rates[y] for y in TERM_XVI), start=RatingRate())
    assert Decimal("88.5") <= term.rate <= Decimal("89.5")
    for year in RATED_YEARS:
        assert rates[year].rate > Decimal(85)


def test_excellent_never_exceeds_a_fifth_of_good_in_a_grassroots_organization():
    rows = (
        MemberRating.objects.annotate(group=Substr("cell__path", 1, 12))
        .values("group", "year")
        .annotate(
            excellent=Count("pk", filter=Q(grade=Grade.EXCELLENT)),
            good=Count("pk", filter=Q(grade=Grade.GOOD)),
        )
        .order_by()
    )
    kinds = grassroots_paths()
    excellent = 0
    for row in rows:
        assert row["group"] in kinds
        ratio = rules_for_year(row["year"]).excellent_ratio_of_good
        assert row["excellent"] <= excellent_limit(row["good"], ratio), row
        excellent += row["excellent"]
    assert excellent > 0


def test_two_years_not_completed_are_flagged():
    not_completed = defaultdict(set)
    for member, year in MemberRating.objects.filter(grade=Grade.NOT_COMPLETED).values_list(
        "member", "year"
    ):
        not_completed[member].add(year)
    runs = {(m, y) for m, years in not_completed.items() for y in years if y - 1 in years}
    flags = ScreeningFlag.objects.filter(ground=FlagGround.NOT_COMPLETED_TWO_YEARS)
    assert set(flags.values_list("member", "year")) == runs
    assert runs
    for flag in flags.select_related("member"):
        assert flag.raised_on.year == flag.year
        if flag.resolved_on is not None:
            assert flag.action_taken and flag.resolved_on >= flag.raised_on
    # Open flags never stand in the way of leaving at one's own request (R12).
    leaving = Removal.objects.filter(form=RemovalForm.LEFT_AT_OWN_REQUEST).values("member")
    assert not flags.filter(member__in=leaving, resolved_on=None).exists()


def test_organization_ratings_reproduce_the_targets():
    province = Organization.objects.get(code=PROVINCE_CODE)
    rates = organization_rating_rates_by_year(province, RATED_YEARS)
    grassroots = Organization.objects.filter(kind__in=GRASSROOTS_KINDS)
    for year in RATED_YEARS:
        assert rates[year].rate >= Decimal(95), (year, rates[year])
        active = set(grassroots.active_on(year_end(year)).values_list("pk", flat=True))
        rated = OrganizationRating.objects.filter(year=year)
        assert set(rated.values_list("organization", flat=True)) == active
        for rating in rated.select_related("organization"):
            young = full_months_between(rating.organization.established_on, year_end(year)) < 6
            assert (rating.grade == Grade.NOT_RATED) == young
    assert OrganizationRating.objects.count() == sum(r.rated + r.not_rated for r in rates.values())


def test_exemptions_start_and_end_with_their_events():
    exemptions = Exemption.objects.select_related("start_event", "end_event", "member")
    assert exemptions.filter(end_on=None).exists() and exemptions.exclude(end_on=None).exists()
    for e in exemptions:
        assert (e.start_event.kind, e.start_event.date) == (EventKind.EXEMPTION_START, e.start_on)
        cell = MemberPlacement.objects.filter(covering(e.start_on), member=e.member).get().cell_id
        assert e.start_event.organization_id == cell
        if e.end_on is not None:
            assert (e.end_event.kind, e.end_event.date) == (EventKind.EXEMPTION_END, e.end_on)
        assert e.reason


def test_removals_by_form_every_year_with_their_records():
    province = Organization.objects.get(code=PROVINCE_CODE)
    forms = Counter()
    for year in RATED_YEARS:
        removals = removals_in_year(province, year)
        assert removals.get(RemovalForm.STRUCK_OFF, 0) >= 1, year
        forms.update(removals)
    assert set(forms) == set(RemovalForm.values)
    assert forms[RemovalForm.STRUCK_OFF] > forms[RemovalForm.EXPELLED]
    events = MembershipEvent.objects.filter(kind=EventKind.REMOVAL).select_related(
        "removal", "member"
    )
    assert events.count() == Removal.objects.count() > 0
    for event in events:
        removal = event.removal
        assert removal.form == event.subkind
        assert removal.ground in REMOVAL_GROUNDS[removal.form]
        assert (removal.decision_date, removal.decision_number, removal.deciding_committee) == (
            event.date,
            event.decision_number,
            event.issuing_committee,
        )
        assert event.member.status == MemberStatus.REMOVED
        assert event.member.ended_on == event.date
        last = MemberPlacement.objects.filter(member=event.member).latest("start_on")
        assert (last.cell_id, last.end_on) == (event.organization_id, event.date)
    assert set(Member.objects.filter(status=MemberStatus.REMOVED).values_list("pk", flat=True)) == {
        e.member_id for e in events
    }


def test_reconciliation_balances_for_every_upper_committee_and_grassroots_organization():
    """Members at start + admitted + transferred in - out - removed - deceased = at end."""
    organizations = list(
        Organization.objects.filter(kind__in=[K.PROVINCE, K.UPPER, *sorted(GRASSROOTS_KINDS)])
    )
    table = reconciliation_table(organizations, RATED_YEARS)
    assert len(table) == len(organizations) * len(RATED_YEARS) > 6000
    mismatches = [r for r in table.values() if not r.balanced]
    assert mismatches == []
    province = next(o for o in organizations if o.kind == K.PROVINCE)
    assert all(table[(province.pk, y)].removed > 0 for y in RATED_YEARS)


def test_reconciliation_holds_for_the_province_and_every_upper_committee_each_year():
    """The same balance from 2000 on, counted here in SQL without the metrics module."""
    uppers = {o.path: o.code for o in Organization.objects.filter(kind=K.UPPER)}
    prefix = len(next(iter(uppers)))
    province = Organization.objects.get(code=PROVINCE_CODE).path
    years = range(2000, 2026)

    def stock(day):
        rows = (
            MemberPlacement.objects.filter(covering(day))
            .annotate(upper=Substr("cell__path", 1, prefix))
            .values_list("upper")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts = dict(rows)
        counts[province] = MemberPlacement.objects.filter(
            covering(day), cell__path__startswith=province
        ).count()
        return counts

    at_end = {y: stock(datetime.date(y, 12, 31)) for y in [years[0] - 1, *years]}
    flows = (
        MembershipEvent.objects.filter(
            date__year__in=years, kind__in=sorted(EVENTS_IN | EVENTS_OUT)
        )
        .annotate(upper=Substr("organization__path", 1, prefix), year=ExtractYear("date"))
        .values_list("upper", "year", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    change = {}
    for upper, year, kind, n in flows:
        sign = 1 if kind in EVENTS_IN else -1
        for key in ((upper, year), (province, year)):
            change[key] = change.get(key, 0) + sign * n
    for path in [*uppers, province]:
        for year in years:
            start = at_end[year - 1].get(path, 0)
            end = at_end[year].get(path, 0)
            assert start + change.get((path, year), 0) == end, (path, year)
    assert at_end[2020][province] > 0


# --- reports and the command -------------------------------------------------------------


def test_congress_terms_and_quotas_are_seeded_last():
    terms = CongressTerm.objects.order_by("first_year")
    assert list(terms.values_list("name", "first_year", "last_year")) == [
        ("XVI", 2016, 2020),
        ("XVII", 2021, 2025),
    ]


def test_demo_users_have_their_assignments(seeded):
    users = {u.username: u for u in get_user_model().objects.all()}
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert users["admin"].check_password("dangvien")
    expected = {
        "lanhdao": (PROVINCE_CODE, StaffRole.LEADER),
        "tochuc": (PROVINCE_CODE, StaffRole.STAFF),
        "lapthach": (LAP_THACH_CODE, StaffRole.STAFF),
        "vinhyen": (VINH_YEN_CODE, StaffRole.STAFF),
    }
    for username, assignment in expected.items():
        assert not users[username].is_superuser
        rows = StaffAssignment.objects.filter(user=users[username])
        assert list(rows.values_list("organization__code", "role")) == [assignment]
    for username in ["admin", *expected]:
        assert username in seeded


def test_refuses_a_non_empty_database_without_reset():
    before = (Organization.objects.count(), Person.objects.count())
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", "--members", str(MEMBERS), stdout=StringIO())
    assert (Organization.objects.count(), Person.objects.count()) == before


def test_if_empty_keeps_the_data_and_prints_the_logins():
    before = checksum()
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "lapthach" in out.getvalue()
    assert checksum() == before


def test_same_seed_gives_the_same_data_and_another_seed_other_people():
    """--reset empties every domain table (terms included) and the same seed comes back."""
    before = checksum()
    call_command("seed_demo", "--members", str(MEMBERS), "--reset", stdout=StringIO())
    assert checksum() == before
    assert CongressTerm.objects.count() == 2
    ids = list(
        Person.objects.filter(member__isnull=False)
        .order_by("pk")
        .values_list("national_id", flat=True)
    )
    other = DemoSeed(seed=DEFAULT_SEED + 1, members=MEMBERS)
    other.build_lives()
    national_id = 7  # position in DemoSeed.COLUMNS[Person]
    assert [row[national_id] for row in other.person_rows()] != ids


def test_services_work_on_the_seeded_rows():
    """Sequences continue after the seed's explicit keys: new rows do not collide."""
    member = Member.objects.active().filter(organization__sector=Sector.VILLAGE).first()
    to_cell = (
        Organization.objects.all()
        .cells()
        .active()
        .filter(sector=Sector.VILLAGE)
        .exclude(pk=member.organization_id)
        .first()
    )
    transfer = services.member_transfer(member=member, to_cell=to_cell, on=timezone.localdate())
    assert transfer.pk > Transfer.objects.exclude(pk=transfer.pk).aggregate(m=Max("pk"))["m"]
    member.refresh_from_db()
    assert member.organization == to_cell
    assert MemberPlacement.objects.filter(member=member, end_on__isnull=True).get().cell == to_cell
