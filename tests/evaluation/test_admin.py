"""The evaluation admin is read-only: lists and details load in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Grade, RemovalForm, RemovalGround

MODELS = ["memberrating", "organizationrating", "exemption", "screeningflag", "removal"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage of production needs collectstatic; pages under test do not.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def rows(tree, make_members, rate, admin_user):
    members = make_members(tree.c1, 6)
    rate(tree.c1, {m: Grade.GOOD for m in members})
    services.rating_round_save_organizations(
        parent=tree.d1, year=2024, grades={tree.g1.pk: (Grade.GOOD, None, "")}, actor=admin_user
    )
    services.exemption_start(
        member=members[0], start_on=datetime.date(2025, 1, 2), reason="Ốm", actor=admin_user
    )
    services.flag_record(member=members[1], detail="Bỏ sinh hoạt", actor=admin_user)
    services.member_remove(
        member=members[2],
        form=RemovalForm.STRUCK_OFF,
        ground=RemovalGround.ABSENT_3_MONTHS,
        decision_number="1-QĐ/HU",
        decision_date=datetime.date(2025, 3, 3),
        deciding_committee="Huyện ủy",
        actor=admin_user,
    )
    return members


@pytest.mark.parametrize("model", MODELS)
def test_admin_list_and_detail_are_read_only(
    client, admin_user, rows, model, django_assert_max_num_queries
):
    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse(f"admin:evaluation_{model}_changelist"))
    assert response.status_code == 200
    obj = response.context["cl"].result_list[0]

    assert client.get(reverse(f"admin:evaluation_{model}_change", args=[obj.pk])).status_code == 200
    assert (
        client.get(reverse(f"admin:evaluation_{model}_history", args=[obj.pk])).status_code == 200
    )
    assert client.get(reverse(f"admin:evaluation_{model}_add")).status_code == 403
