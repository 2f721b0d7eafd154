"""Forms of the admission pipeline pages: input shape and cross-field checks only.

Views hand ``cleaned_data`` to ``recruitment.services``; a form's field names are the
service's argument names, so a ``DomainError`` lands next to the field it names
(``ServiceErrorsMixin``). Choice fields are narrowed to the user's scope (candidacies,
members, courses, cells) so that a POST cannot name an object outside it.
"""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from members.choices import ACTIVE_STATUSES, OrganizationKind
from members.forms import (
    PERSON_FIELDS,
    CellChoiceField,
    DayMonthYearField,
    ServiceErrorsMixin,
    writable_cells,
)
from members.models import Member, Organization, Person
from members.querysets import path_q, writable_paths
from members.rules import add_months

from .choices import BEFORE_RESOLUTION_STAGES, CloseOutcome, IntroducerKind, SourceGroup
from .models import Candidacy, TrainingCourse


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


def _row(*names, size=None):
    css = f"col-md-{size}" if size else "col-md"
    return Row(*(Column(name, css_class=css) for name in names))


def _note():
    return forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


def _formfield(field, **kwargs):
    if isinstance(field, models.DateField):
        return field.formfield(form_class=DayMonthYearField, **kwargs)
    return field.formfield(**kwargs)


# --- candidacy create and edit ---------------------------------------------------------

NEW_PERSON = "NEW"
EXISTING_PERSON = "EXISTING"


class CandidacyCreateForm(ServiceErrorsMixin, forms.Form):
    """A new candidacy for a new person, or for a person already known by national ID.

    The person's data is required only for a new person; a known person (a former member,
    a candidate of earlier years) is found by national ID. The cell is chosen among the
    active cells of the user's write scope.
    """

    service_field_aliases = {"person": "national_id"}

    person_mode = forms.ChoiceField(
        label=_("Person"),
        choices=[
            (NEW_PERSON, _("A new person")),
            (EXISTING_PERSON, _("A person already in the records (found by national ID)")),
        ],
        initial=NEW_PERSON,
        widget=forms.RadioSelect,
    )
    cell = CellChoiceField(Organization.objects.none(), label=_("Cell following the candidate"))
    sourced_on = DayMonthYearField(label=_("Sourced on"))
    source_group = forms.ChoiceField(
        label=_("Source group"), choices=[("", "---------"), *SourceGroup.choices]
    )
    is_youth_union_member = forms.BooleanField(label=_("Youth Union member"), required=False)
    has_youth_union = forms.BooleanField(
        label=_("Youth Union organization at the place"),
        required=False,
        initial=True,
        help_text=_(
            "Whether the candidate's workplace or residence has a grassroots Youth Union "
            "organization; decides who may introduce the candidate."
        ),
    )
    note = _note()

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("sourced_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        extra = dict(self.fields)
        person_fields = forms.fields_for_model(Person, PERSON_FIELDS, formfield_callback=_formfield)
        self.fields = {"person_mode": extra.pop("person_mode"), **person_fields, **extra}
        self.fields["national_id"].required = True
        self.fields["national_id"].help_text = _("12 digits, as on the citizen identity card.")
        self.fields["cell"].queryset = writable_cells(user)
        if self.is_existing_person:
            for name in PERSON_FIELDS:
                if name != "national_id":
                    self.fields[name].required = False
        self.helper = _helper(
            Fieldset(
                _("Person"),
                "person_mode",
                _row("national_id", size=4),
                Row(
                    Column("full_name", css_class="col-md"),
                    Column("gender", css_class="col-md"),
                    Column("date_of_birth", css_class="col-md"),
                    css_class="new-person",
                ),
                Row(
                    Column("ethnicity", css_class="col-md"),
                    Column("religion", css_class="col-md"),
                    Column("occupation_group", css_class="col-md"),
                    css_class="new-person",
                ),
                Row(
                    Column("home_town", css_class="col-md"),
                    Column("residence", css_class="col-md"),
                    css_class="new-person",
                ),
                Row(
                    Column("general_education", css_class="col-md"),
                    Column("professional_qualification", css_class="col-md"),
                    Column("political_theory", css_class="col-md"),
                    css_class="new-person",
                ),
            ),
            Fieldset(
                _("Candidacy"),
                _row("cell", "sourced_on", "source_group"),
                _row("is_youth_union_member", "has_youth_union"),
                "note",
            ),
        )

    @property
    def is_existing_person(self) -> bool:
        return self.data.get(self.add_prefix("person_mode")) == EXISTING_PERSON

    def clean_national_id(self):
        value = (self.cleaned_data["national_id"] or "").strip()
        exists = Person.objects.filter(national_id=value).exists()
        if self.is_existing_person and not exists:
            raise ValidationError(_("No person with this national ID is in the records."))
        if not self.is_existing_person and exists:
            raise ValidationError(
                _(
                    "A person with this national ID is already in the records; choose "
                    "“a person already in the records”."
                )
            )
        return value

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        if value and value >= timezone.localdate():
            raise ValidationError(_("The date of birth must be in the past."))
        return value

    def person(self) -> Person:
        """The known person, or a new unsaved one that the service validates and saves."""
        data = self.cleaned_data
        if self.is_existing_person:
            return Person.objects.get(national_id=data["national_id"])
        return Person(**{name: data[name] for name in PERSON_FIELDS})

    CANDIDACY_FIELDS = (
        "cell",
        "sourced_on",
        "source_group",
        "is_youth_union_member",
        "has_youth_union",
        "note",
    )

    def candidacy_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.CANDIDACY_FIELDS}


class CandidacyEditForm(ServiceErrorsMixin, forms.Form):
    """Descriptive data of a candidacy (``candidacy_update``).

    The cell and the Youth Union data decide who may introduce the candidate (R3), so they
    are editable only before the cell's resolution; afterwards they are not in the form.
    """

    source_group = forms.ChoiceField(label=_("Source group"), choices=SourceGroup.choices)
    cell = CellChoiceField(Organization.objects.none(), label=_("Cell following the candidate"))
    is_youth_union_member = forms.BooleanField(label=_("Youth Union member"), required=False)
    has_youth_union = forms.BooleanField(
        label=_("Youth Union organization at the place"), required=False
    )
    note = _note()

    def __init__(self, *args, candidacy: Candidacy, user, **kwargs):
        kwargs.setdefault(
            "initial",
            forms.model_to_dict(
                candidacy,
                ["source_group", "cell", "is_youth_union_member", "has_youth_union", "note"],
            ),
        )
        super().__init__(*args, **kwargs)
        if candidacy.stage in BEFORE_RESOLUTION_STAGES:
            self.fields["cell"].queryset = writable_cells(user)
            layout = [
                _row("source_group", "cell"),
                _row("is_youth_union_member", "has_youth_union"),
            ]
        else:
            for name in ("cell", "is_youth_union_member", "has_youth_union"):
                del self.fields[name]
            layout = [_row("source_group", size=6)]
        self.helper = _helper(*layout, "note")


# --- steps on a candidacy --------------------------------------------------------------


class StepForm(ServiceErrorsMixin, forms.Form):
    """The form of one step on the candidacy page; prefixed, as several share a page."""

    def __init__(self, *args, candidacy: Candidacy, user, **kwargs):
        self.candidacy = candidacy
        self.user = user
        super().__init__(*args, **kwargs)
        self.helper = _helper(*self.layout())

    def layout(self):
        return list(self.fields)


class CertificateForm(StepForm):
    """A course certificate of this candidate, from a course the user's scope organizes."""

    course = forms.ModelChoiceField(TrainingCourse.objects.none(), label=_("Course"))
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=64)
    certificate_on = DayMonthYearField(label=_("Certificate date"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        field.queryset = writable_courses(self.user).select_related("organizer")
        field.label_from_instance = lambda c: (
            f"{c.name} — {c.organizer.name} ({c.start_on:%d/%m/%Y}–{c.end_on:%d/%m/%Y})"
        )

    def layout(self):
        return ["course", _row("certificate_number", "certificate_on")]


def writable_courses(user):
    """Courses the user may issue certificates for: organized in the write scope, recent.

    A certificate is valid 60 months (R2), so older courses are left out of the picker.
    """
    paths = writable_paths(user)
    courses = TrainingCourse.objects.visible_to(user)
    if paths is not None:
        courses = courses.filter(path_q(paths, "organizer__path"))
    since = add_months(timezone.localdate(), -72)
    return courses.filter(end_on__gte=since).order_by("-start_on", "pk")


class IntroducerForm(StepForm):
    """An introducer: an official member of the grassroots organization, or an executive."""

    kind = forms.ChoiceField(label=_("Introducer"), choices=IntroducerKind.choices)
    member = forms.ModelChoiceField(
        Member.objects.none(),
        label=_("Introducing member"),
        required=False,
        widget=forms.Select(attrs={"data-filterable": _("Type to filter the list…")}),
    )
    name = forms.CharField(
        label=_("Executive committee and signatory"),
        max_length=255,
        required=False,
        help_text=_("For an executive committee: the committee and the person who signed."),
    )
    introduced_on = DayMonthYearField(label=_("Introduced on"))
    alongside_since = DayMonthYearField(
        label=_("Working or living with the candidate since"),
        required=False,
        help_text=_("For a member: at least 12 months before the introduction."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = introducer_choices(self.candidacy, self.user)
        field.label_from_instance = lambda m: f"{m.person.full_name} — {m.organization.name}"

    def layout(self):
        return [
            _row("kind", "member"),
            "name",
            _row("introduced_on", "alongside_since"),
        ]


def introducer_choices(candidacy: Candidacy, user):
    """Active members of the candidacy's grassroots organization that the user can see.

    Introducers work or live alongside the candidate, so they are looked for where the
    candidate is followed; probationary members are listed so that the rule's message
    (an introducer must be official) is shown rather than a missing choice.
    """
    grassroots = candidacy.grassroots_organization or candidacy.cell
    return (
        Member.objects.visible_to(user)
        .in_subtree(grassroots)
        .filter(status__in=ACTIVE_STATUSES)
        .exclude(person_id=candidacy.person_id)
        .select_related("person", "organization")
        .order_by("person__search_name", "pk")
    )


class OverAgeApprovalForm(StepForm):
    number = forms.CharField(label=_("Approval number"), max_length=64)
    on = DayMonthYearField(label=_("Approval date"))

    def layout(self):
        return [_row("number", "on")]


class DossierForm(StepForm):
    on = DayMonthYearField(label=_("Dossier complete on"))
    has_application = forms.BooleanField(label=_("Application for admission"), required=False)
    has_biography = forms.BooleanField(label=_("Biography"), required=False)
    background_check_done = forms.BooleanField(label=_("Background check done"), required=False)
    note = _note()

    def layout(self):
        return [
            _row("on", size=4),
            _row("has_application", "has_biography", "background_check_done"),
            "note",
        ]


class ResolutionForm(StepForm):
    on = DayMonthYearField(label=_("Cell meeting date"))
    yes_votes = forms.IntegerField(label=_("Yes votes"), min_value=0, max_value=10000)
    eligible_members = forms.IntegerField(
        label=_("Eligible official members"),
        min_value=1,
        max_value=10000,
        help_text=_(
            "Official members of the cell, without those temporarily transferred elsewhere "
            "and absent exempt members."
        ),
    )
    note = _note()

    def layout(self):
        return [_row("on", "yes_votes", "eligible_members"), "note"]


class CommitteeApprovalForm(StepForm):
    on = DayMonthYearField(label=_("Committee approval date"))
    number = forms.CharField(label=_("Resolution number"), max_length=64, required=False)
    note = _note()

    def layout(self):
        return [_row("on", "number"), "note"]


class DecisionForm(StepForm):
    number = forms.CharField(label=_("Decision number"), max_length=64)
    on = DayMonthYearField(label=_("Decision date"))
    committee = forms.CharField(label=_("Deciding committee"), max_length=255)
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = self.candidacy.deciding_committee_default
        if default is not None:
            self.fields["committee"].initial = default.name

    def layout(self):
        return [_row("number", "on"), "committee", "note"]


class CeremonyForm(StepForm):
    on = DayMonthYearField(label=_("Ceremony date"))
    note = _note()

    def layout(self):
        return [_row("on", size=4), "note"]


class CloseForm(StepForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CloseOutcome.choices, widget=forms.RadioSelect
    )
    on = DayMonthYearField(label=_("Date"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def layout(self):
        return [_row("outcome", "on"), "reason"]


# --- probationary members --------------------------------------------------------------


class MemberStepForm(ServiceErrorsMixin, forms.Form):
    def __init__(self, *args, member: Member, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)


class RecognizeForm(MemberStepForm):
    """Official recognition (R7): the cell's review, then the committee's decision."""

    resolution_on = DayMonthYearField(label=_("Cell review meeting date"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=64)
    decision_on = DayMonthYearField(label=_("Decision date"))
    committee = forms.CharField(label=_("Deciding committee"), max_length=255)
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].initial = self.member.admission_committee
        self.helper = _helper(
            _row("resolution_on", "decision_number", "decision_on"), "committee", "note"
        )


class StrikeOffForm(MemberStepForm):
    """Struck off when not recognized after probation (R7, R12)."""

    on = DayMonthYearField(label=_("Date"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=64)
    committee = forms.CharField(label=_("Deciding committee"), max_length=255)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].initial = self.member.admission_committee
        self.helper = _helper(_row("on", "decision_number"), "committee", "reason")


# --- courses ---------------------------------------------------------------------------


class OrganizerChoiceIterator(forms.models.ModelChoiceIterator):
    """Organizations of the write scope, indented by depth, without the cells under a
    grassroots committee (thousands of them) unless the user's scope is one of them."""

    def __iter__(self):
        yield ("", self.field.empty_label)
        q = ~Q(kind=OrganizationKind.CELL)
        if self.field.roots is not None:
            q |= Q(path__in=self.field.roots)
        rows = list(self.queryset.filter(q).order_by("path").values_list("pk", "name", "depth"))
        top = min((depth for _pk, _name, depth in rows), default=0)
        for pk, name, depth in rows:
            yield (pk, "\u2003" * (depth - top) + name)


class OrganizerField(forms.ModelChoiceField):
    iterator = OrganizerChoiceIterator
    roots = None


class CourseForm(ServiceErrorsMixin, forms.Form):
    """A new party-awareness course organized in the user's write scope."""

    name = forms.CharField(label=_("Course name"), max_length=255)
    organizer = OrganizerField(Organization.objects.none(), label=_("Organizer"))
    start_on = DayMonthYearField(label=_("Starts on"))
    end_on = DayMonthYearField(label=_("Ends on"))
    note = _note()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        paths = writable_paths(user)
        organizers = Organization.objects.all().active()
        if paths is not None:
            organizers = organizers.filter(path_q(paths))
        field = self.fields["organizer"]
        field.queryset = organizers
        field.roots = paths
        self.helper = _helper(_row("name", "organizer"), _row("start_on", "end_on"), "note")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", _("The course cannot end before it starts."))
        return data


class EnrollForm(ServiceErrorsMixin, forms.Form):
    """Candidacies to enroll: open ones before the resolution, writable, not enrolled yet."""

    candidacies = forms.ModelMultipleChoiceField(
        Candidacy.objects.none(),
        label=_("Candidates to enroll"),
        widget=forms.SelectMultiple(
            attrs={"data-filterable": _("Type to filter the list…"), "size": 10}
        ),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )

    def __init__(self, *args, course: TrainingCourse, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["candidacies"]
        field.queryset = (
            Candidacy.objects.visible_to(user)
            .writable_by(user)
            .filter(stage__in=BEFORE_RESOLUTION_STAGES)
            .exclude(attendances__course=course)
            .select_related("person", "cell")
            .order_by("person__search_name", "pk")
        )
        field.label_from_instance = lambda c: (
            f"{c.person.full_name} ({c.person.date_of_birth:%d/%m/%Y}) — {c.cell.name}"
        )
        self.helper = _helper("candidacies")


class CertificatesForm(forms.Form):
    """One table form for a whole class: certificate number and date per attendee.

    Rows left empty are skipped; rows already holding the same certificate are unchanged.
    The service records all the rows given or none.
    """

    def __init__(self, *args, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for attendance in attendances:
            name = attendance.candidacy.person.full_name
            number = forms.CharField(
                label=_("Certificate number"),
                max_length=64,
                required=False,
                initial=attendance.certificate_number,
            )
            number.widget.attrs["aria-label"] = format_lazy("{} – {}", name, number.label)
            on = DayMonthYearField(
                label=_("Certificate date"), required=False, initial=attendance.certificate_on
            )
            on.widget.attrs["aria-label"] = format_lazy("{} – {}", name, on.label)
            self.fields[f"number_{attendance.pk}"] = number
            self.fields[f"on_{attendance.pk}"] = on
            self.rows.append((attendance, f"number_{attendance.pk}", f"on_{attendance.pk}"))

    def row_fields(self):
        """(attendance, number bound field, date bound field) for the template's table."""
        return [(a, self[number], self[on]) for a, number, on in self.rows]

    def clean(self):
        data = super().clean()
        for _attendance, number, on in self.rows:
            if data.get(number, "").strip() and not data.get(on) and on not in self.errors:
                self.add_error(on, _("Enter the certificate date."))
            if data.get(on) and not data.get(number, "").strip():
                self.add_error(number, _("Enter the certificate number."))
        return data

    def certificates(self) -> list[tuple[Candidacy, str, datetime.date]]:
        """The rows to record: filled in and different from what is stored."""
        result = []
        for attendance, number, on in self.rows:
            value, date = self.cleaned_data[number].strip(), self.cleaned_data[on]
            if not value:
                continue
            if (value, date) == (attendance.certificate_number, attendance.certificate_on):
                continue
            result.append((attendance.candidacy, value, date))
        return result

    def add_service_error(self, error: ValidationError) -> None:
        messages = error.message_dict.get("certificates") if hasattr(error, "error_dict") else None
        self.add_error(None, messages or error)
