"""Forms of the report pages: the year picker and the quota assignment rows."""

from django import forms
from django.utils.translation import gettext_lazy as _


class QuotaForm(forms.Form):
    """One row of the quota page: a direct child and its quota for the year.

    The child comes from a hidden field checked against the children the view passes in,
    so a POST cannot name an organization elsewhere in the tree.
    """

    organization = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.IntegerField(
        label=_("Quota"),
        min_value=0,
        max_value=1_000_000,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm text-end quota"}),
    )

    def __init__(self, *args, children=None, **kwargs):
        self.children = children or {}
        super().__init__(*args, **kwargs)

    def clean_organization(self):
        pk = self.cleaned_data["organization"]
        if pk not in self.children:
            raise forms.ValidationError(_("This organization is not directly below."))
        return pk

    @property
    def child(self):
        pk = self.initial.get("organization") or self.data.get(self.add_prefix("organization"))
        try:
            return self.children.get(int(pk))
        except (TypeError, ValueError):
            return None


class BaseQuotaFormSet(forms.BaseFormSet):
    def __init__(self, *args, children=None, **kwargs):
        self.children = children or {}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "children": self.children}

    def clean(self):
        if any(self.errors):
            return
        seen = [f.cleaned_data["organization"] for f in self.forms]
        if len(seen) != len(set(seen)):
            raise forms.ValidationError(_("Each organization can appear only once."))

    def numbers(self) -> dict[int, int | None]:
        return {f.cleaned_data["organization"]: f.cleaned_data["number"] for f in self.forms}


QuotaFormSet = forms.formset_factory(
    QuotaForm, formset=BaseQuotaFormSet, extra=0, max_num=2000, validate_max=True
)


class YearForm(forms.Form):
    """The year of a report page, from the query string; an invalid year falls back."""

    year = forms.IntegerField(min_value=1950, max_value=2100, required=False)
