"""Filters of the member registry (django-filter), shared by the list and its export."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ACTIVE_STATUSES, CELL_KINDS, Ethnicity, Gender, MemberStatus, OccupationGroup
from .forms import FastSelect
from .models import Member, Organization
from .rules import add_months
from .search import normalize_search

ACTIVE = "ACTIVE"


class OrganizationChoiceIterator(forms.models.ModelChoiceIterator):
    """Non-cell organizations in scope, indented by depth, plus the one already chosen.

    Cells are left out of the list (about 3,100 in a province); a cell can still be chosen
    from its organization page, which links here with ``?org=<id>``.
    """

    def __iter__(self):
        yield ("", self.field.empty_label)
        chosen = self.field.chosen_pk
        rows = list(
            self.queryset.filter(Q(closed_on__isnull=True) & ~Q(kind__in=CELL_KINDS) | Q(pk=chosen))
            .order_by("path")
            .values_list("pk", "name", "depth")
        )
        top = min((depth for _pk, _name, depth in rows), default=0)
        for pk, name, depth in rows:
            yield (pk, "\u2003" * (depth - top) + name)


class OrganizationFilterField(forms.ModelChoiceField):
    iterator = OrganizationChoiceIterator
    chosen_pk = None


class OrganizationFilter(django_filters.ModelChoiceFilter):
    field_class = OrganizationFilterField


def _select():
    return FastSelect(attrs={"class": "form-select form-select-sm"})


def _number():
    return forms.NumberInput(attrs={"class": "form-control form-control-sm"})


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    return add_months(today, -12 * years)


class MemberFilter(django_filters.FilterSet):
    """Search and filters of ``/members/``; the queryset passed in is already scoped."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Name, national ID or party card number"),
                "type": "search",
                "class": "form-control form-control-sm",
            }
        ),
    )
    org = OrganizationFilter(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        method="filter_org",
        widget=_select(),
        empty_label=_("All in my scope"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(ACTIVE, _("Active members")), *MemberStatus.choices],
        empty_label=_("All statuses"),
        method="filter_status",
        widget=_select(),
    )
    gender = django_filters.ChoiceFilter(
        label=_("Gender"),
        field_name="person__gender",
        choices=Gender.choices,
        empty_label=_("All"),
        widget=_select(),
    )
    age_min = django_filters.NumberFilter(
        label=_("Age from"), method="filter_age_min", min_value=0, max_value=150, widget=_number()
    )
    age_max = django_filters.NumberFilter(
        label=_("Age to"), method="filter_age_max", min_value=0, max_value=150, widget=_number()
    )
    ethnicity = django_filters.ChoiceFilter(
        label=_("Ethnicity"),
        field_name="person__ethnicity",
        choices=Ethnicity.choices,
        empty_label=_("All"),
        widget=_select(),
    )
    occupation_group = django_filters.ChoiceFilter(
        label=_("Occupation group"),
        field_name="person__occupation_group",
        choices=OccupationGroup.choices,
        empty_label=_("All"),
        widget=_select(),
    )
    admission_year = django_filters.NumberFilter(
        label=_("Admission year"),
        method="filter_admission_year",
        min_value=1930,
        max_value=2100,
        widget=_number(),
    )
    o = django_filters.OrderingFilter(
        fields=[
            ("person__search_name", "name"),
            ("person__date_of_birth", "birth"),
            ("organization__path", "cell"),
            ("status", "status"),
            ("admission_decision_date", "admitted"),
            ("official_date", "official"),
        ],
        label=_("Sort by"),
    )

    class Meta:
        model = Member
        fields = []

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        if data is not None and "status" not in data:
            # The registry shows active members unless asked otherwise.
            data = data.copy()
            data["status"] = ACTIVE
        super().__init__(data, queryset, request=request, **kwargs)
        self.today = timezone.localdate()
        field = self.form.fields["org"]
        field.queryset = Organization.objects.all().visible_to(request.user)
        chosen = (data or {}).get("org", "")
        field.chosen_pk = int(chosen) if chosen.isdigit() else None

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A unique tie-breaker keeps pages stable when names repeat.
        return queryset.order_by(*(queryset.query.order_by or ["person__search_name"]), "pk")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        key = normalize_search(value)
        if not key:
            return queryset
        q = Q(person__search_name__contains=key) | Q(party_card_number=value)
        if value.isdigit():
            q |= Q(person__national_id=value)
        return queryset.filter(q)

    def filter_org(self, queryset, name, value):
        return queryset.filter(organization__path__startswith=value.path)

    def filter_status(self, queryset, name, value):
        if value == ACTIVE:
            return queryset.filter(status__in=ACTIVE_STATUSES)
        return queryset.filter(status=value)

    def filter_age_min(self, queryset, name, value):
        # Aged at least N today: born on or before today N years ago.
        return queryset.filter(person__date_of_birth__lte=_years_ago(self.today, int(value)))

    def filter_age_max(self, queryset, name, value):
        # Aged at most N today: not yet N + 1, so born after today N + 1 years ago.
        return queryset.filter(person__date_of_birth__gt=_years_ago(self.today, int(value) + 1))

    def filter_admission_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(
            admission_decision_date__gte=datetime.date(year, 1, 1),
            admission_decision_date__lt=datetime.date(year + 1, 1, 1),
        )
