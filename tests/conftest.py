"""Shared fixtures: a small tree and the personas of STYLE.md.

P   Tỉnh (province)                         leader: LEADER on P; admin: superuser
├── D1 Huyện ủy Lập Thạch (UPPER)           district_staff: STAFF on D1
│   ├── G1 Đảng bộ xã (GRASSROOTS_COMMITTEE)
│   │   ├── C1 Chi bộ thôn 1 (CELL)        cell_staff: STAFF on C1
│   │   └── C2 Chi bộ thôn 2 (CELL)
│   └── G2 Chi bộ cơ sở trường (GRASSROOTS_CELL)
└── D2 Thành ủy Vĩnh Yên (UPPER)            outsider: STAFF on D2
    └── G3 Đảng bộ phường (GRASSROOTS_COMMITTEE)
        └── C3 Chi bộ tổ dân phố (CELL)
"""

import datetime
from types import SimpleNamespace

import pytest

from members.choices import OrganizationKind as K
from members.choices import Sector, StaffRole
from tests.factories import OrganizationFactory, UserFactory, assign

FOUNDED = datetime.date(2000, 1, 1)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Test-only: the real hasher costs ~0.3 s a login.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run in the test's own thread and transaction.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Tests run without collectstatic, so no manifest of hashed names exists.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def tree(db):
    p = OrganizationFactory(code="P", name="Đảng bộ tỉnh", kind=K.PROVINCE, established_on=FOUNDED)
    d1 = OrganizationFactory(
        parent=p, code="D1", name="Huyện ủy Lập Thạch", kind=K.UPPER, sector=Sector.DISTRICT
    )
    d2 = OrganizationFactory(
        parent=p, code="D2", name="Thành ủy Vĩnh Yên", kind=K.UPPER, sector=Sector.DISTRICT
    )
    g1 = OrganizationFactory(
        parent=d1,
        code="G1",
        name="Đảng bộ xã Đình Chu",
        kind=K.GRASSROOTS_COMMITTEE,
        sector=Sector.COMMUNE,
    )
    c1 = OrganizationFactory(
        parent=g1, code="C1", name="Chi bộ thôn Phấn Kiến", kind=K.CELL, sector=Sector.VILLAGE
    )
    c2 = OrganizationFactory(
        parent=g1, code="C2", name="Chi bộ thôn Đồng Tâm", kind=K.CELL, sector=Sector.VILLAGE
    )
    g2 = OrganizationFactory(
        parent=d1,
        code="G2",
        name="Chi bộ Trường THPT Lập Thạch",
        kind=K.GRASSROOTS_CELL,
        sector=Sector.SCHOOL,
    )
    g3 = OrganizationFactory(
        parent=d2,
        code="G3",
        name="Đảng bộ phường Liên Bảo",
        kind=K.GRASSROOTS_COMMITTEE,
        sector=Sector.WARD,
    )
    c3 = OrganizationFactory(
        parent=g3, code="C3", name="Chi bộ tổ dân phố 1", kind=K.CELL, sector=Sector.VILLAGE
    )
    return SimpleNamespace(p=p, d1=d1, d2=d2, g1=g1, g2=g2, g3=g3, c1=c1, c2=c2, c3=c3)


def _user(username, **extra):
    return UserFactory(username=username, **extra)


@pytest.fixture
def admin_user(db):
    return _user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def district_staff(tree):
    user = _user("district")
    assign(user, tree.d1, StaffRole.STAFF)
    return user


@pytest.fixture
def cell_staff(tree):
    user = _user("cellstaff")
    assign(user, tree.c1, StaffRole.STAFF)
    return user


@pytest.fixture
def leader(tree):
    user = _user("leader")
    assign(user, tree.p, StaffRole.LEADER)
    return user


@pytest.fixture
def outsider(tree):
    user = _user("outsider")
    assign(user, tree.d2, StaffRole.STAFF)
    return user
