"""Pages of the evaluation app: rating rounds, screening, removals, exemptions, R13 warnings.

As in ``members.views``: every object is loaded through the scoped querysets (out of scope
is a 404), writes need the STAFF role on the object's organization (else 403), and each
write is one call of ``evaluation.services`` whose ``DomainError`` goes back into the form.
"""

import dataclasses
import datetime
from collections import Counter
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Length, Substr
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from members.choices import ALLOWED_CHILD_KINDS, CELL_KINDS, GRASSROOTS_KINDS
from members.errors import DomainError
from members.forms import parent_names
from members.models import Member, MemberPlacement, Organization
from members.querysets import can_write, has_write_role, path_q, scope_paths, writable_paths
from members.rules import rules_on
from members.search import normalize_search
from members.timeline import MemberAction, TimelineEntry
from members.views import write_role_required

from . import checks, services
from .forms import (
    ExemptionEndForm,
    ExemptionStartForm,
    FlagFilterForm,
    FlagRecordForm,
    FlagResolveForm,
    MemberRemovalForm,
    RoundForm,
)
from .models import (
    GOOD_OR_BETTER,
    RATED_GRADES,
    Grade,
    MemberRating,
    NotRatedReason,
    OrganizationRating,
    ScreeningFlag,
)

PAGE_SIZE = 50
# The Communist Party of Vietnam was founded in 1930: no rating year comes before it.
FIRST_YEAR = 1930
# Kinds that rate grassroots organizations: those that may have them as children.
RATING_COMMITTEE_KINDS = frozenset(
    kind for kind, children in ALLOWED_CHILD_KINDS.items() if children & GRASSROOTS_KINDS
)

# --- access helpers --------------------------------------------------------------------


def _organizations(request):
    return Organization.objects.all().visible_to(request.user)


def _cell_or_404(request, pk) -> Organization:
    return get_object_or_404(_organizations(request).filter(kind__in=CELL_KINDS), pk=pk)


def _committee_or_404(request, pk) -> Organization:
    return get_object_or_404(_organizations(request).filter(kind__in=RATING_COMMITTEE_KINDS), pk=pk)


def _member_to_change(request, pk) -> Member:
    """The member if in scope (else 404) and writable by the user (else 403)."""
    member = get_object_or_404(
        Member.objects.visible_to(request.user).select_related("person", "organization"), pk=pk
    )
    _check_write(request, member.organization)
    return member


def _check_write(request, organization: Organization) -> None:
    if not can_write(request.user, organization):
        raise PermissionDenied


def _rating_year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


def _top_organizations(paths: list[str] | None) -> list[Organization]:
    """The organizations at the top of the given subtrees (``None``: the roots)."""
    if paths is None:
        return list(Organization.objects.filter(depth=1))
    tops = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return list(Organization.objects.filter(path__in=tops))


def _page(request, items, param="page"):
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get(param))
    page.page_range_elided = page.paginator.get_elided_page_range(page.number, on_each_side=2)
    return page


# --- entry page: progress of the rounds ------------------------------------------------


def _count(queryset):
    """A correlated ``COUNT`` of ``queryset`` (filtered on ``OuterRef``) as a subquery.

    ``COUNT`` as a plain function, not an aggregate, so Django adds no ``GROUP BY`` and
    the subquery returns exactly one row.
    """
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted), 0)


def cells_with_progress(cells, year: int):
    """Cells annotated with ``in_round`` (members placed there on 31/12, as in the round)
    and ``rated`` (those of them with a rating row for the year), counted in SQL."""
    in_round = MemberPlacement.objects.covering(checks.year_end(year)).filter(cell=OuterRef("pk"))
    rated = in_round.filter(
        Exists(MemberRating.objects.filter(member=OuterRef("member"), year=year))
    )
    return cells.annotate(in_round=_count(in_round), rated=_count(rated))


def committees_progress(organizations, year: int) -> dict[str, dict]:
    """Per rating committee's path, its grassroots organizations active on 31/12
    (``in_round``) and those rated for the year (``rated``), from ``organizations``.

    One aggregate over the grassroots organizations grouped by their parent's path (the
    path minus one step): matching each committee's subtree with a correlated ``LIKE``
    would scan the tree once per committee.
    """
    rated = Exists(OrganizationRating.objects.filter(organization=OuterRef("pk"), year=year))
    rows = (
        organizations.grassroots()
        .active_on(checks.year_end(year))
        .annotate(parent_path=Substr("path", 1, Length("path") - Organization.steplen))
        .order_by()
        .values("parent_path")
        .annotate(in_round=Count("pk"), rated=Count("pk", filter=rated))
    )
    return {row["parent_path"]: row for row in rows}


def _set_parent_names(organizations) -> None:
    """``parent_name`` on each organization (the names of a page's parents in one query)."""
    names = parent_names(o.path for o in organizations)
    for org in organizations:
        org.parent_name = names.get(org.path[: -Organization.steplen], "")


def _year_choices(today: datetime.date) -> list[int]:
    return list(range(today.year, today.year - 16, -1))


@login_required
@require_safe
def index(request):
    today = timezone.localdate()
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and FIRST_YEAR <= int(raw) <= today.year else today.year - 1
    end = checks.year_end(year)
    query = request.GET.get("q", "").strip()
    pending = request.GET.get("pending") == "1"
    cells = cells_with_progress(_organizations(request).cells().active_on(end), year)
    if query:
        cells = cells.filter(name__icontains=query)
    if pending:
        cells = cells.filter(rated__lt=F("in_round"))
    cells = _page(request, cells.order_by("path"))
    _set_parent_names(cells)
    progress = committees_progress(_organizations(request), year)
    committees = _page(
        request,
        _organizations(request)
        .filter(path__in=list(progress), kind__in=RATING_COMMITTEE_KINDS)
        .order_by("path"),
        "cpage",
    )
    for committee in committees:
        committee.in_round = progress[committee.path]["in_round"]
        committee.rated = progress[committee.path]["rated"]
    context = {
        "year": year,
        "years": sorted({year, *_year_choices(today)}, reverse=True),
        "query": query,
        "pending": pending,
        "cells": cells,
        "committees": committees,
    }
    return render(request, "evaluation/index.html", context)


# --- rating rounds ---------------------------------------------------------------------


@dataclasses.dataclass
class GradeCount:
    grade: str
    label: str
    count: int


@dataclasses.dataclass
class RoundCounts:
    """What the round's choices add up to, shown beside the table and updated live."""

    grades: list[GradeCount]
    not_chosen: int
    good_or_better_percent: float | None
    # R10, for member rounds: the group's totals with this round's choices.
    group: Organization | None = None
    excellent: int = 0
    good: int = 0
    limit: int = 0
    percent: str = ""
    error: str = ""


def _round_counts(form: RoundForm) -> RoundCounts:
    """Counts per grade of what the save would leave: the grade chosen, else the one saved."""
    counter = Counter(
        form.chosen_grade(pk) or (row.rating.grade if row.rating else "")
        for pk, row in form.rows.items()
    )
    rated = sum(counter[g] for g in RATED_GRADES)
    good = sum(counter[g] for g in GOOD_OR_BETTER)
    return RoundCounts(
        grades=[GradeCount(g.value, g.label, counter[g]) for g in Grade],
        not_chosen=counter[""],
        good_or_better_percent=round(100 * good / rated, 1) if rated else None,
    )


def member_round_counts(cell: Organization, year: int, form: RoundForm) -> RoundCounts:
    """The round's counts, and R10 for the cell's group: the ratings saved in the group
    for the year (one aggregate, the round's members left out) plus the round's choices."""
    counts = _round_counts(form)
    chosen = {g.grade: g.count for g in counts.grades}
    counts.group = checks.excellent_ratio_group(cell, year)
    saved = (
        MemberRating.objects.in_year(year)
        .in_subtree(counts.group)
        .exclude(member_id__in=list(form.rows))
        .aggregate(
            excellent=Count("pk", filter=Q(grade=Grade.EXCELLENT)),
            good=Count("pk", filter=Q(grade=Grade.GOOD)),
        )
    )
    counts.excellent = saved["excellent"] + chosen[Grade.EXCELLENT]
    counts.good = saved["good"] + chosen[Grade.GOOD]
    ratio = checks.rules_for_year(year).excellent_ratio_of_good
    counts.limit = checks.excellent_limit(counts.good, ratio)
    counts.percent = format((ratio * 100).normalize(), "f")
    try:
        checks.check_excellent_ratio(excellent=counts.excellent, good=counts.good, year=year)
    except DomainError as error:
        counts.error = error.messages[0]
    return counts


def _round_form(request, org, year, rows) -> RoundForm:
    """The round's form; read-only for users who may not write to ``org``."""
    return RoundForm(
        request.POST or None,
        rows=rows,
        uses_scores=checks.rules_for_year(year).rating_scores,
        disabled=not can_write(request.user, org),
    )


def _member_rows(cell, year) -> dict:
    return {row.member.pk: row for row in services.rating_round_members(cell, year)}


@login_required
@require_http_methods(["GET", "POST"])
def member_round(request, cell_id, year):
    cell = _cell_or_404(request, cell_id)
    year = _rating_year_or_404(year)
    if request.method == "POST":
        _check_write(request, cell)
    rows = _member_rows(cell, year)
    form = _round_form(request, cell, year, rows)
    if request.method == "POST" and form.is_valid():
        try:
            written = services.rating_round_save_members(
                cell=cell, year=year, grades=form.grades(), actor=request.user
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _saved_message(written))
            return redirect("evaluation:member_round", cell.pk, year)
    previous = MemberRating.objects.filter(member_id__in=list(rows), year=year - 1)
    context = {
        **_round_context(
            request,
            cell,
            year,
            form,
            members_round=True,
            previous={r.member_id: r.get_grade_display() for r in previous},
        ),
        "counts": member_round_counts(cell, year, form),
    }
    return render(request, "evaluation/round.html", context)


@login_required
@require_POST
def member_round_counts_partial(request, cell_id, year):
    cell = _cell_or_404(request, cell_id)
    year = _rating_year_or_404(year)
    form = _round_form(request, cell, year, _member_rows(cell, year))
    counts = member_round_counts(cell, year, form)
    return render(request, "evaluation/_round_counts.html", {"counts": counts, "year": year})


def _organization_rows(committee, year) -> dict:
    return {
        row.organization.pk: row for row in services.rating_round_organizations(committee, year)
    }


@login_required
@require_http_methods(["GET", "POST"])
def organization_round(request, org_id, year):
    committee = _committee_or_404(request, org_id)
    year = _rating_year_or_404(year)
    if request.method == "POST":
        _check_write(request, committee)
    rows = _organization_rows(committee, year)
    form = _round_form(request, committee, year, rows)
    if request.method == "POST" and form.is_valid():
        try:
            written = services.rating_round_save_organizations(
                parent=committee, year=year, grades=form.grades(), actor=request.user
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _saved_message(written))
            return redirect("evaluation:organization_round", committee.pk, year)
    context = {
        **_round_context(request, committee, year, form, members_round=False),
        "counts": _round_counts(form),
    }
    return render(request, "evaluation/round.html", context)


@login_required
@require_POST
def organization_round_counts_partial(request, org_id, year):
    committee = _committee_or_404(request, org_id)
    year = _rating_year_or_404(year)
    form = _round_form(request, committee, year, _organization_rows(committee, year))
    return render(
        request, "evaluation/_round_counts.html", {"counts": _round_counts(form), "year": year}
    )


@dataclasses.dataclass
class RoundLine:
    """A row of the round's table: the service's row, its form fields, last year's grade."""

    pk: int
    row: object
    fields: dict
    previous: str = ""

    @property
    def reason(self) -> str:
        return NotRatedReason(self.row.not_rated_reason).label if self.row.not_rated_reason else ""


def _round_context(request, org, year, form, *, members_round: bool, previous=None) -> dict:
    today = timezone.localdate()
    previous = previous or {}
    if members_round:
        names = ("evaluation:member_round", "evaluation:member_round_counts")
        title = _("Rating of Party members %(year)s") % {"year": year}
        empty = _("No member was in this cell on 31/12/%(year)s.") % {"year": year}
    else:
        names = ("evaluation:organization_round", "evaluation:organization_round_counts")
        title = _("Rating of grassroots Party organizations %(year)s") % {"year": year}
        empty = _("No grassroots Party organization to rate in %(year)s.") % {"year": year}
    return {
        "org": org,
        "year": year,
        "form": form,
        "title": title,
        "empty_message": empty,
        "members_round": members_round,
        "rows": [
            RoundLine(pk, row, form.row_fields(pk), previous.get(pk, ""))
            for pk, row in form.rows.items()
        ],
        "can_write": can_write(request.user, org),
        "url_name": names[0],
        "counts_url": reverse(names[1], args=[org.pk, year]),
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < today.year else None,
    }


def _saved_message(written) -> str:
    return ngettext(
        "The ratings were saved: %(count)s row changed.",
        "The ratings were saved: %(count)s rows changed.",
        len(written),
    ) % {"count": len(written)}


# --- screening -------------------------------------------------------------------------


@login_required
@require_safe
def screening(request):
    filters = FlagFilterForm(request.GET)
    flags = filters.filter(
        ScreeningFlag.objects.visible_to(request.user).select_related(
            "member__person", "member__organization", "raised_by", "resolved_by"
        )
    ).order_by(F("resolved_on").desc(nulls_first=True), "-raised_on", "-pk")
    context = {
        "filters": filters,
        "page": _page(request, flags),
        "can_add": has_write_role(request.user),
    }
    return render(request, "evaluation/screening.html", context)


@login_required
@write_role_required
@require_POST
def flags_raise_probation(request):
    flags = []
    for organization in _top_organizations(writable_paths(request.user)):
        flags += services.flags_raise_probation_not_recognized(
            organization=organization, actor=request.user
        )
    messages.success(
        request,
        ngettext(
            "%(count)s member whose probation ended without recognition was flagged.",
            "%(count)s members whose probation ended without recognition were flagged.",
            len(flags),
        )
        % {"count": len(flags)},
    )
    return redirect("evaluation:screening")


@login_required
@write_role_required
@require_safe
def flag_member_search(request):
    """Find the member to record a flag for: active members in the user's write scope."""
    query = request.GET.get("q", "").strip()
    found = []
    if normalize_search(query):
        members = Member.objects.visible_to(request.user).active()
        paths = writable_paths(request.user)
        if paths is not None:
            members = members.filter(path_q(paths, "organization__path"))
        found = list(
            members.filter(person__search_name__contains=normalize_search(query))
            .select_related("person", "organization")
            .order_by("person__search_name", "pk")[:PAGE_SIZE]
        )
    context = {"query": query, "found": found}
    return render(request, "evaluation/flag_member_search.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def flag_resolve(request, pk):
    flag = get_object_or_404(
        ScreeningFlag.objects.visible_to(request.user).select_related(
            "member__person", "member__organization"
        ),
        pk=pk,
    )
    _check_write(request, flag.member.organization)
    if not flag.is_open:
        messages.error(request, _("This flag has already been resolved."))
        return redirect("evaluation:screening")
    form = FlagResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_resolve(flag=flag, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The action taken was recorded."))
            return redirect("evaluation:screening")
    context = {"form": form, "member": flag.member, "flag": flag, "title": _("Resolve a flag")}
    return render(request, "evaluation/member_form.html", context)


# --- actions on a member ---------------------------------------------------------------


def _member_action(request, member_id, form_class, service: Callable, title, done):
    """A form page for an action on an active member that one service carries out."""
    member = _member_to_change(request, member_id)
    if not member.is_active:
        messages.error(request, _("This member is no longer active."))
        return redirect("members:member_detail", member.pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(member=member, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, done)
            return redirect("members:member_detail", member.pk)
    context = {"form": form, "member": member, "title": title}
    return render(request, "evaluation/member_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, member_id):
    return _member_action(
        request,
        member_id,
        MemberRemovalForm,
        services.member_remove,
        _("Remove from the Party"),
        _("The removal was recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def flag_record(request, member_id):
    return _member_action(
        request,
        member_id,
        FlagRecordForm,
        services.flag_record,
        _("Record a screening flag"),
        _("The screening flag was recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def exemption_start(request, member_id):
    return _member_action(
        request,
        member_id,
        ExemptionStartForm,
        services.exemption_start,
        _("Exempt a member from Party work and activities"),
        _("The exemption was recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def exemption_end(request, member_id):
    member = _member_to_change(request, member_id)
    exemption = member.exemptions.filter(end_on__isnull=True).first()
    if exemption is None:
        messages.error(request, _("This member is not exempt."))
        return redirect("members:member_detail", member.pk)
    form = ExemptionEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.exemption_end(exemption=exemption, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The end of the exemption was recorded."))
            return redirect("members:member_detail", member.pk)
    context = {
        "form": form,
        "member": member,
        "exemption": exemption,
        "title": _("End an exemption"),
    }
    return render(request, "evaluation/member_form.html", context)


# --- R13 warnings ----------------------------------------------------------------------


@login_required
@require_safe
def warnings(request):
    today = timezone.localdate()
    below = [
        org
        for top in _top_organizations(scope_paths(request.user))
        for org in checks.organizations_below_min_official(top, today)
    ]
    page = _page(request, below)
    _set_parent_names(page)
    context = {
        "page": page,
        "today": today,
        "minimum": rules_on(today).min_official_members,
    }
    return render(request, "evaluation/warnings.html", context)


# --- the member page's timeline --------------------------------------------------------


def member_timeline_entries(member: Member) -> list[TimelineEntry]:
    """Ratings (one per year), screening flags and removals of ``member``, in three queries.

    Registered with ``members.timeline`` by ``EvaluationConfig.ready``.
    """
    entries = []
    for rating in member.ratings.select_related("cell").order_by("year"):
        detail = [rating.cell.name]
        if rating.score is not None:
            detail.append(_("score %(score)s") % {"score": rating.score})
        if rating.not_rated_reason:
            detail.append(rating.get_not_rated_reason_display())
        if rating.note:
            detail.append(rating.note)
        entries.append(
            TimelineEntry(
                date=checks.year_end(rating.year),
                title=_("Rating %(year)s: %(grade)s")
                % {"year": rating.year, "grade": rating.get_grade_display()},
                detail=" · ".join(str(d) for d in detail),
                icon="bi-award",
                url=reverse("evaluation:member_round", args=[rating.cell_id, rating.year]),
            )
        )
    for flag in member.flags.order_by("raised_on", "pk"):
        detail = [flag.detail] if flag.detail else []
        if flag.resolved_on:
            detail.append(
                _("resolved on %(date)s: %(action)s")
                % {"date": _date(flag.resolved_on), "action": flag.action_taken}
            )
        entries.append(
            TimelineEntry(
                date=flag.raised_on,
                title=_("Screening flag: %(ground)s") % {"ground": flag.get_ground_display()},
                detail=" · ".join(detail),
                icon="bi-flag" if flag.is_open else "bi-flag-fill",
            )
        )
    for removal in member.removals.order_by("decision_date", "pk"):
        entries.append(
            TimelineEntry(
                date=removal.decision_date,
                title=_("%(form)s: %(ground)s")
                % {"form": removal.get_form_display(), "ground": removal.get_ground_display()},
                detail=_("decision %(number)s of %(committee)s")
                % {"number": removal.decision_number, "committee": removal.deciding_committee},
                icon="bi-person-x",
            )
        )
    return entries


def _date(date: datetime.date) -> str:
    return formats.date_format(date, "SHORT_DATE_FORMAT")


def member_actions(member: Member, user) -> list[MemberAction]:
    """Links on the member page to this app's forms, for users who may write there.

    Registered with ``members.timeline`` by ``EvaluationConfig.ready``; no queries beyond
    the user's cached scope.
    """
    if not member.is_active or not can_write(user, member.organization):
        return []
    return [
        MemberAction(
            _("Record a screening flag"),
            reverse("evaluation:flag_record", args=[member.pk]),
            "bi-flag",
        ),
        MemberAction(
            _("Start an exemption"),
            reverse("evaluation:exemption_start", args=[member.pk]),
            "bi-pause-circle",
        ),
        MemberAction(
            _("End an exemption"),
            reverse("evaluation:exemption_end", args=[member.pk]),
            "bi-play-circle",
        ),
        MemberAction(
            _("Record a removal"),
            reverse("evaluation:member_remove", args=[member.pk]),
            "bi-person-x",
            danger=True,
        ),
    ]
