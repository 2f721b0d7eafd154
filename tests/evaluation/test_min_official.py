"""R13: cells and grassroots organizations with fewer than 3 official members are listed."""

import datetime

from evaluation.checks import organizations_below_min_official
from members import services as member_services
from members.choices import MemberStatus

D = datetime.date
TODAY = D(2025, 6, 1)


def below(org, on=TODAY):
    return {o.code: o.official_members for o in organizations_below_min_official(org, on)}


def test_organizations_below_three_official_members_are_listed(tree, make_members):
    make_members(tree.c1, 2)
    make_members(tree.c1, 2, status=MemberStatus.PROBATIONARY, admitted=D(2025, 1, 2))
    make_members(tree.c2, 3)
    make_members(tree.g2, 1)
    make_members(tree.c3, 5)

    # G1 counts its cells together (2 + 3); probationary members do not count.
    assert below(tree.p) == {"C1": 2, "G2": 1}
    assert below(tree.d2) == {}


def test_members_ended_or_not_yet_official_on_the_date_do_not_count(
    tree, make_member, make_members, admin_user
):
    make_members(tree.c1, 2)
    late = make_member(tree.c1, official_date=D(2025, 3, 1))
    leaver = make_member(tree.c2)
    make_members(tree.c2, 2)
    member_services.member_record_death(member=leaver, on=D(2025, 2, 1), actor=admin_user)

    assert below(tree.g1, on=D(2025, 1, 15)) == {"C1": 2}
    assert below(tree.g1, on=D(2025, 6, 1)) == {"C2": 2}
    assert late.pk


def test_closed_organizations_are_not_listed(tree, admin_user):
    member_services.organization_dissolve(organization=tree.c2, on=D(2024, 1, 1), actor=admin_user)

    assert "C2" not in below(tree.p)


def test_warning_list_takes_two_queries(tree, make_members, django_assert_num_queries):
    make_members(tree.c1, 4)
    with django_assert_num_queries(2):
        below(tree.p)
