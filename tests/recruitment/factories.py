"""Factories and a pipeline walker for the recruitment tests.

Candidacies are built through the services, as in production, so every row has its
events. ``Timeline`` holds the dates of one candidacy's steps; ``walk`` takes a candidacy
to any stage with those dates.
"""

import dataclasses
import datetime

import factory

from members.choices import MemberStatus
from recruitment import services
from recruitment.choices import IntroducerKind, SourceGroup, Stage
from recruitment.models import Candidacy, TrainingCourse
from tests.factories import MemberFactory, PersonFactory

D = datetime.date


@dataclasses.dataclass(frozen=True)
class Timeline:
    """The dates of one candidacy's steps; the defaults are an ordinary case in 2023-2024."""

    sourced_on: D = D(2023, 1, 10)
    course_start: D = D(2023, 2, 1)
    course_end: D = D(2023, 2, 10)
    certificate_on: D = D(2023, 2, 15)
    introduced_on: D = D(2023, 3, 1)
    dossier_on: D = D(2023, 3, 10)
    meeting_on: D = D(2023, 4, 5)
    approval_on: D = D(2023, 4, 12)
    decision_on: D = D(2023, 5, 8)
    ceremony_on: D = D(2023, 5, 19)

    def shifted(self, days: int) -> "Timeline":
        delta = datetime.timedelta(days=days)
        return Timeline(**{k: v + delta for k, v in dataclasses.asdict(self).items()})

    @property
    def probation_end(self) -> D:
        from members.rules import add_months

        return add_months(self.ceremony_on, 12)


DEFAULT = Timeline()


class CandidacyFactory(factory.Factory):
    """A sourced candidacy in ``cell`` through ``candidacy_create``; a 27-year-old."""

    class Meta:
        model = Candidacy

    person = factory.SubFactory(PersonFactory, date_of_birth=D(1995, 6, 15))
    cell = None
    sourced_on = DEFAULT.sourced_on
    source_group = SourceGroup.FARMER

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.candidacy_create(**kwargs)


class TrainingCourseFactory(factory.Factory):
    class Meta:
        model = TrainingCourse

    organizer = None
    name = factory.Sequence(lambda n: f"Lớp bồi dưỡng nhận thức về Đảng {n}")
    start_on = DEFAULT.course_start
    end_on = DEFAULT.course_end

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.training_course_create(**kwargs)


INTRODUCER_OFFICIAL_SINCE = D(2012, 6, 1)


def official_member(cell, official_date=INTRODUCER_OFFICIAL_SINCE, **kwargs):
    """An official member of ``cell`` since ``official_date`` (an introducer)."""
    return MemberFactory(
        cell=cell,
        status=MemberStatus.OFFICIAL,
        admission_decision_date=official_date - datetime.timedelta(days=380),
        ceremony_date=official_date - datetime.timedelta(days=366),
        official_date=official_date,
        **kwargs,
    )


def add_member_introducers(candidacy, t: Timeline = DEFAULT, count: int = 2, actor=None):
    introducers = []
    for _ in range(count):
        introducers.append(
            services.introducer_add(
                candidacy=candidacy,
                kind=IntroducerKind.MEMBER,
                member=official_member(candidacy.cell),
                introduced_on=t.introduced_on,
                alongside_since=t.introduced_on.replace(year=t.introduced_on.year - 2),
                actor=actor,
            )
        )
    return introducers


ORDER = [
    Stage.SOURCED,
    Stage.COURSE_COMPLETED,
    Stage.DOSSIER_READY,
    Stage.CELL_RESOLUTION,
    Stage.COMMITTEE_APPROVAL,
    Stage.DECISION,
    Stage.ADMITTED,
]


def walk(candidacy, to: str, t: Timeline = DEFAULT, actor=None, votes=(8, 10)):
    """Take ``candidacy`` from its stage to ``to`` with the dates of ``t``.

    The committee approval is skipped where the cell does not need it. Returns the
    candidacy reloaded from the database.
    """
    stage = Candidacy.objects.get(pk=candidacy.pk).stage
    target = ORDER.index(to)
    while ORDER.index(stage) < target:
        candidacy = Candidacy.objects.get(pk=candidacy.pk)
        if stage == Stage.SOURCED:
            course = TrainingCourseFactory(
                organizer=candidacy.cell, start_on=t.course_start, end_on=t.course_end
            )
            services.course_record_certificates(
                course=course,
                certificates=[(candidacy, f"GCN-{candidacy.pk}", t.certificate_on)],
                actor=actor,
            )
        elif stage == Stage.COURSE_COMPLETED:
            add_member_introducers(candidacy, t, actor=actor)
            services.candidacy_mark_dossier_ready(
                candidacy=candidacy,
                on=t.dossier_on,
                has_application=True,
                has_biography=True,
                background_check_done=True,
                actor=actor,
            )
        elif stage == Stage.DOSSIER_READY:
            services.candidacy_record_cell_resolution(
                candidacy=candidacy,
                on=t.meeting_on,
                yes_votes=votes[0],
                eligible_members=votes[1],
                actor=actor,
            )
        elif stage == Stage.CELL_RESOLUTION and candidacy.needs_committee_approval:
            services.candidacy_record_committee_approval(
                candidacy=candidacy, on=t.approval_on, number="12-NQ/ĐU", actor=actor
            )
        elif stage in (Stage.CELL_RESOLUTION, Stage.COMMITTEE_APPROVAL):
            if ORDER.index(Stage.DECISION) > target:
                break
            services.candidacy_record_decision(
                candidacy=candidacy,
                number=f"{candidacy.pk}-QĐ/HU",
                on=t.decision_on,
                committee="Ban Thường vụ Huyện ủy Lập Thạch",
                actor=actor,
            )
        elif stage == Stage.DECISION:
            services.candidacy_hold_ceremony(candidacy=candidacy, on=t.ceremony_on, actor=actor)
        stage = Candidacy.objects.get(pk=candidacy.pk).stage
    return Candidacy.objects.select_related("person", "cell", "member").get(pk=candidacy.pk)
