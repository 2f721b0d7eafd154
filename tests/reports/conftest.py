"""A hand-built membership history over the shared tree, for reconciliation tests.

2019: A, B, C admitted in C1, D in C2, E in C3.
2021: F admitted in C1; A moves C1 -> C2; B transfers out of the province; C is struck
off; D dies; E moves C3 -> C1 (across districts); G transfers in from outside into C2.
"""

import datetime
from types import SimpleNamespace

import pytest

from evaluation.models import RemovalForm, RemovalGround
from evaluation.services import member_remove
from members import services
from tests.factories import MemberFactory, PersonFactory

D = datetime.date


@pytest.fixture
def history(tree, admin_user):
    def admit(cell, on):
        return MemberFactory(cell=cell, admission_decision_date=on)

    a, b, c = (admit(tree.c1, D(2019, 3, 4)) for _ in range(3))
    d = admit(tree.c2, D(2019, 5, 6))
    e = admit(tree.c3, D(2019, 12, 31))
    f = admit(tree.c1, D(2021, 4, 1))
    services.member_transfer(member=a, to_cell=tree.c2, on=D(2021, 5, 1), actor=admin_user)
    services.member_transfer_out(
        member=b, on=D(2021, 6, 1), destination="Đảng bộ tỉnh Phú Thọ", actor=admin_user
    )
    member_remove(
        member=c,
        form=RemovalForm.STRUCK_OFF,
        ground=RemovalGround.ABSENT_3_MONTHS,
        decision_number="77-QĐ/HU",
        decision_date=D(2021, 7, 1),
        deciding_committee="Huyện ủy Lập Thạch",
        actor=admin_user,
    )
    services.member_record_death(member=d, on=D(2021, 8, 1), actor=admin_user)
    services.member_transfer(member=e, to_cell=tree.c1, on=D(2021, 9, 1), actor=admin_user)
    transfer = services.member_transfer_in(
        person=PersonFactory(),
        to_cell=tree.c2,
        on=D(2021, 10, 1),
        origin="Đảng bộ tỉnh Tuyên Quang",
        admission_decision_date=D(2015, 2, 3),
        actor=admin_user,
    )
    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e, f=f, g=transfer.member)
