"""python manage.py import_xlsx members|candidacies|ratings FILE [--org CODE] [--dry-run]

The administrators' way to import a workbook: the same checks and the same report as the
web import, run in this process with a progress line in the terminal. The import is
recorded as an ImportJob like any other. Exits with status 1 when the file has problems.
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, translation
from django.utils.translation import gettext as _

from imports import services
from imports.kinds import SPECS
from imports.models import ImportStatus
from members.models import Organization

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Import members, candidacies or a year's ratings from an .xlsx workbook."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(SPECS))
        parser.add_argument("file")
        parser.add_argument(
            "--org", metavar="CODE", help="Only rows of this organization's subtree."
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Import as this user: their write scope applies and the history names them.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )

    def handle(self, *args, kind, file, org, user, dry_run, **options):
        with translation.override(settings.LANGUAGE_CODE):
            organization = self._organization(org)
            actor = self._user(user)
            try:
                job = services.import_job_create_from_path(
                    path=file, kind=kind, user=actor, organization=organization
                )
            except FileNotFoundError as error:
                raise CommandError(_("No such file: %(file)s") % {"file": file}) from error
            started = time.monotonic()
            job = services.import_job_check(job_id=job.pk, echo=self._progress(_("Checking")))
            self._end_progress()
            self.stdout.write(
                _("Checked in %(seconds).1f s.") % {"seconds": time.monotonic() - started}
            )
            if job.status == ImportStatus.READY and not dry_run:
                services.import_job_confirm(job=job, user=None, enqueue=False)
                started = time.monotonic()
                job = services.import_job_write(job_id=job.pk, echo=self._progress(_("Writing")))
                self._end_progress()
                self.stdout.write(
                    _("Written in %(seconds).1f s.") % {"seconds": time.monotonic() - started}
                )
            self._report(job, dry_run)
            if job.status in (ImportStatus.INVALID, ImportStatus.FAILED):
                raise CommandError(
                    _("Import #%(id)s: nothing was written.") % {"id": job.pk}, returncode=1
                )

    def _organization(self, code):
        if not code:
            return None
        try:
            return Organization.objects.get(code=code)
        except Organization.DoesNotExist:
            raise CommandError(
                _("No organization has the code “%(code)s”.") % {"code": code}
            ) from None

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No user is named “%(name)s”.") % {"name": username}) from None

    def _progress(self, title):
        interactive = self.stdout.isatty()

        def echo(done, total):
            percent = done * 100 // total if total else 100
            filled = BAR_WIDTH * percent // 100
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            line = f"{title} [{bar}] {_n(done)}/{_n(total)} {percent:3d}%"
            # \r redraws one line in a terminal; a log gets one line per batch instead.
            self.stdout.write(
                ("\r" if interactive else "") + line, ending="" if interactive else "\n"
            )
            self.stdout.flush()

        return echo

    def _end_progress(self):
        if self.stdout.isatty():
            self.stdout.write("")

    def _report(self, job, dry_run) -> None:
        out = self.stdout
        out.write(
            _("Import #%(id)s (%(kind)s) of %(file)s: %(status)s")
            % {
                "id": job.pk,
                "kind": job.get_kind_display(),
                "file": job.file_name,
                "status": job.get_status_display(),
            }
        )
        counts = (
            (_("Created") if job.status == ImportStatus.DONE else _("To create"), job.to_create),
            (_("Updated") if job.status == ImportStatus.DONE else _("To update"), job.to_update),
            (_("Unchanged"), job.unchanged),
            (_("Errors"), job.error_count),
        )
        for title, value in counts:
            out.write(f"  {title:<14} {_n(value):>10}")
        if job.message:
            out.write(job.message)
        for problem in job.errors:
            where = []
            if problem["row"]:
                where.append(_("row %(row)s") % {"row": problem["row"]})
            if problem["column"]:
                where.append(problem["column"])
            if problem["cell"]:
                where.append(f"({problem['cell']})")
            self.stderr.write(f"  {' '.join(where) or '—'}: {problem['message']}")
        if job.errors_truncated:
            self.stderr.write(
                _("… and %(more)s more problems.") % {"more": _n(job.error_count - len(job.errors))}
            )
        if dry_run and job.status == ImportStatus.READY:
            out.write(_("Dry run: nothing was written."))


def _n(value: int) -> str:
    return formats.number_format(value, force_grouping=True)
