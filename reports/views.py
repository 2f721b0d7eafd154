"""Report pages: the leaders' dashboard (also the home page), its warnings, quota
assignment, congress term reports, reconciliation, and their .xlsx exports.

Every page is for an organization in the user's scope (``?org=``, else the root of the
scope): anything outside is a 404. Pages only read, except the quota page, which needs the
write role on the organization (leaders get a 403). Figures come from ``reports.selectors``
over ``reports.metrics``; the dashboard stays within a fixed number of queries.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from members.models import Organization
from members.querysets import can_read, can_write, path_q, scope_paths

from . import exports, metrics, selectors
from .forms import QuotaFormSet, YearForm
from .models import AdmissionQuota, CongressTerm
from .services import quotas_assign

# Years offered by the year picker, back from the current one.
YEAR_CHOICES = 16
RECONCILIATION_YEARS = 10
PAGE_SIZE = 50

# --- access helpers ----------------------------------------------------------------------


def _scope_roots(user) -> list[Organization]:
    paths = scope_paths(user)
    if paths is None:
        return list(Organization.objects.filter(depth=1))
    return list(Organization.objects.filter(path__in=paths))


def _organization_or_404(request, pk) -> Organization:
    return get_object_or_404(Organization.objects.all().visible_to(request.user), pk=pk)


def _report_organization(request) -> Organization | None:
    """``?org=`` in the user's scope (else 404), or the root of the scope (None if none)."""
    org_id = request.GET.get("org", "")
    if org_id:
        if not org_id.isdigit():
            raise Http404
        return _organization_or_404(request, org_id)
    roots = _scope_roots(request.user)
    return roots[0] if roots else None


def _year(request, today: datetime.date) -> int:
    form = YearForm(request.GET)
    if form.is_valid() and form.cleaned_data["year"]:
        return form.cleaned_data["year"]
    return today.year


def _year_choices(year: int, today: datetime.date) -> list[int]:
    return sorted({*range(today.year - YEAR_CHOICES + 1, today.year + 1), year}, reverse=True)


def _crumbs(user, ancestors) -> list[tuple[Organization, bool]]:
    return [(org, can_read(user, org)) for org in ancestors]


def _no_scope(request):
    return render(request, "reports/no_scope.html")


# --- dashboard ---------------------------------------------------------------------------


@login_required
@require_safe
def dashboard(request):
    """The dashboard of an organization (``?org=``) and a year (``?year=``)."""
    org = _report_organization(request)
    if org is None:
        return _no_scope(request)
    today = timezone.localdate()
    year = _year(request, today)
    board = selectors.dashboard_build(org, year, today=today, family=selectors.family_of(org))
    context = {
        "d": board,
        "crumbs": _crumbs(request.user, board.ancestors),
        "year_choices": _year_choices(year, today),
        "can_assign": not org.is_cell and can_write(request.user, org),
        "chart_data": board.chart_data(),
    }
    return render(request, "reports/dashboard.html", context)


@login_required
@require_safe
def dashboard_export(request):
    org = _report_organization(request)
    if org is None:
        raise Http404
    today = timezone.localdate()
    board = selectors.dashboard_build(
        org, _year(request, today), today=today, family=selectors.family_of(org)
    )
    return exports.xlsx_response(exports.dashboard_workbook(board), f"bao-cao-{board.year}")


@login_required
@require_safe
def warnings(request):
    """The warnings of an organization's subtree; ``?summary=1`` gives the counts only (the
    dashboard loads them after the page, to keep its own queries few)."""
    org = _report_organization(request)
    if org is None:
        raise Http404
    today = timezone.localdate()
    found = selectors.warnings_build(org, user=request.user, today=today)
    if request.GET.get("summary"):
        return render(request, "reports/_warnings_summary.html", {"w": found, "org": org})
    page = Paginator(found.cells_without_admissions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"w": found, "org": org, "page": page}
    return render(request, "reports/warnings.html", context)


# --- quotas ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def quota_assign(request, org_id, year):
    """Staff of a committee set the year's quota of each organization directly below."""
    org = _organization_or_404(request, org_id)
    if not can_write(request.user, org):
        raise PermissionDenied
    if not 1950 <= year <= timezone.localdate().year + 1:
        raise Http404
    children = {
        c.pk: c
        for c in Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1)
        if selectors.active_in_year(c, year)
    }
    quotas = dict(
        AdmissionQuota.objects.filter(
            organization_id__in=[org.pk, *children], year=year
        ).values_list("organization_id", "number")
    )
    initial = [{"organization": pk, "number": quotas.get(pk)} for pk in children]
    formset = QuotaFormSet(request.POST or None, initial=initial, children=children)
    if request.method == "POST" and formset.is_valid():
        try:
            quotas_assign(
                organization=org, year=year, numbers=formset.numbers(), actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The quotas were saved."))
            return redirect("reports:quota_assign", org.pk, year)
    context = {
        "org": org,
        "year": year,
        "formset": formset,
        "parent_quota": quotas.get(org.pk),
        "children_sum": sum(quotas.get(pk) or 0 for pk in children),
    }
    return render(request, "reports/quotas.html", context)


# --- congress terms ----------------------------------------------------------------------


def _terms_visible_to(user):
    """Terms of organizations in the user's scope or above it (a district leader reads the
    province's term for the district)."""
    terms = CongressTerm.objects.select_related("organization")
    paths = scope_paths(user)
    if paths is None:
        return terms
    above = {a for p in paths for a in _ancestor_paths(p)}
    return terms.filter(path_q(paths, "organization__path") | Q(organization__path__in=above))


def _ancestor_paths(path: str) -> list[str]:
    step = Organization.steplen
    return [path[:i] for i in range(step, len(path), step)]


@login_required
@require_safe
def term_list(request):
    terms = _terms_visible_to(request.user).order_by("organization__path", "-first_year")
    return render(request, "reports/term_list.html", {"terms": terms})


def _term_and_organization(request, pk):
    term = get_object_or_404(_terms_visible_to(request.user), pk=pk)
    org_id = request.GET.get("org", "")
    if org_id:
        if not org_id.isdigit():
            raise Http404
        org = _organization_or_404(request, org_id)
        if not org.path.startswith(term.organization.path):
            raise Http404
        return term, org
    if can_read(request.user, term.organization):
        return term, term.organization
    roots = [r for r in _scope_roots(request.user) if r.path.startswith(term.organization.path)]
    if not roots:
        raise Http404
    return term, roots[0]


def _on_date(request) -> datetime.date | None:
    value = request.GET.get("on", "")
    for parse in (parse_date, lambda v: datetime.datetime.strptime(v, "%d/%m/%Y").date()):
        try:
            on = parse(value)
        except ValueError:
            continue
        if on:
            return on
    return None


@login_required
@require_safe
def term_detail(request, pk):
    term, org = _term_and_organization(request, pk)
    today = timezone.localdate()
    report = selectors.term_report_build(term, org, today=today, on=_on_date(request))
    context = {
        "r": report,
        "crumbs": _crumbs(request.user, list(org.ancestors())),
        "on": _on_date(request),
    }
    return render(request, "reports/term_detail.html", context)


@login_required
@require_safe
def term_export(request, pk):
    term, org = _term_and_organization(request, pk)
    report = selectors.term_report_build(
        term, org, today=timezone.localdate(), on=_on_date(request)
    )
    name = f"nhiem-ky-{term.name}-{org.code}".lower()
    return exports.xlsx_response(exports.term_workbook(report), name)


# --- reconciliation ----------------------------------------------------------------------


@login_required
@require_safe
def reconciliation(request):
    """Members at start + flows = members at end, for the organization and its children
    over ten years (or ``?year=``), and every mismatch anywhere in the subtree."""
    org = _report_organization(request)
    if org is None:
        raise Http404
    today = timezone.localdate()
    if request.GET.get("year"):
        years = [_year(request, today)]
    else:
        years = list(range(today.year - RECONCILIATION_YEARS + 1, today.year + 1))
    subtree = list(Organization.objects.filter(path__startswith=org.path).order_by("path"))
    table = metrics.reconciliation_table(subtree, years)
    shown = [o for o in subtree if o.depth <= org.depth + 1]
    mismatches = sorted(
        (r for r in table.values() if not r.balanced),
        key=lambda r: (r.organization.path, r.year),
    )
    context = {
        "org": org,
        "years": years,
        "rows": [(o, [table[(o.pk, y)] for y in years]) for o in shown],
        "page": Paginator(mismatches, PAGE_SIZE).get_page(request.GET.get("page")),
        "mismatch_count": len(mismatches),
        "checked": len(table),
        "crumbs": _crumbs(request.user, list(org.ancestors())),
        "single_year": len(years) == 1,
    }
    return render(request, "reports/reconciliation.html", context)
