"""Yearly ratings, exemptions, screening flags and removals (DESIGN.md sections 3 and 4).

Rows here are written through ``evaluation.services``; the membership events they cause
(exemption start and end, removal) live in ``members.MembershipEvent`` like every other
change of membership, so reports count events and never these tables.
"""

from functools import reduce
from operator import or_

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Member, MembershipEvent, Organization

from .querysets import (
    ExemptionQuerySet,
    FlagQuerySet,
    MemberRatingQuerySet,
    OrganizationRatingQuerySet,
    RemovalQuerySet,
)


class Grade(models.TextChoices):
    """Xếp loại chất lượng (QĐ 132-QĐ/TW 2018, 124-QĐ/TW 2023): four grades, or not rated."""

    EXCELLENT = "EXCELLENT", _("Excellently completed duties")
    GOOD = "GOOD", _("Well completed duties")
    COMPLETED = "COMPLETED", _("Completed duties")
    NOT_COMPLETED = "NOT_COMPLETED", _("Did not complete duties")
    NOT_RATED = "NOT_RATED", _("Not rated")


RATED_GRADES = frozenset({Grade.EXCELLENT, Grade.GOOD, Grade.COMPLETED, Grade.NOT_COMPLETED})
GOOD_OR_BETTER = frozenset({Grade.EXCELLENT, Grade.GOOD})


class NotRatedReason(models.TextChoices):
    EXEMPT = "EXEMPT", _("Exempt from Party work and activities")
    ADMITTED_RECENTLY = "ADMITTED_RECENTLY", _("Admitted less than 6 months before the rating")
    ESTABLISHED_RECENTLY = (
        "ESTABLISHED_RECENTLY",
        _("Established less than 6 months before the rating"),
    )
    OTHER = "OTHER", _("Other reason (see the note)")


MEMBER_NOT_RATED_REASONS = (
    NotRatedReason.EXEMPT,
    NotRatedReason.ADMITTED_RECENTLY,
    NotRatedReason.OTHER,
)
ORGANIZATION_NOT_RATED_REASONS = (NotRatedReason.ESTABLISHED_RECENTLY, NotRatedReason.OTHER)


class FlagGround(models.TextChoices):
    NOT_COMPLETED_TWO_YEARS = (
        "NOT_COMPLETED_TWO_YEARS",
        _("Did not complete duties two years in a row"),
    )
    PROBATION_NOT_RECOGNIZED = (
        "PROBATION_NOT_RECOGNIZED",
        _("Probation ended without official recognition"),
    )
    STAFF_RECORDED = "STAFF_RECORDED", _("Other ground recorded by staff")


# Grounds the software raises itself: at most one flag per member, ground and year.
RULE_GROUNDS = (FlagGround.NOT_COMPLETED_TWO_YEARS, FlagGround.PROBATION_NOT_RECOGNIZED)


class RemovalForm(models.TextChoices):
    STRUCK_OFF = "STRUCK_OFF", _("Struck off")
    EXPELLED = "EXPELLED", _("Expelled")
    LEFT_AT_OWN_REQUEST = "LEFT_AT_OWN_REQUEST", _("Left the Party at own request")


class RemovalGround(models.TextChoices):
    # Điều lệ Đảng, Điều 8.2; QĐ 24-QĐ/TW 2021, 4.1 (xóa tên).
    ABSENT_3_MONTHS = (
        "ABSENT_3_MONTHS",
        _("Three months in a year without attending meetings or paying dues, without good reason"),
    )
    NO_PROGRESS = (
        "NO_PROGRESS",
        _("Lost the will to strive, did not do a member's duties, no progress after education"),
    )
    PROBATION_NOT_RECOGNIZED = (
        "PROBATION_NOT_RECOGNIZED",
        _("Not qualified for official membership at the end of probation"),
    )
    # Uncertain: HD 01-HD/TW 2021 treats a falsified dossier found later as grounds for
    # striking off; kept as its own choice so reports can tell it apart.
    FALSE_DOSSIER = "FALSE_DOSSIER", _("Falsified admission dossier")
    # Điều lệ Đảng, Điều 35-36: expulsion is a disciplinary decision of a higher body.
    DISCIPLINARY = "DISCIPLINARY", _("Disciplinary decision")
    OWN_REQUEST = "OWN_REQUEST", _("Own request")
    OTHER = "OTHER", _("Other ground (see the detail)")


# The grounds each form may record (R12). A database check uses the same table.
REMOVAL_GROUNDS: dict[str, tuple[str, ...]] = {
    RemovalForm.STRUCK_OFF: (
        RemovalGround.ABSENT_3_MONTHS,
        RemovalGround.NO_PROGRESS,
        RemovalGround.PROBATION_NOT_RECOGNIZED,
        RemovalGround.FALSE_DOSSIER,
        RemovalGround.OTHER,
    ),
    RemovalForm.EXPELLED: (RemovalGround.DISCIPLINARY,),
    RemovalForm.LEFT_AT_OWN_REQUEST: (RemovalGround.OWN_REQUEST,),
}


def _removal_ground_q() -> Q:
    return reduce(or_, (Q(form=f, ground__in=g) for f, g in REMOVAL_GROUNDS.items()))


def _not_rated_q(reasons) -> Q:
    """NOT_RATED iff a reason; no score without a grade; OTHER needs a note."""
    return (
        Q(grade=Grade.NOT_RATED, not_rated_reason__in=reasons, score__isnull=True)
        & (~Q(not_rated_reason=NotRatedReason.OTHER) | ~Q(note=""))
    ) | (~Q(grade=Grade.NOT_RATED) & Q(not_rated_reason=""))


score_field_kwargs = dict(
    null=True,
    blank=True,
    validators=[MaxValueValidator(100)],
    help_text=_("100-point scale, for rating years under QĐ 366-QĐ/TW 2025."),
)


class MemberRating(models.Model):
    """A member's yearly quality rating (đánh giá, xếp loại chất lượng đảng viên).

    ``cell`` is the member's cell when rated: the 20% rule and reports group by it.
    Corrections go through ``rating_round_save_members`` too; the history keeps old grades.
    """

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="ratings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices)
    score = models.PositiveSmallIntegerField(_("score"), **score_field_kwargs)
    cell = models.ForeignKey(
        Organization,
        verbose_name=_("cell"),
        on_delete=models.PROTECT,
        related_name="member_ratings",
    )
    not_rated_reason = models.CharField(
        _("reason for not rating"), max_length=24, choices=NotRatedReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)
    history = HistoricalRecords()

    objects = MemberRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("member rating")
        verbose_name_plural = _("member ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="member_rating_one_per_year",
                violation_error_message=_("This member already has a rating for this year."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="member_rating_score_range",
            ),
            models.CheckConstraint(
                condition=_not_rated_q(MEMBER_NOT_RATED_REASONS),
                name="member_rating_reason_iff_not_rated",
            ),
        ]
        indexes = [models.Index(fields=["cell", "year", "grade"])]

    def __str__(self):
        return f"{self.member} {self.year}: {self.get_grade_display()}"


class OrganizationRating(models.Model):
    """A grassroots organization's yearly rating, given by its upper committee."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices)
    score = models.PositiveSmallIntegerField(_("score"), **score_field_kwargs)
    not_rated_reason = models.CharField(
        _("reason for not rating"), max_length=24, choices=NotRatedReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)
    history = HistoricalRecords()

    objects = OrganizationRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization rating")
        verbose_name_plural = _("organization ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="organization_rating_one_per_year",
                violation_error_message=_("This organization already has a rating for this year."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="organization_rating_score_range",
            ),
            models.CheckConstraint(
                condition=_not_rated_q(ORGANIZATION_NOT_RATED_REASONS),
                name="organization_rating_reason_iff_not_rated",
            ),
        ]
        indexes = [models.Index(fields=["year", "grade"])]

    def __str__(self):
        return f"{self.organization} {self.year}: {self.get_grade_display()}"


class Exemption(models.Model):
    """Miễn công tác và sinh hoạt đảng: exempt on D when ``start_on <= D < end_on``.

    Exempt members are not rated (R9). Start and end each write a membership event.
    """

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="exemptions"
    )
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255)
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    start_event = models.OneToOneField(
        MembershipEvent,
        verbose_name=_("start event"),
        on_delete=models.PROTECT,
        related_name="exemption_started",
    )
    end_event = models.OneToOneField(
        MembershipEvent,
        verbose_name=_("end event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exemption_ended",
    )
    history = HistoricalRecords()

    objects = ExemptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(end_on__isnull=True),
                name="exemption_one_open_per_member",
                violation_error_message=_("This member is already exempt."),
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gt=F("start_on")),
                name="exemption_ends_after_start",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="exemption_reason_required"),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True, end_event__isnull=True)
                | Q(end_on__isnull=False, end_event__isnull=False),
                name="exemption_end_has_event",
            ),
        ]

    def __str__(self):
        return f"{self.member} ({self.start_on} – {self.end_on or '…'})"


class ScreeningFlag(models.Model):
    """Rà soát, sàng lọc: a member flagged for the cell's attention, then an action taken.

    A flag never removes anyone by itself (R11); a removal is its own decision.
    """

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="flags"
    )
    ground = models.CharField(_("ground"), max_length=32, choices=FlagGround.choices)
    detail = models.TextField(_("detail"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    raised_on = models.DateField(_("raised on"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action_taken = models.TextField(_("action taken"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = FlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening flag")
        verbose_name_plural = _("screening flags")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "ground", "year"],
                condition=Q(ground__in=RULE_GROUNDS),
                name="flag_rule_ground_once_per_year",
            ),
            models.CheckConstraint(
                condition=~Q(ground__in=RULE_GROUNDS) | Q(year__isnull=False),
                name="flag_rule_ground_has_year",
            ),
            models.CheckConstraint(
                condition=~Q(ground=FlagGround.STAFF_RECORDED) | ~Q(detail=""),
                name="flag_staff_ground_has_detail",
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True)
                | (Q(resolved_on__gte=F("raised_on")) & ~Q(action_taken="")),
                name="flag_resolved_with_action",
            ),
        ]
        indexes = [models.Index(fields=["resolved_on", "ground"])]

    def __str__(self):
        return f"{self.member}: {self.get_ground_display()}"

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class Removal(models.Model):
    """A removal from the Party (R12): form, ground, decision number, date and committee.

    Linked to the REMOVAL membership event (``subkind`` = form) that reports count.
    """

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="removals"
    )
    form = models.CharField(_("form"), max_length=24, choices=RemovalForm.choices)
    ground = models.CharField(_("ground"), max_length=32, choices=RemovalGround.choices)
    ground_detail = models.TextField(_("detail of the ground"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=64)
    decision_date = models.DateField(_("decision date"))
    deciding_committee = models.CharField(_("deciding committee"), max_length=255)
    event = models.OneToOneField(
        MembershipEvent,
        verbose_name=_("membership event"),
        on_delete=models.PROTECT,
        related_name="removal",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    objects = RemovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("removal")
        verbose_name_plural = _("removals")
        constraints = [
            models.CheckConstraint(condition=_removal_ground_q(), name="removal_ground_fits_form"),
            models.CheckConstraint(
                condition=~Q(decision_number="") & ~Q(deciding_committee=""),
                name="removal_decision_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(ground=RemovalGround.OTHER) | ~Q(ground_detail=""),
                name="removal_other_ground_has_detail",
            ),
        ]

    def __str__(self):
        return f"{self.member}: {self.get_form_display()} ({self.decision_date})"
