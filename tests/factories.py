"""factory-boy factories. Organizations are created through the service, as in production."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from members import services
from members.choices import (
    Ethnicity,
    Gender,
    MemberStatus,
    OccupationGroup,
    OrganizationKind,
    Sector,
)
from members.models import Member, Organization, Person, StaffAssignment

_codes = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    # Tests use the fast MD5 hasher (conftest); make_password picks it up.
    password = factory.LazyFunction(lambda: make_password("password"))


class OrganizationFactory(factory.Factory):
    """Builds through ``organization_create`` so the tree and the events stay right."""

    class Meta:
        model = Organization

    parent = None
    code = factory.LazyFunction(lambda: f"T{next(_codes):05d}")
    name = factory.LazyAttribute(lambda o: f"Tổ chức {o.code}")
    kind = OrganizationKind.CELL
    sector = Sector.OTHER
    established_on = datetime.date(2000, 1, 1)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.organization_create(**kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Người {n}")
    gender = Gender.MALE
    date_of_birth = datetime.date(1980, 5, 17)
    ethnicity = Ethnicity.KINH
    national_id = factory.Sequence(lambda n: f"{n + 1:012d}")
    occupation_group = OccupationGroup.CIVIL_SERVANT


class MemberFactory(factory.Factory):
    """An official member registered in ``cell`` through ``member_register``."""

    class Meta:
        model = Member

    person = factory.SubFactory(PersonFactory)
    cell = None
    status = MemberStatus.OFFICIAL
    admission_decision_date = datetime.date(2010, 3, 2)
    ceremony_date = factory.LazyAttribute(
        lambda o: o.admission_decision_date + datetime.timedelta(days=10)
    )
    official_date = factory.LazyAttribute(
        lambda o: (
            o.ceremony_date.replace(year=o.ceremony_date.year + 1)
            if o.status == MemberStatus.OFFICIAL
            else None
        )
    )
    admission_decision_number = factory.Sequence(lambda n: f"{n}-QĐ/HU")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.member_register(**kwargs)


def assign(user, organization, role):
    return StaffAssignment.objects.create(user=user, organization=organization, role=role)
