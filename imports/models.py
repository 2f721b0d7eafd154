"""Spreadsheet imports: one ``ImportJob`` per uploaded workbook (issue 7).

A job is checked in the background, previewed, confirmed, then written in one transaction.
Rows it writes carry ``history_change_reason = "import #<id>"`` in the edit history.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The most problems kept on a job; the count of all of them is kept beside.
MAX_STORED_ERRORS = 5000


class ImportKind(models.TextChoices):
    MEMBERS = "members", _("Party members")
    CANDIDACIES = "candidacies", _("Candidates (outstanding people)")
    RATINGS = "ratings", _("Yearly member ratings")


class ImportStatus(models.TextChoices):
    QUEUED = "QUEUED", _("Waiting to be checked")
    CHECKING = "CHECKING", _("Checking")
    INVALID = "INVALID", _("Has errors")
    READY = "READY", _("Checked, waiting for confirmation")
    WRITING = "WRITING", _("Writing")
    DONE = "DONE", _("Imported")
    FAILED = "FAILED", _("Failed")


RUNNING_STATUSES = frozenset({ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.WRITING})


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A user's own imports; administrators see every import."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(user=user)


class ImportJob(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    # The command line's --org: rows outside this subtree are errors. Web imports use the
    # user's write scope instead.
    organization = models.ForeignKey(
        "members.Organization",
        verbose_name=_("limited to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    language = models.CharField(_("language"), max_length=8, default="vi")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    to_create = models.PositiveIntegerField(_("to create"), default=0)
    to_update = models.PositiveIntegerField(_("to update"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [{"row": 12 or null, "column": "Ngày sinh" or "", "message": "..."}], at most
    # MAX_STORED_ERRORS entries, in the language of the upload.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"#{self.pk} {self.file_name}"

    @property
    def change_reason(self) -> str:
        """The edit-history reason of every row this job writes."""
        return f"import #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)
