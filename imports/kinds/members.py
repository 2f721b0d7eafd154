"""Import of party members entered from the records, with their placement and admission.

A new member is written the way ``members.services.member_register`` writes one: the
person, the member, a placement in the cell from the date they joined it (by default the
admission decision date) and an ADMISSION event on the decision date, or, when they joined
the cell later than the admission, a TRANSFER_IN event on that date, so reconciliation
holds for every year. A member already in the registry (same national ID) is updated:
personal data and the admission record; status, cell and admission date change only
through the member's page (recognition, transfer, removal), never by import.
"""

import dataclasses
import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.choices import (
    ACTIVE_STATUSES,
    CELL_KINDS,
    Ethnicity,
    EventKind,
    Gender,
    GeneralEducation,
    MemberStatus,
    OccupationGroup,
    PoliticalTheory,
    Qualification,
    Religion,
)
from members.models import Member, MemberPlacement, MembershipEvent, Organization, Person
from members.rules import add_months, full_months_between, rules_on
from recruitment.models import Candidacy

from ..bulk import insert_rows
from ..fields import DATE_FORMAT, TEXT_FORMAT, Column, choice, parse_bool, parse_date, text
from .base import (
    NUMBER,
    PERSON_COLUMNS,
    Spec,
    apply_changes,
    d,
    person_changes,
    person_row,
    person_rule_problems,
    same_text,
)

MEMBER_TEXT = ("admission_decision_number", "admission_committee", "party_card_number")
MEMBER_EDITABLE = (*MEMBER_TEXT, "ceremony_date", "official_date", "is_historical_record")


def _member_verbose(name):
    from django.utils.text import capfirst

    return capfirst(Member._meta.get_field(name).verbose_name)


class MembersSpec(Spec):
    kind = "members"
    sheet_title = gettext_lazy("Party members")
    columns = (
        NUMBER,
        *PERSON_COLUMNS,
        Column(
            "cell_code",
            gettext_lazy("Cell code"),
            text(32),
            required=True,
            width=12,
            number_format=TEXT_FORMAT,
            help=gettext_lazy(
                "The code of the Party cell the member belongs to (see the sheet of cells). "
                "It must be an active cell in your scope."
            ),
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            choice(MemberStatus),
            required=True,
            choices=MemberStatus,
            width=20,
            help=gettext_lazy("A new member is probationary or official."),
        ),
        Column(
            "admission_decision_date",
            gettext_lazy("Admission decision date"),
            parse_date,
            required=True,
            width=14,
            number_format=DATE_FORMAT,
            help=gettext_lazy("The member was at least 18 years old on this date."),
        ),
        Column(
            "admission_decision_number",
            gettext_lazy("Admission decision number"),
            text(64),
            width=16,
        ),
        Column("admission_committee", _member_verbose("admission_committee"), text(255), width=22),
        Column(
            "ceremony_date",
            gettext_lazy("Ceremony date"),
            parse_date,
            width=13,
            number_format=DATE_FORMAT,
            help=gettext_lazy("Required unless the row is a historical record."),
        ),
        Column(
            "official_date",
            gettext_lazy("Official membership date"),
            parse_date,
            width=14,
            number_format=DATE_FORMAT,
            help=gettext_lazy(
                "For official members: exactly 12 months after the ceremony, unless the row "
                "is a historical record. Empty for probationary members."
            ),
        ),
        Column(
            "is_historical_record",
            _member_verbose("is_historical_record"),
            parse_bool,
            width=10,
            help=gettext_lazy(
                "“Có” for old paper records whose dates may not follow today's rules; "
                "empty means “Không”."
            ),
        ),
        Column(
            "party_card_number",
            gettext_lazy("Party card number"),
            text(16),
            width=14,
            number_format=TEXT_FORMAT,
        ),
        Column(
            "placed_on",
            gettext_lazy("Joined the cell on"),
            parse_date,
            width=13,
            number_format=DATE_FORMAT,
            help=gettext_lazy(
                "When the member joined this cell, if later than the admission decision "
                "(e.g. admitted elsewhere). Empty means the admission decision date."
            ),
        ),
    )
    # Columns of the member export (members/exports.py), so that an export comes back in.
    extra_columns = (
        Column("cell_name", gettext_lazy("Cell"), text(255)),
        Column("parent_name", gettext_lazy("Parent organization"), text(255)),
        Column("ended_on", gettext_lazy("Ended on"), None),
    )

    def header_problems(self, present):
        # The member export names the cell (and its parent) instead of giving its code.
        if "cell_name" in present:
            present = present | {"cell_code"}
        return super().header_problems(present)

    def processor(self, run):
        return MembersProcessor(run)

    def example(self, cell_code, today):
        admitted = add_months(today, -36)
        ceremony = admitted + datetime.timedelta(days=14)
        return {
            "number": str(_("Example")),
            "full_name": "Nguyễn Văn An",
            "gender": Gender.MALE.label,
            "date_of_birth": add_months(today, -12 * 35),
            "national_id": "026090001234",
            "ethnicity": Ethnicity.KINH.label,
            "religion": Religion.NONE.label,
            "home_town": "Xã Đình Chu, huyện Lập Thạch, tỉnh Vĩnh Phúc",
            "residence": "Thôn Phấn Kiến, xã Đình Chu",
            "general_education": GeneralEducation.UPPER_SECONDARY.label,
            "professional_qualification": Qualification.BACHELOR.label,
            "political_theory": PoliticalTheory.ELEMENTARY.label,
            "occupation_group": OccupationGroup.CIVIL_SERVANT.label,
            "cell_code": cell_code,
            "status": MemberStatus.OFFICIAL.label,
            "admission_decision_date": admitted,
            "admission_decision_number": "125-QĐ/HU",
            "admission_committee": "Huyện ủy Lập Thạch",
            "ceremony_date": ceremony,
            "official_date": add_months(ceremony, 12),
            "is_historical_record": _("No"),
        }


@dataclasses.dataclass
class _Plan:
    row: object
    person: Person | None  # None: a new person, built from the row when writing
    person_changes: dict
    member: Member | None = None
    member_changes: dict = dataclasses.field(default_factory=dict)
    cell: Organization | None = None
    new_member: dict | None = None
    placed_on: object = None


class MembersProcessor:
    def __init__(self, run):
        self.run = run
        self.seen_ids: dict[int, int] = {}
        self.seen_cards: dict[str, int] = {}
        self._named_cells: dict[tuple[str, str], list[Organization]] = {}

    # --- checks ------------------------------------------------------------------------

    def batch(self, rows):
        run = self.run
        rows = [row for row in rows if self._first_in_file(row)]
        cells = self._cells(rows)
        people = {
            p.national_id: p
            for p in Person.objects.filter(
                national_id__in=[r.values["national_id"] for r in rows]
            ).select_related("member__organization")
        }
        candidates = dict(
            Candidacy.objects.open()
            .filter(person__in=[p for p in people.values() if not _member_of(p)])
            .values_list("person_id", "cell__name")
        )
        cards = dict(
            Member.objects.filter(
                party_card_number__in=[
                    r.values.get("party_card_number")
                    for r in rows
                    if r.values.get("party_card_number")
                ]
            ).values_list("party_card_number", "person__national_id")
        )
        plans = []
        for row in rows:
            person = people.get(row.values["national_id"])
            plan = self._plan(row, cells.get(row.number), person, candidates, cards)
            if plan is not None:
                plans.append(plan)
        if run.write and not run.has_errors:
            self._write(plans)

    def finish(self):
        return None

    def _first_in_file(self, row) -> bool:
        values = row.values
        key = int(values["national_id"])
        first = self.seen_ids.setdefault(key, row.number)
        ok = True
        if first != row.number:
            self.run.error(
                row.number,
                "national_id",
                _("The national ID %(id)s is also on row %(row)d.")
                % {"id": values["national_id"], "row": first},
            )
            ok = False
        card = values.get("party_card_number")
        if card:
            first = self.seen_cards.setdefault(card, row.number)
            if first != row.number:
                self.run.error(
                    row.number,
                    "party_card_number",
                    _("The party card number %(card)s is also on row %(row)d.")
                    % {"card": card, "row": first},
                )
                ok = False
        return ok

    def _cells(self, rows) -> dict[int, Organization]:
        """Row number -> the row's cell; rows whose cell cannot be used are reported."""
        run = self.run
        found = {}
        with_code = [r for r in rows if r.values.get("cell_code")]
        by_code = run.cells_by_code({r.values["cell_code"] for r in with_code})
        for row in rows:
            code = row.values.get("cell_code")
            if code:
                cell = by_code[code]
                if cell is None:
                    run.error(
                        row.number,
                        "cell_code",
                        _("No organization has the code “%(code)s”.") % {"code": code},
                    )
                    continue
                found[row.number] = cell
            elif row.values.get("cell_name"):
                cell = self._cell_by_name(row)
                if cell is not None:
                    found[row.number] = cell
            else:
                run.error(row.number, self._cell_key(), _("Required: this cell cannot be empty."))
        return found

    def _cell_by_name(self, row) -> Organization | None:
        """A cell named as in the member export: its name and its parent's name."""
        run = self.run
        name = row.values["cell_name"]
        parent = row.values.get("parent_name") or ""
        key = (name, parent)
        if key not in self._named_cells:
            candidates = list(Organization.objects.filter(name=name, kind__in=CELL_KINDS))
            steplen = Organization.steplen
            parents = dict(
                Organization.objects.filter(
                    path__in={c.path[:-steplen] for c in candidates}
                ).values_list("path", "name")
            )
            matching = [
                c
                for c in candidates
                if not parent or same_text(parents.get(c.path[:-steplen], ""), parent)
            ]
            if len(matching) > 1:
                matching = [c for c in matching if run.may_write(c)] or matching
            self._named_cells[key] = matching
        matching = self._named_cells[key]
        if len(matching) == 1:
            return matching[0]
        if not matching:
            message = _("No Party cell is named “%(name)s”.") % {"name": name}
        else:
            message = _("Several Party cells are named “%(name)s”: give the cell code.") % {
                "name": name
            }
        run.error(row.number, "cell_name", message)
        return None

    def _plan(self, row, cell, person, candidates, cards) -> _Plan | None:
        """The row's outcome, or None with every problem of the row reported.

        ``cell`` is None when the row's cell could not be found (already reported); the
        row's other rules are still checked so that one upload lists all its problems.
        """
        values = row.values
        problems = []
        card = values.get("party_card_number")
        if card and cards.get(card, values["national_id"]) != values["national_id"]:
            problems.append(
                ("party_card_number", _("Another member already has this party card number."))
            )
        member = _member_of(person)
        if member is not None:
            return self._plan_existing(row, cell, person, member, problems)
        if person is not None and person.pk in candidates:
            problems.append(
                (
                    "national_id",
                    _(
                        "This person is a candidate of %(cell)s in the admission pipeline: "
                        "admit them there instead of importing them."
                    )
                    % {"cell": candidates[person.pk]},
                )
            )
        return self._plan_new(row, cell, person, problems)

    def _cell_key(self) -> str:
        return "cell_code" if "cell_code" in self.run.columns else "cell_name"

    def _plan_existing(self, row, cell, person, member, problems) -> _Plan | None:
        run = self.run
        values = row.values
        if not run.may_write(member.organization):
            problems.append(
                (
                    "national_id",
                    _(
                        "A party member with this national ID belongs to an organization "
                        "outside your scope."
                    ),
                )
            )
            self._report(row, problems)
            return None
        if cell is not None and member.organization_id != cell.pk:
            problems.append(
                (
                    self._cell_key(),
                    _(
                        "The registry has this member in “%(cell)s”: a move to another cell is "
                        "recorded as a transfer on the member's page, not by import."
                    )
                    % {"cell": member.organization.name},
                )
            )
        if values["status"] != member.status:
            problems.append(
                (
                    "status",
                    _(
                        "The registry has this member as “%(status)s”: a change of status is "
                        "recorded on the member's page, not by import."
                    )
                    % {"status": member.get_status_display()},
                )
            )
        if values["admission_decision_date"] != member.admission_decision_date:
            problems.append(
                (
                    "admission_decision_date",
                    _(
                        "The registry has the admission decision of %(date)s; this date is not "
                        "changed by import."
                    )
                    % {"date": d(member.admission_decision_date)},
                )
            )
        if self._report(row, problems) or cell is None:
            return None
        changes = person_changes(person, values)
        member_changes = _member_changes(member, values)
        if not changes and not member_changes:
            run.unchanged += 1
            return None
        effective = {
            "date_of_birth": person.date_of_birth,
            "status": member.status,
            "admission_decision_date": member.admission_decision_date,
            **{k: getattr(member, k) for k in MEMBER_EDITABLE},
            **changes,
            **member_changes,
        }
        if self._report(row, _rule_problems(effective, run.today)):
            return None
        run.updated += 1
        return _Plan(row, person, changes, member=member, member_changes=member_changes)

    def _plan_new(self, row, cell, person, problems) -> _Plan | None:
        run = self.run
        values = row.values
        if cell is not None:
            problem = run.cell_problem(cell, cell.code)
            if problem:
                problems.append((self._cell_key(), problem))
        if values["status"] not in ACTIVE_STATUSES:
            problems.append(("status", _("A new member must be probationary or official.")))
        member_fields = {k: _member_value(k, values.get(k)) for k in MEMBER_EDITABLE}
        placed_on = values.get("placed_on") or values["admission_decision_date"]
        effective = {
            "date_of_birth": values["date_of_birth"],
            "status": values["status"],
            "admission_decision_date": values["admission_decision_date"],
            "placed_on": placed_on,
            **member_fields,
        }
        problems += _rule_problems(effective, run.today)
        if cell is not None and not problems and not cell.is_active_on(placed_on):
            problems.append(
                (
                    "placed_on" if values.get("placed_on") else "admission_decision_date",
                    _("The cell “%(code)s” was not active on %(date)s, when the member joined it.")
                    % {"code": cell.code, "date": d(placed_on)},
                )
            )
        if self._report(row, problems) or cell is None:
            return None
        # A new person is built only when writing: the check pass keeps no objects.
        changes = person_changes(person, values) if person is not None else {}
        run.created += 1
        return _Plan(
            row,
            person,
            changes,
            cell=cell,
            new_member={
                "status": values["status"],
                "admission_decision_date": values["admission_decision_date"],
                **member_fields,
            },
            placed_on=placed_on,
        )

    def _report(self, row, problems) -> bool:
        for key, message in problems:
            self.run.error(row.number, key, message)
        return bool(problems)

    # --- writing -----------------------------------------------------------------------

    def _write(self, plans):
        run = self.run
        history = {"user": run.actor, "reason": run.reason, "date": run.now}
        fresh = [p for p in plans if p.person is None]
        ids = insert_rows(Person, [person_row(p.row.values) for p in fresh], history=history)
        person_ids = {id(p): pk for p, pk in zip(fresh, ids, strict=True)}
        apply_changes(
            [p for p in plans if p.person_changes],
            "person",
            "person_changes",
            Person,
            history,
        )
        created = [p for p in plans if p.new_member is not None]
        members = [
            {
                "person_id": person_ids.get(id(p)) or p.person.pk,
                "organization_id": p.cell.pk,
                **p.new_member,
            }
            for p in created
        ]
        member_ids = insert_rows(Member, members, history=history)
        placements = [
            {"member_id": pk, "cell_id": p.cell.pk, "start_on": p.placed_on}
            for p, pk in zip(created, member_ids, strict=True)
        ]
        insert_rows(MemberPlacement, placements, history=history)
        insert_rows(
            MembershipEvent,
            [_first_event(pk, p, run) for p, pk in zip(created, member_ids, strict=True)],
        )
        apply_changes(
            [p for p in plans if p.member_changes],
            "member",
            "member_changes",
            Member,
            history,
        )


def _first_event(member_id: int, plan: _Plan, run) -> dict:
    """As ``member_register``: an admission where they were admitted, else a transfer in."""
    admission = plan.new_member
    row = {
        "member_id": member_id,
        "organization_id": plan.cell.pk,
        "actor_id": run.actor.pk if run.actor else None,
        "created_at": run.now,
        "subkind": "",
        "transfer_id": None,
    }
    if plan.placed_on == admission["admission_decision_date"]:
        return {
            **row,
            "kind": EventKind.ADMISSION,
            "date": admission["admission_decision_date"],
            "decision_number": admission["admission_decision_number"],
            "issuing_committee": admission["admission_committee"],
            "is_external": False,
            "note": "",
        }
    return {
        **row,
        "kind": EventKind.TRANSFER_IN,
        "date": plan.placed_on,
        "decision_number": "",
        "issuing_committee": "",
        "is_external": True,
        "note": _("Registered from earlier records"),
    }


def _member_of(person: Person | None) -> Member | None:
    if person is None:
        return None
    try:
        return person.member
    except Member.DoesNotExist:
        return None


def _member_value(key, value):
    if value is None:
        if key == "is_historical_record":
            return False
        return "" if key in MEMBER_TEXT else None
    return value


def _member_changes(member: Member, values: dict) -> dict:
    changes = {}
    for key in MEMBER_EDITABLE:
        if key not in values:
            continue
        new = _member_value(key, values[key])
        current = getattr(member, key)
        if key in MEMBER_TEXT:
            if not same_text(current, new):
                changes[key] = new
        elif current != new:
            changes[key] = new
    return changes


def _rule_problems(v: dict, today) -> list[tuple[str, str]]:
    """The rules a member's record must meet (as the member forms check them).

    R1 (Điều lệ Đảng, Điều 1): fully 18, counted in months, on the admission decision date.
    R6/R7 (Điều lệ Đảng, Điều 5): official from the exact end of 12 months' probation after
    the ceremony, unless the record is historical.
    """
    problems = person_rule_problems(v, today)
    born = v.get("date_of_birth")
    admitted = v["admission_decision_date"]
    ceremony = v.get("ceremony_date")
    official = v.get("official_date")
    historical = v.get("is_historical_record")
    status = v["status"]
    if admitted > today:
        problems.append(
            ("admission_decision_date", _("The admission decision date is in the future."))
        )
    elif born and admitted <= born:
        problems.append(
            (
                "admission_decision_date",
                _("The admission date must be after the date of birth."),
            )
        )
    elif born:
        minimum = rules_on(admitted).min_admission_age_months
        months = full_months_between(born, admitted)
        if months < minimum:
            problems.append(
                (
                    "admission_decision_date",
                    _(
                        "On the admission decision date the member was %(years)s full years "
                        "old; the minimum is %(minimum)s full years."
                    )
                    % {"years": months // 12, "minimum": minimum // 12},
                )
            )
    if ceremony:
        if ceremony < admitted:
            problems.append(
                (
                    "ceremony_date",
                    _("The ceremony cannot be before the admission decision (%(date)s).")
                    % {"date": d(admitted)},
                )
            )
        elif ceremony > today:
            problems.append(("ceremony_date", _("The ceremony date is in the future.")))
    elif not historical:
        problems.append(
            (
                "ceremony_date",
                _("Enter the admission ceremony date, or mark the row as a historical record."),
            )
        )
    if status == MemberStatus.PROBATIONARY and official:
        problems.append(
            ("official_date", _("A probationary member has no official membership date yet."))
        )
    elif status == MemberStatus.OFFICIAL and not official and not historical:
        problems.append(("official_date", _("Enter the official membership date.")))
    elif official and official > today:
        problems.append(
            (
                "official_date",
                _(
                    "The official membership date is in the future; the member is still "
                    "probationary."
                ),
            )
        )
    elif official and official < admitted:
        problems.append(
            (
                "official_date",
                _("The official date cannot be before the admission decision (%(date)s).")
                % {"date": d(admitted)},
            )
        )
    elif official and ceremony and not historical:
        expected = add_months(ceremony, rules_on(ceremony).probation_months)
        if official != expected:
            problems.append(
                (
                    "official_date",
                    _(
                        "The official date must be exactly 12 months after the ceremony: "
                        "%(date)s (mark the row as a historical record for old records that "
                        "differ)."
                    )
                    % {"date": d(expected)},
                )
            )
    placed_on = v.get("placed_on")
    if placed_on and placed_on != admitted:
        if placed_on < admitted:
            problems.append(
                (
                    "placed_on",
                    _("The member cannot join the cell before the admission decision."),
                )
            )
        elif placed_on > today:
            problems.append(("placed_on", _("The date cannot be in the future.")))
    return problems
