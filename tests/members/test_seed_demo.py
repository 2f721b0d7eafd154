"""seed_demo: the demo province's structure, members, history and logins (DESIGN.md 6).

The command runs once for the module with 2,000 members (the whole hierarchy, few people);
its rows are committed, so the module deletes them at the end.
"""

import datetime
import hashlib
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear, Substr
from django.test import override_settings
from django.utils import timezone

from members import services
from members.choices import (
    ACTIVE_STATUSES,
    CELL_KINDS,
    EVENTS_IN,
    EVENTS_OUT,
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
from members.rules import add_months
from members.search import normalize_search

MEMBERS = 2000
SCALE = MEMBERS / 70_000
END_OF_2015 = datetime.date(2015, 12, 31)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
COMMUNE_SECTORS = (Sector.COMMUNE, Sector.WARD, Sector.TOWNSHIP)

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


def checksum():
    """A fingerprint of the people and their history."""
    digest = hashlib.sha256()
    for row in Person.objects.order_by("pk").values_list("pk", "national_id", "full_name"):
        digest.update(repr(row).encode())
    for row in MemberPlacement.objects.order_by("pk").values_list(
        "member_id", "cell__code", "start_on", "end_on"
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()


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


def test_admissions_per_year_reproduce_the_terms():
    per_year = dict(
        MembershipEvent.objects.filter(kind=EventKind.ADMISSION)
        .values_list(ExtractYear("date"))
        .annotate(n=Count("id"))
        .order_by()
    )
    assert sum(per_year[y] for y in range(2016, 2021)) == round(11_945 * SCALE)
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


def test_reconciliation_holds_for_the_province_and_every_upper_committee_each_year():
    """Members at start + admitted + transferred in - out - removed - deceased = at end."""
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


def test_statuses_and_dates_follow_the_rules():
    today = timezone.localdate()
    for m in Member.objects.filter(status=MemberStatus.OFFICIAL).only(
        "ceremony_date", "official_date", "admission_decision_date"
    ):
        assert m.official_date == add_months(m.ceremony_date, 12) <= today
        assert m.admission_decision_date < m.ceremony_date
    for m in Member.objects.filter(status=MemberStatus.PROBATIONARY):
        assert m.official_date is None
        assert m.ceremony_date is None or add_months(m.ceremony_date, 12) > today
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


def test_people_are_synthetic_with_valid_national_ids():
    people = list(Person.objects.all())
    assert len(people) == Member.objects.count()
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
    before = checksum()
    call_command("seed_demo", "--members", str(MEMBERS), "--reset", stdout=StringIO())
    assert checksum() == before
    ids = list(Person.objects.order_by("pk").values_list("national_id", flat=True))
    other = DemoSeed(seed=DEFAULT_SEED + 1, members=MEMBERS)
    other.build_lives()
    national_id = 7  # position in seed.COLUMNS[Person]
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
