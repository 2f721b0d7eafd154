"""Background tasks of the imports (django-tasks; ``manage.py db_worker`` runs them)."""

from django_tasks import task

from . import services


@task()
def check_import(job_id: int) -> None:
    """Check an uploaded workbook row by row and record the preview."""
    services.import_job_check(job_id=job_id)


@task()
def write_import(job_id: int) -> None:
    """Write a confirmed import in one transaction."""
    services.import_job_write(job_id=job_id)
