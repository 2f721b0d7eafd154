"""Template helpers of the staff pages: the user's scope, breadcrumbs, sort links, badges."""

from django import template
from django.utils.html import format_html

from members.choices import MemberStatus
from members.models import StaffAssignment
from members.querysets import can_read, has_write_role
from members.querysets import can_write as _can_write

register = template.Library()

STATUS_BADGES = {
    MemberStatus.OFFICIAL: "text-bg-success",
    MemberStatus.PROBATIONARY: "text-bg-warning",
    MemberStatus.REMOVED: "text-bg-danger",
    MemberStatus.DECEASED: "text-bg-dark",
    MemberStatus.TRANSFERRED_OUT: "text-bg-secondary",
}


@register.simple_tag(takes_context=True)
def scope_assignments(context):
    """The current user's assignments (organization and role), one query per request."""
    user = context["request"].user
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_dangvien_assignments", None)
    if cached is None:
        cached = list(
            StaffAssignment.objects.filter(user=user)
            .select_related("organization")
            .order_by("organization__path")
        )
        user._dangvien_assignments = cached
    return cached


@register.inclusion_tag("members/_breadcrumbs.html", takes_context=True)
def org_breadcrumbs(context, organization, last=None):
    """The path from the root to ``organization`` (ancestors in one query).

    Ancestors above the user's scope are shown as plain text, without a link.
    """
    user = context["request"].user
    trail = [*organization.ancestors(), organization]
    return {
        "crumbs": [(org, can_read(user, org)) for org in trail],
        "last": last,
    }


@register.simple_tag(takes_context=True)
def sort_header(context, key, label):
    """A column header that sorts by ``key``, and reverses on a second click."""
    params = context["request"].GET.copy()
    current = params.get("o", "")
    params.pop("page", None)
    if current == key:
        params["o"], icon = f"-{key}", "bi-sort-up"
    elif current == f"-{key}":
        params["o"], icon = key, "bi-sort-down"
    else:
        params["o"], icon = key, ""
    return format_html(
        '<a class="sort-link text-reset" href="?{}">{} '
        '<i class="bi {}" aria-hidden="true"></i></a>',
        params.urlencode(),
        label,
        icon,
    )


@register.filter
def status_badge(status):
    return STATUS_BADGES.get(status, "text-bg-light")


@register.filter
def can_write(user, organization):
    return _can_write(user, organization)


@register.filter
def readable_by(organization, user):
    return organization is not None and can_read(user, organization)


@register.filter
def writes_somewhere(user) -> bool:
    """True for users with a STAFF role anywhere (leaders only read)."""
    return has_write_role(user)
