"""The .xlsx templates staff fill in: one data sheet, the explanations, the lists and cells.

The data sheet has the column titles, an example row (skipped on import: its "No." is
"Example"), list validations on coded columns with the interface's labels, and date and
text formats on the columns (so that a CCCD keeps its leading zeros). Built with openpyxl
in normal mode: data validations and column styles need it, and a template is small.
"""

import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from members.forms import parent_names, writable_cells
from members.models import Organization

from .fields import DATE_FORMAT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows of the data sheet that get the list validations.
TEMPLATE_ROWS = 5000
# Above this many cells the cell-code list is not a validation (Excel slows down).
MAX_CELL_LIST = 5000

_HEADER_FILL = PatternFill("solid", fgColor="FCE4D6")
_REQUIRED_FONT = Font(bold=True, color="C00000")
_BOLD = Font(bold=True)
_EXAMPLE_FONT = Font(italic=True, color="808080")
_WRAP = Alignment(wrap_text=True, vertical="top")


def template_filename(spec) -> str:
    return f"mau-nhap-{spec.kind}.xlsx"


def template_workbook(spec, *, user, today: datetime.date) -> bytes:
    """The template of ``spec`` for ``user``: the cells sheet lists their writable cells."""
    cells = _cells(user)
    workbook = Workbook()
    data = workbook.active
    data.title = str(spec.sheet_title)
    explain = workbook.create_sheet(_("Instructions"))
    lists = workbook.create_sheet(_("Lists"))
    cell_sheet = workbook.create_sheet(_("Cells"))

    ranges = _write_lists(lists, spec)
    cell_range = _write_cells(cell_sheet, cells)
    example = spec.example(cells[0][0] if cells else "CB001", today)

    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        header = data.cell(row=1, column=index, value=column.title())
        header.font = _REQUIRED_FONT if column.required else _BOLD
        header.fill = _HEADER_FILL
        header.alignment = Alignment(wrap_text=True, vertical="center")
        data.column_dimensions[letter].width = column.width
        value = example.get(column.key)
        cell = data.cell(row=2, column=index, value=_plain(value))
        cell.font = _EXAMPLE_FONT
        if column.number_format:
            # A column style: Excel applies it to what staff type in, so a CCCD stays text.
            cell.number_format = column.number_format
            data.column_dimensions[letter].number_format = column.number_format
        source = ranges.get(column.key) or (cell_range if column.key == "cell_code" else None)
        if source:
            _validate(data, f"{letter}2:{letter}{TEMPLATE_ROWS + 1}", source)
    data.row_dimensions[1].height = 32
    data.freeze_panes = "C2"
    _write_explanations(explain, spec)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _plain(value):
    if value is None:
        return None
    if isinstance(value, datetime.date | int):
        return value
    return str(value)


def _validate(sheet, cells: str, source: str) -> None:
    validation = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Value not in the list"),
        error=_("Choose a value from the list."),
    )
    validation.add(cells)
    sheet.add_data_validation(validation)


def _write_lists(sheet, spec) -> dict[str, str]:
    """One column per coded column of ``spec``; returns the key -> range for validations."""
    ranges = {}
    index = 0
    for column in spec.columns:
        if column.choices is None:
            continue
        index += 1
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=str(column.label)).font = _BOLD
        labels = [str(label) for _value, label in column.choices.choices]
        for row, label in enumerate(labels, start=2):
            sheet.cell(row=row, column=index, value=label)
        sheet.column_dimensions[letter].width = max(14, *(len(x) for x in labels)) + 2
        ranges[column.key] = (
            f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${len(labels) + 1}"
        )
    if index:
        bool_column = index + 1
        letter = get_column_letter(bool_column)
        sheet.cell(row=1, column=bool_column, value=_("Yes") + " / " + _("No")).font = _BOLD
        sheet.cell(row=2, column=bool_column, value=_("Yes"))
        sheet.cell(row=3, column=bool_column, value=_("No"))
        yes_no = f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}$3"
        for column in spec.columns:
            if column.key in ("is_historical_record", "is_youth_union_member", "has_youth_union"):
                ranges[column.key] = yes_no
    return ranges


def _cells(user) -> list[tuple[str, str, str]]:
    """(code, name, parent name) of the active cells the user may write in."""
    rows = list(writable_cells(user).order_by("path").values_list("code", "name", "path"))
    names = parent_names(path for _code, _name, path in rows)
    steplen = Organization.steplen
    return [(code, name, names.get(path[:-steplen], "")) for code, name, path in rows]


def _write_cells(sheet, cells) -> str | None:
    titles = (_("Cell code"), _("Cell"), _("Parent organization"))
    for index, (title, width) in enumerate(zip(titles, (14, 40, 40), strict=True), start=1):
        sheet.cell(row=1, column=index, value=title).font = _BOLD
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row, values in enumerate(cells, start=2):
        for index, value in enumerate(values, start=1):
            sheet.cell(row=row, column=index, value=value)
    sheet.freeze_panes = "A2"
    if not cells or len(cells) > MAX_CELL_LIST:
        return None
    return f"{quote_sheetname(sheet.title)}!$A$2:$A${len(cells) + 1}"


def _write_explanations(sheet, spec) -> None:
    lines = [
        _("How to fill in this workbook"),
        _(
            "Enter one row per person in the sheet “%(sheet)s”, below the column titles. Do "
            "not rename the sheet or the titles, do not merge cells, do not use formulas."
        )
        % {"sheet": spec.sheet_title},
        _(
            "Columns marked * are required. Dates: an Excel date or text written dd/mm/yyyy "
            "(e.g. 08/10/2020). Coded columns: choose from the list (sheet “%(lists)s”)."
        )
        % {"lists": _("Lists")},
        _(
            "Organizations are named by their code: the sheet “%(cells)s” lists the cells you "
            "may import into."
        )
        % {"cells": _("Cells")},
        _(
            "The example row (“%(example)s” in the first column) is skipped; you may delete it. "
            "Importing the same file again changes nothing; a corrected file updates the rows "
            "with the same national ID."
        )
        % {"example": _("Example")},
    ]
    for row, line in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=line)
        cell.alignment = _WRAP
        if row == 1:
            cell.font = Font(bold=True, size=13)
    start = len(lines) + 2
    titles = (_("Column"), _("Required"), _("Explanation"), _("Format"))
    for index, title in enumerate(titles, start=1):
        cell = sheet.cell(row=start, column=index, value=title)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    for offset, column in enumerate(spec.columns, start=1):
        row = start + offset
        sheet.cell(row=row, column=1, value=str(column.label)).font = _BOLD
        sheet.cell(row=row, column=2, value=_("Yes") if column.required else "")
        sheet.cell(row=row, column=3, value=str(column.help)).alignment = _WRAP
        sheet.cell(row=row, column=4, value=_format_hint(column)).alignment = _WRAP
    for letter, width in zip("ABCD", (28, 10, 70, 30), strict=True):
        sheet.column_dimensions[letter].width = width


def _format_hint(column) -> str:
    if column.hint:
        return str(column.hint)
    if column.parse is None:
        return ""
    if column.number_format == DATE_FORMAT:
        return _("Date (dd/mm/yyyy)")
    if column.choices is not None:
        return _("From the list (sheet “%(lists)s”)") % {"lists": _("Lists")}
    if column.key in ("is_historical_record", "is_youth_union_member", "has_youth_union"):
        return _("Yes") + " / " + _("No")
    if column.key == "national_id":
        return _("12 digits, as text")
    return _("Text")
