"""Reads and scoping for the admission pipeline.

Every queryset of user-facing data starts from ``visible_to(user)``: candidacies are in
scope through their cell, events through their candidacy's cell, courses through their
organizer.
"""

from django.db import models
from django.db.models import Count, Q

from members.models import Organization
from members.querysets import path_q, scope_paths, writable_paths

from .choices import CLOSED_STAGES


def ancestor_paths(path: str) -> list[str]:
    """Paths of a node and its ancestors in the materialized-path tree, root first."""
    step = Organization.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


class CandidacyQuerySet(models.QuerySet):
    def visible_to(self, user):
        paths = scope_paths(user)
        if paths is None:
            return self
        return self.filter(path_q(paths, "cell__path"))

    def writable_by(self, user):
        """Candidacies the user may change (STAFF role); narrows form choices."""
        paths = writable_paths(user)
        if paths is None:
            return self
        return self.filter(path_q(paths, "cell__path"))

    def in_subtree(self, organization):
        """Candidacies of cells under ``organization`` in today's tree."""
        return self.filter(cell__path__startswith=organization.path)

    def open(self):
        return self.exclude(stage__in=CLOSED_STAGES)

    def closed(self):
        return self.filter(stage__in=CLOSED_STAGES)

    def at_stage(self, *stages):
        return self.filter(stage__in=stages)

    def search(self, text: str):
        """Accent-insensitive search on the person's name ("nguyen van an")."""
        from members.search import normalize_search

        key = normalize_search(text)
        if not key:
            return self
        return self.filter(person__search_name__contains=key)

    def for_list(self):
        """The joins every list and board card needs, in the same query."""
        return self.select_related("person", "cell", "certificate", "member")

    def stage_counts(self) -> dict[str, int]:
        """Number of candidacies per current stage, in one aggregate query."""
        rows = self.order_by().values("stage").annotate(n=Count("id"))
        return {row["stage"]: row["n"] for row in rows}


class CandidacyEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        paths = scope_paths(user)
        if paths is None:
            return self
        return self.filter(path_q(paths, "candidacy__cell__path"))

    def in_subtree(self, organization):
        return self.filter(candidacy__cell__path__startswith=organization.path)

    def in_year(self, year: int):
        return self.filter(date__year=year)


class IntroducerQuerySet(models.QuerySet):
    def visible_to(self, user):
        paths = scope_paths(user)
        if paths is None:
            return self
        return self.filter(path_q(paths, "candidacy__cell__path"))


class TrainingCourseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Courses organized in the user's scope or above it (its candidates attend those)."""
        paths = scope_paths(user)
        if paths is None:
            return self
        above = {a for p in paths for a in ancestor_paths(p)[:-1]}
        return self.filter(path_q(paths, "organizer__path") | Q(organizer__path__in=above))

    def in_subtree(self, organization):
        return self.filter(organizer__path__startswith=organization.path)
