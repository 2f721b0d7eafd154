"""Forms of the Django admin's organization pages. Every change they make goes through a service.

The admin saves an object only after its form has validated, which is too late to show a
service's refusal next to the field it concerns. So the add and change forms call the
service as their last validation step, inside the transaction the admin opens for the
page; a ``DomainError`` becomes a form error and the service's savepoint leaves nothing
behind. ``OrganizationAdmin`` then has nothing left to save.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Organization


def organization_field(label, *, required=True, help_text=""):
    """A choice of organization that searches by code or name instead of listing 3,700.

    The admin's autocomplete widget is bound to a foreign key; ``successor`` points to
    ``Organization``, so its look-ups search the organization admin.
    """
    return forms.ModelChoiceField(
        queryset=Organization.objects.all(),
        label=label,
        required=required,
        help_text=help_text,
        widget=AutocompleteSelect(Organization._meta.get_field("successor"), admin.site),
    )


def date_field(label, help_text=""):
    return forms.DateField(
        label=label, initial=timezone.localdate, widget=AdminDateWidget, help_text=help_text
    )


def decision_number_field():
    return forms.CharField(label=_("Decision number"), max_length=64, required=False)


def add_domain_error(form, error: ValidationError, *, renamed=None, prefix="") -> None:
    """Put a service's error next to the form field it names, or above the form.

    ``renamed`` maps a service argument to the form field that supplies it (``new_parent`` is
    the form's ``parent``).
    """
    renamed = renamed or {}
    if hasattr(error, "error_dict"):
        by_field = error.message_dict.items()
    else:
        by_field = [(NON_FIELD_ERRORS, error.messages)]
    for field, messages in by_field:
        name = renamed.get(field, field)
        if name not in form.fields:
            name = None
        for message in messages:
            form.add_error(name, f"{prefix}{message}")


class OrganizationAddForm(forms.ModelForm):
    """Create an organization under a parent: ``organization_create``."""

    parent = organization_field(
        _("Parent organization"),
        required=False,
        help_text=_("Leave empty only for the provincial Party organization, the root."),
    )
    decision_number = decision_number_field()

    actor = None  # the request's user; set by the admin

    class Meta:
        model = Organization
        fields = ["parent", "code", "name", "kind", "sector", "established_on", "decision_number"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.instance = services.organization_create(
                parent=cleaned["parent"],
                code=cleaned["code"],
                name=cleaned["name"],
                kind=cleaned["kind"],
                sector=cleaned["sector"],
                established_on=cleaned["established_on"],
                decision_number=cleaned["decision_number"],
                actor=self.actor,
            )
        except ValidationError as error:
            add_domain_error(self, error)
        return cleaned


class OrganizationChangeForm(forms.ModelForm):
    """Rename (``organization_rename``) and re-parent (``organization_move``) from a date."""

    parent = organization_field(_("Parent organization"), required=False)
    on = date_field(
        _("Effective date"),
        help_text=_("The new name or the new parent takes effect on this date."),
    )
    decision_number = decision_number_field()

    actor = None

    class Meta:
        model = Organization
        fields = ["name", "parent", "on", "decision_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = Organization.objects.get_parent(self.instance)
        if parent is None:
            self.fields["parent"].disabled = True
            self.fields["parent"].help_text = _("The root of the tree has no parent.")
        else:
            self.initial["parent"] = parent.pk

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        renaming = "name" in self.changed_data
        moving = "parent" in self.changed_data
        if moving and cleaned["parent"] is None:
            self.add_error("parent", _("Choose the new parent organization."))
            return cleaned
        common = {
            "on": cleaned["on"],
            "decision_number": cleaned["decision_number"],
            "actor": self.actor,
        }
        organization = self.instance
        try:
            # A refused move also undoes the rename made just before it.
            with transaction.atomic():
                if renaming:
                    organization = services.organization_rename(
                        organization=organization, name=cleaned["name"], **common
                    )
                if moving:
                    organization = services.organization_move(
                        organization=organization, new_parent=cleaned["parent"], **common
                    )
        except ValidationError as error:
            add_domain_error(self, error, renamed={"new_parent": "parent"})
        else:
            self.instance = organization
        return cleaned


class MergeForm(forms.Form):
    """The intermediate page of the "Merge into…" action."""

    target = organization_field(
        _("Merge into"),
        help_text=_("Receives the members and subordinate organizations; becomes the successor."),
    )
    on = date_field(_("Date of the merger"))
    decision_number = decision_number_field()


class DissolveForm(forms.Form):
    """The intermediate page of the "Dissolve…" action."""

    destination = organization_field(
        _("Destination"),
        required=False,
        help_text=_(
            "Where the remaining members and subordinate organizations go. "
            "Leave empty when there are none left."
        ),
    )
    on = date_field(_("Date of the dissolution"))
    decision_number = decision_number_field()


class TreeMoveForm(forms.Form):
    """What treebeard's drag and drop posts: the dragged node, the row it was dropped on, how."""

    node = forms.ModelChoiceField(queryset=Organization.objects.all())
    target = forms.ModelChoiceField(queryset=Organization.objects.all())
    relation = forms.ChoiceField(choices=[("child", "child"), ("sibling", "sibling")])

    def new_parent(self) -> Organization | None:
        target = self.cleaned_data["target"]
        if self.cleaned_data["relation"] == "child":
            return target
        return Organization.objects.get_parent(target)
