"""Quota assignment (/reports/quotas/<org>/<year>/): staff of a committee set the quota of
each organization directly below, all rows in one atomic save; leaders get 403, outsiders
404; the service refuses organizations that are not directly below."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from members.errors import DomainError
from reports.models import AdmissionQuota
from reports.services import quotas_assign

YEAR = 2025


def url(org, year=YEAR):
    return reverse("reports:quota_assign", args=[org.pk, year])


def rows(*pairs):
    """POST data of the formset for (organization, number) pairs."""
    data = {
        "form-TOTAL_FORMS": str(len(pairs)),
        "form-INITIAL_FORMS": str(len(pairs)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "2000",
    }
    for i, (org, number) in enumerate(pairs):
        data[f"form-{i}-organization"] = str(org.pk)
        data[f"form-{i}-number"] = "" if number is None else str(number)
    return data


def quotas():
    return dict(
        AdmissionQuota.objects.filter(year=YEAR).values_list("organization__code", "number")
    )


def test_staff_see_one_row_per_child_and_the_sums(client, tree, district_staff):
    AdmissionQuota.objects.create(organization=tree.d1, year=YEAR, number=30)
    AdmissionQuota.objects.create(organization=tree.g1, year=YEAR, number=12)
    client.force_login(district_staff)

    response = client.get(url(tree.d1))

    assert response.status_code == 200
    assert [f.child.code for f in response.context["formset"]] == ["G1", "G2"]
    assert response.context["parent_quota"] == 30
    assert response.context["children_sum"] == 12


def test_staff_save_every_row_at_once(client, tree, district_staff):
    AdmissionQuota.objects.create(organization=tree.g2, year=YEAR, number=9)
    client.force_login(district_staff)

    response = client.post(url(tree.d1), rows((tree.g1, 20), (tree.g2, 10)))

    assert response.status_code == 302
    assert quotas() == {"G1": 20, "G2": 10}
    record = AdmissionQuota.objects.get(organization=tree.g1).history.latest()
    assert record.history_user == district_staff


def test_an_empty_row_removes_the_quota(client, tree, district_staff):
    AdmissionQuota.objects.create(organization=tree.g2, year=YEAR, number=9)
    client.force_login(district_staff)

    client.post(url(tree.d1), rows((tree.g1, 5), (tree.g2, None)))

    assert quotas() == {"G1": 5}


def test_a_row_outside_the_children_is_refused_and_nothing_saved(client, tree, admin_user):
    client.force_login(admin_user)

    response = client.post(url(tree.d1), rows((tree.g1, 5), (tree.g3, 7)))

    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors
    assert quotas() == {}


def test_negative_quota_is_refused(client, tree, district_staff):
    client.force_login(district_staff)
    response = client.post(url(tree.d1), rows((tree.g1, -1), (tree.g2, 3)))
    assert response.status_code == 200
    assert quotas() == {}


def test_leader_gets_403_on_the_form_and_on_save(client, tree, leader):
    client.force_login(leader)

    assert client.get(url(tree.d1)).status_code == 403
    assert client.post(url(tree.d1), rows((tree.g1, 5), (tree.g2, 3))).status_code == 403
    assert quotas() == {}


def test_outsider_gets_404(client, tree, outsider):
    client.force_login(outsider)

    assert client.get(url(tree.d1)).status_code == 404
    assert client.post(url(tree.d1), rows((tree.g1, 5), (tree.g2, 3))).status_code == 404
    assert quotas() == {}


def test_other_methods_are_not_allowed(client, tree, district_staff):
    client.force_login(district_staff)
    assert client.put(url(tree.d1)).status_code == 405
    assert client.delete(url(tree.d1)).status_code == 405


def test_a_year_far_off_is_404(client, tree, district_staff):
    client.force_login(district_staff)
    assert client.get(url(tree.d1, 1900)).status_code == 404


def test_staff_of_a_cell_cannot_assign_above_it(client, tree, cell_staff):
    client.force_login(cell_staff)
    # G1 is above the cell: outside the scope.
    assert client.get(url(tree.g1)).status_code == 404


# --- the service --------------------------------------------------------------------------


def test_service_is_all_or_nothing(tree, admin_user):
    AdmissionQuota.objects.create(organization=tree.g1, year=YEAR, number=1)

    with pytest.raises(DomainError):
        quotas_assign(
            organization=tree.d1,
            year=YEAR,
            numbers={tree.g1.pk: 5, tree.g3.pk: 3},
            actor=admin_user,
        )

    assert quotas() == {"G1": 1}


def test_service_checks_the_write_role(tree, leader):
    with pytest.raises(PermissionDenied):
        quotas_assign(organization=tree.d1, year=YEAR, numbers={tree.g1.pk: 5}, actor=leader)
    assert quotas() == {}


def test_service_returns_the_children_quotas(tree, district_staff):
    result = quotas_assign(
        organization=tree.d1,
        year=YEAR,
        numbers={tree.g1.pk: 5, tree.g2.pk: 0},
        actor=district_staff,
    )
    assert [(q.organization.code, q.number) for q in result] == [("G1", 5), ("G2", 0)]
