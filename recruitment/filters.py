"""Filters of the pipeline board and the candidacy list (django-filter).

The querysets passed in are already scoped (``visible_to``); the organization filter only
offers organizations in scope, and a view turns an organization outside it into a 404.
"""

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.filters import OrganizationFilter, OrganizationFilterField
from members.models import Organization
from members.search import normalize_search

from .choices import CLOSED_STAGES, SourceGroup, Stage

OPEN = "OPEN"


def _helper(*columns) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(Row(*(Column(name, css_class=css) for name, css in columns)))
    return helper


class ScopedFilterSet(django_filters.FilterSet):
    """The organization, source group and year filters shared by the board and the list."""

    org = OrganizationFilter(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        method="filter_org",
        empty_label=_("All in my scope"),
    )
    source_group = django_filters.ChoiceFilter(
        label=_("Source group"), choices=SourceGroup.choices, empty_label=_("All")
    )
    year = django_filters.NumberFilter(
        label=_("Year sourced"),
        field_name="sourced_on",
        lookup_expr="year",
        min_value=1930,
        max_value=2100,
    )

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        field = self.form.fields["org"]
        field.queryset = Organization.objects.all().visible_to(request.user)
        chosen = (data or {}).get("org", "")
        field.chosen_pk = int(chosen) if chosen.isdigit() else None

    def filter_org(self, queryset, name, value):
        return queryset.in_subtree(value)


class BoardFilter(ScopedFilterSet):
    class Meta:
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.helper = _helper(
            ("org", "col-lg-6"), ("source_group", "col-lg-4"), ("year", "col-lg-2")
        )


class CandidacyFilter(ScopedFilterSet):
    """Search and filters of ``/recruitment/candidacies/``; open candidacies by default."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Name or national ID"), "type": "search"}),
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"),
        choices=[(OPEN, _("In progress")), *Stage.choices],
        empty_label=_("All stages"),
        method="filter_stage",
    )
    o = django_filters.OrderingFilter(
        fields=[
            ("person__search_name", "name"),
            ("person__date_of_birth", "birth"),
            ("cell__path", "cell"),
            ("stage", "stage"),
            ("sourced_on", "sourced"),
        ],
        label=_("Sort by"),
    )

    class Meta:
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        if data is not None and "stage" not in data:
            data = data.copy()
            data["stage"] = OPEN
        super().__init__(data, queryset, **kwargs)
        self.form.helper = _helper(
            ("q", "col-lg-3"),
            ("org", "col-lg-3"),
            ("stage", "col-lg-2"),
            ("source_group", "col-lg-2"),
            ("year", "col-lg-2"),
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A unique tie-breaker keeps pages stable when names repeat.
        return queryset.order_by(*(queryset.query.order_by or ["-sourced_on"]), "pk")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        key = normalize_search(value)
        if not key:
            return queryset
        q = Q(person__search_name__contains=key)
        if value.isdigit():
            q |= Q(person__national_id=value)
        return queryset.filter(q)

    def filter_stage(self, queryset, name, value):
        if value == OPEN:
            return queryset.exclude(stage__in=CLOSED_STAGES)
        return queryset.filter(stage=value)


class OrganizationForm(forms.Form):
    """The organization filter alone, for pages that pass it to a function (due list)."""

    org = OrganizationFilterField(
        Organization.objects.none(),
        label=_("Organization"),
        empty_label=_("All in my scope"),
        required=False,
    )

    def __init__(self, *args, user, chosen: Organization | None, **kwargs):
        kwargs.setdefault("initial", {"org": chosen.pk if chosen else None})
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        field.queryset = Organization.objects.all().visible_to(user)
        field.chosen_pk = chosen.pk if chosen else None
        self.helper = _helper(("org", "col-lg-6"))
