"""The .xlsx templates: titles, example row, list validations, explanations, cells."""

import datetime
import io

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from imports.kinds import spec_for
from imports.models import ImportStatus
from imports.workbooks import template_workbook
from members.choices import Ethnicity
from members.models import Member

from .sheets import confirm, upload


def _template(kind, user):
    with translation.override("vi"):
        data = template_workbook(spec_for(kind), user=user, today=timezone.localdate())
    return data, load_workbook(io.BytesIO(data))


def test_members_template_has_titles_example_lists_and_explanations(district_staff, tree):
    _data, book = _template("members", district_staff)
    with translation.override("vi"):
        spec = spec_for("members")
        titles = [c.title() for c in spec.columns]
        sheets = [str(spec.sheet_title), "Instructions", "Lists", "Cells"]
        sheets = [str(spec.sheet_title), *(translation.gettext(s) for s in sheets[1:])]
        example = translation.gettext("Example")
        labels = [str(c.label) for c in spec.columns]
        ethnicities = [str(label) for _v, label in Ethnicity.choices]
    assert book.sheetnames == sheets
    data = book[sheets[0]]
    assert [c.value for c in data[1]] == titles
    assert data["A2"].value == example
    assert data["N2"].value == "C1"  # the first cell the user may write in
    assert data["D2"].is_date
    sources = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    # Gender, ethnicity, religion, three education levels, occupation, cell, status, and
    # the yes/no of historical records.
    assert len(sources) == 10
    assert sources["C2:C5001"].endswith("!$A$2:$A$3")  # gender: two values
    assert sources["N2:N5001"] == f"'{sheets[3]}'!$A$2:$A$4"  # the user's three cells
    lists = book[sheets[2]]
    column = sources["F2:F5001"].split("!")[1].split(":")[0].replace("$", "")[0]
    assert [c.value for c in lists[column][1:]] == ethnicities
    assert len(ethnicities) == 54
    explained = [c.value for c in book[sheets[1]]["A"]]
    assert all(text in explained for text in labels)
    cells = [r for r in book[sheets[3]].iter_rows(min_row=2, values_only=True)]
    assert [code for code, _name, _parent in cells] == ["C1", "C2", "G2"]


@pytest.mark.parametrize("kind", ["candidacies", "ratings"])
def test_other_templates_have_their_sheet_and_example(district_staff, tree, kind):
    _data, book = _template(kind, district_staff)
    with translation.override("vi"):
        assert book.sheetnames[0] == str(spec_for(kind).sheet_title)
        assert book.worksheets[0]["A2"].value == translation.gettext("Example")


def test_a_filled_template_imports_and_its_example_row_is_skipped(district_staff, tree):
    data, book = _template("members", district_staff)
    sheet = book.worksheets[0]
    example = [c.value for c in sheet[2]]
    row = list(example)
    row[0], row[1], row[4] = 1, "Vũ Thị Mẫu", "026090000777"
    sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    job = upload(district_staff, "members", buffer.getvalue())
    assert (job.status, job.to_create) == (ImportStatus.READY, 1), job.errors
    confirm(job, district_staff)
    member = Member.objects.get()
    assert member.person.full_name == "Vũ Thị Mẫu"
    assert member.person.date_of_birth == example[3].date()
    assert isinstance(member.admission_decision_date, datetime.date)
