"""Pages of the admission pipeline: board, candidacies and their steps, courses, probation,
due list.

Every view loads through the scoped querysets, so an object outside the user's scope is a
404; a user without the write role on the object's organization gets a 403 (leaders read
everything in their scope and change nothing). Each step is a POST-only view: load in
scope, validate the form, call one service, message, redirect; when the service refuses,
the page is shown again with the messages next to the fields and nothing saved.
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from members.choices import ACTIVE_STATUSES, MemberStatus
from members.forms import parent_names
from members.models import Member, Organization
from members.querysets import can_write, has_write_role
from members.rules import add_months, full_months_between, rules_on
from members.views import write_role_required

from . import deadlines, services
from .choices import BEFORE_RESOLUTION_STAGES, PRE_ADMISSION_STAGES, DueKind, Stage
from .filters import BoardFilter, CandidacyFilter, OrganizationForm
from .forms import (
    CandidacyCreateForm,
    CandidacyEditForm,
    CeremonyForm,
    CertificateForm,
    CertificatesForm,
    CloseForm,
    CommitteeApprovalForm,
    CourseForm,
    DecisionForm,
    DossierForm,
    EnrollForm,
    IntroducerForm,
    OverAgeApprovalForm,
    RecognizeForm,
    ResolutionForm,
    StrikeOffForm,
)
from .models import Candidacy, CandidacyEvent, CourseAttendance, Introducer, TrainingCourse
from .selectors import pipeline_board

PAGE_SIZE = 50
BOARD_CARDS = 20
DUE_ROWS = 100


def _errors_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _scoped_filter(filter_class, request, queryset):
    filterset = filter_class(request.GET, queryset, request=request)
    if not filterset.is_valid() and "org" in filterset.errors:
        # An organization outside the scope is treated like any out-of-scope object.
        raise Http404
    return filterset


# --- board and list --------------------------------------------------------------------


@login_required
@require_safe
def board(request):
    """One column per open stage with its count and its oldest cards."""
    filterset = _scoped_filter(BoardFilter, request, Candidacy.objects.visible_to(request.user))
    today = timezone.localdate()
    columns = pipeline_board(candidacies=filterset.qs, today=today, cards_per_stage=BOARD_CARDS)
    for column in columns:
        for card in column.cards:
            since = card.stage_since
            card.days_in_stage = (today - since).days if since else None
    context = {
        "filter": filterset,
        "columns": columns,
        "total": sum(column.count for column in columns),
        "today": today,
        "can_add": has_write_role(request.user),
    }
    return render(request, "recruitment/board.html", context)


@login_required
@require_safe
def candidacy_list(request):
    candidacies = Candidacy.objects.visible_to(request.user).for_list()
    filterset = _scoped_filter(CandidacyFilter, request, candidacies)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = parent_names(c.cell.path for c in rows)
    today = timezone.localdate()
    for c in rows:
        c.cell_parent = names.get(c.cell.path[: -Organization.steplen], "")
        c.deadline = deadlines.candidacy_deadline(c)
        c.is_overdue = bool(c.deadline and c.deadline.is_overdue(today))
    context = {
        "filter": filterset,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "candidacies": rows,
        "can_add": has_write_role(request.user),
    }
    return render(request, "recruitment/candidacy_list.html", context)


# --- one candidacy ---------------------------------------------------------------------


def _candidacy_or_404(request, pk) -> Candidacy:
    return get_object_or_404(
        Candidacy.objects.visible_to(request.user).select_related(
            "person", "cell", "certificate__course__organizer", "member"
        ),
        pk=pk,
    )


def _candidacy_to_change(request, pk) -> Candidacy:
    """The candidacy if in scope (else 404) and writable by the user (else 403)."""
    candidacy = _candidacy_or_404(request, pk)
    if not can_write(request.user, candidacy.cell):
        raise PermissionDenied
    return candidacy


@dataclasses.dataclass(frozen=True)
class Step:
    """A step on the candidacy page: its form, the service call and the success message."""

    title: Promise
    form_class: type
    run: Callable
    done: Promise


def _record_certificate(*, candidacy, actor, course, certificate_number, certificate_on):
    services.course_record_certificates(
        course=course, certificates=[(candidacy, certificate_number, certificate_on)], actor=actor
    )


STEPS = {
    "certificate": Step(
        gettext_lazy("Course certificate"),
        CertificateForm,
        _record_certificate,
        gettext_lazy("The course certificate was recorded."),
    ),
    "introducer": Step(
        gettext_lazy("Add an introducer"),
        IntroducerForm,
        services.introducer_add,
        gettext_lazy("The introducer was added."),
    ),
    "over_age": Step(
        gettext_lazy("Approval to admit a person over 60"),
        OverAgeApprovalForm,
        services.candidacy_record_over_age_approval,
        gettext_lazy("The approval was recorded."),
    ),
    "dossier": Step(
        gettext_lazy("Admission dossier"),
        DossierForm,
        services.candidacy_mark_dossier_ready,
        gettext_lazy("The dossier is marked complete."),
    ),
    "resolution": Step(
        gettext_lazy("Cell resolution"),
        ResolutionForm,
        services.candidacy_record_cell_resolution,
        gettext_lazy("The cell's resolution was recorded."),
    ),
    "committee_approval": Step(
        gettext_lazy("Grassroots committee approval"),
        CommitteeApprovalForm,
        services.candidacy_record_committee_approval,
        gettext_lazy("The committee's approval was recorded."),
    ),
    "decision": Step(
        gettext_lazy("Admission decision"),
        DecisionForm,
        services.candidacy_record_decision,
        gettext_lazy("The admission decision was recorded."),
    ),
    "ceremony": Step(
        gettext_lazy("Admission ceremony"),
        CeremonyForm,
        services.candidacy_hold_ceremony,
        gettext_lazy("The ceremony was recorded: the candidate is now a probationary member."),
    ),
    "close": Step(
        gettext_lazy("Withdraw or reject"),
        CloseForm,
        services.candidacy_close,
        gettext_lazy("The candidacy was closed."),
    ),
}


def _near_max_age(candidacy: Candidacy, today: datetime.date) -> bool:
    """Within a year of the maximum age (R1), when the over-60 approval may be needed."""
    months = full_months_between(candidacy.person.date_of_birth, today)
    return months >= rules_on(today).max_admission_age_months - 12


def offered_steps(candidacy: Candidacy, today: datetime.date) -> tuple[list[str], list[str]]:
    """The steps possible at the candidacy's stage: (next steps, other steps)."""
    stage = candidacy.stage
    primary, other = [], []
    if stage == Stage.SOURCED:
        primary, other = ["certificate"], ["introducer"]
    elif stage == Stage.COURSE_COMPLETED:
        primary, other = ["introducer", "dossier"], ["certificate"]
    elif stage == Stage.DOSSIER_READY:
        primary, other = ["resolution"], ["introducer", "dossier", "certificate"]
    elif stage == Stage.CELL_RESOLUTION:
        primary = ["committee_approval" if candidacy.needs_committee_approval else "decision"]
    elif stage == Stage.COMMITTEE_APPROVAL:
        primary = ["decision"]
    elif stage == Stage.DECISION:
        primary = ["ceremony"]
    if stage in BEFORE_RESOLUTION_STAGES and (
        candidacy.over_age_approval_on or _near_max_age(candidacy, today)
    ):
        other.append("over_age")
    # After the ceremony the case ends by recognition or striking off, unless the
    # membership already ended otherwise (death, removal).
    if stage in PRE_ADMISSION_STAGES or (
        stage == Stage.ADMITTED and candidacy.member.status not in ACTIVE_STATUSES
    ):
        other.append("close")
    return primary, other


@dataclasses.dataclass
class DateLine:
    label: str
    date: datetime.date
    overdue: bool = False


def candidacy_dates(candidacy: Candidacy, today: datetime.date) -> list[DateLine]:
    """The deadlines and derived dates of a candidacy (R2, R5-R8), from its stored dates."""
    c, lines = candidacy, []
    if c.certificate_on and c.stage in BEFORE_RESOLUTION_STAGES:
        valid = rules_on(c.certificate_on).certificate_validity_months
        until = add_months(c.certificate_on, valid)
        lines.append(DateLine(_("Certificate valid until"), until, today > until))
    deadline = deadlines.candidacy_deadline(c)
    if deadline is not None:
        lines.append(DateLine(deadline.label, deadline.due_on, deadline.is_overdue(today)))
    if c.ceremony_on:
        lines.append(DateLine(_("Probation ends on"), deadlines.probation_ends_on(c.ceremony_on)))
    return lines


def _detail_page(request, candidacy, bound: tuple[str, object] | None = None, status=200):
    today = timezone.localdate()
    writable = can_write(request.user, candidacy.cell)
    primary, other = offered_steps(candidacy, today) if writable else ([], [])
    forms = {}
    for name in (*primary, *other):
        forms[name] = STEPS[name].form_class(candidacy=candidacy, user=request.user, prefix=name)
    if bound is not None:
        forms[bound[0]] = bound[1]
        if bound[0] not in primary and bound[0] not in other:
            primary.append(bound[0])
    steps = [
        {
            "name": name,
            "title": STEPS[name].title,
            "form": forms[name],
            "primary": name in primary,
            "url": reverse(f"recruitment:candidacy_{name}", args=[candidacy.pk]),
        }
        for name in (*primary, *other)
    ]
    context = {
        "candidacy": candidacy,
        "person": candidacy.person,
        "introducers": candidacy.introducers.select_related(
            "member__person", "member__organization"
        ),
        "attendances": candidacy.attendances.select_related("course__organizer").order_by(
            "course__start_on", "pk"
        ),
        "events": CandidacyEvent.objects.filter(candidacy=candidacy).select_related("actor"),
        "dates": candidacy_dates(candidacy, today),
        "steps": steps,
        "bound_step": bound[0] if bound else None,
        "can_change": writable,
        "can_remove_introducers": writable and candidacy.stage in BEFORE_RESOLUTION_STAGES,
    }
    return render(request, "recruitment/candidacy_detail.html", context, status=status)


@login_required
@require_safe
def candidacy_detail(request, pk):
    return _detail_page(request, _candidacy_or_404(request, pk))


@login_required
@require_POST
def candidacy_step(request, pk, step):
    candidacy = _candidacy_to_change(request, pk)
    spec = STEPS[step]
    form = spec.form_class(request.POST, candidacy=candidacy, user=request.user, prefix=step)
    if form.is_valid():
        try:
            spec.run(candidacy=candidacy, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, spec.done)
            return redirect("recruitment:candidacy_detail", candidacy.pk)
    return _detail_page(request, candidacy, bound=(step, form), status=400)


@login_required
@require_POST
def introducer_remove(request, pk, introducer_pk):
    candidacy = _candidacy_to_change(request, pk)
    introducer = get_object_or_404(Introducer, candidacy=candidacy, pk=introducer_pk)
    try:
        services.introducer_remove(introducer=introducer, actor=request.user)
    except ValidationError as error:
        messages.error(request, _errors_text(error))
    else:
        messages.success(request, _("The introducer was removed."))
    return redirect("recruitment:candidacy_detail", candidacy.pk)


@login_required
@write_role_required
@require_http_methods(["GET", "POST"])
def candidacy_create(request):
    initial = {"cell": request.GET["cell"]} if request.GET.get("cell", "").isdigit() else {}
    form = CandidacyCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            candidacy = services.candidacy_create(
                person=form.person(), actor=request.user, **form.candidacy_data()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The candidacy was created."))
            return redirect("recruitment:candidacy_detail", candidacy.pk)
    return render(
        request,
        "recruitment/form.html",
        {"form": form, "title": _("New candidate"), "cancel": "recruitment:candidacy_list"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidacy_edit(request, pk):
    candidacy = _candidacy_to_change(request, pk)
    form = CandidacyEditForm(request.POST or None, candidacy=candidacy, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.candidacy_update(
                candidacy=candidacy, actor=request.user, fields=form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("recruitment:candidacy_detail", candidacy.pk)
    context = {"form": form, "title": _("Edit the candidacy"), "candidacy": candidacy}
    return render(request, "recruitment/form.html", context)


# --- courses ---------------------------------------------------------------------------


def _course_or_404(request, pk) -> TrainingCourse:
    return get_object_or_404(
        TrainingCourse.objects.visible_to(request.user).select_related("organizer"), pk=pk
    )


@login_required
@require_safe
def course_list(request):
    courses = (
        TrainingCourse.objects.visible_to(request.user)
        .select_related("organizer")
        .annotate(
            attendees=Count("attendances"),
            certified=Count("attendances", filter=Q(attendances__certificate_on__isnull=False)),
        )
        .order_by("-start_on", "-pk")
    )
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "can_add": has_write_role(request.user),
    }
    return render(request, "recruitment/course_list.html", context)


@login_required
@write_role_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    form = CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.training_course_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The course was created."))
            return redirect("recruitment:course_detail", course.pk)
    return render(
        request,
        "recruitment/form.html",
        {"form": form, "title": _("New party-awareness course"), "cancel": "recruitment:courses"},
    )


def _course_page(request, course, enroll=None, certificates=None, status=200):
    attendances = list(
        course.attendances.select_related("candidacy__person", "candidacy__cell").order_by(
            "candidacy__person__search_name", "pk"
        )
    )
    can_issue = can_write(request.user, course.organizer)
    if certificates is None and can_issue:
        certificates = CertificatesForm(attendances=attendances, prefix="certificates")
    if enroll is None and has_write_role(request.user):
        enroll = EnrollForm(course=course, user=request.user, prefix="enroll")
    context = {
        "course": course,
        "attendances": attendances,
        "enroll_form": enroll,
        "certificates_form": certificates if can_issue else None,
    }
    return render(request, "recruitment/course_detail.html", context, status=status)


@login_required
@require_safe
def course_detail(request, pk):
    return _course_page(request, _course_or_404(request, pk))


@login_required
@write_role_required
@require_POST
def course_enroll(request, pk):
    course = _course_or_404(request, pk)
    form = EnrollForm(request.POST, course=course, user=request.user, prefix="enroll")
    if form.is_valid():
        try:
            enrolled = services.course_enroll(
                course=course, candidacies=form.cleaned_data["candidacies"], actor=request.user
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            count = len(enrolled)
            messages.success(
                request,
                ngettext(
                    "%(count)d candidate was enrolled.",
                    "%(count)d candidates were enrolled.",
                    count,
                )
                % {"count": count},
            )
            return redirect("recruitment:course_detail", course.pk)
    return _course_page(request, course, enroll=form, status=400)


@login_required
@require_POST
def course_certificates(request, pk):
    course = _course_or_404(request, pk)
    if not can_write(request.user, course.organizer):
        raise PermissionDenied
    attendances = CourseAttendance.objects.filter(course=course).select_related(
        "candidacy__person", "candidacy__cell"
    )
    form = CertificatesForm(request.POST, attendances=attendances, prefix="certificates")
    if form.is_valid():
        rows = form.certificates()
        if not rows:
            form.add_error(None, _("Enter at least one new certificate."))
        else:
            try:
                services.course_record_certificates(
                    course=course, certificates=rows, actor=request.user
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d certificate was recorded.",
                        "%(count)d certificates were recorded.",
                        len(rows),
                    )
                    % {"count": len(rows)},
                )
                return redirect("recruitment:course_detail", course.pk)
    return _course_page(request, course, certificates=form, status=400)


# --- probationary members --------------------------------------------------------------


def _probation_dates(member: Member, today: datetime.date) -> None:
    member.probation_end = deadlines.probation_ends_on(member.ceremony_date)
    member.review_due = deadlines.recognition_review_due_on(member.probation_end)
    member.review_open = member.probation_end <= today
    member.is_overdue = today > member.review_due


@login_required
@require_safe
def probation_list(request):
    """Probationary members in scope, the soonest probation end first."""
    members = (
        Member.objects.visible_to(request.user)
        .filter(status=MemberStatus.PROBATIONARY, ceremony_date__isnull=False)
        .select_related("person", "organization")
        .order_by("ceremony_date", "pk")
    )
    organization = _chosen_organization(request)
    if organization is not None:
        members = members.in_subtree(organization)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = list(page.object_list)
    for member in rows:
        _probation_dates(member, today)
    context = {
        "org_form": _org_form(request, organization),
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "members": rows,
        "today": today,
    }
    return render(request, "recruitment/probation_list.html", context)


def _member_or_404(request, pk) -> Member:
    return get_object_or_404(
        Member.objects.visible_to(request.user).select_related("person", "organization"), pk=pk
    )


def _review_page(request, member, recognize=None, strike_off=None, status=200):
    today = timezone.localdate()
    probationary = member.status == MemberStatus.PROBATIONARY and member.ceremony_date
    if probationary:
        _probation_dates(member, today)
    bound = "recognize" if recognize is not None else "strike_off" if strike_off else None
    show_forms = can_write(request.user, member.organization) and (
        bound is not None or (probationary and member.review_open)
    )
    context = {
        "member": member,
        "candidacy": member.candidacies.order_by("-pk").first(),
        "probationary": probationary,
        "recognize_form": recognize or RecognizeForm(member=member, prefix="recognize"),
        "strike_off_form": strike_off or StrikeOffForm(member=member, prefix="strike_off"),
        "show_forms": show_forms,
        "bound": bound,
    }
    return render(request, "recruitment/probation_review.html", context, status=status)


@login_required
@require_safe
def probation_review(request, pk):
    return _review_page(request, _member_or_404(request, pk))


def _member_to_change(request, pk) -> Member:
    member = _member_or_404(request, pk)
    if not can_write(request.user, member.organization):
        raise PermissionDenied
    return member


@login_required
@require_POST
def probation_recognize(request, pk):
    member = _member_to_change(request, pk)
    form = RecognizeForm(request.POST, member=member, prefix="recognize")
    if form.is_valid():
        try:
            services.member_recognize_official(
                member=member, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(name)s is now an official member.") % {"name": member})
            return redirect("recruitment:probation")
    return _review_page(request, member, recognize=form, status=400)


@login_required
@require_POST
def probation_strike_off(request, pk):
    member = _member_to_change(request, pk)
    form = StrikeOffForm(request.POST, member=member, prefix="strike_off")
    if form.is_valid():
        try:
            services.member_strike_off_not_recognized(
                member=member, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(name)s was struck off.") % {"name": member})
            return redirect("recruitment:probation")
    return _review_page(request, member, strike_off=form, status=400)


# --- due list --------------------------------------------------------------------------


def _chosen_organization(request) -> Organization | None:
    value = request.GET.get("org", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return get_object_or_404(Organization.objects.all().visible_to(request.user), pk=value)


def _org_form(request, organization) -> OrganizationForm:
    return OrganizationForm(user=request.user, chosen=organization)


@dataclasses.dataclass
class DueGroup:
    kind: str
    items: list

    @property
    def label(self) -> str:
        return DueKind(self.kind).label

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)

    @property
    def shown(self) -> list:
        # A whole province may have thousands; the page shows the most urgent ones.
        return self.items[:DUE_ROWS]

    @property
    def hidden(self) -> int:
        return max(len(self.items) - DUE_ROWS, 0)


@login_required
@require_safe
def due_list(request):
    """What is overdue or due in the next 30 days, by kind, overdue first."""
    organization = _chosen_organization(request)
    today = timezone.localdate()
    items = deadlines.due_list(user=request.user, today=today, organization=organization)
    groups = []
    for kind in DueKind.values:
        of_kind = [item for item in items if item.kind == kind]
        of_kind.sort(key=lambda item: (not item.overdue, item.due_on))
        groups.append(DueGroup(kind, of_kind))
    context = {
        "org_form": _org_form(request, organization),
        "groups": groups,
        "total": len(items),
        "overdue": sum(1 for item in items if item.overdue),
        "today": today,
    }
    return render(request, "recruitment/due_list.html", context)
