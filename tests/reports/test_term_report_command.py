"""``manage.py term_report``: text and JSON on a small built province, the structure on a
date, a district's report, and the errors."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from evaluation.models import Grade, MemberRating, OrganizationRating
from members import services
from members.choices import OrganizationKind as K
from members.choices import Sector
from reports.models import Comparator, CongressTerm, Metric, TermTarget
from tests.factories import OrganizationFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _english():
    # The assertions read the English messages; the catalog's wording may change.
    with translation.override("en"):
        yield


@pytest.fixture
def term(tree, history, admin_user):
    """Term XVI over 2019-2021 with the article's kind of targets, ratings for 2020, and
    in 2020 a commune military cell dissolved and G3 merged into G1."""
    term = CongressTerm.objects.create(
        organization=tree.p, name="XVI", first_year=2019, last_year=2021
    )
    for metric, comparator, value in (
        (Metric.ADMISSIONS_PER_YEAR, Comparator.GTE, 2),
        (Metric.MEMBER_RATING_RATE, Comparator.GT, 60),
        (Metric.ORGANIZATION_RATING_RATE, Comparator.GTE, 95),
    ):
        TermTarget.objects.create(term=term, metric=metric, comparator=comparator, value=value)
    h = history
    for member, grade in ((h.a, Grade.GOOD), (h.b, Grade.EXCELLENT), (h.c, Grade.COMPLETED)):
        MemberRating.objects.create(member=member, year=2020, grade=grade, cell=tree.c1)
    for org, grade in ((tree.g1, Grade.GOOD), (tree.g2, Grade.GOOD), (tree.g3, Grade.COMPLETED)):
        OrganizationRating.objects.create(organization=org, year=2020, grade=grade)
    military = OrganizationFactory(
        parent=tree.g1, kind=K.CELL, sector=Sector.COMMUNE_MILITARY, established_on=D(2010, 1, 1)
    )
    services.organization_dissolve(organization=military, on=D(2020, 3, 1), actor=admin_user)
    services.organization_merge(source=tree.g3, target=tree.g1, on=D(2020, 6, 1), actor=admin_user)
    return term


def run(*args):
    out = StringIO()
    call_command("term_report", *args, stdout=out)
    return out.getvalue()


def test_text_report(term):
    lines = run("--term", "XVI").splitlines()

    assert lines[0] == "Report of congress term XVI (2019–2021): Đảng bộ tỉnh"
    table = [line.split() for line in lines[2:7]]
    assert table[0][0] == "Year"
    # year, admissions, quota, members good or better, organizations good or better,
    # members at the end of the year, removals
    assert table[1] == ["2019", "5", "—", "—", "—", "5", "0"]
    assert table[2] == ["2020", "0", "—", "66.7%", "66.7%", "5", "0"]
    assert table[3] == ["2021", "1", "—", "—", "—", "4", "1"]
    assert table[4] == ["Term", "6", "—", "66.7%", "66.7%", "1"]
    assert "Average admissions a year: 2" in lines
    assert "  Admissions per year >= 2: 2, met (met in 1 of 3 years)" in lines
    assert "  Members rated good or better (%) > 60%: 66.7%, met (met in 1 of 1 years)" in lines
    assert (
        "  Grassroots organizations rated good or better (%) >= 95%: 66.7%, not met "
        "(met in 0 of 1 years)" in lines
    )
    assert (
        "  01/01/2019: 2 upper committees, 3 grassroots organizations, 4 cells, 0 members" in lines
    )
    assert (
        "  31/12/2021: 2 upper committees, 2 grassroots organizations, 3 cells, 4 members" in lines
    )
    assert any("Dissolved: Party cell – Commune military cell: 1" in line for line in lines)
    assert "  01/06/2020: Đảng bộ phường Liên Bảo merged into Đảng bộ xã Đình Chu" in lines


def test_text_report_in_vietnamese_by_default(term):
    with translation.override("vi"):
        output = run("--term", "XVI")
        title = translation.gettext(
            "Report of congress term %(name)s (%(first)s–%(last)s): %(org)s"
        ) % {"name": "XVI", "first": 2019, "last": 2021, "org": "Đảng bộ tỉnh"}
    assert output.splitlines()[0] == title
    assert "01/01/2019" in output


def test_structure_on_a_date(term):
    output = run("--term", "XVI", "--on", "2020-10-08")
    assert (
        "  08/10/2020: 2 upper committees, 2 grassroots organizations, 3 cells, 5 members"
        in output.splitlines()
    )


def test_json_report(term):
    data = json.loads(run("--term", "XVI", "--format", "json", "--on", "2020-10-08"))

    assert data["term"] == {
        "name": "XVI",
        "organization": "P",
        "first_year": 2019,
        "last_year": 2021,
        "over": True,
    }
    assert [y["admissions"] for y in data["years"]] == [5, 0, 1]
    assert data["admissions_average"] == 2.0
    assert data["member_rating"] == {
        "good_or_better": 2,
        "rated": 3,
        "not_rated": 0,
        "rate": 66.67,
    }
    assert data["removals"] == {"STRUCK_OFF": 1}
    assert [(t["metric"], t["actual"], t["status"]) for t in data["targets"]] == [
        ("ADMISSIONS_PER_YEAR", 2.0, "MET"),
        ("MEMBER_RATING_RATE", 66.67, "MET"),
        ("ORGANIZATION_RATING_RATE", 66.67, "NOT_MET"),
    ]
    assert [s["date"] for s in data["structure"]] == ["2019-01-01", "2020-10-08", "2021-12-31"]
    assert {(r["event"], r["sector"], r["count"]) for r in data["restructurings"]} == {
        ("DISSOLVED", "COMMUNE_MILITARY", 1),
        ("MERGED_INTO", "WARD", 1),
    }
    assert data["mergers"] == [{"date": "2020-06-01", "organization": "G3", "into": "G1"}]


def test_report_of_a_district_uses_the_provinces_term(term):
    data = json.loads(run("--term", "XVI", "--org", "D1", "--format", "json"))

    assert data["organization"]["code"] == "D1"
    # C3 came under G1 with the merger: E's 2019 admission counts here now.
    assert [y["admissions"] for y in data["years"]] == [5, 0, 1]
    assert "ADMISSIONS_PER_YEAR" not in [t["metric"] for t in data["targets"]]


def test_unknown_term_or_organization(term):
    with pytest.raises(CommandError, match="No congress term XV"):
        run("--term", "XV")
    with pytest.raises(CommandError, match="NOPE"):
        run("--term", "XVI", "--org", "NOPE")
