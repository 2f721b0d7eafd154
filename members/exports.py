"""The member registry as an .xlsx workbook (openpyxl, write-only: rows are streamed)."""

import io

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .choices import Ethnicity, Gender, MemberStatus, OccupationGroup, Religion
from .models import Organization

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"


def _with_parent_name(members):
    # The parent is found by the cell's path minus one step: an index lookup per row.
    cell_path = OuterRef("organization__path")
    parent = Organization.objects.filter(
        path=Substr(cell_path, 1, Length(cell_path) - Organization.steplen)
    ).values("name")[:1]
    return members.annotate(cell_parent=Subquery(parent))


def _labels(choices) -> dict[str, str]:
    # get_FOO_display() rebuilds and translates the whole choice list on every call;
    # over tens of thousands of rows that dominates the export.
    return {value: str(label) for value, label in choices}


def _columns():
    gender, ethnicity, religion = (
        _labels(Gender.choices),
        _labels(Ethnicity.choices),
        _labels(Religion.choices),
    )
    occupation, status = _labels(OccupationGroup.choices), _labels(MemberStatus.choices)
    return [
        (_("No."), 6, None),
        (_("Full name"), 28, lambda m: m.person.full_name),
        (_("Gender"), 8, lambda m: gender.get(m.person.gender, "")),
        (_("Date of birth"), 12, lambda m: m.person.date_of_birth),
        (_("Ethnicity"), 10, lambda m: ethnicity.get(m.person.ethnicity, "")),
        (_("Religion"), 12, lambda m: religion.get(m.person.religion, "")),
        (_("National ID (CCCD)"), 15, lambda m: m.person.national_id or ""),
        (_("Home town"), 24, lambda m: m.person.home_town),
        (_("Residence"), 24, lambda m: m.person.residence),
        (_("Occupation group"), 18, lambda m: occupation.get(m.person.occupation_group, "")),
        (_("Status"), 18, lambda m: status.get(m.status, "")),
        (_("Cell"), 28, lambda m: m.organization.name),
        (_("Parent organization"), 28, lambda m: m.cell_parent or ""),
        (_("Admission decision date"), 14, lambda m: m.admission_decision_date),
        (_("Admission decision number"), 16, lambda m: m.admission_decision_number),
        (_("Ceremony date"), 12, lambda m: m.ceremony_date),
        (_("Official membership date"), 14, lambda m: m.official_date),
        (_("Party card number"), 14, lambda m: m.party_card_number),
        (_("Ended on"), 12, lambda m: m.ended_on),
    ]


def members_xlsx(members) -> bytes:
    """A workbook of ``members`` (a scoped, filtered queryset) with Vietnamese headers."""
    columns = _columns()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Party members"))
    for index, (_title, width, _value) in enumerate(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "C2"
    bold = Font(bold=True)
    header = []
    for title, _width, _value in columns:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    rows = _with_parent_name(members).iterator(chunk_size=2000)
    for number, member in enumerate(rows, start=1):
        row = [number]
        for _title, _width, value in columns[1:]:
            v = value(member)
            if hasattr(v, "year"):
                cell = WriteOnlyCell(sheet, value=v)
                cell.number_format = DATE_FORMAT
                v = cell
            row.append(v)
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def members_xlsx_response(members) -> HttpResponse:
    response = HttpResponse(members_xlsx(members), content_type=XLSX)
    name = f"dang-vien-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
