"""The demo seed: phases that build the province in memory and write it in bulk.

``DemoSeed.run()`` runs the phases in order (tree, members and their history, users). The
other apps add theirs in a subclass (``reports``' ``seed_demo`` command: candidacies,
ratings, removals' records, targets), with their tables in ``COLUMNS``; ``FINAL_PHASES``
run after the load, when indexes and sequences are back, for phases that use the ORM.
Rows carry explicit primary keys, so no phase needs the database to tell it an id; the
sequences are moved past them at the end. Rows are inserted in batches without ``save()``
(see writer.py), so derived columns (``Person.search_name``, treebeard's path, depth and
numchild) are set here, and no simple-history rows are written for seed rows.
"""

import datetime
import random
import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from ..choices import (
    EventKind,
    MemberStatus,
    OrganizationEventKind,
    StaffRole,
    TransferKind,
    TransferReason,
)
from ..models import (
    Member,
    MemberPlacement,
    MembershipEvent,
    Organization,
    OrganizationEvent,
    Person,
    StaffAssignment,
    Transfer,
)
from . import people
from .constants import (
    BATCH_SIZE,
    DEFAULT_MEMBERS,
    DEFAULT_PASSWORD,
    DEFAULT_SEED,
    HISTORICAL_BEFORE,
    LAP_THACH_CODE,
    PROVINCE_CODE,
    VINH_YEN_CODE,
)
from .history import HistoryBuilder
from .tree import VILLAGE, build_tree
from .workdays import WorkingDays
from .writer import TableWriter, bulk_load

# (username, organization code, role, description); admin is a superuser without scope rows.
DEMO_USERS = (
    ("admin", None, None, "Quản trị hệ thống"),
    ("lanhdao", PROVINCE_CODE, StaffRole.LEADER, "Lãnh đạo Tỉnh ủy"),
    ("tochuc", PROVINCE_CODE, StaffRole.STAFF, "Ban Tổ chức Tỉnh ủy"),
    ("lapthach", LAP_THACH_CODE, StaffRole.STAFF, "Ban Tổ chức Huyện ủy Lập Thạch"),
    ("vinhyen", VINH_YEN_CODE, StaffRole.STAFF, "Ban Tổ chức Thành ủy Vĩnh Yên"),
)
# Apps whose rows --reset deletes; import jobs name organizations (PostgreSQL's TRUNCATE
# CASCADE would empty them anyway).
DOMAIN_APPS = ("members", "recruitment", "evaluation", "reports", "imports")
# The working-day calendar covers every admission of the records (see workdays.py).
CALENDAR_FROM = datetime.date(1945, 1, 1)
OUTSIDE_ORGANIZATIONS = (
    "Đảng bộ thành phố Hà Nội",
    "Đảng bộ tỉnh Phú Thọ",
    "Đảng bộ tỉnh Tuyên Quang",
    "Đảng bộ tỉnh Thái Nguyên",
    "Đảng bộ tỉnh Bắc Ninh",
    "Đảng bộ tỉnh Bắc Giang",
    "Đảng bộ tỉnh Yên Bái",
    "Đảng bộ thành phố Hồ Chí Minh",
    "Đảng bộ Quân khu 2",
    "Đảng bộ Khối các cơ quan Trung ương",
)


def has_domain_data() -> bool:
    return Organization.objects.exists() or Person.objects.exists()


def _domain_models():
    """Models of the domain apps, each before the models it references."""
    models = [
        model
        for label in DOMAIN_APPS
        if apps.is_installed(label)
        for model in apps.get_app_config(label).get_models()
        if model._meta.managed and not model._meta.proxy
    ]
    ordered, seen = [], set()

    def visit(model):
        if model in seen:
            return
        seen.add(model)
        for other in models:
            if other is not model and any(
                f.related_model is model for f in other._meta.concrete_fields if f.is_relation
            ):
                visit(other)
        ordered.append(model)

    for model in models:
        visit(model)
    return ordered


def reset_domain_data() -> None:
    """Delete every row of the domain apps (history tables included) and the demo users.

    PostgreSQL truncates with CASCADE. Elsewhere tables are emptied children first, so that
    no deleted row has to look for rows that still reference it: during a load, without
    indexes, each would scan the referencing table. References against that order (a
    cycle, such as a candidacy and its certificate, or an organization's successor) get
    a temporary index for the time of the deletes. Sequences restart.
    """
    models = _domain_models()
    tables = [m._meta.db_table for m in models]
    if connection.vendor != "postgresql":
        quote = connection.ops.quote_name
        position = {model: i for i, model in enumerate(models)}
        against = [
            (model._meta.db_table, field.column)
            for model in models
            for field in model._meta.concrete_fields
            if field.is_relation
            and field.db_constraint
            and position.get(field.related_model, len(models)) <= position[model]
        ]
        with connection.cursor() as cursor:
            for n, (table, column) in enumerate(against):
                cursor.execute(f"CREATE INDEX seed_reset_{n} ON {quote(table)} ({quote(column)})")
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")
            for n in range(len(against)):
                cursor.execute(f"DROP INDEX seed_reset_{n}")
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    connection.ops.execute_sql_flush(statements)
    get_user_model().objects.filter(username__in=[u[0] for u in DEMO_USERS]).delete()


class DemoSeed:
    """Builds the demo province; ``run()`` writes it (call inside a transaction)."""

    PHASES = ("tree", "members", "users")
    # Run after the load, once indexes and sequences are back: phases that use the ORM.
    FINAL_PHASES: tuple[str, ...] = ()
    # Columns of the rows each phase yields, in order (attnames); the rest take their
    # defaults. Subclasses add the tables of their phases.
    COLUMNS = {
        Organization: (
            "id path depth numchild code name kind parent_kind sector established_on closed_on "
            "closure successor_id"
        ).split(),
        OrganizationEvent: (
            "id organization_id kind date other_id old_value new_value decision_number"
        ).split(),
        Person: (
            "id full_name search_name gender date_of_birth ethnicity religion national_id "
            "home_town residence general_education professional_qualification "
            "political_theory occupation_group is_synthetic"
        ).split(),
        Member: (
            "id person_id status organization_id admission_decision_number "
            "admission_decision_date admission_committee ceremony_date official_date "
            "is_historical_record party_card_number ended_on"
        ).split(),
        MemberPlacement: "id member_id cell_id start_on end_on".split(),
        Transfer: (
            "id member_id kind reason date from_cell_id to_cell_id outside_organization"
        ).split(),
        MembershipEvent: (
            "id member_id kind subkind date organization_id decision_number issuing_committee "
            "is_external transfer_id note"
        ).split(),
    }

    def __init__(
        self,
        *,
        seed: int = DEFAULT_SEED,
        members: int = DEFAULT_MEMBERS,
        password: str = DEFAULT_PASSWORD,
        today: datetime.date | None = None,
        log=None,
    ):
        self.seed = seed
        self.members = members
        self.scale = members / DEFAULT_MEMBERS
        self.password = password
        self.today = today or timezone.localdate()
        self.log = log or (lambda message: None)
        self.started = time.monotonic()
        self.counts: dict[str, int] = {}
        self.calendar = WorkingDays(CALENDAR_FROM, datetime.date(self.today.year + 2, 12, 31))
        self.tree = None
        self.lives = None
        # Per life (index into ``lives``): the (number, committee) of its decisions.
        self.decisions = None
        self.recognitions: dict[int, tuple[str, str]] = {}
        self.removals: dict[int, tuple[str, str]] = {}
        # Member pk -> pk of its REMOVAL event; person pk -> occupation group.
        self.removal_events: dict[int, int] = {}
        self.occupations: dict[int, str] = {}
        self.national_ids: set[str] = set()
        self._decision_counts: dict[tuple[int, int], int] = {}

    def rng(self, phase: str) -> random.Random:
        """One random stream per phase, so that a new phase leaves the others unchanged."""
        return random.Random(f"{self.seed}:{phase}")

    def run(self, *, reset: bool = False) -> None:
        """Write every phase; with ``reset``, delete the domain data first."""
        with bulk_load(list(self.COLUMNS)):
            if reset:
                reset_domain_data()
                self.say("reset: domain data and demo logins deleted")
            for phase in self.PHASES:
                getattr(self, f"phase_{phase}")()
        self._reset_sequences()
        self.say("indexes and foreign keys checked")
        for phase in self.FINAL_PHASES:
            getattr(self, f"phase_{phase}")()

    def say(self, message: str) -> None:
        self.log(f"[{time.monotonic() - self.started:6.1f} s] {message}")

    def write(self, model, rows) -> int:
        """Write ``rows`` (tuples of ``COLUMNS[model]``) to ``model``'s table; their count."""
        written = TableWriter(model, self.COLUMNS[model], BATCH_SIZE).write(rows)
        self.counts[model.__name__] = self.counts.get(model.__name__, 0) + written
        return written

    def next_pk(self, model) -> int:
        """The first free key of a table the seed writes (its keys are 1..n)."""
        return self.counts.get(model.__name__, 0) + 1

    def decision_number(self, committee, day: int) -> str:
        """The next decision number of ``committee`` (an ``Org``) in the year of ``day``."""
        key = (committee.pk, datetime.date.fromordinal(day).year)
        self._decision_counts[key] = self._decision_counts.get(key, 0) + 1
        return f"{self._decision_counts[key]}-QĐ/{committee.suffix}"

    # --- tree ----------------------------------------------------------------------------

    def phase_tree(self) -> None:
        self.tree = build_tree()
        self.write(Organization, self._organization_rows())
        self.write(OrganizationEvent, self._organization_event_rows())
        self.say(
            f"tree: {self.counts['Organization']:,} organizations, "
            f"{self.counts['OrganizationEvent']:,} restructuring events"
        )

    def _organization_rows(self):
        for o in self.tree.orgs:
            yield (
                o.pk,
                o.path,
                o.depth,
                len(o.children),
                o.code,
                o.name,
                o.kind,
                o.parent.kind if o.parent else "",
                o.sector,
                o.established_on,
                o.closed_on,
                o.closure,
                o.successor.pk if o.successor else None,
            )

    def _organization_event_rows(self):
        pk = 0
        for o in self.tree.orgs:
            pk += 1
            parent = o.former_parent or o.parent
            yield (
                pk,
                o.pk,
                OrganizationEventKind.ESTABLISHED,
                o.established_on,
                parent.pk if parent else None,
                "",
                o.name,
                "",
            )
        for org, kind, on, other, old, new, decision in self.tree.events:
            pk += 1
            yield (pk, org.pk, kind, on, other.pk if other else None, old, new, decision)

    # --- members ---------------------------------------------------------------------------

    def phase_members(self) -> None:
        self.build_lives()
        self.say(f"history: {len(self.lives):,} member lives simulated")
        self.write(Person, self.person_rows())
        self.write(Member, self._member_rows())
        self.say(f"members: {self.counts['Member']:,} people and members")
        self.write(MemberPlacement, self._placement_rows())
        self.write(Transfer, self._transfer_rows())
        self.write(MembershipEvent, self._event_rows())
        self.say(
            f"history: {self.counts['MemberPlacement']:,} placements, "
            f"{self.counts['Transfer']:,} transfers, "
            f"{self.counts['MembershipEvent']:,} membership events"
        )

    def build_lives(self) -> None:
        if self.tree is None:
            self.tree = build_tree()
        builder = HistoryBuilder(
            self.tree, self.rng("history"), self.members, self.today, self.calendar
        )
        lives = builder.build()
        lives.sort(key=lambda life: (life.days[0], life.admitted, life.birth))
        self.lives = lives
        self._number_decisions()

    def _number_decisions(self) -> None:
        """Decisions of admission, recognition and removal, numbered per deciding committee
        and year in date order. The deciding committee is the one under the province above
        the member's cell on that day (R5, R7, R12)."""
        admission, recognition, removal = 0, 1, 2
        items = []
        for i, life in enumerate(self.lives):
            if not life.external:
                items.append((life.admitted, admission, i))
                if life.official is not None:
                    items.append((life.recognized, recognition, i))
            if life.removal is not None:
                items.append((life.exit, removal, i))
        items.sort()
        self.decisions = [("", "")] * len(self.lives)
        for day, kind, i in items:
            life = self.lives[i]
            if kind == admission:
                committee = life.cells[0].upper_on(day)
            elif kind == recognition:
                committee = life.cell_on(day).upper_on(day)
            else:
                committee = life.cells[-1].upper_on(day)
            decision = (self.decision_number(committee, day), committee.committee_name)
            if kind == admission:
                self.decisions[i] = decision
            elif kind == recognition:
                self.recognitions[i] = decision
            else:
                self.removals[i] = decision

    def person_rows(self):
        """Unsaved ``Person`` rows, one per life, with keys 1..n."""
        rng = self.rng("people")
        today = self.today.toordinal()
        for pk, life in enumerate(self.lives, 1):
            until = life.exit if life.exit is not None else today
            yield self.person_row(
                rng,
                pk,
                female=life.female,
                birth=life.birth,
                home=life.home,
                cell=life.cells[-1],
                career=life.career,
                retired=until >= life.retire,
            )

    def person_row(self, rng, pk, *, female, birth, home, cell, career, retired, theory=None):
        """A ``Person`` row: a person from commune ``home`` whose (last) cell is ``cell``.

        Also used for candidates who are not members (``theory`` given: none yet). The
        national ID is unique among every person of the seed.
        """
        born = datetime.date.fromordinal(birth)
        ethnicity = people.ethnicity(rng, home.district.code)
        name, search_name = people.full_name(rng, female, birth, ethnicity)
        home_town = home if rng.random() < 0.7 else rng.choice(self.tree.communes)
        if cell.profile == VILLAGE and cell.commune is not None:
            village = cell.name.removeprefix("Chi bộ ")
            residence = f"{village}, {cell.commune.label}, tỉnh Vĩnh Phúc"
        else:
            residence = f"{home.label}, tỉnh Vĩnh Phúc"
        religion = people.religion(rng)
        national_id = people.national_id(rng, female, born, self.national_ids)
        education = people.general_education(rng, birth, career)
        qualification = people.qualification(rng, career)
        if theory is None:
            theory = people.political_theory(rng, career)
        occupation = people.occupation(rng, cell.profile, career, retired)
        self.occupations[pk] = occupation
        return (
            pk,
            name,
            search_name,
            "FEMALE" if female else "MALE",
            born,
            ethnicity,
            religion,
            national_id,
            f"{home_town.label}, tỉnh Vĩnh Phúc",
            residence,
            education,
            qualification,
            theory,
            occupation,
            True,
        )

    def _member_rows(self):
        date = datetime.date.fromordinal
        official = sorted(
            (life.official, pk) for pk, life in enumerate(self.lives, 1) if life.official
        )
        cards = {pk: f"{26_000_000 + n:08d}" for n, (_, pk) in enumerate(official, 1)}
        historical = HISTORICAL_BEFORE.toordinal()
        for pk, life in enumerate(self.lives, 1):
            if life.exit is None:
                status = (
                    MemberStatus.PROBATIONARY if life.official is None else MemberStatus.OFFICIAL
                )
            elif life.died:
                status = MemberStatus.DECEASED
            elif life.removal is not None:
                status = MemberStatus.REMOVED
            else:
                status = MemberStatus.TRANSFERRED_OUT
            number, committee = self.decisions[pk - 1]
            yield (
                pk,
                pk,
                status,
                life.cells[-1].pk,
                number,
                date(life.admitted),
                committee,
                date(life.ceremony),
                date(life.official) if life.official else None,
                life.admitted < historical,
                cards.get(pk, ""),
                date(life.exit) if life.exit is not None else None,
            )

    def _placement_rows(self):
        date = datetime.date.fromordinal
        pk = 0
        for member, life in enumerate(self.lives, 1):
            days = life.days
            last = len(days) - 1
            for i, cell in enumerate(life.cells):
                end = days[i + 1] if i < last else life.exit
                pk += 1
                yield (pk, member, cell.pk, date(days[i]), date(end) if end else None)

    def _transfers(self):
        """(member, life, stay index or None, kind) for every transfer, in key order.

        Stay index i > 0 is a move within the province into stay i; 0 is the arrival
        from another province; None is the departure from it.
        """
        for member, life in enumerate(self.lives, 1):
            if life.external:
                yield member, life, 0, TransferKind.IN_FROM_OUTSIDE
            for i in range(1, len(life.cells)):
                yield member, life, i, TransferKind.WITHIN
            if life.exit is not None and not life.died and life.removal is None:
                yield member, life, None, TransferKind.OUT_OF_PROVINCE

    def _transfer_rows(self):
        rng = self.rng("transfers")
        date = datetime.date.fromordinal
        for pk, (member, life, i, kind) in enumerate(self._transfers(), 1):
            if kind == TransferKind.WITHIN:
                yield (
                    pk,
                    member,
                    kind,
                    life.reasons[i],
                    date(life.days[i]),
                    life.cells[i - 1].pk,
                    life.cells[i].pk,
                    "",
                )
            elif kind == TransferKind.IN_FROM_OUTSIDE:
                outside = rng.choice(OUTSIDE_ORGANIZATIONS)
                yield (
                    pk,
                    member,
                    kind,
                    TransferReason.REQUEST,
                    date(life.days[0]),
                    None,
                    life.cells[0].pk,
                    outside,
                )
            else:
                outside = rng.choice(OUTSIDE_ORGANIZATIONS)
                yield (
                    pk,
                    member,
                    kind,
                    TransferReason.REQUEST,
                    date(life.exit),
                    life.cells[-1].pk,
                    None,
                    outside,
                )

    def _event_rows(self):
        """Admission, official recognition, transfers, removals and deaths, as the services
        write them (a removal's ``subkind`` is its form)."""
        date = datetime.date.fromordinal
        transfer_ids = {
            (member, i): pk for pk, (member, _, i, _) in enumerate(self._transfers(), 1)
        }
        pk = 0

        def event(
            member, kind, day, cell, decision=("", ""), external=False, transfer=None, subkind=""
        ):
            nonlocal pk
            pk += 1
            number, committee = decision
            return (
                pk,
                member,
                kind,
                subkind,
                date(day),
                cell.pk,
                number,
                committee,
                external,
                transfer,
                "",
            )

        for member, life in enumerate(self.lives, 1):
            i = member - 1
            cells, days = life.cells, life.days
            if life.external:
                yield event(
                    member,
                    EventKind.TRANSFER_IN,
                    days[0],
                    cells[0],
                    external=True,
                    transfer=transfer_ids[member, 0],
                )
            else:
                yield event(member, EventKind.ADMISSION, life.admitted, cells[0], self.decisions[i])
            for k in range(1, len(cells)):
                transfer = transfer_ids[member, k]
                yield event(
                    member, EventKind.TRANSFER_OUT, days[k], cells[k - 1], transfer=transfer
                )
                yield event(member, EventKind.TRANSFER_IN, days[k], cells[k], transfer=transfer)
            if life.official is not None and not life.external:
                yield event(
                    member,
                    EventKind.OFFICIAL_RECOGNITION,
                    life.official,
                    life.cell_on(life.recognized),
                    self.recognitions[i],
                )
            if life.exit is None:
                continue
            if life.died:
                yield event(member, EventKind.DEATH, life.exit, cells[-1])
            elif life.removal is not None:
                yield event(
                    member,
                    EventKind.REMOVAL,
                    life.exit,
                    cells[-1],
                    self.removals[i],
                    subkind=life.removal,
                )
                self.removal_events[member] = pk
            else:
                yield event(
                    member,
                    EventKind.TRANSFER_OUT,
                    life.exit,
                    cells[-1],
                    external=True,
                    transfer=transfer_ids[member, None],
                )

    # --- users -----------------------------------------------------------------------------

    def phase_users(self) -> None:
        User = get_user_model()
        # One hash for all demo accounts: they share a published password anyway, and
        # hashing five times would cost seconds.
        password = make_password(self.password)
        orgs = {o.code: o for o in Organization.objects.filter(code__in=[u[1] for u in DEMO_USERS])}
        for username, code, role, description in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.password = password
            user.first_name = description
            user.is_active = True
            user.is_superuser = user.is_staff = role is None
            user.save()
            if role is not None:
                StaffAssignment.objects.create(user=user, organization=orgs[code], role=role)
        self.counts["User (demo)"] = len(DEMO_USERS)
        self.counts["StaffAssignment"] = len(DEMO_USERS) - 1
        self.say(f"users: {len(DEMO_USERS)} demo logins")

    # --- writing ---------------------------------------------------------------------------

    def _reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.COLUMNS))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def demo_logins(password: str | None) -> list[str]:
    """Lines describing the demo logins that exist in the database."""
    User = get_user_model()
    existing = set(
        User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list(
            "username", flat=True
        )
    )
    names = dict(
        Organization.objects.filter(code__in=[u[1] for u in DEMO_USERS if u[1]]).values_list(
            "code", "name"
        )
    )
    shown = f'"{password}"' if password else f'given when seeding (default "{DEFAULT_PASSWORD}")'
    lines = [f"Demo logins, password {shown}:"]
    for username, code, role, _ in DEMO_USERS:
        if username not in existing:
            continue
        if role is None:
            scope = "superuser (Django admin)"
        else:
            scope = f"{StaffRole(role).label} – {names.get(code, code)}"
        lines.append(f"  {username:<9} {scope}")
    return lines
