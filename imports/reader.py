"""Streaming reader of one sheet of an .xlsx workbook, in memory that does not grow with it.

openpyxl (read-only) opens the package: the sheet list, the shared strings and the styles
that mark dates. The rows themselves are parsed here with expat feeding a small target
object, 64 KB at a time, without building elements. Measured on a 70,000-row sheet, this
is about three times faster than openpyxl's read-only cell parser, and unlike openpyxl's
``ReadOnlyWorksheet`` it does not parse the whole sheet a second time when the sheet has no
``<dimension>`` (openpyxl's own write-only output, such as the member export, has none).
"""

import dataclasses
import datetime
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError, XMLParser

from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel

from members.search import normalize_search

CHUNK = 64 * 1024
_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)


def _tags(name: str) -> frozenset[str]:
    return frozenset({name, *(f"{{{ns}}}{name}" for ns in _NAMESPACES)})


ROW, CELL, VALUE, TEXT = _tags("row"), _tags("c"), _tags("v"), _tags("t")
FORMULA, INLINE, PHONETIC = _tags("f"), _tags("is"), _tags("rPh")

_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row[\s>/]")
_MERGE_TAG = re.compile(rb"<(?:[\w.-]+:)?mergeCell\s[^>]*?ref=\"([^\"]+)\"")


class WorkbookError(Exception):
    """The file as a whole cannot be imported; the message is translated."""


@dataclasses.dataclass(frozen=True)
class ExcelError:
    """A cell holding an Excel error value such as ``#N/A``."""

    code: str

    def __str__(self):
        return self.code


@dataclasses.dataclass
class Row:
    number: int
    values: dict[int, object]  # 1-based column -> value (str, int, float, bool, datetime)
    formulas: list[str]  # addresses of cells holding a formula


@dataclasses.dataclass
class Sheet:
    """One worksheet of an opened workbook."""

    name: str
    archive: zipfile.ZipFile
    path: str
    shared_strings: list
    date_styles: frozenset[int]
    epoch: datetime.datetime

    def close(self) -> None:
        self.archive.close()

    def scan(self) -> tuple[int, list[str]]:
        """The number of rows and the merged ranges, from the raw XML (no parsing).

        openpyxl's read-only mode does not report merged cells; they are listed in
        ``<mergeCells>`` after the rows, so the whole part is read, decompressed, once.
        """
        rows, merged = 0, []
        overlap = 512
        carry = b""
        with self.archive.open(self.path) as source:
            while True:
                chunk = source.read(1024 * 1024)
                buffer = carry + chunk
                limit = len(buffer) if not chunk else max(0, len(buffer) - overlap)
                rows += sum(1 for match in _ROW_TAG.finditer(buffer) if match.start() < limit)
                for match in _MERGE_TAG.finditer(buffer):
                    if match.start() < limit:
                        merged.append(match.group(1).decode("ascii", "replace"))
                carry = buffer[limit:]
                if not chunk:
                    return rows, merged

    def rows(self) -> Iterator[Row]:
        """The sheet's rows in order, each with its non-empty values."""
        target = _Target(self)
        parser = XMLParser(target=target)
        with self.archive.open(self.path) as source:
            try:
                while chunk := source.read(CHUNK):
                    parser.feed(chunk)
                    if target.done:
                        yield from target.done
                        target.done.clear()
                parser.close()
            except ParseError as error:
                raise WorkbookError(_("The sheet cannot be read: the file is damaged.")) from error
        yield from target.done


class _Target:
    """Receives expat's callbacks and collects finished rows in ``done``."""

    def __init__(self, sheet: Sheet):
        self.strings = sheet.shared_strings
        self.date_styles = sheet.date_styles
        self.epoch = sheet.epoch
        self.done: list[Row] = []
        self.row: Row | None = None
        self.row_counter = 0
        self.column_counter = 0
        self.cell_type = "n"
        self.cell_style = 0
        self.cell_column = 0
        self.cell_formula = False
        self.value_parts: list[str] | None = None
        self.text_parts: list[str] = []
        self.collect: list[str] | None = None
        self.in_phonetic = False
        self.columns: dict[str, int] = {}
        self.dates: dict[object, datetime.datetime] = {}

    def start(self, tag, attrib):
        if tag in CELL:
            ref = attrib.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                index = self.columns.get(letters)
                if index is None:
                    index = self.columns[letters] = _column_index(letters, self.column_counter)
                self.column_counter = index
            else:
                self.column_counter += 1
            self.cell_column = self.column_counter
            self.cell_type = attrib.get("t", "n")
            style = attrib.get("s")
            self.cell_style = int(style) if style else 0
            self.cell_formula = False
            self.value_parts = None
            self.text_parts = []
        elif tag in VALUE:
            self.value_parts = []
            self.collect = self.value_parts
        elif tag in TEXT:
            if not self.in_phonetic:
                self.collect = self.text_parts
        elif tag in PHONETIC:
            self.in_phonetic = True
        elif tag in FORMULA:
            self.cell_formula = True
        elif tag in ROW:
            number = attrib.get("r")
            self.row_counter = int(number) if number else self.row_counter + 1
            self.column_counter = 0
            self.row = Row(self.row_counter, {}, [])

    def data(self, text):
        if self.collect is not None:
            self.collect.append(text)

    def end(self, tag):
        if tag in VALUE or tag in TEXT:
            self.collect = None
        elif tag in PHONETIC:
            self.in_phonetic = False
        elif tag in CELL:
            self._finish_cell()
        elif tag in ROW:
            self.done.append(self.row)
            self.row = None

    def close(self):
        return None

    def _finish_cell(self):
        row = self.row
        if row is None:
            return
        if self.cell_formula:
            row.formulas.append(f"{get_column_letter(self.cell_column)}{row.number}")
            return
        kind = self.cell_type
        if kind == "inlineStr":
            value = "".join(self.text_parts)
        elif self.value_parts is None:
            return
        else:
            raw = "".join(self.value_parts)
            if kind == "s":
                value = self._shared(raw)
            elif kind == "n":
                value = self._number(raw)
            elif kind == "b":
                value = raw.strip() in ("1", "true")
            elif kind == "e":
                value = ExcelError(raw)
            elif kind == "d":
                value = _iso_datetime(raw)
            else:
                value = raw
        if value is not None and not (isinstance(value, str) and not value.strip()):
            row.values[self.cell_column] = value

    def _shared(self, raw: str):
        try:
            value = self.strings[int(raw)]
        except (ValueError, IndexError):
            return None
        return str(value) if value is not None else None

    def _number(self, raw: str):
        raw = raw.strip()
        if not raw:
            return None
        try:
            number = int(raw)
        except ValueError:
            try:
                number = float(raw)
            except ValueError:
                return raw
        if self.cell_style in self.date_styles:
            # Whole days repeat (dates of birth, decisions): convert each serial once.
            found = self.dates.get(number)
            if found is None:
                try:
                    found = from_excel(number, self.epoch)
                except (ValueError, OverflowError):
                    return number
                if len(self.dates) < 100_000:
                    self.dates[number] = found
            return found
        return number


def _column_index(letters: str, previous: int) -> int:
    try:
        return column_index_from_string(letters)
    except ValueError:
        return previous + 1


def _iso_datetime(raw: str):
    try:
        return datetime.datetime.fromisoformat(raw.strip())
    except ValueError:
        return raw


def open_sheet(path, sheet_names) -> Sheet:
    """Open ``path`` and find the sheet named like one of ``sheet_names``.

    Names are compared without accents and case ("Dang vien" finds "Đảng viên"). Raises
    ``WorkbookError`` for anything that is not a readable .xlsx workbook with that sheet.
    """
    if not zipfile.is_zipfile(path):
        raise WorkbookError(
            _("The file is not an Excel workbook (.xlsx). Save it as “Excel Workbook (.xlsx)”.")
        )
    try:
        reader = ExcelReader(path, read_only=True, data_only=False)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            (sheet.name, rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if "worksheet" in rel.Type and rel.target in reader.valid_files
        ]
    except Exception as error:  # openpyxl raises many types for a damaged package
        raise WorkbookError(
            _("The file is not an Excel workbook (.xlsx) or it is damaged.")
        ) from error
    wanted = {normalize_search(str(name)) for name in sheet_names}
    for name, target in sheets:
        if normalize_search(name) in wanted:
            wb = reader.wb
            return Sheet(
                name=name,
                archive=reader.archive,
                path=target,
                shared_strings=reader.shared_strings,
                date_styles=frozenset(wb._date_formats),
                epoch=wb.epoch,
            )
    reader.archive.close()
    raise WorkbookError(
        _("The workbook has no sheet named “%(name)s” (its sheets: %(sheets)s).")
        % {
            "name": str(sheet_names[0]),
            "sheets": ", ".join(f"“{name}”" for name, _target in sheets) or "—",
        }
    )
