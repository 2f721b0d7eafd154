"""The dashboard's tables and the term report as .xlsx workbooks (openpyxl).

Headers are translated in the request's language (Vietnamese by default). Each sheet
starts with a title line (organization and period), then the header row on line 3.
Rates are written as fractions with a percent format, so they stay numbers in Excel.
"""

import io

from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .metrics import RatingRate
from .selectors import Dashboard, TermReport, source_label, status_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = "0.0%"
DATE_FORMAT = "DD/MM/YYYY"
HEADER_ROW = 3
FILLS = {
    "MET": "C6EFCE",
    "ON_TRACK": "DDEBF7",
    "BEHIND": "FFEB9C",
    "NOT_MET": "FFC7CE",
}


def _fraction(value):
    return None if value is None else float(value) / 100


def _rate(rate: RatingRate):
    return _fraction(rate.rate)


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


class _Sheet:
    def __init__(self, workbook: Workbook, title: str, caption: str, columns):
        """``columns``: (header, width, number format or None)."""
        self.sheet = workbook.create_sheet(title[:31])
        self.columns = columns
        self.sheet.cell(row=1, column=1, value=caption).font = Font(bold=True, size=12)
        for i, (header, width, _fmt) in enumerate(columns, start=1):
            cell = self.sheet.cell(row=HEADER_ROW, column=i, value=str(header))
            cell.font = Font(bold=True)
            self.sheet.column_dimensions[get_column_letter(i)].width = width
        self.sheet.freeze_panes = self.sheet.cell(row=HEADER_ROW + 1, column=2)
        self.row = HEADER_ROW

    def append(self, values, *, bold=False, status=None):
        self.row += 1
        for i, (value, (_h, _w, fmt)) in enumerate(zip(values, self.columns, strict=True), 1):
            if isinstance(value, Promise):  # lazily translated labels
                value = str(value)
            cell = self.sheet.cell(row=self.row, column=i, value=value)
            if fmt and value is not None:
                cell.number_format = fmt
            if bold:
                cell.font = Font(bold=True)
        if status in FILLS:
            fill = PatternFill("solid", fgColor=FILLS[status])
            self.sheet.cell(row=self.row, column=len(values)).fill = fill


def _workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def dashboard_workbook(d: Dashboard) -> bytes:
    """Every table of the dashboard of ``d`` (a ``selectors.Dashboard``), one sheet each."""
    workbook = _workbook()
    caption = _("%(org)s, year %(year)s") % {"org": d.organization.name, "year": d.year}
    f = d.figures

    targets = _Sheet(
        workbook,
        _("Targets"),
        caption,
        [
            (_("Target"), 48, None),
            (_("Target value"), 14, None),
            (_("Actual"), 12, None),
            (_("Status"), 16, None),
        ],
    )
    for card in d.cards:
        actual = _fraction(card.actual) if card.is_rate else card.actual
        value = f"{card.target.comparator} {formats.number_format(card.target.value, 0)}"
        row = [card.target.get_metric_display(), value, actual, card.status_label]
        targets.append(row, status=card.status)
        if card.is_rate:
            targets.sheet.cell(row=targets.row, column=3).number_format = PERCENT
    pacing = f.pacing
    targets.append(
        [
            _("Admissions against the quota"),
            pacing.quota,
            f.admitted,
            status_label(pacing.status),
        ],
        status=pacing.status,
    )

    children = _Sheet(
        workbook,
        _("Subordinate organizations"),
        caption,
        [
            (_("Organization"), 44, None),
            (_("Quota"), 10, "#,##0"),
            (_("Admitted"), 10, "#,##0"),
            (_("Share of quota"), 11, PERCENT),
            (_("Members"), 11, "#,##0"),
            (_("Members good or better"), 14, PERCENT),
            (_("Grassroots organizations good or better"), 18, PERCENT),
            (_("Removals"), 10, "#,##0"),
            (_("Status"), 16, None),
        ],
    )
    for r in d.rows:
        c = r.figures
        children.append(
            [
                r.organization.name,
                c.quota,
                c.admitted,
                _fraction(c.pacing.fulfilment),
                c.members,
                _rate(c.member_rating),
                _rate(c.organization_rating),
                c.removed,
                status_label(r.status),
            ],
            status=r.status,
        )
    children.append(
        [
            _("Total"),
            f.quota,
            f.admitted,
            _fraction(pacing.fulfilment),
            f.members,
            _rate(f.member_rating),
            _rate(f.organization_rating),
            f.removed,
            status_label(pacing.status),
        ],
        bold=True,
    )

    years = _Sheet(
        workbook,
        _("By year"),
        d.organization.name,
        [
            (_("Year"), 8, None),
            (_("Admissions"), 12, "#,##0"),
            (_("Congress target") if d.own_term else _("Quota"), 14, "#,##0"),
            (_("Members good or better"), 14, PERCENT),
            (_("Target: members"), 12, None),
            (_("Grassroots organizations good or better"), 18, PERCENT),
            (_("Target: grassroots organizations"), 14, None),
            (_("Members at the end of the year"), 14, "#,##0"),
            (_("Removals"), 10, "#,##0"),
        ],
    )
    for row in d.year_rows:
        y = row["figures"]
        started = row["started"]
        mt, ot = row["member_target"], row["organization_target"]
        years.append(
            [
                y.year,
                y.admitted if started else None,
                row["admissions_line"],
                _rate(y.member_rating) if started else None,
                f"{mt.comparator} {formats.number_format(mt.value, 0)}%" if mt else None,
                _rate(y.organization_rating) if started else None,
                f"{ot.comparator} {formats.number_format(ot.value, 0)}%" if ot else None,
                y.members if started else None,
                y.removed if started else None,
            ]
        )

    funnel = _Sheet(
        workbook,
        _("Pipeline"),
        _("%(org)s, on %(date)s") % {"org": d.organization.name, "date": _date(d.reference_date)},
        [(_("Stage"), 36, None), (_("Candidacies"), 12, "#,##0")],
    )
    for _stage, label, count in d.funnel:
        funnel.append([str(label), count])

    makeup = _Sheet(
        workbook,
        _("New members"),
        caption,
        [(_("Group"), 36, None), (_("Number"), 10, "#,##0"), (_("Share"), 10, PERCENT)],
    )
    m = d.makeup

    def share(n):
        return n / m.total if m.total else None

    makeup.append([_("New members"), m.total, share(m.total)], bold=True)
    for label, n in (
        (_("Women"), m.women),
        (_("Ethnic minorities"), m.minorities),
        (_("Aged 30 or under"), m.aged_30_or_under),
    ):
        makeup.append([label, n, share(n)])
    for source, n in sorted(m.by_source.items(), key=lambda item: -item[1]):
        makeup.append([_("Source: %(group)s") % {"group": source_label(source)}, n, share(n)])
    return _save(workbook)


def term_workbook(r: TermReport) -> bytes:
    """The term report of ``r`` (a ``selectors.TermReport``)."""
    workbook = _workbook()
    caption = _("Term %(term)s (%(first)s-%(last)s), %(org)s") % {
        "term": r.term.name,
        "first": r.term.first_year,
        "last": r.term.last_year,
        "org": r.organization.name,
    }
    years = _Sheet(
        workbook,
        _("By year"),
        caption,
        [
            (_("Year"), 8, None),
            (_("Admissions"), 12, "#,##0"),
            (_("Quota"), 10, "#,##0"),
            (_("Members rated"), 12, "#,##0"),
            (_("Members good or better"), 14, PERCENT),
            (_("Members not rated"), 12, "#,##0"),
            (_("Grassroots organizations rated"), 14, "#,##0"),
            (_("Grassroots organizations good or better"), 18, PERCENT),
            (_("Members at the end of the year"), 14, "#,##0"),
            (_("Removals"), 10, "#,##0"),
        ],
    )
    for y in r.years:
        years.append(
            [
                y.year,
                y.admitted,
                y.quota,
                y.member_rating.rated,
                _rate(y.member_rating),
                y.member_rating.not_rated,
                y.organization_rating.rated,
                _rate(y.organization_rating),
                y.members,
                y.removed,
            ]
        )
    years.append(
        [
            _("Term"),
            r.admitted,
            r.quota,
            r.member_rating.rated,
            _rate(r.member_rating),
            r.member_rating.not_rated,
            r.organization_rating.rated,
            _rate(r.organization_rating),
            None,
            r.removed,
        ],
        bold=True,
    )
    if r.admissions_average is not None:
        years.append([_("Average a year"), float(r.admissions_average)] + [None] * 8, bold=True)
        years.sheet.cell(row=years.row, column=2).number_format = "#,##0"

    targets = _Sheet(
        workbook,
        _("Targets"),
        caption,
        [
            (_("Target"), 48, None),
            (_("Target value"), 14, None),
            (_("Term result"), 14, None),
            (_("Years met"), 12, None),
            (_("Status"), 16, None),
        ],
    )
    for t in r.targets:
        actual = _fraction(t.actual) if t.is_rate else (t.actual and float(t.actual))
        targets.append(
            [
                t.target.get_metric_display(),
                f"{t.target.comparator} {formats.number_format(t.target.value, 0)}",
                actual,
                f"{t.years_met}/{t.years_counted}",
                t.status_label,
            ],
            status=t.status,
        )
        targets.sheet.cell(row=targets.row, column=3).number_format = (
            PERCENT if t.is_rate else "#,##0"
        )

    structure = _Sheet(
        workbook,
        _("Structure"),
        caption,
        [
            (_("Date"), 12, DATE_FORMAT),
            (_("Upper committees"), 14, "#,##0"),
            (_("Grassroots organizations"), 14, "#,##0"),
            (_("Cells"), 10, "#,##0"),
            (_("Members"), 12, "#,##0"),
        ],
    )
    for s in r.structures:
        structure.append([s.date, s.upper, s.grassroots, s.cells, s.members])

    changes = _Sheet(
        workbook,
        _("Restructuring"),
        caption,
        [
            (_("Change"), 36, None),
            (_("Kind"), 36, None),
            (_("Sector"), 30, None),
            (_("Number"), 10, "#,##0"),
        ],
    )
    for c in r.restructurings:
        changes.append([str(c.event_label), str(c.kind_label), str(c.sector_label), c.count])
    for e in r.mergers:
        changes.append(
            [
                _("Merged on %(date)s") % {"date": _date(e.date)},
                e.organization.name,
                _("into %(name)s") % {"name": e.other.name if e.other else "—"},
                1,
            ]
        )
    return _save(workbook)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    filename = f"{name}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
