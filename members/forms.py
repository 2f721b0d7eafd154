"""Forms of the staff interface: input shape and cross-field checks.

Forms never write: views hand ``cleaned_data`` to ``members.services``, and errors the
services raise are put back next to the field (``ServiceErrorsMixin.add_service_error``).
Choice fields are narrowed to the user's scope so a POST cannot name an object outside it.
"""

import datetime
import html

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .choices import MemberStatus
from .models import Member, Organization, Person
from .querysets import path_q, writable_paths
from .rules import add_months, full_months_between, rules_on

DATE_INPUT_FORMAT = "%d/%m/%Y"

PERSON_FIELDS = [
    "full_name",
    "gender",
    "date_of_birth",
    "national_id",
    "ethnicity",
    "religion",
    "home_town",
    "residence",
    "general_education",
    "professional_qualification",
    "political_theory",
    "occupation_group",
]
ADMISSION_FIELDS = [
    "admission_decision_number",
    "admission_decision_date",
    "admission_committee",
    "ceremony_date",
    "official_date",
    "is_historical_record",
    "party_card_number",
]


class DateInput(forms.DateInput):
    def __init__(self, attrs=None):
        attrs = {"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", **(attrs or {})}
        super().__init__(attrs=attrs, format=DATE_INPUT_FORMAT)


class DayMonthYearField(forms.DateField):
    """A date typed as dd/mm/yyyy, the way staff write it on paper."""

    widget = DateInput
    input_formats = [DATE_INPUT_FORMAT]
    default_error_messages = {"invalid": _("Enter a valid date as dd/mm/yyyy.")}


class FastSelect(forms.Select):
    """A ``<select>`` whose options are rendered in Python.

    Django renders each option through a template include, about 0.1 ms apiece: a third
    of a second for the ~3,100 cells of a province.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        chosen = set(self.format_value(value))
        options = []
        for key, label in self.choices:
            key = str(key)
            selected = " selected" if key in chosen else ""
            # The standard library's escape: Django's lazy-aware one costs more than the
            # rest of the page when called for thousands of options.
            options.append(
                f'<option value="{html.escape(key)}"{selected}>{html.escape(str(label))}</option>'
            )
        return mark_safe(f"<select{flatatt(final_attrs)}>{''.join(options)}</select>")


def _formfield(field, **kwargs):
    if isinstance(field, models.DateField):
        return field.formfield(form_class=DayMonthYearField, **kwargs)
    if field.choices:
        return field.formfield(widget=FastSelect, **kwargs)
    return field.formfield(**kwargs)


def _today() -> datetime.date:
    return timezone.localdate()


def _d(date: datetime.date) -> str:
    return date.strftime(DATE_INPUT_FORMAT)


# --- scoped choices ----------------------------------------------------------------------


def writable_cells(user):
    """Active cells (today) in the user's write scope: the queryset that validates a choice."""
    cells = Organization.objects.all().cells().active_on(_today())
    paths = writable_paths(user)
    return cells if paths is None else cells.filter(path_q(paths))


def parent_names(paths) -> dict[str, str]:
    """Names of the parents of the organizations at ``paths``, keyed by parent path.

    Only names of ancestors of in-scope organizations are read here, which breadcrumbs
    show anyway.
    """
    steplen = Organization.steplen
    parents = {p[:-steplen] for p in paths if len(p) > steplen}
    if not parents:
        return {}
    return dict(Organization.objects.filter(path__in=parents).values_list("path", "name"))


def cell_choices(cells) -> list[tuple[int, str]]:
    """(id, "cell — parent") for a picker, in two queries whatever the number of cells."""
    rows = list(cells.order_by("path").values_list("pk", "name", "path"))
    names = parent_names(path for _pk, _name, path in rows)
    steplen = Organization.steplen
    return [
        (pk, f"{name} — {names[path[:-steplen]]}" if path[:-steplen] in names else name)
        for pk, name, path in rows
    ]


class CellChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from cell_choices(self.queryset)


class CellChoiceField(forms.ModelChoiceField):
    """A cell picker: validated against a scoped queryset, labels built in two queries.

    With ~3,100 cells in a province, a label per option naming the parent would cost a
    query each; the labels are computed together, only when the form is rendered.
    """

    iterator = CellChoiceIterator
    widget = FastSelect(attrs={"data-filterable": _("Type to filter the list…")})


# --- errors from services ----------------------------------------------------------------


class ServiceErrorsMixin:
    """Puts a ``ValidationError`` from a service next to the form field it names."""

    # Service argument names that differ from the form's field names.
    service_field_aliases: dict[str, str] = {}

    def add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            name = self.service_field_aliases.get(name, name)
            self.add_error(name if name in self.fields else None, errors)


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


def _row(*names, size=None):
    css = f"col-md-{size}" if size else "col-md"
    return Row(*(Column(name, css_class=css) for name in names))


# --- member data -------------------------------------------------------------------------


class MemberDataForm(ServiceErrorsMixin, forms.Form):
    """Person and admission data on one page, with the rules a record must meet.

    Subclasses add the fields of their page (cell, status, transfer data).
    """

    service_field_aliases = {"person": "national_id", "organization": "cell"}
    member_fields = ADMISSION_FIELDS

    def __init__(self, *args, member: Member | None = None, **kwargs):
        self.member = member
        if member is not None:
            kwargs.setdefault(
                "initial",
                {
                    **forms.model_to_dict(member.person, PERSON_FIELDS),
                    **forms.model_to_dict(member, self.member_fields),
                },
            )
        super().__init__(*args, **kwargs)
        extra = dict(self.fields)
        self.fields = {
            **forms.fields_for_model(Person, PERSON_FIELDS, formfield_callback=_formfield),
            **forms.fields_for_model(Member, self.member_fields, formfield_callback=_formfield),
            **extra,
        }
        # A new record needs the CCCD; old records entered without one may stay without.
        self.fields["national_id"].required = member is None or bool(member.person.national_id)

    @property
    def status(self) -> str:
        if self.member is not None:
            return self.member.status
        return self.cleaned_data.get("status", "")

    def person_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}

    def member_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.member_fields}

    def clean_national_id(self):
        value = (self.cleaned_data["national_id"] or "").strip() or None
        if value:
            others = Person.objects.filter(national_id=value)
            if self.member is not None:
                others = others.exclude(pk=self.member.person_id)
            if others.exists():
                raise ValidationError(
                    _("A person with this national ID already exists."), code="unique"
                )
        return value

    def clean_party_card_number(self):
        value = self.cleaned_data["party_card_number"].strip()
        if value:
            others = Member.objects.filter(party_card_number=value)
            if self.member is not None:
                others = others.exclude(pk=self.member.pk)
            if others.exists():
                raise ValidationError(
                    _("Another member already has this party card number."), code="unique"
                )
        return value

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value >= _today():
            raise ValidationError(_("The date of birth must be in the past."), code="future")
        return value

    def clean(self):
        data = super().clean()
        today = _today()
        born = data.get("date_of_birth")
        admitted = data.get("admission_decision_date")
        ceremony = data.get("ceremony_date")
        official = data.get("official_date")
        historical = data.get("is_historical_record")
        if admitted:
            if admitted > today:
                self.add_error(
                    "admission_decision_date", _("The admission decision date is in the future.")
                )
            elif born:
                self._check_admission_age(born, admitted)
        if ceremony:
            if admitted and ceremony < admitted:
                self.add_error(
                    "ceremony_date",
                    _("The ceremony cannot be before the admission decision (%(date)s).")
                    % {"date": _d(admitted)},
                )
            elif ceremony > today:
                self.add_error("ceremony_date", _("The ceremony date is in the future."))
        elif not historical and "ceremony_date" in self.fields:
            self.add_error(
                "ceremony_date",
                _("Enter the admission ceremony date, or tick “historical record”."),
            )
        self._check_official_date(ceremony, official, historical, today)
        return data

    def _check_admission_age(self, born: datetime.date, admitted: datetime.date) -> None:
        # R1 (Điều lệ Đảng, Điều 1): fully 18, counted in months, on the decision date.
        minimum = rules_on(admitted).min_admission_age_months
        months = full_months_between(born, admitted)
        if months < minimum:
            self.add_error(
                "admission_decision_date",
                _(
                    "On the admission decision date the member was %(years)s full years old; "
                    "the minimum is %(minimum)s full years."
                )
                % {"years": months // 12, "minimum": minimum // 12},
            )

    def _check_official_date(self, ceremony, official, historical, today) -> None:
        if self.status == MemberStatus.PROBATIONARY and official:
            self.add_error(
                "official_date", _("A probationary member has no official membership date yet.")
            )
        elif self.status == MemberStatus.OFFICIAL and not official and not historical:
            self.add_error("official_date", _("Enter the official membership date."))
        elif official and official > today:
            self.add_error(
                "official_date",
                _(
                    "The official membership date is in the future; the member is still "
                    "probationary."
                ),
            )
        elif official and ceremony and not historical:
            # R6/R7 (Điều lệ Đảng, Điều 5): official from the exact end of 12 months' probation.
            expected = add_months(ceremony, 12)
            if official != expected:
                self.add_error(
                    "official_date",
                    _(
                        "The official date must be exactly 12 months after the ceremony: "
                        "%(date)s (tick “historical record” for old records that differ)."
                    )
                    % {"date": _d(expected)},
                )


_PERSON_LAYOUT = (
    _row("full_name", "gender", "date_of_birth"),
    _row("national_id", "ethnicity", "religion"),
    _row("home_town", "residence"),
    _row("general_education", "professional_qualification", "political_theory", "occupation_group"),
)
_ADMISSION_LAYOUT = (
    _row("admission_decision_number", "admission_decision_date", "admission_committee"),
    _row("ceremony_date", "official_date", "party_card_number"),
    "is_historical_record",
)


def _status_field():
    return forms.ChoiceField(
        widget=FastSelect,
        label=_("Status"),
        choices=[
            (MemberStatus.PROBATIONARY, MemberStatus.PROBATIONARY.label),
            (MemberStatus.OFFICIAL, MemberStatus.OFFICIAL.label),
        ],
    )


class MemberCreateForm(MemberDataForm):
    """Enter an existing member from the records (``member_register``)."""

    status = _status_field()
    cell = CellChoiceField(Organization.objects.none(), label=_("Cell"))
    placed_on = DayMonthYearField(
        label=_("In this cell since"),
        required=False,
        help_text=_("Leave empty when the member has been in this cell since admission."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = writable_cells(user)
        self.helper = _helper(
            Fieldset(_("Personal data"), *_PERSON_LAYOUT),
            Fieldset(
                _("Party data"),
                _row("status", "cell", "placed_on"),
                *_ADMISSION_LAYOUT,
            ),
        )

    def clean(self):
        data = super().clean()
        placed_on, admitted = data.get("placed_on"), data.get("admission_decision_date")
        if placed_on and admitted and placed_on < admitted:
            self.add_error(
                "placed_on", _("The member cannot join a cell before the admission decision.")
            )
        elif placed_on and placed_on > _today():
            self.add_error("placed_on", _("The date cannot be in the future."))
        return data


class MemberEditForm(MemberDataForm):
    """Correct a member's personal and admission data (``member_update``).

    Status and cell change only through their own processes (transfer, recognition,
    removal), which write events; they are not editable here.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Fieldset(_("Personal data"), *_PERSON_LAYOUT),
            Fieldset(_("Party data"), *_ADMISSION_LAYOUT),
        )


class TransferInForm(MemberDataForm):
    """Receive a member from a Party organization outside the province (``member_transfer_in``)."""

    status = _status_field()
    to_cell = CellChoiceField(Organization.objects.none(), label=_("Receiving cell"))
    on = DayMonthYearField(label=_("Transfer date"))
    origin = forms.CharField(label=_("Party organization the member comes from"), max_length=255)
    decision_number = forms.CharField(
        label=_("Transfer decision number"), max_length=64, required=False
    )
    issuing_committee = forms.CharField(
        label=_("Issuing committee"), max_length=255, required=False
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    service_field_aliases = {"person": "national_id", "organization": "to_cell"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cell"].queryset = writable_cells(user)
        self.helper = _helper(
            Fieldset(
                _("Transfer"),
                _row("origin", "to_cell"),
                _row("on", "decision_number", "issuing_committee"),
                "note",
            ),
            Fieldset(_("Personal data"), *_PERSON_LAYOUT),
            Fieldset(_("Party data"), _row("status", size=4), *_ADMISSION_LAYOUT),
        )

    returning_person: Person | None = None

    def clean_on(self):
        return _not_future(self.cleaned_data["on"])

    def clean_national_id(self):
        # A member who left the province earlier comes back on their own record.
        value = (self.cleaned_data["national_id"] or "").strip() or None
        if value:
            self.returning_person = (
                Person.objects.filter(
                    national_id=value, member__status=MemberStatus.TRANSFERRED_OUT
                ).first()
            )
            if self.returning_person is not None:
                return value
        return super().clean_national_id()

    def clean(self):
        data = super().clean()
        on, admitted = data.get("on"), data.get("admission_decision_date")
        if on and admitted and on < admitted:
            self.add_error("on", _("The transfer cannot be before the admission decision."))
        return data

    def person(self) -> Person:
        """The returning person's own record, or a new person from the form."""
        return self.returning_person or Person(**self.person_data())

    def transfer_data(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("to_cell", "on", "origin", "decision_number", "issuing_committee", "note")
        }


# --- actions on a member -----------------------------------------------------------------


def _not_future(date: datetime.date) -> datetime.date:
    if date > _today():
        raise ValidationError(_("The date cannot be in the future."), code="future")
    return date


class ActionForm(ServiceErrorsMixin, forms.Form):
    """An action on one member; the acting user and the member shape the choices."""

    on = DayMonthYearField(label=_("Date"))

    def __init__(self, *args, user, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.member = member

    def clean_on(self):
        return _not_future(self.cleaned_data["on"])


class TransferForm(ActionForm):
    """Transfer within the province to another active cell in the user's write scope."""

    to_cell = CellChoiceField(Organization.objects.none(), label=_("Receiving cell"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    issuing_committee = forms.CharField(
        label=_("Issuing committee"), max_length=255, required=False
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].label = _("Transfer date")
        self.fields["to_cell"].queryset = writable_cells(self.user).exclude(
            pk=self.member.organization_id
        )
        self.helper = _helper("to_cell", _row("on", "decision_number", "issuing_committee"), "note")


class TransferOutForm(ActionForm):
    """Transfer out of the province: the membership here ends, the history stays."""

    destination = forms.CharField(label=_("Party organization the member moves to"), max_length=255)
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    issuing_committee = forms.CharField(
        label=_("Issuing committee"), max_length=255, required=False
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].label = _("Transfer date")
        self.helper = _helper(
            "destination", _row("on", "decision_number", "issuing_committee"), "note"
        )


class DeathForm(ActionForm):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].label = _("Date of death")
        self.helper = _helper(_row("on", size=4), "note")
