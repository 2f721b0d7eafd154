"""Reads and scoping for the evaluation app; every user-facing list starts from ``visible_to``."""

import datetime

from django.db import models
from django.db.models import Q

from members.querysets import path_q, scope_paths


class _ScopedQuerySet(models.QuerySet):
    # The organization path that places a row in the tree, e.g. "cell__path".
    path_field: str

    def in_subtree(self, organization):
        return self.filter(**{f"{self.path_field}__startswith": organization.path})

    def visible_to(self, user):
        paths = scope_paths(user)
        if paths is None:
            return self
        return self.filter(path_q(paths, self.path_field))


class MemberRatingQuerySet(_ScopedQuerySet):
    """Ratings place by the cell at rating time, so past years stay where they were rated."""

    path_field = "cell__path"

    def in_year(self, year: int):
        return self.filter(year=year)


class OrganizationRatingQuerySet(_ScopedQuerySet):
    path_field = "organization__path"

    def in_year(self, year: int):
        return self.filter(year=year)


class ExemptionQuerySet(_ScopedQuerySet):
    path_field = "member__organization__path"

    def active_on(self, date: datetime.date):
        """Exemptions that hold on ``date``: ``start_on <= date < end_on``."""
        return self.filter(Q(start_on__lte=date), Q(end_on__isnull=True) | Q(end_on__gt=date))

    def overlapping_year(self, year: int):
        """Exemptions that hold on at least one day of ``year``."""
        return self.filter(
            Q(start_on__lte=datetime.date(year, 12, 31)),
            Q(end_on__isnull=True) | Q(end_on__gt=datetime.date(year, 1, 1)),
        )


class FlagQuerySet(_ScopedQuerySet):
    path_field = "member__organization__path"

    def open(self):
        return self.filter(resolved_on__isnull=True)


class RemovalQuerySet(_ScopedQuerySet):
    # The cell where the removal happened, as for every membership event.
    path_field = "event__organization__path"
