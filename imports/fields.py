"""Columns of the import workbooks: their titles, how a cell's value is read, and the help.

A column's title is matched without accents and case, in every interface language, so a
workbook saved from the Vietnamese or the English interface (or the member export) comes
back in. Coded columns take the label of the choice ("Nam", "Đảng viên chính thức"), the
English label or the code itself.
"""

import dataclasses
import datetime
import re
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from members.search import normalize_search

from .reader import ExcelError

DATE_FORMAT = "DD/MM/YYYY"
TEXT_FORMAT = "@"
_DATE_TEXT = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")


class CellError(Exception):
    """The value of one cell cannot be read; the message is translated."""


# eq=False: columns are compared and hashed by identity; hashing the lazy labels would
# translate them on every cell.
@dataclasses.dataclass(frozen=True, eq=False)
class Column:
    """One column of an import sheet.

    ``parse`` turns a non-empty cell value into the field's value or raises ``CellError``;
    ``None`` marks a column that is only read by people (e.g. the export's "No.").
    """

    key: str
    label: Promise
    parse: Callable[[object], object] | None
    required: bool = False
    help: Promise | str = ""
    choices: type[models.TextChoices] | None = None
    width: int = 16
    number_format: str | None = None
    # Other titles that mean this column (e.g. the member export's "Cell" for the name).
    aliases: tuple[Promise, ...] = ()
    # The "Format" of the explanation sheet, when the column's type does not say it.
    hint: Promise | str = ""

    @property
    def is_date(self) -> bool:
        return self.parse is parse_date

    def title(self) -> str:
        """The title in the template: the label, with a star when the column is required."""
        return f"{self.label} *" if self.required else str(self.label)


def header_key(text) -> str:
    """A column title as compared: no accents, lower case, no required-star."""
    text = str(text).strip().rstrip("*").strip()
    if text.endswith("(*)"):
        text = text[:-3]
    return normalize_search(text)


def every_language(label) -> list[str]:
    """``label`` translated into each interface language."""
    result = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            result.append(str(label))
    return result


def _in_every_language(label) -> set[str]:
    return {header_key(text) for text in every_language(label)}


def column_keys(column: Column) -> set[str]:
    """Every title that names ``column``, compared with ``header_key``."""
    keys = set()
    for label in (column.label, *column.aliases):
        keys |= _in_every_language(label)
    return keys


# --- values ----------------------------------------------------------------------------


def _plain(value) -> str:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        raise CellError(_("Enter text here, not a date."))
    return " ".join(str(value).split())


def text(max_length: int) -> Callable[[object], str]:
    def parse(value) -> str:
        result = _plain(value)
        if len(result) > max_length:
            raise CellError(
                _("At most %(max)d characters (this has %(length)d).")
                % {"max": max_length, "length": len(result)}
            )
        return result

    return parse


def parse_date(value) -> datetime.date:
    """A real Excel date, or text written dd/mm/yyyy (also with "-" or ".")."""
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, str) and (match := _DATE_TEXT.fullmatch(value.strip())):
        day, month, year = (int(part) for part in match.groups())
        try:
            result = datetime.date(year, month, day)
        except ValueError:
            raise CellError(_("“%(value)s” is not a valid date.") % {"value": value}) from None
    else:
        raise CellError(
            _("“%(value)s” is not a date: write it as dd/mm/yyyy or enter an Excel date.")
            % {"value": value}
        )
    if not 1900 <= result.year <= 2100:
        raise CellError(_("The year %(year)d is not plausible.") % {"year": result.year})
    return result


def parse_national_id(value) -> str:
    """12 digits. A number that lost its leading zeros in Excel (001… -> 1…) gets them back."""
    if isinstance(value, bool):
        raise CellError(_("The national ID (CCCD) must have exactly 12 digits."))
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_("The national ID (CCCD) must have exactly 12 digits."))
        digits = str(int(value))
        # Province codes run 001-096, so at most two leading zeros can have been lost.
        if 10 <= len(digits) < 12:
            digits = digits.zfill(12)
    else:
        digits = re.sub(r"[\s.]", "", str(value))
    if not re.fullmatch(r"\d{12}", digits):
        raise CellError(_("The national ID (CCCD) must have exactly 12 digits."))
    return digits


_TRUE = {"co", "x", "yes", "true", "1", "dung"}
_FALSE = {"khong", "no", "false", "0", "sai"}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    key = normalize_search(_plain(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(_("Write “Có” (yes) or “Không” (no)."))


def integer(minimum: int, maximum: int) -> Callable[[object], int]:
    def parse(value) -> int:
        if isinstance(value, bool):
            raise CellError(_("Enter a whole number."))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int):
            raise CellError(_("Enter a whole number."))
        if not minimum <= value <= maximum:
            raise CellError(
                _("Enter a number from %(min)d to %(max)d.") % {"min": minimum, "max": maximum}
            )
        return value

    return parse


@cache
def _choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    lookup = {}
    for value, label in choices.choices:
        lookup[normalize_search(value)] = value
        for key in _in_every_language(label):
            lookup[key] = value
    return lookup


def choice(choices: type[models.TextChoices]) -> Callable[[object], str]:
    # A column holds a handful of distinct values: each is normalized once.
    seen: dict[object, str] = {}

    def parse(value) -> str:
        found = seen.get(value)
        if found is not None:
            return found
        found = _choice_lookup(choices).get(normalize_search(_plain(value)))
        if found is not None and isinstance(value, str) and len(seen) < 1000:
            seen[value] = found
        if found is None:
            raise CellError(
                _("“%(value)s” is not in the list of allowed values; choose one from the list.")
                % {"value": value}
            )
        return found

    return parse


def read_cell(column: Column, value):
    """The field value of one cell (``None`` for an empty cell) or ``CellError``.

    The reader leaves out empty and blank cells, so ``value`` is rarely ``None`` here.
    """
    if value is None:
        return None
    if type(value) is ExcelError:
        raise CellError(_("The cell holds the Excel error %(code)s.") % {"code": value.code})
    return column.parse(value)
