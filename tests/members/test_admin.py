"""The Django admin for administrators: pages, search, and restructuring through the services."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from members import services
from members.choices import Closure, MemberStatus, OrganizationEventKind, Sector, StaffRole
from members.choices import OrganizationKind as K
from members.models import Member, Organization, OrganizationEvent, Transfer
from tests.factories import MemberFactory, PersonFactory, UserFactory, assign

ON = datetime.date(2020, 6, 1)
_batch = itertools.count(1)


def parent_of(org):
    return Organization.objects.get_parent(org)


def changelist(model: str) -> str:
    return reverse(f"admin:{model.replace('.', '_')}_changelist")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage of production needs collectstatic; pages under test do not.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def add_rows(tree, n=4):
    """Rows for every admin list: members and their events, a transfer, an assignment, a cell."""
    batch = next(_batch)
    cell = services.organization_create(
        parent=tree.g1,
        code=f"X{batch}",
        name=f"Chi bộ thôn {batch}",
        kind=K.CELL,
        sector=Sector.VILLAGE,
        established_on=datetime.date(2001, 1, 1),
    )
    members = [MemberFactory(cell=cell) for _ in range(n)]
    for member in members[: n // 2]:
        services.member_transfer(member=member, to_cell=tree.c3, on=ON)
    for i in range(n):
        assign(UserFactory(username=f"staff{batch}_{i}"), cell, StaffRole.STAFF)


PAGES = [
    changelist("members.organization"),
    changelist("members.organization") + "?q=Chi",
    changelist("members.organization") + "?kind__exact=CELL&active=yes",
    changelist("members.person"),
    changelist("members.person") + "?q=nguyen",
    changelist("members.member"),
    changelist("members.member") + "?status__exact=OFFICIAL&q=nguyen",
    changelist("members.staffassignment"),
    changelist("members.membershipevent"),
    changelist("members.transfer"),
    changelist("members.organizationevent"),
    changelist("auth.user"),
]


@pytest.mark.parametrize("url", PAGES)
def test_changelist_queries_do_not_grow_with_rows(
    admin_client, tree, url, django_assert_max_num_queries
):
    add_rows(tree)
    with django_assert_max_num_queries(8):
        assert admin_client.get(url).status_code == 200
    add_rows(tree, n=12)
    with django_assert_max_num_queries(8):
        assert admin_client.get(url).status_code == 200


def test_tree_children_and_member_page_have_bounded_queries(
    admin_client, tree, django_assert_max_num_queries
):
    add_rows(tree, n=12)
    member = Member.objects.filter(organization=tree.c3).first()
    children = changelist("members.organization") + f"children/{tree.g1.pk}/"
    with django_assert_max_num_queries(10):
        assert admin_client.get(children).status_code == 200
    with django_assert_max_num_queries(15):
        url = reverse("admin:members_member_change", args=[member.pk])
        assert admin_client.get(url).status_code == 200


def test_change_pages_load(admin_client, admin_user, tree):
    member = MemberFactory(cell=tree.c1)
    transfer = services.member_transfer(member=member, to_cell=tree.c2, on=ON)
    assignment = assign(admin_user, tree.d1, StaffRole.STAFF)
    event = OrganizationEvent.objects.filter(organization=tree.c1).first()
    for url in [
        reverse("admin:members_transfer_change", args=[transfer.pk]),
        reverse("admin:members_staffassignment_add"),
        reverse("admin:members_staffassignment_change", args=[assignment.pk]),
        reverse("admin:auth_user_add"),
        reverse("admin:members_organization_add"),
        reverse("admin:members_organization_change", args=[tree.c1.pk]),
        reverse("admin:members_organization_change", args=[tree.p.pk]),
        reverse("admin:members_organization_history", args=[tree.c1.pk]),
        reverse("admin:members_person_change", args=[member.person.pk]),
        reverse("admin:members_member_change", args=[member.pk]),
        reverse("admin:members_membershipevent_change", args=[member.events.first().pk]),
        reverse("admin:members_organizationevent_change", args=[event.pk]),
        reverse("admin:auth_user_change", args=[admin_user.pk]),
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_search_finds_accented_name_without_accents(admin_client, tree):
    MemberFactory(cell=tree.c1, person=PersonFactory(full_name="Nguyễn Văn An"))
    MemberFactory(cell=tree.c1, person=PersonFactory(full_name="Trần Thị Bình"))
    for model in ["members.person", "members.member", "members.membershipevent"]:
        response = admin_client.get(changelist(model), {"q": "nguyen van an"})
        assert "Nguyễn Văn An" in response.content.decode(), model
        assert "Trần Thị Bình" not in response.content.decode(), model


def test_search_by_national_id_and_party_card(admin_client, tree):
    person = PersonFactory(full_name="Lê Văn Cường", national_id="001090000123")
    MemberFactory(cell=tree.c1, person=person, party_card_number="52.123456")
    MemberFactory(cell=tree.c1, person=PersonFactory(full_name="Trần Thị Bình"))
    for q in ["001090000123", "52.123456"]:
        response = admin_client.get(changelist("members.member"), {"q": q})
        assert list(response.context["cl"].result_list) == [person.member]


def test_search_keeps_list_filters(admin_client, tree):
    member = MemberFactory(cell=tree.c1, person=PersonFactory(full_name="Nguyễn Văn An"))
    services.member_record_death(member=member, on=ON)
    response = admin_client.get(
        changelist("members.member"), {"q": "nguyen van an", "status__exact": "OFFICIAL"}
    )
    assert list(response.context["cl"].result_list) == []


def test_autocomplete_offers_active_organizations_only(admin_client, tree):
    services.organization_dissolve(organization=tree.c2, on=ON)
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "organization", "field_name": "successor"},
    )
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert tree.c1.pk in ids
    assert tree.c2.pk not in ids


# --- organizations: add, rename, move --------------------------------------------------


def add_form(**overrides):
    data = {
        "code": "C9",
        "name": "Chi bộ thôn Mới",
        "kind": K.CELL,
        "sector": Sector.VILLAGE,
        "established_on": "2020-02-01",
        "decision_number": "12-QĐ/ĐU",
    }
    return {**data, **overrides}


def test_add_organization_through_admin_creates_it_with_its_event(admin_client, admin_user, tree):
    response = admin_client.post(
        reverse("admin:members_organization_add"), add_form(parent=tree.g1.pk)
    )

    assert response.status_code == 302
    org = Organization.objects.get(code="C9")
    assert parent_of(org) == tree.g1
    assert org.parent_kind == K.GRASSROOTS_COMMITTEE
    event = OrganizationEvent.objects.get(organization=org)
    assert event.kind == OrganizationEventKind.ESTABLISHED
    assert event.date == datetime.date(2020, 2, 1)
    assert event.decision_number == "12-QĐ/ĐU"
    assert event.actor == admin_user


def test_add_organization_refused_when_kind_not_allowed_under_parent(admin_client, tree):
    before = Organization.objects.count(), OrganizationEvent.objects.count()

    response = admin_client.post(
        reverse("admin:members_organization_add"), add_form(parent=tree.c1.pk)
    )

    assert response.status_code == 200
    assert "kind" in response.context["adminform"].form.errors
    assert (Organization.objects.count(), OrganizationEvent.objects.count()) == before


def test_add_organization_refused_when_code_taken(admin_client, tree):
    response = admin_client.post(
        reverse("admin:members_organization_add"), add_form(parent=tree.g1.pk, code="C1")
    )

    assert "code" in response.context["adminform"].form.errors
    assert not Organization.objects.filter(name="Chi bộ thôn Mới").exists()


def change_form(org, **overrides):
    data = {"name": org.name, "parent": parent_of(org).pk, "on": "2021-01-01"}
    return {**data, **overrides}


def test_rename_through_admin_writes_event_with_date(admin_client, tree):
    url = reverse("admin:members_organization_change", args=[tree.c1.pk])

    response = admin_client.post(url, change_form(tree.c1, name="Chi bộ thôn Phấn Kiến Mới"))

    assert response.status_code == 302
    tree.c1.refresh_from_db()
    assert tree.c1.name == "Chi bộ thôn Phấn Kiến Mới"
    event = OrganizationEvent.objects.get(organization=tree.c1, kind=OrganizationEventKind.RENAMED)
    assert (event.date, event.old_value) == (datetime.date(2021, 1, 1), "Chi bộ thôn Phấn Kiến")


def test_change_of_parent_through_admin_moves_the_subtree(admin_client, tree):
    url = reverse("admin:members_organization_change", args=[tree.g1.pk])

    response = admin_client.post(url, change_form(tree.g1, parent=tree.d2.pk))

    assert response.status_code == 302
    assert parent_of(Organization.objects.get(pk=tree.g1.pk)) == tree.d2
    assert Organization.objects.all().in_subtree(tree.d2).filter(pk=tree.c1.pk).exists()
    assert OrganizationEvent.objects.filter(
        organization=tree.g1, kind=OrganizationEventKind.MOVED, date=datetime.date(2021, 1, 1)
    ).exists()


def test_refused_move_also_undoes_the_rename(admin_client, tree):
    url = reverse("admin:members_organization_change", args=[tree.c1.pk])

    response = admin_client.post(url, change_form(tree.c1, name="Tên mới", parent=tree.c2.pk))

    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    tree.c1.refresh_from_db()
    assert tree.c1.name == "Chi bộ thôn Phấn Kiến"
    assert parent_of(Organization.objects.get(pk=tree.c1.pk)) == tree.g1
    assert not OrganizationEvent.objects.filter(
        organization=tree.c1, kind=OrganizationEventKind.RENAMED
    ).exists()


def test_drag_and_drop_moves_through_the_service(admin_client, admin_user, tree):
    url = changelist("members.organization") + "move/"

    response = admin_client.post(
        url, {"node": tree.c2.pk, "target": tree.g3.pk, "relation": "child"}
    )

    assert response.status_code == 200
    assert parent_of(Organization.objects.get(pk=tree.c2.pk)) == tree.g3
    event = OrganizationEvent.objects.get(organization=tree.c2, kind=OrganizationEventKind.MOVED)
    assert (event.date, event.actor) == (timezone.localdate(), admin_user)


def test_drag_and_drop_refused_when_kind_not_allowed(admin_client, tree):
    url = changelist("members.organization") + "move/"

    response = admin_client.post(
        url, {"node": tree.c2.pk, "target": tree.c1.pk, "relation": "child"}
    )

    assert response.status_code == 400
    assert parent_of(Organization.objects.get(pk=tree.c2.pk)) == tree.g1
    assert admin_client.get(url).status_code == 405


def test_organizations_cannot_be_deleted(admin_client, tree):
    url = reverse("admin:members_organization_delete", args=[tree.c1.pk])
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Organization.objects.filter(pk=tree.c1.pk).exists()


# --- organizations: merge and dissolve actions -----------------------------------------


def action(name, orgs, **form):
    return {"action": name, "_selected_action": [o.pk for o in orgs], **form}


def test_merge_action_shows_intermediate_page_first(admin_client, tree):
    response = admin_client.post(
        changelist("members.organization"), action("merge_into", [tree.c2], index=0)
    )

    assert response.status_code == 200
    assert "organizations" in response.context
    assert "Chi bộ thôn Đồng Tâm" in response.content.decode()
    assert Organization.objects.get(pk=tree.c2.pk).closed_on is None


def test_merge_action_moves_members_and_children_and_closes_sources(admin_client, tree):
    members = [MemberFactory(cell=tree.c2) for _ in range(2)]
    form = {"apply": "1", "target": tree.g3.pk, "on": "2020-06-01", "decision_number": "7-QĐ"}

    response = admin_client.post(
        changelist("members.organization"), action("merge_into", [tree.g1], **form)
    )

    assert response.status_code == 302
    g1 = Organization.objects.get(pk=tree.g1.pk)
    assert (g1.closed_on, g1.closure, g1.successor) == (ON, Closure.MERGED, tree.g3)
    assert parent_of(Organization.objects.get(pk=tree.c1.pk)) == tree.g3
    assert parent_of(Organization.objects.get(pk=tree.c2.pk)) == tree.g3
    # Members stay in their cell, which now sits under the new committee.
    assert Member.objects.filter(pk__in=[m.pk for m in members], organization=tree.c2).count() == 2


def test_merge_action_transfers_members_of_merged_cells(admin_client, tree):
    members = [MemberFactory(cell=tree.c2) for _ in range(2)]
    form = {"apply": "1", "target": tree.c1.pk, "on": "2020-06-01"}

    response = admin_client.post(
        changelist("members.organization"), action("merge_into", [tree.c2], **form)
    )

    assert response.status_code == 302
    assert Member.objects.filter(pk__in=[m.pk for m in members], organization=tree.c1).count() == 2
    assert Transfer.objects.filter(from_cell=tree.c2, to_cell=tree.c1).count() == 2
    assert Organization.objects.get(pk=tree.c2.pk).closure == Closure.MERGED


def test_merge_of_several_sources_is_all_or_nothing(admin_client, tree):
    MemberFactory(cell=tree.c1)
    # c3 can take c1's members, but not g3's cells: c3 is itself a cell (and inside g3).
    form = {"apply": "1", "target": tree.c3.pk, "on": "2020-06-01"}

    response = admin_client.post(
        changelist("members.organization"), action("merge_into", [tree.c1, tree.g3], **form)
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert Organization.objects.filter(closed_on__isnull=False).count() == 0
    assert Member.objects.filter(organization=tree.c1).count() == 1


def test_dissolve_refused_when_members_remain_and_no_destination(admin_client, tree):
    member = MemberFactory(cell=tree.c1)
    events = OrganizationEvent.objects.count()

    response = admin_client.post(
        changelist("members.organization"),
        action("dissolve", [tree.c1], apply="1", on="2020-06-01"),
    )

    assert response.status_code == 200
    assert "destination" in response.context["form"].errors
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Organization.objects.get(pk=tree.c1.pk).closed_on is None
    assert Member.objects.get(pk=member.pk).organization == tree.c1
    assert OrganizationEvent.objects.count() == events


def test_dissolve_with_destination_moves_members_and_closes(admin_client, tree):
    member = MemberFactory(cell=tree.c1)

    response = admin_client.post(
        changelist("members.organization"),
        action("dissolve", [tree.c1], apply="1", on="2020-06-01", destination=tree.c2.pk),
    )

    assert response.status_code == 302
    c1 = Organization.objects.get(pk=tree.c1.pk)
    assert (c1.closed_on, c1.closure) == (ON, Closure.DISSOLVED)
    assert Member.objects.get(pk=member.pk).organization == tree.c2


def test_dissolve_empty_organization_without_destination(admin_client, tree):
    response = admin_client.post(
        changelist("members.organization"),
        action("dissolve", [tree.g2], apply="1", on="2020-06-01"),
    )

    assert response.status_code == 302
    assert Organization.objects.get(pk=tree.g2.pk).closure == Closure.DISSOLVED


# --- members ---------------------------------------------------------------------------


def test_members_cannot_be_deleted(admin_client, tree):
    member = MemberFactory(cell=tree.c1)
    for name, pk in [("member", member.pk), ("person", member.person.pk)]:
        url = reverse(f"admin:members_{name}_delete", args=[pk])
        assert admin_client.get(url).status_code == 403
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
    response = admin_client.get(changelist("members.member"))
    assert response.context["action_form"] is None  # no bulk delete, no other action
    assert Member.objects.filter(pk=member.pk).exists()


def test_member_edit_keeps_status_and_cell_read_only(admin_client, tree):
    member = MemberFactory(cell=tree.c1)
    url = reverse("admin:members_member_change", args=[member.pk])

    response = admin_client.post(
        url,
        {
            "party_card_number": "52.000001",
            "ceremony_date": "2010-03-12",
            "status": MemberStatus.REMOVED,
            "organization": tree.c3.pk,
            "placements-TOTAL_FORMS": "1",
            "placements-INITIAL_FORMS": "1",
            "placements-0-id": member.placements.get().pk,
            "events-TOTAL_FORMS": "1",
            "events-INITIAL_FORMS": "1",
            "events-0-id": member.events.get().pk,
        },
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.party_card_number == "52.000001"
    assert (member.status, member.organization) == (MemberStatus.OFFICIAL, tree.c1)
    assert member.history.first().history_user is not None


# --- who may enter ---------------------------------------------------------------------


def test_staff_without_admin_rights_is_sent_to_login(client, district_staff):
    client.force_login(district_staff)

    response = client.get(changelist("members.organization"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_view_only_administrator_cannot_run_actions(client, tree):
    user = UserFactory(username="viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_organization"))
    client.force_login(user)
    form = {"apply": "1", "target": tree.c1.pk, "on": "2020-06-01"}

    response = client.post(
        changelist("members.organization"), action("merge_into", [tree.c2], **form)
    )

    assert response.status_code == 200
    assert Organization.objects.filter(closed_on__isnull=False).count() == 0


def test_admin_staff_flag_without_permissions_cannot_restructure(client, tree):
    user = UserFactory(username="clerk", is_staff=True)
    client.force_login(user)

    assert client.get(changelist("members.organization")).status_code == 403
    response = client.post(
        changelist("members.organization") + "move/",
        {"node": tree.c2.pk, "target": tree.g3.pk, "relation": "child"},
    )
    assert response.status_code == 403
    assert parent_of(Organization.objects.get(pk=tree.c2.pk)) == tree.g1
