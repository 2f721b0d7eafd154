"""The admission pipeline: candidacies, party-awareness courses, introducers, stage events.

A ``Candidacy`` is one case of a ``Person`` in the pipeline of a cell, from sourcing to
official membership (or its end). The data of every stage is stored on the candidacy so
that lists need no joins; ``CandidacyEvent`` is the append-only log the funnel counts.
Change these rows only through ``recruitment.services``.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.choices import GRASSROOTS_KINDS, OrganizationKind
from members.models import Member, Organization, Person

from .choices import (
    CLOSED_STAGES,
    EXECUTIVE_KINDS,
    IntroducerKind,
    SourceGroup,
    Stage,
)
from .querysets import (
    CandidacyEventQuerySet,
    CandidacyQuerySet,
    IntroducerQuerySet,
    TrainingCourseQuerySet,
    ancestor_paths,
)


def grassroots_in_chain(chain: list[Organization]) -> Organization | None:
    """The grassroots organization in a root-first chain of ancestors (the deepest one)."""
    for org in reversed(chain):
        if org.kind in GRASSROOTS_KINDS:
            return org
    return None


class TrainingCourse(models.Model):
    """A party-awareness course (lớp bồi dưỡng nhận thức về Đảng)."""

    name = models.CharField(_("name"), max_length=255)
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        related_name="training_courses",
    )
    start_on = models.DateField(_("starts on"))
    end_on = models.DateField(_("ends on"))
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = TrainingCourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("party-awareness course")
        verbose_name_plural = _("party-awareness courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=F("start_on")),
                name="course_ends_after_start",
                violation_error_message=_("The course cannot end before it starts."),
            ),
        ]
        ordering = ["-start_on", "id"]

    def __str__(self):
        return f"{self.name} ({self.start_on:%d/%m/%Y})"


class CourseAttendance(models.Model):
    """A candidacy enrolled in a course, with the certificate once it is issued."""

    course = models.ForeignKey(
        TrainingCourse,
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    candidacy = models.ForeignKey(
        "Candidacy",
        verbose_name=_("candidacy"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    certificate_number = models.CharField(_("certificate number"), max_length=64, blank=True)
    certificate_on = models.DateField(_("certificate date"), null=True, blank=True)

    class Meta:
        verbose_name = _("course attendance")
        verbose_name_plural = _("course attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "candidacy"],
                name="attendance_unique_course_candidacy",
                violation_error_message=_("The candidate is already enrolled in this course."),
            ),
            models.UniqueConstraint(
                fields=["course", "certificate_number"],
                condition=~Q(certificate_number=""),
                name="attendance_unique_certificate_number",
                violation_error_message=_("This certificate number is already used in the course."),
            ),
            models.CheckConstraint(
                condition=Q(certificate_number="", certificate_on__isnull=True)
                | (~Q(certificate_number="") & Q(certificate_on__isnull=False)),
                name="attendance_certificate_number_and_date",
                violation_error_message=_("A certificate needs both a number and a date."),
            ),
        ]

    def __str__(self):
        return f"{self.candidacy} – {self.course}"

    @property
    def has_certificate(self) -> bool:
        return self.certificate_on is not None


class Candidacy(models.Model):
    """One case of a person in the admission pipeline of a cell (quần chúng ưu tú).

    A person may have several candidacies over the years but at most one open at a time.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="candidacies"
    )
    cell = models.ForeignKey(
        Organization, verbose_name=_("cell"), on_delete=models.PROTECT, related_name="candidacies"
    )
    source_group = models.CharField(
        _("source group"), max_length=32, choices=SourceGroup.choices, default=SourceGroup.OTHER
    )
    is_youth_union_member = models.BooleanField(_("Youth Union member"), default=False)
    has_youth_union = models.BooleanField(
        _("Youth Union organization at the place"),
        default=True,
        help_text=_(
            "Whether the candidate's workplace or residence has a grassroots Youth Union "
            "organization; decides who may introduce the candidate."
        ),
    )
    stage = models.CharField(
        _("stage"), max_length=24, choices=Stage.choices, default=Stage.SOURCED, db_index=True
    )
    sourced_on = models.DateField(_("sourced on"))
    # Course: the certificate in use (the latest one recorded).
    certificate = models.ForeignKey(
        CourseAttendance,
        verbose_name=_("course certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Dossier.
    has_application = models.BooleanField(_("application for admission"), default=False)
    has_biography = models.BooleanField(_("biography"), default=False)
    background_check_done = models.BooleanField(_("background check done"), default=False)
    dossier_ready_on = models.DateField(_("dossier ready on"), null=True, blank=True)
    # R1: written approval to admit a person over 60.
    over_age_approval_number = models.CharField(
        _("over-60 approval number"), max_length=64, blank=True
    )
    over_age_approval_on = models.DateField(_("over-60 approval date"), null=True, blank=True)
    # Cell resolution (R4).
    resolution_on = models.DateField(_("cell meeting date"), null=True, blank=True)
    resolution_yes_votes = models.PositiveSmallIntegerField(_("yes votes"), null=True, blank=True)
    resolution_eligible = models.PositiveSmallIntegerField(
        _("eligible official members"), null=True, blank=True
    )
    # Grassroots committee approval (only under a grassroots committee).
    committee_approval_on = models.DateField(_("committee approval date"), null=True, blank=True)
    committee_approval_number = models.CharField(
        _("committee approval number"), max_length=64, blank=True
    )
    # Admission decision and ceremony.
    decision_number = models.CharField(_("admission decision number"), max_length=64, blank=True)
    decision_on = models.DateField(_("admission decision date"), null=True, blank=True)
    decision_committee = models.CharField(_("deciding committee"), max_length=255, blank=True)
    ceremony_on = models.DateField(_("admission ceremony date"), null=True, blank=True)
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidacies",
    )
    # Official recognition (R7).
    official_on = models.DateField(_("official from"), null=True, blank=True)
    recognition_resolution_on = models.DateField(
        _("recognition meeting date"), null=True, blank=True
    )
    recognition_decision_number = models.CharField(
        _("recognition decision number"), max_length=64, blank=True
    )
    recognition_decision_on = models.DateField(
        _("recognition decision date"), null=True, blank=True
    )
    # End of the case.
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = models.TextField(_("reason for closing"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = CandidacyQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=~Q(stage__in=sorted(CLOSED_STAGES)),
                name="candidacy_one_open_per_person",
                violation_error_message=_("This person already has an open candidacy."),
            ),
            models.CheckConstraint(
                condition=Q(resolution_eligible__isnull=True) | Q(resolution_eligible__gte=1),
                name="candidacy_eligible_positive",
            ),
            models.CheckConstraint(
                condition=Q(resolution_yes_votes__isnull=True)
                | Q(resolution_yes_votes__lte=F("resolution_eligible")),
                name="candidacy_yes_votes_within_eligible",
                violation_error_message=_("Yes votes cannot exceed the eligible members."),
            ),
            models.CheckConstraint(
                condition=Q(decision_on__isnull=True) | Q(decision_on__gte=F("resolution_on")),
                name="candidacy_decision_after_resolution",
            ),
            models.CheckConstraint(
                condition=Q(ceremony_on__isnull=True) | Q(ceremony_on__gte=F("decision_on")),
                name="candidacy_ceremony_after_decision",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=[Stage.ADMITTED, Stage.OFFICIAL, Stage.STRUCK_OFF])
                | Q(member__isnull=False, ceremony_on__isnull=False),
                name="candidacy_admitted_has_member",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=[Stage.WITHDRAWN, Stage.REJECTED, Stage.STRUCK_OFF])
                | (Q(closed_on__isnull=False) & ~Q(closed_reason="")),
                name="candidacy_closed_has_date_and_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["cell", "stage"]),
            models.Index(fields=["stage", "resolution_on"]),
            models.Index(fields=["stage", "decision_on"]),
            models.Index(fields=["stage", "dossier_ready_on"]),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_stage_display()})"

    @property
    def is_open(self) -> bool:
        return self.stage not in CLOSED_STAGES

    @cached_property
    def organization_chain(self) -> list[Organization]:
        """The cell and its ancestors, root first, in one query."""
        return list(
            Organization.objects.filter(path__in=ancestor_paths(self.cell.path)).order_by("path")
        )

    @property
    def grassroots_organization(self) -> Organization | None:
        return grassroots_in_chain(self.organization_chain)

    @property
    def needs_committee_approval(self) -> bool:
        """R4: under a grassroots committee its approval follows the cell's resolution."""
        grassroots = self.grassroots_organization
        return grassroots is not None and grassroots.kind == OrganizationKind.GRASSROOTS_COMMITTEE

    @property
    def deciding_committee_default(self) -> Organization | None:
        """The committee directly above the grassroots organization (R5), to prefill forms."""
        chain = self.organization_chain
        grassroots = self.grassroots_organization
        if grassroots is None:
            return None
        index = chain.index(grassroots)
        return chain[index - 1] if index > 0 else grassroots

    @property
    def certificate_on(self) -> datetime.date | None:
        return self.certificate.certificate_on if self.certificate_id else None


class Introducer(models.Model):
    """A person or body introducing a candidate (người giới thiệu), R3."""

    candidacy = models.ForeignKey(
        Candidacy,
        verbose_name=_("candidacy"),
        on_delete=models.CASCADE,
        related_name="introducers",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=IntroducerKind.choices)
    member = models.ForeignKey(
        Member,
        verbose_name=_("introducing member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="introductions",
    )
    name = models.CharField(
        _("name"),
        max_length=255,
        blank=True,
        help_text=_("For an executive committee: the committee and the person who signed."),
    )
    introduced_on = models.DateField(_("introduced on"))
    alongside_since = models.DateField(
        _("working or living with the candidate since"), null=True, blank=True
    )
    history = HistoricalRecords()

    objects = IntroducerQuerySet.as_manager()

    class Meta:
        verbose_name = _("introducer")
        verbose_name_plural = _("introducers")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=IntroducerKind.MEMBER, member__isnull=False, name="")
                | (Q(kind__in=sorted(EXECUTIVE_KINDS), member__isnull=True) & ~Q(name="")),
                name="introducer_member_or_named_executive",
            ),
            models.UniqueConstraint(
                fields=["candidacy", "member"],
                condition=Q(member__isnull=False),
                name="introducer_member_once_per_candidacy",
                violation_error_message=_("This member already introduces the candidate."),
            ),
            models.UniqueConstraint(
                fields=["candidacy", "kind"],
                condition=~Q(kind=IntroducerKind.MEMBER),
                name="introducer_executive_once_per_candidacy",
                violation_error_message=_(
                    "This executive committee already introduces the candidate."
                ),
            ),
            models.CheckConstraint(
                condition=Q(alongside_since__isnull=True)
                | Q(alongside_since__lte=F("introduced_on")),
                name="introducer_alongside_before_introduction",
            ),
        ]
        ordering = ["introduced_on", "id"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return str(self.member) if self.member_id else self.name


class CandidacyEvent(models.Model):
    """An append-only record of a candidacy entering a stage; the funnel counts these."""

    candidacy = models.ForeignKey(
        Candidacy, verbose_name=_("candidacy"), on_delete=models.PROTECT, related_name="events"
    )
    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices)
    date = models.DateField(_("date"))
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    deciding_body = models.CharField(_("deciding body"), max_length=255, blank=True)
    yes_votes = models.PositiveSmallIntegerField(_("yes votes"), null=True, blank=True)
    denominator = models.PositiveSmallIntegerField(
        _("eligible official members"), null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = CandidacyEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidacy event")
        verbose_name_plural = _("candidacy events")
        constraints = [
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gte=1),
                name="candidacy_event_denominator_positive",
            ),
            models.CheckConstraint(
                condition=Q(yes_votes__isnull=True) | Q(yes_votes__lte=F("denominator")),
                name="candidacy_event_yes_within_denominator",
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "date"]),
            # A candidacy's events in order, with the stage: the funnel reads each one's
            # latest event by a date from the index alone.
            models.Index(
                fields=["candidacy", "date", "id"],
                include=["stage"],
                name="candidacy_event_latest_idx",
            ),
        ]
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.get_stage_display()} {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        # Append-only: corrections are new events, never edits of old ones.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Candidacy events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Candidacy events are never deleted.")
