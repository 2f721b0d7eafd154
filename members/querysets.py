"""Reads and scoping for the members app.

Every queryset of user-facing data starts from ``visible_to(user)``. A user's scope is
the union of the subtrees of their staff assignments; superusers see everything.
"""

import datetime
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q
from treebeard.mp_tree import MP_NodeQuerySet

from .choices import ACTIVE_STATUSES, CELL_KINDS, GRASSROOTS_KINDS


def _load_assignments(user) -> None:
    """Read the user's assignments once per request: the readable and the writable roots."""
    from .choices import StaffRole
    from .models import StaffAssignment

    rows = sorted(
        StaffAssignment.objects.filter(user=user).values_list("organization__path", "role")
    )
    paths = [path for path, _role in rows]
    # Drop paths already covered by an ancestor in the list, so filters stay short.
    user._dangvien_scope_paths = [
        p for p in paths if not any(p != q and p.startswith(q) for q in paths)
    ]
    user._dangvien_writable_paths = [path for path, role in rows if role == StaffRole.STAFF]


def scope_paths(user) -> list[str] | None:
    """Tree paths of the roots of the user's scope; ``None`` means everything.

    Cached on the user object with the writable paths: one query per request.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    if getattr(user, "_dangvien_scope_paths", None) is None:
        _load_assignments(user)
    return user._dangvien_scope_paths


def path_q(paths: list[str], field: str = "path") -> Q:
    """``Q`` matching rows whose ``field`` lies under any of ``paths``; never matches if empty."""
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths))


class OrganizationQuerySet(MP_NodeQuerySet):
    def in_subtree(self, organization):
        """The organization and everything below it in today's tree."""
        return self.filter(path__startswith=organization.path)

    def active_on(self, date: datetime.date):
        """Organizations with ``established_on <= date < closed_on``."""
        return self.filter(
            Q(established_on__lte=date), Q(closed_on__isnull=True) | Q(closed_on__gt=date)
        )

    def active(self):
        return self.filter(closed_on__isnull=True)

    def grassroots(self):
        return self.filter(kind__in=GRASSROOTS_KINDS)

    def cells(self):
        """Organizations members attach to: grassroots cells and cells."""
        return self.filter(kind__in=CELL_KINDS)

    def visible_to(self, user):
        paths = scope_paths(user)
        if paths is None:
            return self
        return self.filter(path_q(paths))


class PersonQuerySet(models.QuerySet):
    def search(self, text: str):
        from .search import normalize_search

        key = normalize_search(text)
        if not key:
            return self
        return self.filter(search_name__contains=key)


class MemberQuerySet(models.QuerySet):
    def in_subtree(self, organization):
        """Members whose current (or, for ended members, last) cell is under ``organization``."""
        return self.filter(organization__path__startswith=organization.path)

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def visible_to(self, user):
        paths = scope_paths(user)
        if paths is None:
            return self
        return self.filter(path_q(paths, "organization__path"))


class PlacementQuerySet(models.QuerySet):
    def covering(self, date: datetime.date):
        """Placements that hold on ``date``: ``start_on <= date < end_on``."""
        return self.filter(Q(start_on__lte=date), Q(end_on__isnull=True) | Q(end_on__gt=date))

    def open(self):
        return self.filter(end_on__isnull=True)

    def in_subtree(self, organization):
        return self.filter(cell__path__startswith=organization.path)

    def visible_to(self, user):
        paths = scope_paths(user)
        if paths is None:
            return self
        return self.filter(path_q(paths, "cell__path"))


class EventQuerySet(models.QuerySet):
    """Membership events are append-only: bulk updates and deletes are refused too."""

    def update(self, **kwargs):
        raise ValueError("Membership events are append-only.")

    def delete(self):
        raise ValueError("Membership events are never deleted.")

    def in_subtree(self, organization):
        return self.filter(organization__path__startswith=organization.path)

    def in_year(self, year: int):
        return self.filter(date__year=year)

    def visible_to(self, user):
        paths = scope_paths(user)
        if paths is None:
            return self
        return self.filter(path_q(paths, "organization__path"))


def writable_paths(user) -> list[str] | None:
    """Tree paths where the user may write (role STAFF); ``None`` means everywhere."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    if getattr(user, "_dangvien_writable_paths", None) is None:
        _load_assignments(user)
    return user._dangvien_writable_paths


def can_read(user, organization) -> bool:
    paths = scope_paths(user)
    return paths is None or any(organization.path.startswith(p) for p in paths)


def can_write(user, organization) -> bool:
    """True when the user holds a STAFF assignment on ``organization`` or an ancestor."""
    paths = writable_paths(user)
    return paths is None or any(organization.path.startswith(p) for p in paths)


def has_write_role(user) -> bool:
    paths = writable_paths(user)
    return paths is None or bool(paths)
