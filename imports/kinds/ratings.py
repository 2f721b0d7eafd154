"""Import of members' yearly quality ratings, checked as a rating round checks them.

A rating belongs to the member's cell on 31 December of its year (as
``evaluation.services.rating_round_members``). R9: members admitted less than 6 months
before that date and members exempt during the year are NOT_RATED; NOT_RATED for another
reason needs a note; scores only in years rated on the 100-point scale. R10: after the
import, EXCELLENT may not exceed 20% of GOOD within each grassroots organization. R11: two
NOT_COMPLETED years in a row raise a screening flag, as the rating round does.
"""

import dataclasses
from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from evaluation import checks as evaluation_checks
from evaluation.models import (
    Exemption,
    FlagGround,
    Grade,
    MemberRating,
    NotRatedReason,
    ScreeningFlag,
)
from members.choices import GRASSROOTS_KINDS
from members.errors import DomainError
from members.models import Member, MemberPlacement, Organization
from members.search import normalize_search

from ..bulk import insert_rows
from ..fields import TEXT_FORMAT, Column, choice, integer, parse_national_id, text
from .base import NUMBER, Spec

FIELDS = ("grade", "score", "not_rated_reason", "note", "cell_id")


class RatingsSpec(Spec):
    kind = "ratings"
    sheet_title = gettext_lazy("Member ratings")
    columns = (
        NUMBER,
        Column(
            "national_id",
            gettext_lazy("National ID (CCCD)"),
            parse_national_id,
            required=True,
            width=16,
            number_format=TEXT_FORMAT,
            help=gettext_lazy("The 12 digits of the member's citizen identity card."),
        ),
        Column(
            "full_name",
            gettext_lazy("Full name"),
            text(120),
            width=28,
            help=gettext_lazy("Checked against the registry, to catch a mistyped national ID."),
        ),
        Column(
            "cell_code",
            gettext_lazy("Cell code"),
            text(32),
            width=12,
            number_format=TEXT_FORMAT,
            help=gettext_lazy(
                "Optional: the member's cell on 31/12 of the year, checked against the registry."
            ),
        ),
        Column(
            "year",
            gettext_lazy("Year"),
            integer(1930, 2100),
            required=True,
            width=8,
            hint=gettext_lazy("Whole number"),
            help=gettext_lazy("The year rated. A year that has not started cannot be rated."),
        ),
        Column(
            "grade",
            gettext_lazy("Grade"),
            choice(Grade),
            required=True,
            choices=Grade,
            width=30,
            help=gettext_lazy(
                "Choose from the list. Members admitted less than 6 months before 31/12 and "
                "members exempt during the year are “Not rated”."
            ),
        ),
        Column(
            "score",
            gettext_lazy("Score"),
            integer(0, 100),
            width=8,
            hint=gettext_lazy("Whole number"),
            help=gettext_lazy("0 to 100, only for years rated on the 100-point scale."),
        ),
        Column(
            "note",
            gettext_lazy("Note"),
            text(2000),
            width=30,
            help=gettext_lazy("Required for “Not rated” when the registry knows no reason."),
        ),
    )

    def processor(self, run):
        return RatingsProcessor(run)

    def example(self, cell_code, today):
        return {
            "number": str(_("Example")),
            "national_id": "026090001234",
            "full_name": "Nguyễn Văn An",
            "cell_code": cell_code,
            "year": today.year - 1,
            "grade": Grade.GOOD.label,
            "score": None,
            "note": "",
        }


@dataclasses.dataclass
class _Plan:
    row: object
    member: Member
    cell: Organization
    values: dict
    rating: MemberRating | None


class RatingsProcessor:
    def __init__(self, run):
        self.run = run
        self.seen: dict[tuple[int, int], int] = {}
        self._groups: dict[int, Organization | None] = {}
        # (group id, year) -> [excellent, good] added by the file (check pass).
        self.delta: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
        self.rows_of_group: dict[tuple[int, int], int] = {}
        self.not_completed: dict[int, set[int]] = defaultdict(set)

    def batch(self, rows):
        run = self.run
        rows = [row for row in rows if self._first_in_file(row)]
        members = {
            m.person.national_id: m
            for m in Member.objects.filter(
                person__national_id__in={r.values["national_id"] for r in rows}
            ).select_related("person")
        }
        years = {r.values["year"] for r in rows}
        ids = [m.pk for m in members.values()]
        cells, exempt = {}, set()
        for year in years:
            end = evaluation_checks.year_end(year)
            for p in (
                MemberPlacement.objects.covering(end)
                .filter(member_id__in=ids)
                .select_related("cell")
            ):
                cells[(p.member_id, year)] = p.cell
            exempt |= {
                (member_id, year)
                for member_id in Exemption.objects.overlapping_year(year)
                .filter(member_id__in=ids)
                .values_list("member_id", flat=True)
            }
        existing = {
            (r.member_id, r.year): r
            for r in MemberRating.objects.filter(member_id__in=ids, year__in=years)
        }
        self._load_groups(set(cells.values()))
        plans = []
        for row in rows:
            plan = self._plan(row, members, cells, exempt, existing)
            if plan is not None:
                plans.append(plan)
        if run.write and not run.has_errors:
            self._write(plans)

    def _first_in_file(self, row) -> bool:
        key = (int(row.values["national_id"]), row.values["year"])
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            self.run.error(
                row.number,
                "national_id",
                _("This member's rating for %(year)d is also on row %(row)d.")
                % {"year": key[1], "row": first},
            )
            return False
        return True

    def _plan(self, row, members, cells, exempt, existing) -> _Plan | None:
        run = self.run
        v = row.values
        year = v["year"]
        if year > run.today.year:
            run.error(row.number, "year", _("A year that has not started cannot be rated."))
            return None
        member = members.get(v["national_id"])
        if member is None:
            run.error(row.number, "national_id", _("No party member has this national ID."))
            return None
        name = v.get("full_name")
        if name and normalize_search(name) != member.person.search_name:
            run.error(
                row.number,
                "full_name",
                _("The registry has “%(name)s” for this national ID.")
                % {"name": member.person.full_name},
            )
            return None
        cell = cells.get((member.pk, year))
        if cell is None:
            run.error(
                row.number,
                "national_id",
                _("The member was not in a Party cell on 31/12/%(year)d.") % {"year": year},
            )
            return None
        if v.get("cell_code") and v["cell_code"] != cell.code:
            run.error(
                row.number,
                "cell_code",
                _("On 31/12/%(year)d the member was in %(cell)s (code %(code)s).")
                % {"year": year, "cell": cell.name, "code": cell.code},
            )
            return None
        if not run.may_write(cell):
            run.error(
                row.number,
                "national_id",
                _("The member's cell on 31/12/%(year)d (%(cell)s) is outside your scope.")
                % {"year": year, "cell": cell.name},
            )
            return None
        values = self._grade(row, member, (member.pk, year) in exempt)
        if values is None:
            return None
        values["cell_id"] = cell.pk
        rating = existing.get((member.pk, year))
        if rating is not None and all(getattr(rating, f) == values[f] for f in FIELDS):
            run.unchanged += 1
            return None
        self._count(cell, year, values["grade"], rating)
        if values["grade"] == Grade.NOT_COMPLETED:
            self.not_completed[year].add(member.pk)
        if rating is None:
            run.created += 1
        else:
            run.updated += 1
        return _Plan(row, member, cell, values, rating)

    def _grade(self, row, member, exempt) -> dict | None:
        """R9 and the score rule, as ``evaluation.services`` reads a rating round."""
        run = self.run
        v = row.values
        year, grade, score = v["year"], v["grade"], v.get("score")
        note = v.get("note") or ""
        reason = evaluation_checks.member_not_rated_reason(
            admission_decision_date=member.admission_decision_date, exempt=exempt, year=year
        )
        if reason and grade != Grade.NOT_RATED:
            run.error(
                row.number,
                "grade",
                _("%(name)s is not rated this year: %(reason)s.")
                % {"name": member.person.full_name, "reason": NotRatedReason(reason).label},
            )
            return None
        if grade == Grade.NOT_RATED and not reason:
            reason = NotRatedReason.OTHER
            if not note:
                run.error(row.number, "note", _("Give the reason for not rating in the note."))
                return None
        if score is not None and (
            grade == Grade.NOT_RATED or not evaluation_checks.rules_for_year(year).rating_scores
        ):
            run.error(
                row.number,
                "score",
                _("Scores are given only to rated rows in years rated on the 100-point scale."),
            )
            return None
        return {"grade": grade, "score": score, "not_rated_reason": reason, "note": note}

    # --- R10 ---------------------------------------------------------------------------

    def _load_groups(self, cells) -> None:
        """The organization each cell's EXCELLENT ratio is counted in (one query a batch)."""
        steplen = Organization.steplen
        todo = [c for c in cells if c.pk not in self._groups]
        prefixes = {c.path[:i] for c in todo for i in range(steplen, len(c.path) + 1, steplen)}
        grassroots = {
            o.path: o
            for o in Organization.objects.filter(path__in=prefixes, kind__in=GRASSROOTS_KINDS)
        }
        for cell in todo:
            found = None
            for i in range(len(cell.path), 0, -steplen):
                found = grassroots.get(cell.path[:i])
                if found is not None:
                    break
            self._groups[cell.pk] = found

    def _group(self, cell, year) -> Organization | None:
        if evaluation_checks.rules_for_year(year).excellent_ratio_grouping == "CELL":
            return cell
        return self._groups.get(cell.pk)

    def _count(self, cell, year, grade, old) -> None:
        group = self._group(cell, year)
        if group is None:
            return
        key = (group.pk, year)
        self.rows_of_group.setdefault(key, group)
        counts = self.delta[key]
        counts[0] += (grade == Grade.EXCELLENT) - (old is not None and old.grade == Grade.EXCELLENT)
        counts[1] += (grade == Grade.GOOD) - (old is not None and old.grade == Grade.GOOD)

    def finish(self):
        """R10 per organization and year, over the registry as it will be after the import."""
        run = self.run
        for (group_id, year), group in self.rows_of_group.items():
            counts = (
                MemberRating.objects.in_year(year)
                .in_subtree(group)
                .aggregate(
                    excellent=Count("pk", filter=Q(grade=Grade.EXCELLENT)),
                    good=Count("pk", filter=Q(grade=Grade.GOOD)),
                )
            )
            if not run.write:
                excellent, good = self.delta[(group_id, year)]
                counts["excellent"] += excellent
                counts["good"] += good
            try:
                evaluation_checks.check_excellent_ratio(**counts, year=year)
            except DomainError as error:
                run.error(
                    None,
                    "grade",
                    _("%(organization)s, %(year)d: %(problem)s")
                    % {"organization": group.name, "year": year, "problem": error.messages[0]},
                )
        if run.write and not run.has_errors:
            self._flag_not_completed_runs()

    def _flag_not_completed_runs(self) -> None:
        """R11, as ``evaluation.services`` does after a rating round; idempotent."""
        run = self.run
        for year, member_ids in self.not_completed.items():
            span = evaluation_checks.rules_for_year(year).not_completed_years_flag - 1
            years = defaultdict(set)
            for member_id, y in MemberRating.objects.filter(
                member_id__in=member_ids,
                grade=Grade.NOT_COMPLETED,
                year__range=(year - span, year + span),
            ).values_list("member_id", "year"):
                years[member_id].add(y)
            for member_id in member_ids:
                for end in evaluation_checks.not_completed_runs(years[member_id], year):
                    ScreeningFlag.objects.get_or_create(
                        member_id=member_id,
                        ground=FlagGround.NOT_COMPLETED_TWO_YEARS,
                        year=end,
                        defaults={"raised_on": run.today, "raised_by": run.actor},
                    )

    def _write(self, plans):
        run = self.run
        history = {"user": run.actor, "reason": run.reason, "date": run.now}
        insert_rows(
            MemberRating,
            [
                {
                    "member_id": p.member.pk,
                    "year": p.row.values["year"],
                    "rated_by_id": run.actor.pk if run.actor else None,
                    "rated_at": run.now,
                    **p.values,
                }
                for p in plans
                if p.rating is None
            ],
            history=history,
        )
        changed = []
        for p in plans:
            if p.rating is not None:
                for name, value in p.values.items():
                    setattr(p.rating, name, value)
                p.rating.rated_by, p.rating.rated_at = run.actor, run.now
                changed.append(p.rating)
        if changed:
            bulk_update_with_history(
                changed,
                MemberRating,
                [*(f.removesuffix("_id") for f in FIELDS), "rated_by", "rated_at"],
                batch_size=len(changed),
                default_user=run.actor,
                default_change_reason=run.reason,
                default_date=run.now,
            )
