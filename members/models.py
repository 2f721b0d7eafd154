"""The organization tree, people, members, placements and membership events.

Events are the source of every count (DESIGN.md section 3): every change of membership is an
append-only ``MembershipEvent`` and every stay in a cell a ``MemberPlacement``.
"""

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager

from .choices import (
    ACTIVE_STATUSES,
    ALLOWED_CHILD_KINDS,
    CELL_KINDS,
    GRASSROOTS_KINDS,
    ROOT_KINDS,
    Closure,
    Ethnicity,
    EventKind,
    Gender,
    GeneralEducation,
    MemberStatus,
    OccupationGroup,
    OrganizationEventKind,
    OrganizationKind,
    PoliticalTheory,
    Qualification,
    Religion,
    Sector,
    StaffRole,
    TransferKind,
    TransferReason,
)
from .querysets import (
    EventQuerySet,
    MemberQuerySet,
    OrganizationQuerySet,
    PersonQuerySet,
    PlacementQuerySet,
)
from .search import normalize_search

national_id_validator = RegexValidator(
    r"^\d{12}$", _("The national ID (CCCD) must have exactly 12 digits.")
)


def _parent_kind_q() -> Q:
    """The parent-kind table as one database check: (kind, parent_kind) must be an allowed pair."""
    q = Q(kind__in=sorted(ROOT_KINDS), parent_kind="")
    for parent, children in ALLOWED_CHILD_KINDS.items():
        if children:
            q |= Q(kind__in=sorted(children), parent_kind=parent)
    return q


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):
    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(MP_Node):
    """A Party organization anywhere in the tree (materialized path).

    Closed organizations stay in the tree, inactive, so their history still adds up under
    their parent. Change the tree only through ``members.services``.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=24, choices=OrganizationKind.choices)
    # Denormalized from the parent so that the parent-kind table is a database constraint.
    parent_kind = models.CharField(
        _("parent kind"),
        max_length=24,
        choices=OrganizationKind.choices,
        blank=True,
        editable=False,
    )
    sector = models.CharField(
        _("sector"), max_length=24, choices=Sector.choices, default=Sector.OTHER
    )
    established_on = models.DateField(_("established on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure = models.CharField(_("closure"), max_length=12, choices=Closure.choices, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    history = HistoricalRecords(excluded_fields=["numchild"])

    objects = OrganizationManager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.CheckConstraint(
                condition=_parent_kind_q(), name="organization_parent_kind_allowed"
            ),
            models.CheckConstraint(
                condition=(Q(closed_on__isnull=True, closure="", successor__isnull=True))
                | (Q(closed_on__isnull=False, closure=Closure.DISSOLVED, successor__isnull=True))
                | (Q(closed_on__isnull=False, closure=Closure.MERGED, successor__isnull=False)),
                name="organization_closure_consistent",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gt=F("established_on")),
                name="organization_closed_after_established",
            ),
        ]
        indexes = [models.Index(fields=["kind", "closed_on"])]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.closed_on is None

    def is_active_on(self, date: datetime.date) -> bool:
        return self.established_on <= date and (self.closed_on is None or date < self.closed_on)

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    def allows_child_kind(self, kind: str) -> bool:
        return kind in ALLOWED_CHILD_KINDS[self.kind]

    def ancestors(self):
        """Ancestors from the root down, in one query."""
        return Organization.objects.get_ancestors(self)

    def parent(self):
        """The parent organization, or ``None`` for a root (one query, cached by treebeard)."""
        return Organization.objects.get_parent(self)


class Person(models.Model):
    """A person: a member, a candidate, or both over the years."""

    full_name = models.CharField(_("full name"), max_length=120)
    search_name = models.CharField(_("search name"), max_length=120, editable=False, db_index=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"))
    ethnicity = models.CharField(
        _("ethnicity"), max_length=16, choices=Ethnicity.choices, default=Ethnicity.KINH
    )
    religion = models.CharField(
        _("religion"), max_length=16, choices=Religion.choices, default=Religion.NONE
    )
    national_id = models.CharField(
        _("national ID (CCCD)"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[national_id_validator],
        error_messages={"unique": _("A person with this national ID already exists.")},
    )
    home_town = models.CharField(_("home town"), max_length=255, blank=True)
    residence = models.CharField(_("residence"), max_length=255, blank=True)
    general_education = models.CharField(
        _("general education"), max_length=16, choices=GeneralEducation.choices, blank=True
    )
    professional_qualification = models.CharField(
        _("professional qualification"), max_length=16, choices=Qualification.choices, blank=True
    )
    political_theory = models.CharField(
        _("political theory level"), max_length=16, choices=PoliticalTheory.choices, blank=True
    )
    occupation_group = models.CharField(
        _("occupation group"), max_length=24, choices=OccupationGroup.choices, blank=True
    )
    is_synthetic = models.BooleanField(
        _("synthetic demo data"),
        default=False,
        help_text=_("Generated by seed_demo; not a real person."),
    )
    history = HistoricalRecords(excluded_fields=["search_name"])

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=Q(national_id__isnull=True) | Q(national_id__regex=r"^[0-9]{12}$"),
                name="person_national_id_12_digits",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        # The search key is derived from the name; keep it in step on every save.
        self.search_name = normalize_search(self.full_name)
        if self.national_id == "":
            self.national_id = None
        if kwargs.get("update_fields") is not None and "full_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)

    def age_on(self, date: datetime.date) -> int:
        """Full years of age on ``date``."""
        dob = self.date_of_birth
        return date.year - dob.year - ((date.month, date.day) < (dob.month, dob.day))


class Member(models.Model):
    """A Party member. ``organization`` is the current cell, or the last one for ended members.

    ``organization`` is kept by the services together with the open ``MemberPlacement`` so
    that scope filters on large lists need one indexed join instead of a subquery.
    """

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="member"
    )
    status = models.CharField(_("status"), max_length=16, choices=MemberStatus.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("cell"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    admission_decision_number = models.CharField(
        _("admission decision number"), max_length=64, blank=True
    )
    admission_decision_date = models.DateField(_("admission decision date"))
    admission_committee = models.CharField(_("admitting committee"), max_length=255, blank=True)
    ceremony_date = models.DateField(_("admission ceremony date"), null=True, blank=True)
    official_date = models.DateField(_("official membership date"), null=True, blank=True)
    is_historical_record = models.BooleanField(
        _("historical record"),
        default=False,
        help_text=_(
            "Entered from old paper records; dates may not follow today's rules "
            "(e.g. an official date other than 12 months after the ceremony)."
        ),
    )
    party_card_number = models.CharField(_("party card number"), max_length=16, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        constraints = [
            models.UniqueConstraint(
                fields=["party_card_number"],
                condition=~Q(party_card_number=""),
                name="member_party_card_unique_when_present",
                violation_error_message=_("Another member already has this party card number."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=sorted(ACTIVE_STATUSES), ended_on__isnull=True)
                | (~Q(status__in=sorted(ACTIVE_STATUSES)) & Q(ended_on__isnull=False)),
                name="member_ended_on_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(official_date__isnull=True)
                | Q(official_date__gte=F("admission_decision_date")),
                name="member_official_after_admission",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self):
        return self.person.full_name

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def probation_ends_on(self) -> datetime.date | None:
        """Điều lệ Đảng, Điều 5: probation lasts 12 months from the admission ceremony."""
        from .rules import add_months, rules_on

        if self.ceremony_date is None:
            return None
        return add_months(self.ceremony_date, rules_on(self.ceremony_date).probation_months)

    def party_age_on(self, date: datetime.date | None = None) -> int:
        """Whole years of Party age on ``date``: from the admission decision, minus time outside.

        Time outside the Party is the sum of the gaps between placements (for example
        between a removal and a re-admission).
        """
        date = date or timezone.localdate()
        days = 0
        for p in self._placements_for_age():
            start = p.start_on
            end = min(p.end_on or date, date)
            if end > start:
                days += (end - start).days
        return int(days // 365.2425)

    def _placements_for_age(self):
        return sorted(self.placements.all(), key=lambda p: p.start_on)

    @cached_property
    def open_placement(self):
        return self.placements.filter(end_on__isnull=True).first()


class MemberPlacement(models.Model):
    """Where a member was between two dates: ``start_on <= D < end_on`` (open when no end)."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="placements"
    )
    cell = models.ForeignKey(
        Organization, verbose_name=_("cell"), on_delete=models.PROTECT, related_name="placements"
    )
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    history = HistoricalRecords()

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(end_on__isnull=True),
                name="placement_one_open_per_member",
                violation_error_message=_("A member can have only one open placement."),
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="placement_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["cell", "start_on", "end_on"])]

    def __str__(self):
        return f"{self.member} @ {self.cell} ({self.start_on} – {self.end_on or '…'})"


class Transfer(models.Model):
    """A move of a member's Party activity (chuyển sinh hoạt đảng chính thức)."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="transfers"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=TransferKind.choices)
    reason = models.CharField(
        _("reason"), max_length=16, choices=TransferReason.choices, default=TransferReason.REQUEST
    )
    date = models.DateField(_("date"))
    from_cell = models.ForeignKey(
        Organization,
        verbose_name=_("from cell"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_cell = models.ForeignKey(
        Organization,
        verbose_name=_("to cell"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    outside_organization = models.CharField(
        _("organization outside the province"), max_length=255, blank=True
    )
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    issuing_committee = models.CharField(_("issuing committee"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind=TransferKind.WITHIN, from_cell__isnull=False, to_cell__isnull=False
                )
                | Q(
                    kind=TransferKind.IN_FROM_OUTSIDE, from_cell__isnull=True, to_cell__isnull=False
                )
                | Q(
                    kind=TransferKind.OUT_OF_PROVINCE, from_cell__isnull=False, to_cell__isnull=True
                ),
                name="transfer_cells_match_kind",
            ),
        ]

    def __str__(self):
        return f"{self.member} {self.get_kind_display()} {self.date}"


class MembershipEvent(models.Model):
    """An append-only record of a change of membership; reports count these.

    ``organization`` is the member's cell at that moment. A transfer within the province
    writes two events (out of the old cell, into the new one) so that any subtree's
    reconciliation balances; ``is_external`` marks moves across the province border.
    """

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    subkind = models.CharField(
        _("detail"), max_length=32, blank=True, help_text=_("e.g. the form of a removal")
    )
    date = models.DateField(_("date"))
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    issuing_committee = models.CharField(_("issuing committee"), max_length=255, blank=True)
    is_external = models.BooleanField(_("across the province border"), default=False)
    transfer = models.ForeignKey(
        Transfer,
        verbose_name=_("transfer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")
        indexes = [
            models.Index(fields=["kind", "date"]),
            models.Index(fields=["organization", "kind", "date"]),
        ]
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"

    def save(self, *args, **kwargs):
        # Append-only: corrections are new events, never edits of old ones.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Membership events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Membership events are never deleted.")


class OrganizationEvent(models.Model):
    """A dated restructuring of the tree: established, renamed, moved, merged, dissolved."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="tree_events",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OrganizationEventKind.choices)
    date = models.DateField(_("date"))
    other = models.ForeignKey(
        Organization,
        verbose_name=_("other organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The successor, the merged organization, or the former parent."),
    )
    old_value = models.CharField(_("before"), max_length=255, blank=True)
    new_value = models.CharField(_("after"), max_length=255, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("restructuring event")
        verbose_name_plural = _("restructuring events")
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.organization} {self.get_kind_display()} {self.date}"


class StaffAssignment(models.Model):
    """Gives a user a role on an organization's subtree. A user's scope is the union."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("role"), max_length=8, choices=StaffRole.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="assignment_unique_user_org"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.organization} ({self.get_role_display()})"
