"""Congress terms, their targets, and yearly admission quotas (DESIGN.md sections 3 and 5)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Organization


class Metric(models.TextChoices):
    ADMISSIONS_PER_YEAR = "ADMISSIONS_PER_YEAR", _("Admissions per year")
    MEMBER_RATING_RATE = "MEMBER_RATING_RATE", _("Members rated good or better (%)")
    ORGANIZATION_RATING_RATE = (
        "ORGANIZATION_RATING_RATE",
        _("Grassroots organizations rated good or better (%)"),
    )


class Comparator(models.TextChoices):
    GTE = ">=", _("at least")
    GT = ">", _("more than")


class CongressTerm(models.Model):
    """A congress term of an organization, e.g. term XVI of the provincial organization."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="terms"
    )
    name = models.CharField(_("name"), max_length=32, help_text=_("e.g. XVI"))
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    congress_date = models.DateField(_("congress date"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("congress term")
        verbose_name_plural = _("congress terms")
        ordering = ["organization", "first_year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="term_unique_name"),
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")), name="term_years_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.organization} – {self.name} ({self.first_year}–{self.last_year})"

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


class TermTarget(models.Model):
    """A congress target: a metric compared with a value, e.g. admissions per year >= 2300."""

    term = models.ForeignKey(
        CongressTerm, verbose_name=_("term"), on_delete=models.CASCADE, related_name="targets"
    )
    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices)
    comparator = models.CharField(_("comparator"), max_length=2, choices=Comparator.choices)
    value = models.DecimalField(
        _("value"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("term target")
        verbose_name_plural = _("term targets")
        constraints = [
            models.UniqueConstraint(fields=["term", "metric"], name="target_unique_metric"),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} {self.comparator} {self.value}"

    def is_met_by(self, actual) -> bool:
        if actual is None:
            return False
        return actual >= self.value if self.comparator == Comparator.GTE else actual > self.value


class AdmissionQuota(models.Model):
    """The number of admissions assigned to an organization for a year."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="quotas",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number of admissions"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("admission quota")
        verbose_name_plural = _("admission quotas")
        ordering = ["year", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="quota_unique_org_year"),
        ]

    def __str__(self):
        return f"{self.organization} {self.year}: {self.number}"
