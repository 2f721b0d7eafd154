"""Import of candidates (quần chúng ưu tú): a candidacy at stage SOURCED per row.

Written as ``recruitment.services.candidacy_create`` writes one: the person (new or found
by national ID), the candidacy and its SOURCED event. A person's open candidacy is updated
by a corrected file: its descriptive data, and its cell and Youth Union data only before
the cell's resolution (as ``candidacy_update``). Active members cannot be candidates;
former members only if re-admission is still possible (R14).
"""

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.choices import Ethnicity, Gender
from members.models import Member, Organization, Person
from members.rules import add_months
from recruitment import checks as recruitment_checks
from recruitment.choices import BEFORE_RESOLUTION_STAGES, SourceGroup, Stage
from recruitment.models import Candidacy, CandidacyEvent

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

DESCRIPTIVE = ("source_group", "note")
BEFORE_RESOLUTION = ("is_youth_union_member", "has_youth_union")
DEFAULTS = {
    "source_group": SourceGroup.OTHER,
    "note": "",
    "is_youth_union_member": False,
    "has_youth_union": True,
}


class CandidaciesSpec(Spec):
    kind = "candidacies"
    sheet_title = gettext_lazy("Candidates")
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
                "The code of the Party cell that follows the candidate (see the sheet of "
                "cells). It must be an active cell in your scope."
            ),
        ),
        Column(
            "source_group",
            gettext_lazy("Source group"),
            choice(SourceGroup),
            choices=SourceGroup,
            width=20,
            help=gettext_lazy("Choose from the list; empty means “Other”."),
        ),
        Column(
            "sourced_on",
            gettext_lazy("Sourced on"),
            parse_date,
            required=True,
            width=13,
            number_format=DATE_FORMAT,
            help=gettext_lazy("The date the cell started following the candidate."),
        ),
        Column(
            "is_youth_union_member",
            gettext_lazy("Youth Union member"),
            parse_bool,
            width=10,
            help=gettext_lazy("“Có” or “Không”; empty means “Không”."),
        ),
        Column(
            "has_youth_union",
            gettext_lazy("Youth Union organization at the place"),
            parse_bool,
            width=12,
            help=gettext_lazy(
                "Whether the workplace or residence has a grassroots Youth Union organization "
                "(decides who may introduce the candidate); empty means “Có”."
            ),
        ),
        Column("note", gettext_lazy("Note"), text(2000), width=30),
    )

    def processor(self, run):
        return CandidaciesProcessor(run)

    def example(self, cell_code, today):
        return {
            "number": str(_("Example")),
            "full_name": "Trần Thị Bình",
            "gender": Gender.FEMALE.label,
            "date_of_birth": add_months(today, -12 * 24),
            "national_id": "026199004321",
            "ethnicity": Ethnicity.KINH.label,
            "home_town": "Xã Đình Chu, huyện Lập Thạch, tỉnh Vĩnh Phúc",
            "residence": "Thôn Phấn Kiến, xã Đình Chu",
            "cell_code": cell_code,
            "source_group": SourceGroup.TEACHER.label,
            "sourced_on": add_months(today, -2),
            "is_youth_union_member": _("Yes"),
            "has_youth_union": _("Yes"),
            "note": "",
        }


@dataclasses.dataclass
class _Plan:
    row: object
    person: Person | None  # None: a new person, built from the row when writing
    person_changes: dict
    cell: Organization
    candidacy: Candidacy | None = None
    candidacy_changes: dict = dataclasses.field(default_factory=dict)


def _value(key, values):
    value = values.get(key)
    return DEFAULTS[key] if value is None else value


class CandidaciesProcessor:
    def __init__(self, run):
        self.run = run
        self.seen_ids: dict[int, int] = {}

    def batch(self, rows):
        run = self.run
        rows = [row for row in rows if self._first_in_file(row)]
        cells = run.cells_by_code({r.values["cell_code"] for r in rows})
        people = {
            p.national_id: p
            for p in Person.objects.filter(national_id__in=[r.values["national_id"] for r in rows])
        }
        members = {m.person_id: m for m in Member.objects.filter(person__in=people.values())}
        open_candidacies = {
            c.person_id: c
            for c in Candidacy.objects.open()
            .filter(person__in=people.values())
            .select_related("cell")
        }
        plans = []
        for row in rows:
            cell = cells[row.values["cell_code"]]
            if cell is None:
                run.error(
                    row.number,
                    "cell_code",
                    _("No organization has the code “%(code)s”.")
                    % {"code": row.values["cell_code"]},
                )
                continue
            person = people.get(row.values["national_id"])
            plan = self._plan(
                row,
                cell,
                person,
                members.get(person.pk) if person else None,
                open_candidacies.get(person.pk) if person else None,
            )
            if plan is not None:
                plans.append(plan)
        if run.write and not run.has_errors:
            self._write(plans)

    def finish(self):
        return None

    def _first_in_file(self, row) -> bool:
        national_id = row.values["national_id"]
        first = self.seen_ids.setdefault(int(national_id), row.number)
        if first != row.number:
            self.run.error(
                row.number,
                "national_id",
                _("The national ID %(id)s is also on row %(row)d.")
                % {"id": national_id, "row": first},
            )
            return False
        return True

    def _plan(self, row, cell, person, member, candidacy) -> _Plan | None:
        run = self.run
        values = row.values
        problems = person_rule_problems(values, run.today)
        sourced_on = values["sourced_on"]
        if sourced_on > run.today:
            problems.append(("sourced_on", _("The date cannot be in the future.")))
        elif values["date_of_birth"] and sourced_on < values["date_of_birth"]:
            problems.append(("sourced_on", _("The date is before the person's date of birth.")))
        if candidacy is not None:
            return self._plan_existing(row, cell, person, candidacy, problems)
        cell_problem = run.cell_problem(cell, cell.code)
        if cell_problem:
            problems.append(("cell_code", cell_problem))
        elif not cell.is_active_on(sourced_on):
            problems.append(
                (
                    "sourced_on",
                    _("The cell “%(code)s” was not active on %(date)s.")
                    % {"code": cell.code, "date": d(sourced_on)},
                )
            )
        if member is not None:
            for message in recruitment_checks.check_readmission(
                member=member, on=sourced_on
            ).values():
                problems.append(("national_id", message))
        if self._report(row, problems):
            return None
        changes = person_changes(person, values) if person is not None else {}
        run.created += 1
        return _Plan(row, person, changes, cell)

    def _plan_existing(self, row, cell, person, candidacy, problems) -> _Plan | None:
        run = self.run
        values = row.values
        if not run.may_write(candidacy.cell):
            problems.append(
                (
                    "national_id",
                    _(
                        "This person is a candidate of an organization outside your scope "
                        "(%(cell)s)."
                    )
                    % {"cell": candidacy.cell.name},
                )
            )
            self._report(row, problems)
            return None
        if values["sourced_on"] != candidacy.sourced_on:
            problems.append(
                (
                    "sourced_on",
                    _(
                        "This person already has an open candidacy, sourced on %(date)s; that "
                        "date is not changed by import."
                    )
                    % {"date": d(candidacy.sourced_on)},
                )
            )
        changes = {
            key: _value(key, values)
            for key in (*DESCRIPTIVE, *BEFORE_RESOLUTION)
            if key in values and not _same(getattr(candidacy, key), _value(key, values))
        }
        if cell.pk != candidacy.cell_id:
            changes["cell"] = cell
            cell_problem = run.cell_problem(cell, cell.code)
            if cell_problem:
                problems.append(("cell_code", cell_problem))
        restricted = changes.keys() & {"cell", *BEFORE_RESOLUTION}
        if restricted and candidacy.stage not in BEFORE_RESOLUTION_STAGES:
            problems.append(
                (
                    "cell_code" if "cell" in restricted else sorted(restricted)[0],
                    _(
                        "The candidacy is at the stage “%(stage)s”: its cell and Youth Union "
                        "data can no longer change."
                    )
                    % {"stage": candidacy.get_stage_display()},
                )
            )
        if self._report(row, problems):
            return None
        person_fields = person_changes(person, values)
        if not changes and not person_fields:
            run.unchanged += 1
            return None
        run.updated += 1
        return _Plan(row, person, person_fields, cell, candidacy, changes)

    def _report(self, row, problems) -> bool:
        for key, message in problems:
            self.run.error(row.number, key, message)
        return bool(problems)

    def _write(self, plans):
        run = self.run
        history = {"user": run.actor, "reason": run.reason, "date": run.now}
        fresh = [p for p in plans if p.person is None]
        ids = insert_rows(Person, [person_row(p.row.values) for p in fresh], history=history)
        person_ids = {id(p): pk for p, pk in zip(fresh, ids, strict=True)}
        apply_changes(
            [p for p in plans if p.person_changes], "person", "person_changes", Person, history
        )
        new = [p for p in plans if p.candidacy is None]
        candidacy_ids = insert_rows(
            Candidacy,
            [
                {
                    "person_id": person_ids.get(id(p)) or p.person.pk,
                    "cell_id": p.cell.pk,
                    "stage": Stage.SOURCED,
                    "sourced_on": p.row.values["sourced_on"],
                    "created_at": run.now,
                    **{key: _value(key, p.row.values) for key in DEFAULTS},
                }
                for p in new
            ],
            history=history,
        )
        insert_rows(
            CandidacyEvent,
            [
                {
                    "candidacy_id": pk,
                    "stage": Stage.SOURCED,
                    "date": p.row.values["sourced_on"],
                    "note": _value("note", p.row.values),
                    "actor_id": run.actor.pk if run.actor else None,
                    "created_at": run.now,
                }
                for p, pk in zip(new, candidacy_ids, strict=True)
            ],
        )
        apply_changes(
            [p for p in plans if p.candidacy is not None and p.candidacy_changes],
            "candidacy",
            "candidacy_changes",
            Candidacy,
            history,
        )


def _same(current, new) -> bool:
    if isinstance(current, str):
        return same_text(current, new)
    return current == new
