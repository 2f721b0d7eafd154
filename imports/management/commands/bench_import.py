"""python manage.py bench_import [--rows 70000]: time the members import on this database.

Generates a members workbook of synthetic people (marked nowhere as real: names are drawn
from common Vietnamese names, national IDs start with 9, which no province code does)
placed in the active cells of the database, then runs the import as the worker does: the
check, then the write in one transaction. Prints the seconds of each phase and the peak
resident memory (``resource.getrusage``), which should not grow with the number of rows.

The rows are written for real: run it on a database of your own (e.g. after
``seed_demo --reset``), not on production data.
"""

import datetime
import random
import resource
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from imports import services
from imports.kinds import spec_for
from imports.models import ImportStatus
from members.choices import CELL_KINDS, Ethnicity, Gender, MemberStatus, OccupationGroup
from members.models import Organization
from members.rules import add_months

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = {Gender.MALE: ["Văn", "Đức", "Minh", "Quang"], Gender.FEMALE: ["Thị", "Thu", "Ngọc"]}
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Linh", "Mai"]
GIVEN += ["Nam", "Ngọc", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Vân", "Yến"]


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Generate a members workbook of synthetic people and time its import."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=70_000)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--keep", metavar="PATH", help="Also save the generated workbook here.")

    def handle(self, *args, rows, seed, keep, **options):
        with translation.override("vi"):
            cells = list(
                Organization.objects.filter(kind__in=CELL_KINDS, closed_on__isnull=True)
                .order_by("path")
                .values_list("code", "established_on")
            )
            if not cells:
                raise CommandError("No active cells: seed the tree first (seed_demo --reset).")
            rng = random.Random(seed)
            with tempfile.TemporaryDirectory() as directory:
                path = Path(keep) if keep else Path(directory) / "bench-members.xlsx"
                started = time.monotonic()
                self._workbook(path, rows, cells, rng)
                self.stdout.write(
                    f"Generated {rows:,} rows in {len(cells):,} cells: "
                    f"{path.stat().st_size / 1e6:.1f} MB in {time.monotonic() - started:.1f} s "
                    f"(peak RSS {_peak_mb():.0f} MB)"
                )
                self._run(path)

    def _run(self, path):
        job = services.import_job_create_from_path(path=path, kind="members")
        rss_before = _peak_mb()
        started = time.monotonic()
        job = services.import_job_check(job_id=job.pk)
        checked = time.monotonic() - started
        rss_check = _peak_mb()
        if job.status != ImportStatus.READY:
            for problem in job.errors[:20]:
                self.stderr.write(str(problem))
            raise CommandError(f"The check found {job.error_count:,} problems ({job.status}).")
        self.stdout.write(
            f"Check: {checked:.1f} s, {job.to_create:,} to create (peak RSS {rss_check:.0f} MB)"
        )
        services.import_job_confirm(job=job, user=None, enqueue=False)
        started = time.monotonic()
        job = services.import_job_write(job_id=job.pk)
        written = time.monotonic() - started
        if job.status != ImportStatus.DONE:
            raise CommandError(f"The write ended {job.status}: {job.message}")
        self.stdout.write(
            f"Write: {written:.1f} s, {job.to_create:,} created (peak RSS {_peak_mb():.0f} MB)"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Check + write: {checked + written:.1f} s for {job.to_create:,} rows; "
                f"peak RSS {_peak_mb():.0f} MB (before the import: {rss_before:.0f} MB)"
            )
        )

    def _workbook(self, path, rows, cells, rng) -> None:
        spec = spec_for("members")
        keys = [c.key for c in spec.columns]
        book = Workbook(write_only=True)
        sheet = book.create_sheet(str(spec.sheet_title))
        sheet.append([spec.column(k).title() for k in keys])
        today = timezone.localdate()
        prefix = rng.randrange(100, 1000)
        status = str(MemberStatus.OFFICIAL.label)
        genders = {g: str(g.label) for g in Gender}
        ethnicities = [str(Ethnicity.KINH.label)] * 9 + [str(Ethnicity.TAY.label)]
        occupations = [str(label) for _value, label in OccupationGroup.choices]
        for n in range(1, rows + 1):
            gender = rng.choice(list(Gender))
            born = datetime.date(rng.randint(1945, 2000), rng.randint(1, 12), rng.randint(1, 28))
            admitted = min(add_months(born, 12 * rng.randint(19, 40)), add_months(today, -14))
            ceremony = admitted + datetime.timedelta(days=10)
            code, established = cells[n % len(cells)]
            values = {
                "number": n,
                "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[gender])} "
                f"{rng.choice(GIVEN)}",
                "gender": genders[gender],
                "date_of_birth": born,
                "national_id": f"9{prefix:03d}{n:08d}",
                "ethnicity": rng.choice(ethnicities),
                "home_town": "Xã Đình Chu, huyện Lập Thạch",
                "residence": f"Thôn {n % 17 + 1}",
                "occupation_group": rng.choice(occupations),
                "cell_code": code,
                "status": status,
                "admission_decision_date": admitted,
                "admission_decision_number": f"{n}-QĐ/HU",
                "admission_committee": "Huyện ủy",
                "ceremony_date": ceremony,
                "official_date": add_months(ceremony, 12),
                "placed_on": established if established > admitted else None,
            }
            sheet.append([self._cell(sheet, values.get(k)) for k in keys])
        book.save(path)

    @staticmethod
    def _cell(sheet, value):
        if isinstance(value, datetime.date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "DD/MM/YYYY"
            return cell
        return value
