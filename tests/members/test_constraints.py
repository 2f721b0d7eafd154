"""Invariants kept by the database and by model validation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from members import services
from members.choices import Closure, EventKind, MemberStatus
from members.models import Member, MemberPlacement, MembershipEvent, Organization, Person
from tests.factories import MemberFactory, PersonFactory

ON = datetime.date(2020, 5, 10)


@pytest.fixture
def english():
    """Messages in their English msgids, whatever the interface language."""
    with translation.override("en"):
        yield


@pytest.fixture
def member(tree):
    return MemberFactory(cell=tree.c1, party_card_number="")


# --- placements ------------------------------------------------------------------------


def test_second_open_placement_is_refused_by_the_database(tree, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberPlacement.objects.create(member=member, cell=tree.c2, start_on=ON)

    assert MemberPlacement.objects.filter(member=member).open().count() == 1


def test_second_open_placement_fails_model_validation_with_a_message(english, tree, member):
    second = MemberPlacement(member=member, cell=tree.c2, start_on=ON)

    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()

    assert "A member can have only one open placement." in excinfo.value.messages


def test_closed_placements_do_not_count_against_the_open_one(tree, member):
    MemberPlacement.objects.create(
        member=member, cell=tree.c2, start_on=datetime.date(2005, 1, 1), end_on=ON
    )
    MemberPlacement.objects.create(
        member=member, cell=tree.c3, start_on=datetime.date(2001, 1, 1), end_on=ON
    )

    assert MemberPlacement.objects.filter(member=member).count() == 3


def test_placement_cannot_end_before_it_starts(tree, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberPlacement.objects.create(
            member=member,
            cell=tree.c2,
            start_on=datetime.date(2005, 1, 2),
            end_on=datetime.date(2005, 1, 1),
        )


# --- people ----------------------------------------------------------------------------


def test_national_id_is_unique_in_the_database(db):
    PersonFactory(national_id="001090000001")

    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(national_id="001090000001")

    assert Person.objects.filter(national_id="001090000001").count() == 1


def test_duplicate_national_id_fails_model_validation_with_a_message(english, db):
    PersonFactory(national_id="001090000001")
    duplicate = PersonFactory.build(national_id="001090000001")

    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()

    assert excinfo.value.message_dict["national_id"] == [
        "A person with this national ID already exists."
    ]


@pytest.mark.parametrize("bad", ["00109000000", "00109000000x", "abcdefghijkl", "0010 9000000"])
def test_national_id_must_be_12_digits_in_the_database(db, bad):
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(national_id=bad)

    assert not Person.objects.exists()


@pytest.mark.parametrize("bad", ["00109000000", "00109000000x", "0010 9000000"])
def test_national_id_must_be_12_digits_in_model_validation(english, db, bad):
    person = PersonFactory.build(national_id=bad)

    with pytest.raises(ValidationError) as excinfo:
        person.full_clean()

    assert excinfo.value.message_dict["national_id"] == [
        "The national ID (CCCD) must have exactly 12 digits."
    ]


def test_people_without_national_id_are_allowed_and_stored_as_null(db):
    first = PersonFactory(national_id="")
    second = PersonFactory(national_id=None)

    first.refresh_from_db()
    assert first.national_id is None
    assert second.national_id is None
    first.full_clean()


# --- members ---------------------------------------------------------------------------


def test_party_card_number_is_unique_when_present(tree):
    MemberFactory(cell=tree.c1, party_card_number="12345678")
    other = MemberFactory(cell=tree.c2)

    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=other.pk).update(party_card_number="12345678")

    assert Member.objects.filter(party_card_number="12345678").count() == 1


def test_duplicate_party_card_fails_model_validation_with_a_message(english, tree):
    MemberFactory(cell=tree.c1, party_card_number="12345678")
    other = MemberFactory(cell=tree.c2)
    other.party_card_number = "12345678"

    with pytest.raises(ValidationError) as excinfo:
        other.full_clean()

    assert "Another member already has this party card number." in excinfo.value.messages


def test_several_members_may_have_no_party_card(tree):
    for cell in (tree.c1, tree.c2, tree.c3):
        MemberFactory(cell=cell, party_card_number="")

    assert Member.objects.filter(party_card_number="").count() == 3


@pytest.mark.parametrize(
    ("status", "ended_on"),
    [
        (MemberStatus.OFFICIAL, ON),
        (MemberStatus.PROBATIONARY, ON),
        (MemberStatus.DECEASED, None),
        (MemberStatus.REMOVED, None),
        (MemberStatus.TRANSFERRED_OUT, None),
    ],
)
def test_member_ended_on_must_match_status(member, status, ended_on):
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(status=status, ended_on=ended_on)

    member.refresh_from_db()
    assert (member.status, member.ended_on) == (MemberStatus.OFFICIAL, None)


@pytest.mark.parametrize(
    "status", [MemberStatus.DECEASED, MemberStatus.REMOVED, MemberStatus.TRANSFERRED_OUT]
)
def test_ended_member_with_an_end_date_is_accepted(member, status):
    Member.objects.filter(pk=member.pk).update(status=status, ended_on=ON)

    member.refresh_from_db()
    assert (member.status, member.ended_on) == (status, ON)


def test_official_date_cannot_precede_the_admission_decision(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(official_date=datetime.date(2009, 1, 1))


# --- membership events -----------------------------------------------------------------


@pytest.fixture
def event(member):
    return MembershipEvent.objects.get(member=member, kind=EventKind.ADMISSION)


def test_saving_an_existing_membership_event_is_refused(event):
    event.date = ON

    with pytest.raises(ValueError):
        event.save()

    event.refresh_from_db()
    assert event.date == datetime.date(2010, 3, 2)


def test_deleting_a_membership_event_is_refused(event):
    with pytest.raises(ValueError):
        event.delete()

    assert MembershipEvent.objects.filter(pk=event.pk).exists()


def test_new_membership_events_are_appended(tree, member):
    MembershipEvent.objects.create(
        member=member, kind=EventKind.EXEMPTION_START, date=ON, organization=tree.c1
    )

    assert MembershipEvent.objects.filter(member=member).count() == 2


# --- organizations ---------------------------------------------------------------------


def test_merged_organization_needs_a_successor(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=tree.c2.pk).update(closed_on=ON, closure=Closure.MERGED)


def test_closure_needs_a_closing_date(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=tree.c2.pk).update(closure=Closure.DISSOLVED)


def test_organization_cannot_close_before_it_was_established(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=tree.c2.pk).update(
            closed_on=datetime.date(1999, 1, 1), closure=Closure.DISSOLVED
        )


def test_service_keeps_the_closure_consistent(tree):
    org = services.organization_dissolve(organization=tree.c2, on=ON)

    org.full_clean()
    assert (org.closed_on, org.closure, org.successor) == (ON, Closure.DISSOLVED, None)
