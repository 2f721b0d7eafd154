"""Enumerations of the admission pipeline: English values, Vietnamese labels through gettext."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceGroup(models.TextChoices):
    PUPIL_STUDENT = "PUPIL_STUDENT", _("Pupil or student")
    TEACHER = "TEACHER", _("Teacher")
    ENTERPRISE_WORKER = "ENTERPRISE_WORKER", _("Worker in an enterprise")
    PRIVATE_ENTERPRISE_OWNER = "PRIVATE_ENTERPRISE_OWNER", _("Private enterprise owner")
    FARMER = "FARMER", _("Farmer")
    CIVIL_SERVANT = "CIVIL_SERVANT", _("Civil servant")
    ARMED_FORCES = "ARMED_FORCES", _("Armed forces")
    OTHER = "OTHER", _("Other")


class Stage(models.TextChoices):
    SOURCED = "SOURCED", _("Sourced")
    COURSE_COMPLETED = "COURSE_COMPLETED", _("Course completed")
    DOSSIER_READY = "DOSSIER_READY", _("Dossier ready")
    CELL_RESOLUTION = "CELL_RESOLUTION", _("Cell resolution")
    COMMITTEE_APPROVAL = "COMMITTEE_APPROVAL", _("Grassroots committee approval")
    DECISION = "DECISION", _("Admission decision")
    ADMITTED = "ADMITTED", _("Admitted (probationary)")
    OFFICIAL = "OFFICIAL", _("Official member")
    STRUCK_OFF = "STRUCK_OFF", _("Struck off (not recognized)")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")
    REJECTED = "REJECTED", _("Rejected")


S = Stage

# A person has at most one open candidacy (a database constraint on the complement).
CLOSED_STAGES = frozenset({S.OFFICIAL, S.STRUCK_OFF, S.WITHDRAWN, S.REJECTED})
OPEN_STAGES = frozenset(set(S) - CLOSED_STAGES)
# Stages a candidacy may be withdrawn or rejected from: everything before the ceremony.
PRE_ADMISSION_STAGES = frozenset(OPEN_STAGES - {S.ADMITTED})
# Before the cell's resolution the dossier (certificate, introducers, data) may still change.
BEFORE_RESOLUTION_STAGES = frozenset({S.SOURCED, S.COURSE_COMPLETED, S.DOSSIER_READY})
# The order of the board's columns and of the funnel.
PIPELINE_STAGES = (
    S.SOURCED,
    S.COURSE_COMPLETED,
    S.DOSSIER_READY,
    S.CELL_RESOLUTION,
    S.COMMITTEE_APPROVAL,
    S.DECISION,
    S.ADMITTED,
    S.OFFICIAL,
)
# Transitions counted by the funnel; the committee approval is skipped under a grassroots
# cell, so the resolution converts straight to the decision.
FUNNEL_STEPS = (
    (S.SOURCED, S.COURSE_COMPLETED),
    (S.COURSE_COMPLETED, S.DOSSIER_READY),
    (S.DOSSIER_READY, S.CELL_RESOLUTION),
    (S.CELL_RESOLUTION, S.DECISION),
    (S.DECISION, S.ADMITTED),
    (S.ADMITTED, S.OFFICIAL),
)


class IntroducerKind(models.TextChoices):
    MEMBER = "MEMBER", _("Official Party member")
    YOUTH_UNION_EXECUTIVE = "YOUTH_UNION_EXECUTIVE", _("Grassroots Youth Union executive committee")
    TRADE_UNION_EXECUTIVE = "TRADE_UNION_EXECUTIVE", _("Grassroots trade union executive committee")


EXECUTIVE_KINDS = frozenset(
    {IntroducerKind.YOUTH_UNION_EXECUTIVE, IntroducerKind.TRADE_UNION_EXECUTIVE}
)


class CloseOutcome(models.TextChoices):
    WITHDRAWN = S.WITHDRAWN.value, S.WITHDRAWN.label
    REJECTED = S.REJECTED.value, S.REJECTED.label


class DueKind(models.TextChoices):
    DOSSIER_EXPIRY = "DOSSIER_EXPIRY", _("Dossier older than 12 months")
    DECISION = "DECISION", _("Admission decision due")
    CEREMONY = "CEREMONY", _("Admission ceremony due")
    RECOGNITION = "RECOGNITION", _("Official recognition review due")
