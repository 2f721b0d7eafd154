"""Accent-insensitive search on people's names through the stored ``search_name``."""

import unicodedata

import pytest

from members.models import Person
from members.search import normalize_search
from tests.factories import PersonFactory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("ĐẶNG THỊ ĐÀO", "dang thi dao"),
        ("đỗ  văn\tđạt ", "do van dat"),
        ("Trương Mỹ Lệ", "truong my le"),
        ("Ăâêôơư ĂÂÊÔƠƯ", "aaeoou aaeoou"),
        ("Hoàng Ngọc Quỳnh", "hoang ngoc quynh"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_search(text, expected):
    assert normalize_search(text) == expected


def test_normalize_search_accepts_decomposed_unicode():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Đức")

    assert normalize_search(decomposed) == "nguyen van duc"


@pytest.fixture
def people(db):
    return {
        name: PersonFactory(full_name=name)
        for name in ("Nguyễn Văn An", "Nguyễn Văn Anh", "Nguyễn Văn Đức", "Trần Thị Bình")
    }


def _names(queryset):
    return set(queryset.values_list("full_name", flat=True))


@pytest.mark.parametrize(
    "query", ["nguyen van an", "Nguyễn Văn An", "NGUYEN VAN AN", "  nguyen   van  an "]
)
def test_search_ignores_accents_case_and_spacing(people, query):
    # Substring matching is intended: "An" also finds "Anh".
    assert _names(Person.objects.search(query)) == {"Nguyễn Văn An", "Nguyễn Văn Anh"}


@pytest.mark.parametrize("query", ["duc", "Đức", "đức", "van duc", "DUC"])
def test_search_maps_d_with_stroke_to_d(people, query):
    assert _names(Person.objects.search(query)) == {"Nguyễn Văn Đức"}


def test_search_matches_part_of_a_name(people):
    assert _names(Person.objects.search("binh")) == {"Trần Thị Bình"}
    assert _names(Person.objects.search("van")) == {
        "Nguyễn Văn An",
        "Nguyễn Văn Anh",
        "Nguyễn Văn Đức",
    }


def test_search_finds_nothing_for_an_unknown_name(people):
    assert not Person.objects.search("le van tam").exists()


def test_empty_search_returns_everyone(people):
    assert Person.objects.search("  ").count() == 4


def test_search_chains_with_other_filters(people):
    people["Nguyễn Văn Anh"].national_id = None
    people["Nguyễn Văn Anh"].save()

    found = Person.objects.filter(national_id__isnull=False).search("nguyen van an")

    assert _names(found) == {"Nguyễn Văn An"}


def test_save_sets_the_search_name(db):
    person = PersonFactory(full_name="Phạm Thị Hương")

    person.refresh_from_db()
    assert person.search_name == "pham thi huong"


def test_save_keeps_the_search_name_in_sync_after_a_rename(db):
    person = PersonFactory(full_name="Phạm Thị Hương")

    person.full_name = "Lê Thị Hường"
    person.save()

    person.refresh_from_db()
    assert person.search_name == "le thi huong"
    assert _names(Person.objects.search("le thi huong")) == {"Lê Thị Hường"}
    assert not Person.objects.search("pham thi huong").exists()


def test_save_with_update_fields_still_updates_the_search_name(db):
    person = PersonFactory(full_name="Phạm Thị Hương")

    person.full_name = "Đinh Thị Hương"
    person.save(update_fields=["full_name"])

    person.refresh_from_db()
    assert person.search_name == "dinh thi huong"


def test_search_name_is_not_in_the_edit_history(db):
    person = PersonFactory(full_name="Phạm Thị Hương")

    assert not hasattr(person.history.first(), "search_name")
