"""Staff pages of the imports: templates, upload, the job with its preview, confirmation.

Imports are a write: users without a STAFF assignment get 403. A job is its owner's (an
administrator sees all); anyone else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from members.views import write_role_required

from . import services
from .forms import ImportUploadForm
from .kinds import SPECS
from .models import ImportJob, ImportKind, ImportStatus
from .workbooks import XLSX, template_filename, template_workbook

JOBS_PER_PAGE = 20
ERRORS_PER_PAGE = 100


def _job_or_404(request, pk) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.visible_to(request.user).select_related("user", "organization"), pk=pk
    )


def _index(request, form):
    jobs = ImportJob.objects.visible_to(request.user).select_related("user")
    page = Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "kinds": ImportKind.choices}
    return render(request, "imports/index.html", context)


@login_required
@write_role_required
@require_safe
def index(request):
    return _index(request, ImportUploadForm())


@login_required
@write_role_required
@require_POST
def upload(request):
    form = ImportUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = services.import_job_create(
                user=request.user, kind=form.cleaned_data["kind"], file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file" if hasattr(error, "error_dict") else None, error)
        else:
            messages.success(request, _("The file was received; every row is being checked."))
            return redirect("imports:job_detail", job.pk)
    return _index(request, form)


@login_required
@write_role_required
@require_safe
def template_download(request, kind):
    if kind not in SPECS:
        raise Http404
    spec = SPECS[kind]
    data = template_workbook(spec, user=request.user, today=timezone.localdate())
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{template_filename(spec)}"'
    return response


@login_required
@write_role_required
@require_safe
def job_detail(request, pk):
    job = _job_or_404(request, pk)
    errors = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    earlier = (
        ImportJob.objects.visible_to(request.user)
        .filter(sha256=job.sha256, kind=job.kind, status=ImportStatus.DONE)
        .exclude(pk=job.pk)
        .order_by("-created_at")
        .first()
    )
    context = {"job": job, "errors": errors, "earlier": earlier}
    return render(request, "imports/job_detail.html", context)


@login_required
@write_role_required
@require_safe
def job_progress(request, pk):
    """The progress bar alone, polled by htmx every second while the job runs."""
    job = _job_or_404(request, pk)
    response = render(request, "imports/_progress.html", {"job": job})
    if not job.is_running and request.headers.get("HX-Request"):
        # Done: reload the page to show the preview or the summary.
        response["HX-Refresh"] = "true"
    return response


@login_required
@write_role_required
@require_POST
def job_confirm(request, pk):
    job = _job_or_404(request, pk)
    try:
        services.import_job_confirm(job=job, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Confirmed: the rows are being written."))
    return redirect("imports:job_detail", job.pk)
