"""Rating round pages: a cell rating its members, a committee rating its grassroots
organizations, the live counts (htmx partials) and the entry page with the progress.

Each view: the happy path, the outsider 404, the read-only leader 403 on writes, GET on
the POST-only partials 405; the round is saved all-or-nothing and R10 refuses it with
the numbers while keeping the staff's choices.
"""

import datetime

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Grade, MemberRating, NotRatedReason, OrganizationRating
from members.choices import OrganizationKind as K
from tests.evaluation.conftest import YEAR
from tests.factories import OrganizationFactory, PersonFactory

D = datetime.date
INDEX = reverse("evaluation:index")
# The R10 message of evaluation.checks, in Vietnamese.
R10_MESSAGE = "vượt quá"


def round_url(cell, year=YEAR):
    return reverse("evaluation:member_round", args=[cell.pk, year])


def counts_url(cell, year=YEAR):
    return reverse("evaluation:member_round_counts", args=[cell.pk, year])


def org_round_url(org, year=YEAR):
    return reverse("evaluation:organization_round", args=[org.pk, year])


def org_counts_url(org, year=YEAR):
    return reverse("evaluation:organization_round_counts", args=[org.pk, year])


def post_data(grades: dict, **extra) -> dict:
    """Form data of a round: ``{obj: grade}`` or ``{obj: (grade, score, note)}``."""
    data = {}
    for obj, value in grades.items():
        grade, score, note = value if isinstance(value, tuple) else (value, None, "")
        data[f"grade_{obj.pk}"] = grade
        data[f"note_{obj.pk}"] = note
        if score is not None:
            data[f"score_{obj.pk}"] = score
    return data | extra


def saved():
    return dict(MemberRating.objects.values_list("member_id", "grade"))


@pytest.fixture
def cell_members(tree, make_members):
    return make_members(tree.c1, 5)


# --- member round: reading -------------------------------------------------------------


def test_round_page_lists_members_with_not_rated_reasons(client, tree, make_member, cell_staff):
    rated = make_member(tree.c1, person=PersonFactory(full_name="Trần Thị Bình"))
    recent = make_member(tree.c1, admitted=D(YEAR, 8, 1))
    client.force_login(cell_staff)

    response = client.get(round_url(tree.c1))

    assert response.status_code == 200
    lines = {line.pk: line for line in response.context["rows"]}
    assert set(lines) == {rated.pk, recent.pk}
    assert lines[recent.pk].reason == NotRatedReason.ADMITTED_RECENTLY.label
    assert f'name="grade_{rated.pk}"' in response.text
    assert f'name="grade_{recent.pk}"' not in response.text
    assert "Kết nạp chưa đủ 6 tháng" in response.text
    # The live counts post the whole form to the partial with htmx.
    assert f'hx-post="{counts_url(tree.c1)}"' in response.text


def test_saved_ratings_are_preselected(client, tree, cell_members, rate, cell_staff):
    first = cell_members[0]
    rate(tree.c1, {first: Grade.GOOD})
    client.force_login(cell_staff)

    response = client.get(round_url(tree.c1))

    assert response.context["form"][f"grade_{first.pk}"].value() == Grade.GOOD
    assert '<option value="GOOD" selected>' in response.text


def test_scores_are_asked_in_years_of_the_100_point_scale(client, tree, cell_members, cell_staff):
    client.force_login(cell_staff)
    member = cell_members[0]

    assert f'name="score_{member.pk}"' not in client.get(round_url(tree.c1, 2024)).text
    assert f'name="score_{member.pk}"' in client.get(round_url(tree.c1, 2025)).text


@pytest.mark.parametrize("size", [5, 40])
def test_round_page_queries_do_not_grow_with_members(
    client, tree, make_members, rate, cell_staff, django_assert_max_num_queries, size
):
    members = make_members(tree.c1, size)
    rate(tree.c1, dict.fromkeys(members[: size // 2], Grade.GOOD), year=YEAR - 1)
    rate(tree.c1, dict.fromkeys(members[: size // 2], Grade.GOOD))
    client.force_login(cell_staff)

    with django_assert_max_num_queries(12):
        response = client.get(round_url(tree.c1))
    assert len(response.context["rows"]) == size

    with django_assert_max_num_queries(9):
        client.post(counts_url(tree.c1), post_data(dict.fromkeys(members, Grade.GOOD)))


def test_round_of_a_year_not_started_is_404(client, tree, cell_staff):
    client.force_login(cell_staff)
    next_year = datetime.date.today().year + 1

    assert client.get(round_url(tree.c1, next_year)).status_code == 404


def test_round_of_an_organization_that_is_not_a_cell_is_404(client, tree, district_staff):
    client.force_login(district_staff)

    assert client.get(round_url(tree.g1)).status_code == 404
    assert client.get(round_url(tree.g2)).status_code == 200  # a grassroots cell


# --- member round: saving --------------------------------------------------------------


def test_round_saves_every_row_in_one_post(client, tree, cell_members, cell_staff):
    grades = dict.fromkeys(cell_members, Grade.GOOD) | {cell_members[0]: Grade.COMPLETED}
    client.force_login(cell_staff)

    response = client.post(round_url(tree.c1), post_data(grades))

    assert response.status_code == 302
    assert response.url == round_url(tree.c1)
    assert saved() == {m.pk: g for m, g in grades.items()}
    assert set(MemberRating.objects.values_list("rated_by", flat=True)) == {cell_staff.pk}
    assert "alert-success" in client.get(response.url).text


def test_rows_left_without_grade_keep_what_they_had(client, tree, cell_members, rate, cell_staff):
    first, second = cell_members[:2]
    rate(tree.c1, {first: Grade.COMPLETED})
    client.force_login(cell_staff)

    client.post(round_url(tree.c1), post_data({first: "", second: Grade.GOOD}))

    assert saved() == {first.pk: Grade.COMPLETED, second.pk: Grade.GOOD}


def test_r10_refuses_the_save_with_the_numbers_and_keeps_the_choices(
    client, tree, cell_members, cell_staff
):
    # 2 excellent beside 3 good: at most int(3 × 20%) = 0 excellent.
    grades = dict.fromkeys(cell_members[:2], Grade.EXCELLENT) | dict.fromkeys(
        cell_members[2:], Grade.GOOD
    )
    client.force_login(cell_staff)

    response = client.post(round_url(tree.c1), post_data(grades))

    assert response.status_code == 200
    assert MemberRating.objects.count() == 0
    errors = response.context["form"].non_field_errors()
    assert errors == [
        "Số được xếp loại hoàn thành xuất sắc nhiệm vụ (2) vượt quá 20% số được xếp loại "
        "hoàn thành tốt nhiệm vụ (3): tối đa 0."
    ]
    top = response.text.index('id="round-errors"')
    assert top < response.text.index('id="round-table"')
    assert errors[0] in response.text
    form = response.context["form"]
    assert {m.pk: form[f"grade_{m.pk}"].value() for m in cell_members} == {
        m.pk: g for m, g in grades.items()
    }


def test_r10_counts_the_whole_grassroots_organization(client, tree, make_members, rate, cell_staff):
    # C2 already has 5 good; C1 may then rate one excellent (20% of 5 + its own good).
    rate(tree.c2, dict.fromkeys(make_members(tree.c2, 5), Grade.GOOD))
    here = make_members(tree.c1, 2)
    client.force_login(cell_staff)

    response = client.post(
        round_url(tree.c1), post_data({here[0]: Grade.EXCELLENT, here[1]: Grade.GOOD})
    )

    assert response.status_code == 302
    assert MemberRating.objects.filter(grade=Grade.EXCELLENT).count() == 1


def test_round_save_is_all_or_nothing(client, tree, cell_members, cell_staff):
    # One row breaks a rule (NOT_RATED without its reason): no row is saved.
    odd = cell_members[-1]
    grades = dict.fromkeys(cell_members, Grade.GOOD) | {odd: Grade.NOT_RATED}
    client.force_login(cell_staff)

    response = client.post(round_url(tree.c1), post_data(grades))

    assert response.status_code == 200
    assert MemberRating.objects.count() == 0
    assert response.context["form"].errors == {
        f"note_{odd.pk}": ["Ghi lý do không xếp loại vào phần ghi chú."]
    }
    assert "is-invalid" in response.text


def test_grade_for_a_member_not_to_rate_is_ignored_by_the_form(
    client, tree, make_member, cell_staff
):
    settled = make_member(tree.c1)
    recent = make_member(tree.c1, admitted=D(YEAR, 8, 1))
    client.force_login(cell_staff)

    client.post(round_url(tree.c1), post_data({settled: Grade.GOOD, recent: Grade.EXCELLENT}))

    assert saved() == {settled.pk: Grade.GOOD, recent.pk: Grade.NOT_RATED}


def test_correction_keeps_history(client, tree, cell_members, rate, cell_staff):
    member = cell_members[0]
    rate(tree.c1, {member: Grade.GOOD})
    client.force_login(cell_staff)

    client.post(round_url(tree.c1), post_data({member: Grade.COMPLETED}))

    rating = MemberRating.objects.get(member=member)
    assert rating.grade == Grade.COMPLETED
    assert [h.grade for h in rating.history.order_by("history_date")] == [
        Grade.GOOD,
        Grade.COMPLETED,
    ]


def test_score_saved_and_checked_in_a_scored_year(client, tree, cell_members, cell_staff):
    member = cell_members[0]
    client.force_login(cell_staff)

    response = client.post(round_url(tree.c1, 2025), post_data({member: (Grade.GOOD, 101, "")}))
    assert response.status_code == 200
    assert f"score_{member.pk}" in response.context["form"].errors

    client.post(round_url(tree.c1, 2025), post_data({member: (Grade.GOOD, 87, "")}))
    assert MemberRating.objects.get(member=member, year=2025).score == 87


# --- member round: scope ---------------------------------------------------------------


def test_outsider_gets_404_on_the_round(client, tree, cell_members, outsider):
    client.force_login(outsider)
    data = post_data(dict.fromkeys(cell_members, Grade.GOOD))

    assert client.get(round_url(tree.c1)).status_code == 404
    assert client.post(round_url(tree.c1), data).status_code == 404
    assert client.post(counts_url(tree.c1), data).status_code == 404
    assert MemberRating.objects.count() == 0


def test_leader_reads_the_round_but_cannot_save(client, tree, cell_members, leader):
    client.force_login(leader)

    response = client.get(round_url(tree.c1))
    assert response.status_code == 200
    assert 'id="save-round"' not in response.text
    assert "disabled" in str(response.context["form"][f"grade_{cell_members[0].pk}"])

    data = post_data(dict.fromkeys(cell_members, Grade.GOOD))
    assert client.post(round_url(tree.c1), data).status_code == 403
    assert MemberRating.objects.count() == 0


def test_staff_of_another_cell_of_the_same_district_cannot_save(
    client, tree, make_members, cell_staff
):
    others = make_members(tree.c2, 2)
    client.force_login(cell_staff)  # STAFF on C1 only

    assert client.get(round_url(tree.c2)).status_code == 404
    assert (
        client.post(round_url(tree.c2), post_data(dict.fromkeys(others, "GOOD"))).status_code == 404
    )


# --- member round: live counts ---------------------------------------------------------


def test_counts_partial_counts_the_choices_and_checks_r10(client, tree, cell_members, cell_staff):
    client.force_login(cell_staff)
    grades = {
        cell_members[0]: Grade.EXCELLENT,
        cell_members[1]: Grade.EXCELLENT,
        cell_members[2]: Grade.GOOD,
        cell_members[3]: Grade.COMPLETED,
    }

    response = client.post(counts_url(tree.c1), post_data(grades))

    assert response.status_code == 200
    counts = response.context["counts"]
    assert {g.grade: g.count for g in counts.grades}[Grade.EXCELLENT] == 2
    assert counts.not_chosen == 1
    assert (counts.excellent, counts.good, counts.limit) == (2, 1, 0)
    assert R10_MESSAGE in counts.error
    assert 'id="round-counts"' in response.text
    assert "<html" not in response.text
    assert MemberRating.objects.count() == 0


def test_counts_partial_is_post_only(client, tree, cell_staff):
    client.force_login(cell_staff)

    assert client.get(counts_url(tree.c1)).status_code == 405


def test_counts_partial_within_the_limit(client, tree, make_members, cell_staff):
    members = make_members(tree.c1, 6)
    client.force_login(cell_staff)
    grades = dict.fromkeys(members[1:], Grade.GOOD) | {members[0]: Grade.EXCELLENT}

    counts = client.post(counts_url(tree.c1), post_data(grades)).context["counts"]

    assert (counts.excellent, counts.good, counts.limit, counts.error) == (1, 5, 1, "")
    assert counts.good_or_better_percent == 100.0


# --- organization round ----------------------------------------------------------------


def test_committee_rates_its_grassroots_organizations(client, tree, district_staff):
    young = OrganizationFactory(
        parent=tree.d1, kind=K.GRASSROOTS_CELL, established_on=D(YEAR, 9, 1)
    )
    client.force_login(district_staff)

    response = client.get(org_round_url(tree.d1))
    assert response.status_code == 200
    assert [line.pk for line in response.context["rows"]] == [tree.g1.pk, tree.g2.pk, young.pk]
    assert "Thành lập chưa đủ 6 tháng" in response.text

    response = client.post(
        org_round_url(tree.d1), post_data({tree.g1: Grade.EXCELLENT, tree.g2: Grade.GOOD})
    )
    assert response.status_code == 302
    assert dict(OrganizationRating.objects.values_list("organization_id", "grade")) == {
        tree.g1.pk: Grade.EXCELLENT,
        tree.g2.pk: Grade.GOOD,
        young.pk: Grade.NOT_RATED,
    }


def test_organization_round_is_all_or_nothing(client, tree, district_staff):
    client.force_login(district_staff)

    response = client.post(
        org_round_url(tree.d1), post_data({tree.g1: Grade.GOOD, tree.g2: Grade.NOT_RATED})
    )

    assert response.status_code == 200
    assert f"note_{tree.g2.pk}" in response.context["form"].errors
    assert OrganizationRating.objects.count() == 0


def test_organization_round_only_for_committees_over_grassroots(client, tree, district_staff):
    client.force_login(district_staff)

    assert client.get(org_round_url(tree.g1)).status_code == 404
    assert client.get(org_round_url(tree.c1)).status_code == 404


def test_outsider_gets_404_on_the_organization_round(client, tree, outsider):
    client.force_login(outsider)
    data = post_data({tree.g1: Grade.GOOD})

    assert client.get(org_round_url(tree.d1)).status_code == 404
    assert client.post(org_round_url(tree.d1), data).status_code == 404
    assert client.post(org_counts_url(tree.d1), data).status_code == 404


def test_leader_cannot_save_the_organization_round(client, tree, leader):
    client.force_login(leader)

    assert client.get(org_round_url(tree.d1)).status_code == 200
    response = client.post(org_round_url(tree.d1), post_data({tree.g1: Grade.GOOD}))
    assert response.status_code == 403
    assert OrganizationRating.objects.count() == 0


def test_organization_counts_partial(client, tree, district_staff):
    client.force_login(district_staff)

    assert client.get(org_counts_url(tree.d1)).status_code == 405
    response = client.post(org_counts_url(tree.d1), post_data({tree.g1: Grade.GOOD}))
    counts = response.context["counts"]
    assert {g.grade: g.count for g in counts.grades}[Grade.GOOD] == 1
    assert counts.not_chosen == 1
    assert counts.group is None


# --- entry page ------------------------------------------------------------------------


def test_entry_page_shows_the_progress_of_the_scope(
    client, tree, make_members, rate, district_staff
):
    members = make_members(tree.c1, 3)
    make_members(tree.c3, 2)
    rate(tree.c1, {members[0]: Grade.GOOD})
    services.rating_round_save_organizations(
        parent=tree.d1, year=YEAR, grades={tree.g1.pk: (Grade.GOOD, None, "")}, actor=None
    )
    client.force_login(district_staff)

    response = client.get(INDEX, {"year": YEAR})

    assert response.status_code == 200
    cells = {c.code: (c.in_round, c.rated) for c in response.context["cells"]}
    assert cells == {"C1": (3, 1), "C2": (0, 0), "G2": (0, 0)}
    committees = {c.code: (c.in_round, c.rated) for c in response.context["committees"]}
    assert committees == {"D1": (2, 1)}
    assert round_url(tree.c1) in response.text
    assert org_round_url(tree.d1) in response.text


def test_entry_page_defaults_to_last_year(client, tree, cell_staff):
    client.force_login(cell_staff)

    response = client.get(INDEX)

    assert response.context["year"] == datetime.date.today().year - 1
    assert [c.code for c in response.context["cells"]] == ["C1"]
    assert response.context["committees"].paginator.count == 0


def test_entry_page_filters_unfinished_rounds(client, tree, make_members, rate, district_staff):
    done = make_members(tree.c1, 2)
    rate(tree.c1, dict.fromkeys(done, Grade.GOOD))
    make_members(tree.c2, 1)
    client.force_login(district_staff)

    response = client.get(INDEX, {"year": YEAR, "pending": "1"})

    assert [c.code for c in response.context["cells"]] == ["C2"]


def test_entry_page_is_scoped(client, tree, make_members, outsider):
    make_members(tree.c1, 2)
    client.force_login(outsider)

    response = client.get(INDEX, {"year": YEAR})

    assert [c.code for c in response.context["cells"]] == ["C3"]
    assert [c.code for c in response.context["committees"]] == ["D2"]
    assert round_url(tree.c1) not in response.text


@pytest.mark.parametrize("extra", [0, 30])
def test_entry_page_queries_do_not_grow_with_cells(
    client, tree, make_members, admin_user, django_assert_max_num_queries, extra
):
    for i in range(extra):
        cell = OrganizationFactory(parent=tree.g1, kind=K.CELL)
        if i % 10 == 0:
            make_members(cell, 2)
    client.force_login(admin_user)

    with django_assert_max_num_queries(8):
        response = client.get(INDEX, {"year": YEAR})
    assert response.context["cells"].paginator.count == 4 + extra
