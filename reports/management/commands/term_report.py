"""``manage.py term_report --term XVI [--org CODE] [--on DATE] [--format text|json]``.

The report of a congress term, computed by the application's report functions
(``reports.selectors.term_report_build``): each year's figures, the term's averages against
each target, the structure at the start and at the end of the term (and on ``--on``), and
the restructurings in the term. Text is in the active language (Vietnamese by default);
JSON has English keys and plain numbers.
"""

import datetime
import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from members.models import Organization
from reports.metrics import ancestor_paths
from reports.models import CongressTerm
from reports.selectors import TermReport, term_report_build


def _n(value, digits=0) -> str:
    if value is None:
        return "—"
    # number_format cuts the decimals off; round them first.
    rounded = round(Decimal(value), digits)
    return formats.number_format(rounded, digits, use_l10n=True, force_grouping=True)


def _pct(value) -> str:
    return "—" if value is None else f"{_n(value, 1)}%"


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _float(value, digits=2):
    return None if value is None else round(float(value), digits)


class Command(BaseCommand):
    help = (
        "Print the report of a congress term: yearly figures and averages against the "
        "targets, structure at the end of the term, restructurings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--term", required=True, help="The term's name, e.g. XVI.")
        parser.add_argument(
            "--org",
            metavar="CODE",
            help="Report on this organization's subtree (default: the root).",
        )
        parser.add_argument(
            "--on",
            type=datetime.date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="Also give the structure on this date (e.g. 2020-10-08).",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, term, org=None, on=None, format="text", **options):
        organization = self._organization(org)
        report = term_report_build(
            self._term(term, organization), organization, today=timezone.localdate(), on=on
        )
        if format == "json":
            self.stdout.write(json.dumps(self._json(report), ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(self._text(report)))

    def _organization(self, code) -> Organization:
        if code:
            org = Organization.objects.filter(code=code).first()
            if org is None:
                raise CommandError(_("No organization has the code %(code)s.") % {"code": code})
            return org
        org = Organization.objects.filter(depth=1).order_by("path").first()
        if org is None:
            raise CommandError(_("There is no organization yet."))
        return org

    def _term(self, name, organization) -> CongressTerm:
        """The term of that name of the organization or of its nearest ancestor."""
        terms = CongressTerm.objects.filter(
            name=name, organization__path__in=ancestor_paths(organization)
        ).select_related("organization")
        term = max(terms, key=lambda t: len(t.organization.path), default=None)
        if term is None:
            raise CommandError(
                _("No congress term %(name)s for %(org)s or above it.")
                % {"name": name, "org": organization.name}
            )
        return term

    def _text(self, r: TermReport) -> list[str]:
        lines = [
            _("Report of congress term %(name)s (%(first)s–%(last)s): %(org)s")
            % {
                "name": r.term.name,
                "first": r.term.first_year,
                "last": r.term.last_year,
                "org": r.organization.name,
            },
        ]
        if r.organization.pk != r.term.organization_id:
            lines.append(_("Targets of %(org)s.") % {"org": r.term.organization.name})
        if not r.is_over:
            lines.append(_("The term is in progress: the years so far."))
        header = [
            _("Year"),
            _("Admissions"),
            _("Quota"),
            _("Members good or better"),
            _("Grassroots organizations good or better"),
            _("Members at the end of the year"),
            _("Removals"),
        ]
        rows = [
            [
                str(y.year),
                _n(y.admitted),
                _n(y.quota),
                _pct(y.member_rating.rate),
                _pct(y.organization_rating.rate),
                _n(y.members),
                _n(y.removed),
            ]
            for y in r.years
        ]
        rows.append(
            [
                _("Term"),
                _n(r.admitted),
                _n(r.quota),
                _pct(r.member_rating.rate),
                _pct(r.organization_rating.rate),
                "",
                _n(r.removed),
            ]
        )
        lines += ["", *_table(header, rows)]
        lines.append(_("Average admissions a year: %(n)s") % {"n": _n(r.admissions_average)})

        lines += ["", _("Targets:")]
        for t in r.targets:
            actual = _pct(t.actual) if t.is_rate else _n(t.actual)
            unit = "%" if t.is_rate else ""
            lines.append(
                "  "
                + _(
                    "%(metric)s %(comparator)s %(value)s%(unit)s: %(actual)s, %(status)s "
                    "(met in %(met)s of %(counted)s years)"
                )
                % {
                    "metric": t.target.get_metric_display(),
                    "comparator": t.target.comparator,
                    "value": _n(t.target.value),
                    "unit": unit,
                    "actual": actual,
                    "status": t.status_label.lower(),
                    "met": t.years_met,
                    "counted": t.years_counted,
                }
            )

        lines += ["", _("Structure:")]
        for s in r.structures:
            lines.append(
                "  "
                + _(
                    "%(date)s: %(upper)s upper committees, %(grassroots)s grassroots "
                    "organizations, %(cells)s cells, %(members)s members"
                )
                % {
                    "date": _date(s.date),
                    "upper": _n(s.upper),
                    "grassroots": _n(s.grassroots),
                    "cells": _n(s.cells),
                    "members": _n(s.members),
                }
            )

        lines += ["", _("Restructuring in the term:")]
        if not r.restructurings:
            lines.append("  " + _("none recorded"))
        for c in r.restructurings:
            lines.append(f"  {c.event_label}: {c.kind_label} – {c.sector_label}: {_n(c.count)}")
        for e in r.mergers:
            lines.append(
                "  "
                + _("%(date)s: %(source)s merged into %(target)s")
                % {
                    "date": _date(e.date),
                    "source": e.organization.name,
                    "target": e.other.name if e.other else "—",
                }
            )
        return lines

    def _json(self, r: TermReport) -> dict:
        return {
            "term": {
                "name": r.term.name,
                "organization": r.term.organization.code,
                "first_year": r.term.first_year,
                "last_year": r.term.last_year,
                "over": r.is_over,
            },
            "organization": {"code": r.organization.code, "name": r.organization.name},
            "years": [
                {
                    "year": y.year,
                    "admissions": y.admitted,
                    "quota": y.quota,
                    "members_end": y.members,
                    "member_rating": _rating(y.member_rating),
                    "organization_rating": _rating(y.organization_rating),
                    "removals": y.removals,
                }
                for y in r.years
            ],
            "admissions_total": r.admitted,
            "admissions_average": _float(r.admissions_average),
            "member_rating": _rating(r.member_rating),
            "organization_rating": _rating(r.organization_rating),
            "removals": r.removals,
            "targets": [
                {
                    "metric": t.target.metric,
                    "comparator": t.target.comparator,
                    "value": _float(t.target.value),
                    "actual": _float(t.actual),
                    "status": t.status,
                    "years_met": t.years_met,
                    "years_counted": t.years_counted,
                }
                for t in r.targets
            ],
            "structure": [
                {
                    "date": s.date.isoformat(),
                    "upper_committees": s.upper,
                    "grassroots_organizations": s.grassroots,
                    "cells": s.cells,
                    "members": s.members,
                }
                for s in r.structures
            ],
            "restructurings": [
                {"event": c.event, "kind": c.kind, "sector": c.sector, "count": c.count}
                for c in r.restructurings
            ],
            "mergers": [
                {
                    "date": e.date.isoformat(),
                    "organization": e.organization.code,
                    "into": e.other.code if e.other else None,
                }
                for e in r.mergers
            ],
        }


def _rating(rate) -> dict:
    return {
        "good_or_better": rate.good_or_better,
        "rated": rate.rated,
        "not_rated": rate.not_rated,
        "rate": _float(rate.rate),
    }


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Plain-text columns: the first left-aligned, the others right-aligned."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells):
        first = str(cells[0]).ljust(widths[0])
        rest = [str(c).rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    return [line(header), *[line(row) for row in rows]]
