"""State changes of the reports app: admission quotas assigned down the tree.

The shape of ``members.services``: keyword-only arguments, the acting user, one
transaction, the parent row locked, the rule checked, the change, the result returned.
Errors are ``DomainError``; an actor without the write role on the parent gets
``PermissionDenied``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.errors import DomainError
from members.models import Organization
from members.querysets import can_write

from .models import AdmissionQuota


@transaction.atomic
def quotas_assign(
    *, organization: Organization, year: int, numbers: dict[int, int | None], actor
) -> list[AdmissionQuota]:
    """Set the admission quotas of ``year`` of ``organization``'s direct children, all or
    none: ``numbers`` maps a child's id to its quota (None removes it).

    Staff of a committee assign quotas to the organizations directly under them (DESIGN.md
    section 1); the parent's own quota comes from above. The parent row is locked so two
    staff saving at once do not interleave. Each changed quota is saved with its history.
    Returns the quotas of the children after the save.
    """
    if actor is not None and not can_write(actor, organization):
        raise PermissionDenied(_("You may not change data of this organization."))
    parent = Organization.objects.select_for_update().get(pk=organization.pk)
    children = {
        c.pk: c
        for c in Organization.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    }
    strangers = set(numbers) - set(children)
    if strangers:
        raise DomainError(_("Quotas can only be assigned to the organizations directly below."))
    if any(n is not None and n < 0 for n in numbers.values()):
        raise DomainError(_("A quota cannot be negative."))
    existing = {
        q.organization_id: q
        for q in AdmissionQuota.objects.select_for_update().filter(
            organization_id__in=list(numbers), year=year
        )
    }
    for child_id, number in numbers.items():
        quota = existing.get(child_id)
        if number is None:
            if quota is not None:
                quota._history_user = actor
                quota.delete()
            continue
        if quota is not None and quota.number == number:
            continue
        quota = quota or AdmissionQuota(organization=children[child_id], year=year)
        quota.number = number
        quota._history_user = actor
        try:
            quota.full_clean()
        except ValidationError as error:
            raise DomainError(error.messages) from error
        quota.save()
    return list(
        AdmissionQuota.objects.filter(organization_id__in=list(children), year=year)
        .select_related("organization")
        .order_by("organization__path")
    )
