"""The life of an import: upload, check in the background, confirm, write in one transaction.

upload (``import_job_create``) -> QUEUED -> ``import_job_check`` (worker) -> INVALID, or
READY (or DONE when nothing would change) -> ``import_job_confirm`` -> WRITING ->
``import_job_write`` (worker) -> DONE, or INVALID when the registry changed since the check
in a way that breaks a row: then nothing is written. Any other failure is FAILED, with
nothing written either.
"""

import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.errors import DomainError
from members.querysets import has_write_role

from .fields import every_language
from .kinds import spec_for
from .models import ImportJob, ImportStatus
from .pipeline import Run, Spool
from .reader import WorkbookError, open_sheet

logger = logging.getLogger(__name__)


def _spool(job: ImportJob) -> Spool:
    return Spool(Path(settings.MEDIA_ROOT) / "imports" / "spool" / f"{job.pk}.jsonl")


def _sha256(file) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def import_job_create(
    *, user, kind: str, file, file_name: str = "", organization=None, enqueue: bool = True
) -> ImportJob:
    """Store an uploaded workbook and queue its check.

    The file (an ``UploadedFile`` or a ``django.core.files.File``) is kept under
    ``MEDIA_ROOT/imports/`` with its SHA-256, so a job can always be traced to its file.
    Files over ``IMPORT_MAX_UPLOAD_BYTES`` are refused before anything is stored.
    """
    if user is not None and not has_write_role(user):
        raise DomainError(_("Only staff with the right to change data may import."))
    spec_for(kind)
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if file.size > limit:
        raise DomainError(
            {
                "file": _("The file is %(size)s; the largest file accepted is %(limit)s.")
                % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)}
            }
        )
    name = Path(file_name or file.name).name[:255]
    job = ImportJob(
        kind=kind,
        user=user,
        organization=organization,
        file_name=name,
        file_size=file.size,
        sha256=_sha256(file),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    job.file.save(name, file, save=False)
    job.save()
    if enqueue:
        # Called outside a transaction (the upload view is not atomic): the job's row is
        # committed before the worker can look for it.
        from .tasks import check_import

        check_import.enqueue(job.pk)
    return job


def import_job_create_from_path(*, path, kind: str, user=None, organization=None) -> ImportJob:
    """An import of a file on disk (the command line), checked by the caller."""
    with open(path, "rb") as source:
        return import_job_create(
            user=user,
            kind=kind,
            file=File(source, name=Path(path).name),
            organization=organization,
            enqueue=False,
        )


def import_job_check(*, job_id: int, echo=None) -> ImportJob:
    """Check every row of a queued import and record the preview: problems and counts.

    Nothing is written to the registry. Progress is saved on the job after every batch;
    ``echo(done, total)`` also receives it (the command line's progress bar).
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.CHECKING, processed_rows=0
    )
    job = ImportJob.objects.select_related("user", "organization").get(pk=job_id)
    if not claimed:
        return job
    spec = spec_for(job.kind)
    spool = _spool(job)
    with translation.override(job.language):
        run = Run(spec, actor=job.user, limit_to=job.organization)
        try:
            _check(job, spec, run, spool, echo)
        except Exception:
            logger.exception("Import #%s: the check failed", job.pk)
            spool.delete()
            return _finish(job, ImportStatus.FAILED, run, _("The check stopped on an error."))
        spool.close()
        if run.has_errors:
            spool.delete()
            return _finish(job, ImportStatus.INVALID, run)
        if not run.created and not run.updated:
            spool.delete()
            return _finish(
                job,
                ImportStatus.DONE,
                run,
                _("Nothing to change: every row already matches the registry."),
            )
        return _finish(job, ImportStatus.READY, run)


def _check(job, spec, run, spool, echo) -> None:
    names = [str(spec.sheet_title), *every_language(spec.sheet_title)]
    try:
        sheet = open_sheet(job.file.path, names)
    except WorkbookError as error:
        run.error(None, None, str(error))
        return
    try:
        rows, merged = sheet.scan()
        total = job.total_rows = max(rows - 1, 0)
        ImportJob.objects.filter(pk=job.pk).update(total_rows=total)
        if merged:
            run.error(
                None,
                None,
                _(
                    "The sheet has merged cells (%(ranges)s): unmerge them and fill every "
                    "cell, one row per person."
                )
                % {"ranges": ", ".join(merged[:10]) + ("…" if len(merged) > 10 else "")},
            )
            return

        def progress(seen):
            done = min(max(seen - 1, 0), total)
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)
            if echo:
                echo(done, total)

        run.execute(run.sheet_rows(sheet), progress=progress, spool=spool)
    except WorkbookError as error:
        run.error(None, None, str(error))
    finally:
        sheet.close()


def _finish(job: ImportJob, status: str, run: Run, message: str = "") -> ImportJob:
    job.status = status
    job.to_create, job.to_update, job.unchanged = run.created, run.updated, run.unchanged
    job.error_count = run.error_count
    # Problems found while reading come before those of the batch checks: list by row.
    job.errors = sorted(run.errors, key=lambda e: (e["row"] is not None, e["row"] or 0))
    job.message = message
    now = timezone.now()
    if job.checked_at is None:
        job.checked_at = now
    if status in (ImportStatus.DONE, ImportStatus.INVALID, ImportStatus.FAILED):
        job.finished_at = now
    job.processed_rows = job.total_rows
    job.save()
    return job


def import_job_confirm(*, job: ImportJob, user, enqueue: bool = True) -> ImportJob:
    """Queue the write of a checked import. Only once, and only while it is READY.

    ``user`` is ``None`` for the command line, which then writes in its own process.
    """
    if user is not None and not (user.is_superuser or job.user_id == user.pk):
        raise DomainError(_("Only the person who uploaded the file may confirm the import."))
    total = job.to_create + job.to_update + job.unchanged
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.WRITING,
        confirmed_at=timezone.now(),
        processed_rows=0,
        total_rows=total,
    )
    if not claimed:
        raise DomainError(_("This import is not waiting for confirmation."))
    if enqueue:
        from .tasks import write_import

        write_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


class _Rollback(Exception):
    pass


def import_job_write(*, job_id: int, echo=None) -> ImportJob:
    """Write a confirmed import: every row, in one transaction, or none.

    Every row is checked again against the registry as it is now (another import or an
    edit may have come in since the check); one problem and the whole transaction is
    rolled back, and the job shows the problems instead. Rows written carry
    ``history_change_reason = "import #<id>"``.
    """
    job = ImportJob.objects.select_related("user", "organization").get(pk=job_id)
    if job.status != ImportStatus.WRITING:
        return job
    spec = spec_for(job.kind)
    spool = _spool(job)
    progress = _SideProgress(job, echo)
    with translation.override(job.language):
        run = Run(
            spec, actor=job.user, limit_to=job.organization, write=True, reason=job.change_reason
        )
        try:
            with transaction.atomic():
                run.execute(spool.rows(run), progress=progress)
                if run.has_errors:
                    raise _Rollback
                progress.close()
                job = _finish(job, ImportStatus.DONE, run)
        except _Rollback:
            job = _finish(
                job,
                ImportStatus.INVALID,
                run,
                _("The registry changed since the check; nothing was written."),
            )
        except Exception:
            logger.exception("Import #%s: the write failed", job.pk)
            job = _finish(
                job,
                ImportStatus.FAILED,
                run,
                _("The import stopped on an error; nothing was written."),
            )
        finally:
            progress.close()
            spool.delete()
    return job


class _SideProgress:
    """Saves the write's progress on a connection of its own.

    The write runs in one transaction, so progress saved on the same connection would stay
    invisible to the page polling it until the end. On PostgreSQL a second connection
    commits each update at once; the writing transaction does not touch the job's row until
    its last step, after this connection is closed, so the two never wait on each other.
    SQLite allows one writer at a time: there the progress jumps at the end.
    """

    def __init__(self, job: ImportJob, echo):
        self.job_id = job.pk
        self.total = job.total_rows
        self.echo = echo
        self.connection = None
        self.enabled = connection.vendor == "postgresql"

    def __call__(self, seen: int) -> None:
        done = min(seen, self.total)
        if self.echo:
            self.echo(done, self.total)
        if not self.enabled:
            return
        if self.connection is None:
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET processed_rows = %s WHERE id = %s",
                [done, self.job_id],
            )

    def close(self) -> None:
        self.enabled = False
        if self.connection is not None:
            self.connection.close()
            self.connection = None
