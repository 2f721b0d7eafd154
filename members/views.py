"""Staff pages: home, organization browser, member registry and the member forms.

Every view loads through the scoped querysets, so an object outside the user's scope is a
404; a user without the write role on the object's organization gets a 403. Writes go
through ``members.services``: load in scope, validate the form, call one service, message,
redirect.
"""

import dataclasses
import datetime
from collections import defaultdict
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from . import services
from .choices import ACTIVE_STATUSES, EventKind, MemberStatus
from .exports import members_xlsx_response
from .filters import MemberFilter
from .forms import (
    DeathForm,
    MemberCreateForm,
    MemberEditForm,
    TransferForm,
    TransferInForm,
    TransferOutForm,
    parent_names,
)
from .models import Member, MemberPlacement, MembershipEvent, Organization, Person
from .querysets import can_write, has_write_role, scope_paths
from .timeline import extra_member_actions, extra_timeline_entries

PAGE_SIZE = 50

# --- access helpers ----------------------------------------------------------------------


def write_role_required(view):
    """403 for users who hold no STAFF assignment (leaders read only)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_write_role(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _organization_or_404(request, pk) -> Organization:
    return get_object_or_404(
        Organization.objects.all().visible_to(request.user).select_related("successor"), pk=pk
    )


def _member_or_404(request, pk) -> Member:
    return get_object_or_404(
        Member.objects.visible_to(request.user).select_related("person", "organization"), pk=pk
    )


def _member_to_change(request, pk) -> Member:
    """The member if in scope (else 404) and writable by the user (else 403)."""
    member = _member_or_404(request, pk)
    if not can_write(request.user, member.organization):
        raise PermissionDenied
    return member


def _scope_roots(user) -> list[Organization]:
    paths = scope_paths(user)
    if paths is None:
        return list(Organization.objects.filter(depth=1))
    return list(Organization.objects.filter(path__in=paths))


# --- figures -----------------------------------------------------------------------------


@dataclasses.dataclass
class Figures:
    """Members active today, probationary members, active cells, admissions this year."""

    members: int = 0
    probationary: int = 0
    cells: int = 0
    admissions: int = 0

    def __add__(self, other):
        return Figures(
            *(
                a + b
                for a, b in zip(dataclasses.astuple(self), dataclasses.astuple(other), strict=True)
            )
        )


def _by_prefix(queryset, path_field: str, length: int, **aggregates):
    return (
        queryset.annotate(prefix=Substr(path_field, 1, length))
        .values("prefix")
        .annotate(**aggregates)
        .order_by()
    )


def subtree_figures(org: Organization, today: datetime.date) -> dict[str, Figures]:
    """Figures of ``org``'s subtree per child, keyed by the child's path.

    One grouped aggregate per table, over the subtree found by its path prefix (an index
    range scan), grouped by the first ``len(child path)`` characters of the path; rows on
    ``org`` itself (a cell's own members) fall under ``org.path``. A correlated subquery
    per child would have to match ``LIKE child.path || '%'``, which no index serves.
    Members follow DESIGN.md section 5: placements covering today of active members;
    admissions are admission events dated this year.
    """
    length = len(org.path) + Organization.steplen
    figures: dict[str, Figures] = defaultdict(Figures)
    placements = MemberPlacement.objects.covering(today).filter(
        cell__path__startswith=org.path, member__status__in=ACTIVE_STATUSES
    )
    for row in _by_prefix(
        placements,
        "cell__path",
        length,
        members=Count("pk"),
        probationary=Count("pk", filter=Q(member__status=MemberStatus.PROBATIONARY)),
    ):
        figures[row["prefix"]].members = row["members"]
        figures[row["prefix"]].probationary = row["probationary"]
    cells = Organization.objects.all().cells().active_on(today).filter(path__startswith=org.path)
    for row in _by_prefix(cells, "path", length, n=Count("pk")):
        figures[row["prefix"]].cells = row["n"]
    admissions = MembershipEvent.objects.filter(
        kind=EventKind.ADMISSION,
        date__gte=datetime.date(today.year, 1, 1),
        date__lt=datetime.date(today.year + 1, 1, 1),
        organization__path__startswith=org.path,
    )
    for row in _by_prefix(admissions, "organization__path", length, n=Count("pk")):
        figures[row["prefix"]].admissions = row["n"]
    return figures


def total_figures(org: Organization, today: datetime.date) -> Figures:
    return sum(subtree_figures(org, today).values(), Figures())


# --- home and organizations --------------------------------------------------------------


@login_required
@require_safe
def organization_index(request):
    roots = _scope_roots(request.user)
    if len(roots) == 1:
        return redirect("members:organization_detail", roots[0].pk)
    today = timezone.localdate()
    roots = [(root, total_figures(root, today)) for root in roots]
    return render(request, "members/organization_index.html", {"roots": roots, "today": today})


@login_required
@require_safe
def organization_detail(request, pk):
    org = _organization_or_404(request, pk)
    today = timezone.localdate()
    figures = subtree_figures(org, today)
    children = list(Organization.objects.get_children(org).select_related("successor"))
    context = {
        "org": org,
        "today": today,
        "total": sum(figures.values(), Figures()),
        "children": [(c, figures[c.path]) for c in children if c.is_active_on(today)],
        "closed_children": [c for c in children if not c.is_active_on(today)],
        "show_closed": request.GET.get("closed") == "1",
        "tree_events": org.tree_events.select_related("other", "actor"),
        "can_write": can_write(request.user, org),
    }
    return render(request, "members/organization_detail.html", context)


# --- member registry ---------------------------------------------------------------------


def _member_filter(request) -> MemberFilter:
    members = Member.objects.visible_to(request.user).select_related("person", "organization")
    filterset = MemberFilter(request.GET, members, request=request)
    if not filterset.is_valid() and "org" in filterset.errors:
        # An organization outside the scope is treated like any out-of-scope object.
        raise Http404
    return filterset


@login_required
@require_safe
def member_list(request):
    filterset = _member_filter(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    members = list(page.object_list)
    names = parent_names(m.organization.path for m in members)
    for m in members:
        m.cell_parent = names.get(m.organization.path[: -Organization.steplen], "")
    context = {
        "filter": filterset,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "members": members,
        "can_add": has_write_role(request.user),
    }
    return render(request, "members/member_list.html", context)


@login_required
@require_safe
def member_export(request):
    return members_xlsx_response(_member_filter(request).qs)


@login_required
@require_safe
def member_detail(request, pk):
    member = get_object_or_404(
        Member.objects.visible_to(request.user)
        .select_related("person", "organization")
        .prefetch_related(
            Prefetch(
                "placements",
                queryset=MemberPlacement.objects.select_related("cell").order_by("start_on", "pk"),
            )
        ),
        pk=pk,
    )
    events = list(member.events.select_related("organization", "transfer", "actor"))
    # Entries of other apps (ratings, screening flags, removals) through members.timeline,
    # merged by date; a stable sort keeps membership events first on the same day.
    timeline = sorted(
        [("event", e.date, e) for e in events]
        + [("entry", e.date, e) for e in extra_timeline_entries(member)],
        key=lambda item: item[1],
    )
    context = {
        "member": member,
        "person": member.person,
        "placements": member.placements.all(),
        "events": events,
        "timeline": timeline,
        "history": edit_history(member),
        "party_age": member.party_age_on(timezone.localdate()),
        "can_change": can_write(request.user, member.organization),
        "member_actions": extra_member_actions(member, request.user),
    }
    return render(request, "members/member_detail.html", context)


@dataclasses.dataclass
class HistoryEntry:
    when: datetime.datetime
    user: object
    subject: str
    created: bool
    changes: list[tuple[str, object, object]]


def edit_history(member: Member) -> list[HistoryEntry]:
    """Who changed which field of the person and member records, newest first.

    Two queries for the records (plus one for organization names when the cell changed);
    consecutive records are compared in memory with ``diff_against``.
    """
    raw = []
    org_ids = set()
    for records, subject in (
        (member.person.history.all(), _("personal data")),
        (member.history.all(), _("party data")),
    ):
        previous = None
        for record in records.select_related("history_user").order_by("history_date", "pk"):
            changes = [] if previous is None else record.diff_against(previous).changes
            if previous is None or changes:
                raw.append((record, subject, previous is None, changes))
            org_ids.update(c.old for c in changes if c.field == "organization")
            org_ids.update(c.new for c in changes if c.field == "organization")
            previous = record
    org_names = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    entries = []
    for record, subject, created, changes in raw:
        fields = record.instance_type._meta
        rows = [
            (
                fields.get_field(c.field).verbose_name,
                _display(fields.get_field(c.field), c.old, org_names),
                _display(fields.get_field(c.field), c.new, org_names),
            )
            for c in changes
        ]
        entries.append(
            HistoryEntry(record.history_date, record.history_user, subject, created, rows)
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _display(field, value, org_names):
    if value is None or value == "":
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.ForeignKey):
        return org_names.get(value, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value


# --- member forms ------------------------------------------------------------------------


def _form_page(request, form, title, member=None):
    return render(
        request, "members/member_form.html", {"form": form, "title": title, "member": member}
    )


@login_required
@write_role_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    initial = {"cell": request.GET["cell"]} if request.GET.get("cell", "").isdigit() else {}
    form = MemberCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.member_register(
                person=Person(**form.person_data()),
                cell=data["cell"],
                status=data["status"],
                placed_on=data["placed_on"],
                actor=request.user,
                **form.member_data(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(name)s was registered.") % {"name": member})
            return redirect("members:member_detail", member.pk)
    return _form_page(request, form, _("New party member"))


@login_required
@write_role_required
@require_http_methods(["GET", "POST"])
def member_transfer_in(request):
    form = TransferInForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.member_transfer_in(
                person=form.person(),
                status=form.cleaned_data["status"],
                actor=request.user,
                **form.transfer_data(),
                **form.member_data(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(name)s was received.") % {"name": transfer.member})
            return redirect("members:member_detail", transfer.member_id)
    return _form_page(request, form, _("Receive a member from outside the province"))


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = _member_to_change(request, pk)
    form = MemberEditForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                member=member,
                actor=request.user,
                person_fields=form.person_data(),
                member_fields=form.member_data(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("members:member_detail", member.pk)
    return _form_page(request, form, _("Edit member data"), member)


def _member_action(request, pk, form_class, service, title, done):
    """A form page for an action on an active member that one service carries out."""
    member = _member_to_change(request, pk)
    if not member.is_active:
        messages.error(request, _("This member is no longer active."))
        return redirect("members:member_detail", member.pk)
    form = form_class(request.POST or None, user=request.user, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            service(member=member, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, done)
            return redirect("members:member_detail", member.pk)
    return _form_page(request, form, title, member)


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request, pk):
    return _member_action(
        request,
        pk,
        TransferForm,
        services.member_transfer,
        _("Transfer to another cell in the province"),
        _("The transfer was recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer_out(request, pk):
    return _member_action(
        request,
        pk,
        TransferOutForm,
        services.member_transfer_out,
        _("Transfer out of the province"),
        _("The transfer out of the province was recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_death(request, pk):
    return _member_action(
        request,
        pk,
        DeathForm,
        services.member_record_death,
        _("Record a death"),
        _("The death was recorded."),
    )
