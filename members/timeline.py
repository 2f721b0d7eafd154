"""Entries other apps add to a member's timeline, without members importing them.

``members`` imports none of the other apps (DESIGN.md section 7), yet the member page shows
ratings, screening flags and candidacy steps. Each app registers a source in its
``AppConfig.ready()``; a source takes the member and returns ``TimelineEntry`` items in a
bounded number of queries.
"""

import dataclasses
import datetime
from collections.abc import Callable, Iterable

from .models import Member


@dataclasses.dataclass(frozen=True)
class TimelineEntry:
    date: datetime.date
    title: str
    detail: str = ""
    icon: str = "bi-circle"
    url: str = ""


_sources: list[Callable[[Member], Iterable[TimelineEntry]]] = []


def register_timeline_source(source: Callable[[Member], Iterable[TimelineEntry]]) -> None:
    if source not in _sources:
        _sources.append(source)


def extra_timeline_entries(member: Member) -> list[TimelineEntry]:
    """Entries from every registered source, oldest first."""
    entries = [entry for source in _sources for entry in source(member)]
    return sorted(entries, key=lambda e: e.date)


@dataclasses.dataclass(frozen=True)
class MemberAction:
    """A link to another app's page for this member, e.g. "record a removal"."""

    label: str
    url: str
    icon: str = "bi-arrow-right"
    danger: bool = False


_action_sources: list[Callable[[Member, object], Iterable[MemberAction]]] = []


def register_member_actions(source: Callable[[Member, object], Iterable[MemberAction]]) -> None:
    """``source(member, user)`` returns the actions this user may take; no queries expected."""
    if source not in _action_sources:
        _action_sources.append(source)


def extra_member_actions(member: Member, user) -> list[MemberAction]:
    return [action for source in _action_sources for action in source(member, user)]
