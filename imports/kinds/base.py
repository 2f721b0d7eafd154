"""What every kind of import shares: the spec interface and the person columns."""

import datetime
import re

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from members.choices import (
    Ethnicity,
    Gender,
    GeneralEducation,
    OccupationGroup,
    PoliticalTheory,
    Qualification,
    Religion,
)
from members.models import Person
from members.search import normalize_search

from ..fields import (
    DATE_FORMAT,
    TEXT_FORMAT,
    Column,
    choice,
    parse_date,
    parse_national_id,
    text,
)

_SPACES = re.compile(r"\s+")


def d(date: datetime.date | None) -> str:
    return date.strftime("%d/%m/%Y") if date else "—"


def same_text(current: str, new: str) -> bool:
    """Equal once spaces are collapsed: the reader collapses them in every cell."""
    return _SPACES.sub(" ", current or "").strip() == (new or "")


def _verbose(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


class Spec:
    """One kind of import: its sheet, its columns and the processor that checks and writes."""

    kind: str
    sheet_title = gettext_lazy("Data")
    columns: tuple[Column, ...] = ()
    # Columns read from other workbooks (the member export) but left out of the template.
    extra_columns: tuple[Column, ...] = ()

    def __init__(self):
        self._by_key = {c.key: c for c in (*self.columns, *self.extra_columns)}

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return (*self.columns, *self.extra_columns)

    def column(self, key: str) -> Column:
        return self._by_key[key]

    def header_problems(self, present: set[str]) -> list[str]:
        return [
            _(
                "The column “%(title)s” is missing: the first row must hold the column "
                "titles of the template."
            )
            % {"title": column.label}
            for column in self.columns
            if column.required and column.key not in present
        ]

    def processor(self, run):
        raise NotImplementedError

    def example(self, cell_code: str, today: datetime.date) -> dict[str, object]:
        """Values of the template's example row."""
        raise NotImplementedError


NUMBER = Column(
    "number",
    gettext_lazy("No."),
    None,
    width=7,
    help=gettext_lazy("Row number, for your own use. A row whose number is “Example” is skipped."),
)

PERSON_COLUMNS = (
    Column(
        "full_name",
        gettext_lazy("Full name"),
        text(120),
        required=True,
        width=28,
        help=gettext_lazy("Family name, middle name and given name, with Vietnamese accents."),
    ),
    Column(
        "gender",
        gettext_lazy("Gender"),
        choice(Gender),
        required=True,
        choices=Gender,
        width=10,
        help=gettext_lazy("Choose from the list."),
    ),
    Column(
        "date_of_birth",
        gettext_lazy("Date of birth"),
        parse_date,
        required=True,
        width=13,
        number_format=DATE_FORMAT,
        help=gettext_lazy("An Excel date, or text written dd/mm/yyyy."),
    ),
    Column(
        "national_id",
        gettext_lazy("National ID (CCCD)"),
        parse_national_id,
        required=True,
        width=16,
        number_format=TEXT_FORMAT,
        help=gettext_lazy(
            "The 12 digits of the citizen identity card. It identifies the person: importing "
            "the file again updates the person with this number instead of adding another."
        ),
    ),
    Column(
        "ethnicity",
        gettext_lazy("Ethnicity"),
        choice(Ethnicity),
        choices=Ethnicity,
        width=12,
        help=gettext_lazy("One of the 54 ethnic groups; empty means Kinh."),
    ),
    Column(
        "religion",
        gettext_lazy("Religion"),
        choice(Religion),
        choices=Religion,
        width=12,
        help=gettext_lazy("Choose from the list; empty means none."),
    ),
    Column("home_town", gettext_lazy("Home town"), text(255), width=24),
    Column("residence", gettext_lazy("Residence"), text(255), width=24),
    Column(
        "general_education",
        _verbose(Person, "general_education"),
        choice(GeneralEducation),
        choices=GeneralEducation,
        width=16,
        help=gettext_lazy("Choose from the list."),
    ),
    Column(
        "professional_qualification",
        _verbose(Person, "professional_qualification"),
        choice(Qualification),
        choices=Qualification,
        width=16,
        help=gettext_lazy("Choose from the list."),
    ),
    Column(
        "political_theory",
        _verbose(Person, "political_theory"),
        choice(PoliticalTheory),
        choices=PoliticalTheory,
        width=16,
        help=gettext_lazy("Choose from the list."),
    ),
    Column(
        "occupation_group",
        gettext_lazy("Occupation group"),
        choice(OccupationGroup),
        choices=OccupationGroup,
        width=18,
        help=gettext_lazy("Choose from the list."),
    ),
)

PERSON_TEXT = ("full_name", "home_town", "residence")
PERSON_CHOICES_BLANK = (
    "general_education",
    "professional_qualification",
    "political_theory",
    "occupation_group",
)
PERSON_DEFAULTS = {"ethnicity": Ethnicity.KINH, "religion": Religion.NONE}
PERSON_KEYS = tuple(c.key for c in PERSON_COLUMNS)


def person_value(key: str, value):
    """The field value for a cell of a person column (empty cells get the field's empty value)."""
    if value is None:
        if key in PERSON_DEFAULTS:
            return PERSON_DEFAULTS[key]
        return "" if key != "date_of_birth" else None
    return value


def person_changes(person: Person, values: dict) -> dict[str, object]:
    """Fields of ``person`` that the row's present person columns change."""
    changes = {}
    for key in PERSON_KEYS:
        if key not in values or key == "national_id":
            continue
        new = person_value(key, values[key])
        current = getattr(person, key)
        if key in PERSON_TEXT:
            if not same_text(current, new):
                changes[key] = new
        elif current != new:
            changes[key] = new
    return changes


def person_row(values: dict) -> dict:
    """The fields of a new person; ``search_name`` is set here because bulk inserts skip
    ``Person.save()``."""
    row = {key: person_value(key, values.get(key)) for key in PERSON_KEYS}
    row["search_name"] = normalize_search(row["full_name"])
    return row


def person_rule_problems(values: dict, today: datetime.date) -> list[tuple[str, str]]:
    born = values.get("date_of_birth")
    if born is not None and born >= today:
        return [("date_of_birth", _("The date of birth must be in the past."))]
    return []


def apply_changes(plans, attribute, changes_attribute, model, history) -> None:
    """Set the changed fields on the objects and bulk update them, with history."""
    if not plans:
        return
    fields = set()
    objects = []
    for plan in plans:
        obj = getattr(plan, attribute)
        changes = getattr(plan, changes_attribute)
        for name, value in changes.items():
            setattr(obj, name, value)
        fields |= changes.keys()
        objects.append(obj)
    if model is Person and "full_name" in fields:
        for obj in objects:
            obj.search_name = normalize_search(obj.full_name)
        fields.add("search_name")
    bulk_update_with_history(
        objects,
        model,
        sorted(fields),
        batch_size=len(objects),
        default_user=history["user"],
        default_change_reason=history["reason"],
        default_date=history["date"],
    )
