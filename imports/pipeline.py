"""One pass over the rows of an import: read, check, and in write mode write, in batches.

The check pass reads the workbook (``reader``), turns every cell into a field value
(``fields``) and hands batches of rows to the kind's processor, which looks up the
database for the whole batch at once and checks the Party's rules. Rows that read cleanly
are kept in a spool file (JSON lines), so the write pass, run after the user confirms, does
not parse the workbook again: it re-checks every row against the database as it is then and
writes, batch by batch, inside the caller's transaction.
"""

import dataclasses
import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils.cell import get_column_letter

from members.choices import CELL_KINDS
from members.models import Organization
from members.querysets import writable_paths

from .fields import CellError, Column, column_keys, every_language, header_key, read_cell
from .models import MAX_STORED_ERRORS
from .reader import Sheet

# Rows per batch: one set of lookups and one set of bulk inserts per batch.
BATCH_SIZE = 2000
EXAMPLE = gettext_lazy("Example")


@dataclasses.dataclass
class ParsedRow:
    number: int
    values: dict[str, object]  # key of every column present -> value, None when empty


class Run:
    """The state of one pass: scope, counts, problems and lookup caches."""

    def __init__(
        self,
        spec,
        *,
        actor,
        limit_to: Organization | None = None,
        write: bool = False,
        reason: str = "",
    ):
        self.spec = spec
        self.actor = actor
        self.write = write
        self.reason = reason
        self.limit_path = limit_to.path if limit_to is not None else None
        self.paths = writable_paths(actor) if actor is not None else None
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.errors: list[dict] = []
        self.error_count = 0
        self.created = self.updated = self.unchanged = 0
        self.seen_rows = 0
        self.columns: dict[str, Column] = {}
        self.letters: dict[str, str] = {}
        self._cells: dict[str, Organization | None] = {}
        self._required: list[str] = []

    # --- problems ----------------------------------------------------------------------

    def error(self, row: int | None, key: str | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) >= MAX_STORED_ERRORS:
            return
        column = self.spec.column(key) if key else None
        letter = self.letters.get(key, "") if key else ""
        self.errors.append(
            {
                "row": row,
                "column": str(column.label) if column else "",
                "cell": f"{letter}{row}" if letter and row else "",
                "message": str(message),
            }
        )

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    # --- scope and cells ---------------------------------------------------------------

    def may_write(self, organization: Organization) -> bool:
        """The actor's write scope (STAFF assignments), narrowed by ``--org`` if given."""
        path = organization.path
        if self.limit_path is not None and not path.startswith(self.limit_path):
            return False
        return self.paths is None or any(path.startswith(p) for p in self.paths)

    def cells_by_code(self, codes: Iterable[str]) -> dict[str, Organization | None]:
        """Organizations by code, one query per batch for the codes not seen before."""
        missing = {c for c in codes if c not in self._cells}
        if missing:
            for code in missing:
                self._cells[code] = None
            for org in Organization.objects.filter(code__in=missing).order_by():
                self._cells[org.code] = org
        return self._cells

    def cell_problem(self, cell: Organization, code: str) -> str:
        """Why members or candidates cannot be placed in ``cell`` today, or ""."""
        if cell.kind not in CELL_KINDS:
            return _("“%(code)s” is not a Party cell (it is: %(kind)s).") % {
                "code": code,
                "kind": cell.get_kind_display(),
            }
        if not cell.is_active_on(self.today):
            return _("The cell “%(code)s” is not active (closed on %(date)s).") % {
                "code": code,
                "date": _d(cell.closed_on) if cell.closed_on else "—",
            }
        if not self.may_write(cell):
            return _("The cell “%(code)s” is outside your scope: you may not change its data.") % {
                "code": code
            }
        return ""

    # --- reading -----------------------------------------------------------------------

    def map_header(self, header) -> dict[int, Column]:
        """Column number -> column, from the titles in the header row; problems reported."""
        by_key = {}
        for column in self.spec.all_columns:
            for key in column_keys(column):
                by_key.setdefault(key, column)
        mapping: dict[int, Column] = {}
        for index in sorted(header.values):
            title = str(header.values[index]).strip()
            column = by_key.get(header_key(title))
            letter = get_column_letter(index)
            if column is None:
                self.error(
                    header.number,
                    None,
                    _(
                        "Column %(letter)s has an unknown title “%(title)s”: use the column "
                        "titles of the template."
                    )
                    % {"letter": letter, "title": title},
                )
            elif column.key in self.columns:
                self.error(
                    header.number,
                    None,
                    _("The column “%(title)s” appears twice (columns %(first)s and %(second)s).")
                    % {"title": title, "first": self.letters[column.key], "second": letter},
                )
            else:
                mapping[index] = column
                self.columns[column.key] = column
                self.letters[column.key] = letter
        for message in self.spec.header_problems(set(self.columns)):
            self.error(header.number, None, message)
        self._required = [k for k, c in self.columns.items() if c.required and c.parse]
        return mapping

    def sheet_rows(self, sheet: Sheet) -> Iterator[ParsedRow]:
        """The data rows of ``sheet``, each with its cells read; problems reported."""
        rows = sheet.rows()
        header = None
        for row in rows:
            self.seen_rows += 1
            self._refuse_formulas(row)
            if row.values:
                header = row
                break
        if header is None:
            if not self.has_errors:
                self.error(None, None, _("The sheet “%(name)s” is empty.") % {"name": sheet.name})
            return
        mapping = self.map_header(header)
        if self.has_errors:
            return
        example = {header_key(k) for k in every_language(EXAMPLE)}
        data_rows = 0
        for row in rows:
            self.seen_rows += 1
            self._refuse_formulas(row)
            parsed = self._parse(row, mapping, example)
            if parsed is not None:
                data_rows += 1
                yield parsed
        if not data_rows and not self.has_errors:
            self.error(None, None, _("The sheet has no data rows below the column titles."))

    def _refuse_formulas(self, row) -> None:
        for address in row.formulas:
            self.error(
                row.number,
                None,
                _(
                    "The cell %(cell)s holds a formula: enter values only (copy the cells and "
                    "paste them as values)."
                )
                % {"cell": address},
            )

    def _parse(self, row, mapping: dict[int, Column], example: set[str]) -> ParsedRow | None:
        """The row's values by key; ``None`` for a blank or example row, ``_BAD_ROW`` when a
        cell cannot be read (reported). The hot loop of the check: kept plain."""
        values: dict[str, object] = dict.fromkeys(self.columns)
        unreadable = []
        has_data = False
        number = None
        for index, raw in row.values.items():
            column = mapping.get(index)
            if column is None:
                continue
            key = column.key
            if key == "number":
                number = raw
                continue
            has_data = True
            if column.parse is None:
                continue
            try:
                values[key] = read_cell(column, raw)
            except CellError as error:
                self.error(row.number, key, str(error))
                unreadable.append(key)
        if not has_data:
            return None
        if isinstance(number, str) and header_key(number) in example:
            return None
        for key in self._required:
            if values[key] is None and key not in unreadable:
                self.error(row.number, key, _("Required: this cell cannot be empty."))
                unreadable.append(key)
        return _BAD_ROW if unreadable else ParsedRow(row.number, values)

    # --- the pass ----------------------------------------------------------------------

    def execute(
        self,
        rows: Iterable[ParsedRow],
        *,
        progress: Callable[[int], None] | None = None,
        spool=None,
    ) -> None:
        """Check (and in write mode write) ``rows`` in batches of ``BATCH_SIZE``."""
        processor = self.spec.processor(self)
        batch: list[ParsedRow] = []
        for row in rows:
            if row is _BAD_ROW:
                continue
            if spool is not None:
                spool.add(self, row)
            batch.append(row)
            if len(batch) >= BATCH_SIZE:
                processor.batch(batch)
                batch = []
                if progress:
                    progress(self.seen_rows)
        if batch:
            processor.batch(batch)
        processor.finish()
        if progress:
            progress(self.seen_rows)


# A row whose cells could not all be read: counted, reported, not checked further.
_BAD_ROW = ParsedRow(0, {})


def _d(date: datetime.date) -> str:
    return date.strftime("%d/%m/%Y")


# --- the spool -------------------------------------------------------------------------


class Spool:
    """The rows read by the check pass, one JSON line each, for the write pass.

    The first line names the columns and their letters, so that problems found when
    writing point at the same cells as those found when checking.
    """

    def __init__(self, path: Path):
        self.path = path
        self._file = None

    def add(self, run: Run, row: ParsedRow) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("w", encoding="utf-8")
            self._keys = list(run.columns)
            head = {"keys": self._keys, "letters": run.letters}
            self._file.write(json.dumps(head, ensure_ascii=False) + "\n")
        values = row.values
        line = [row.number, *(values[key] for key in self._keys)]
        self._file.write(json.dumps(line, default=_iso, ensure_ascii=False))
        self._file.write("\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def rows(self, run: Run) -> Iterator[ParsedRow]:
        """The spooled rows; sets the run's columns and letters from the head line."""
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as source:
            head = json.loads(source.readline())
            keys = head["keys"]
            run.columns = {key: run.spec.column(key) for key in keys}
            run.letters = head["letters"]
            dates = [key for key, column in run.columns.items() if column.is_date]
            for line in source:
                number, *cells = json.loads(line)
                values = dict(zip(keys, cells, strict=True))
                for key in dates:
                    if values[key] is not None:
                        values[key] = datetime.date.fromisoformat(values[key])
                run.seen_rows += 1
                yield ParsedRow(number, values)

    def delete(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


def _iso(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(type(value))
