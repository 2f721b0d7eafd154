"""Forms of the rating, screening and removal pages: input shape and cross-field checks.

Forms never write: views hand ``cleaned_data`` to ``evaluation.services``, and the
``DomainError`` a service raises goes back next to the field it names
(``ServiceErrorsMixin.add_service_error``).
"""

import datetime
import json

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.forms import DayMonthYearField, ServiceErrorsMixin

from .models import REMOVAL_GROUNDS, FlagGround, Grade, RemovalForm, RemovalGround

# --- shared ----------------------------------------------------------------------------


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


def _row(*names):
    return Row(*(Column(name, css_class="col-md") for name in names))


def _not_future(date: datetime.date) -> datetime.date:
    if date > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")
    return date


def _note_field():
    return forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


# --- rating rounds ---------------------------------------------------------------------

GRADE_CHOICES = [
    ("", "—"),
    (Grade.EXCELLENT, Grade.EXCELLENT.label),
    (Grade.GOOD, Grade.GOOD.label),
    (Grade.COMPLETED, Grade.COMPLETED.label),
    (Grade.NOT_COMPLETED, Grade.NOT_COMPLETED.label),
    (Grade.NOT_RATED, _("Not rated (give the reason in the note)")),
]


def _cell_attrs(bootstrap_class: str, label, row, extra_class: str = "") -> dict:
    # Inputs in a table have no visible label of their own: name the row for screen readers.
    return {
        "class": f"{bootstrap_class} {bootstrap_class}-sm {extra_class}".strip(),
        "aria-label": f"{label}: {row.name}",
    }


class RoundForm(ServiceErrorsMixin, forms.Form):
    """One grade (and score where the year uses them, and note) per row of a rating round.

    ``rows`` are the service's round rows, keyed by the id the service expects. Rows with
    a not-rated reason (R9) get no field: the service saves them NOT_RATED whatever is
    posted. A row left without a grade keeps what it had, so a round can be saved in parts.
    Field names are those of the service's errors: ``grade_<id>``, ``score_<id>``,
    ``note_<id>``.
    """

    def __init__(self, *args, rows: dict, uses_scores: bool, disabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.uses_scores = uses_scores
        for pk, row in rows.items():
            if not row.must_rate:
                continue
            rating = row.rating
            self.fields[f"grade_{pk}"] = forms.ChoiceField(
                label=_("Grade"),
                choices=GRADE_CHOICES,
                required=False,
                initial=rating.grade if rating else "",
                disabled=disabled,
                widget=forms.Select(
                    attrs=_cell_attrs("form-select", _("Grade"), row, "grade-select")
                ),
            )
            if uses_scores:
                self.fields[f"score_{pk}"] = forms.IntegerField(
                    label=_("Score"),
                    min_value=0,
                    max_value=100,
                    required=False,
                    initial=rating.score if rating else None,
                    disabled=disabled,
                    widget=forms.NumberInput(attrs=_cell_attrs("form-control", _("Score"), row)),
                )
            self.fields[f"note_{pk}"] = forms.CharField(
                label=_("Note"),
                max_length=500,
                required=False,
                initial=rating.note if rating else "",
                disabled=disabled,
                widget=forms.TextInput(attrs=_cell_attrs("form-control", _("Note"), row)),
            )

    def row_fields(self, pk) -> dict:
        """The bound fields of one row, for the table: ``grade``, ``score``, ``note``."""
        return {
            name: self[f"{name}_{pk}"]
            for name in ("grade", "score", "note")
            if f"{name}_{pk}" in self.fields
        }

    def chosen_grade(self, pk) -> str:
        """The grade shown for a row: posted (valid or not) or saved; R9 rows NOT_RATED."""
        if not self.rows[pk].must_rate:
            return Grade.NOT_RATED
        value = self[f"grade_{pk}"].value() or ""
        return value if value in Grade.values else ""

    def clean(self):
        data = super().clean()
        for pk in self.rows:
            grade = data.get(f"grade_{pk}")
            given = data.get(f"score_{pk}") is not None or data.get(f"note_{pk}")
            if f"grade_{pk}" in self.fields and not grade and given:
                self.add_error(f"grade_{pk}", _("Choose a grade."))
        return data

    def grades(self) -> dict[int, tuple[str, int | None, str]]:
        """``{id: (grade, score, note)}`` of the rows given a grade, for the service."""
        data = self.cleaned_data
        return {
            pk: (data[f"grade_{pk}"], data.get(f"score_{pk}"), data[f"note_{pk}"])
            for pk in self.rows
            if data.get(f"grade_{pk}")
        }


# --- removals --------------------------------------------------------------------------


def _ground_choices():
    """Grounds grouped by the form of removal they belong to (R12)."""
    return [
        ("", "—"),
        *(
            (RemovalForm(form).label, [(g, RemovalGround(g).label) for g in grounds])
            for form, grounds in REMOVAL_GROUNDS.items()
        ),
    ]


class MemberRemovalForm(ServiceErrorsMixin, forms.Form):
    """Xóa tên, khai trừ, xin ra khỏi Đảng (R12): every field of the decision is required."""

    form = forms.ChoiceField(label=_("Form of removal"), choices=[("", "—"), *RemovalForm.choices])
    ground = forms.ChoiceField(label=_("Ground"), choices=_ground_choices)
    ground_detail = forms.CharField(
        label=_("Detail of the ground"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required when the ground is “other”."),
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=64)
    decision_date = DayMonthYearField(label=_("Decision date"))
    deciding_committee = forms.CharField(label=_("Deciding committee"), max_length=255)
    note = _note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The script narrows the grounds to the chosen form; the server checks it again.
        self.fields["ground"].widget.attrs["data-grounds-by-form"] = json.dumps(
            {form: list(grounds) for form, grounds in REMOVAL_GROUNDS.items()}
        )
        self.fields["form"].widget.attrs["data-controls"] = "id_ground"
        self.helper = _helper(
            _row("form", "ground"),
            "ground_detail",
            _row("decision_number", "decision_date", "deciding_committee"),
            "note",
        )

    def clean_decision_date(self):
        return _not_future(self.cleaned_data["decision_date"])

    def clean(self):
        data = super().clean()
        form, ground = data.get("form"), data.get("ground")
        if form and ground and ground not in REMOVAL_GROUNDS[form]:
            self.add_error("ground", _("This ground does not apply to this form of removal."))
        elif ground == RemovalGround.OTHER and not data.get("ground_detail", "").strip():
            self.add_error("ground_detail", _("Describe the ground."))
        return data


# --- exemptions ------------------------------------------------------------------------


class ExemptionStartForm(ServiceErrorsMixin, forms.Form):
    start_on = DayMonthYearField(label=_("Exempt from"))
    reason = forms.CharField(label=_("Reason"), max_length=255)
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    issuing_committee = forms.CharField(
        label=_("Issuing committee"), max_length=255, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            _row("start_on", "reason"), _row("decision_number", "issuing_committee")
        )

    def clean_start_on(self):
        return _not_future(self.cleaned_data["start_on"])


class ExemptionEndForm(ServiceErrorsMixin, forms.Form):
    end_on = DayMonthYearField(label=_("Exempt until"), help_text=_("The first day of activity."))
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    issuing_committee = forms.CharField(
        label=_("Issuing committee"), max_length=255, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_row("end_on", "decision_number", "issuing_committee"))

    def clean_end_on(self):
        return _not_future(self.cleaned_data["end_on"])


# --- screening -------------------------------------------------------------------------


class FlagRecordForm(ServiceErrorsMixin, forms.Form):
    detail = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}))
    on = DayMonthYearField(label=_("Date"), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("detail", Row(Column("on", css_class="col-md-4")))

    def clean_on(self):
        return _not_future(self.cleaned_data["on"])


class FlagResolveForm(ServiceErrorsMixin, forms.Form):
    action_taken = forms.CharField(
        label=_("Action taken"), widget=forms.Textarea(attrs={"rows": 3})
    )
    on = DayMonthYearField(label=_("Date"), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("action_taken", Row(Column("on", css_class="col-md-4")))

    def clean_on(self):
        return _not_future(self.cleaned_data["on"])


OPEN, RESOLVED = "open", "resolved"


class FlagFilterForm(forms.Form):
    """Filters of the screening list; invalid values are ignored, not refused."""

    ground = forms.ChoiceField(
        label=_("Ground"), choices=[("", _("All grounds")), *FlagGround.choices], required=False
    )
    year = forms.IntegerField(label=_("Year"), min_value=1930, max_value=2100, required=False)
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Open and resolved")), (OPEN, _("Open")), (RESOLVED, _("Resolved"))],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("ground", css_class="col-md-5"),
                Column("year", css_class="col-md-2"),
                Column("state", css_class="col-md-3"),
            )
        )

    def filter(self, flags):
        if not self.is_valid():
            return flags
        data = self.cleaned_data
        if data["ground"]:
            flags = flags.filter(ground=data["ground"])
        if data["year"]:
            flags = flags.filter(year=data["year"])
        if data["state"] == OPEN:
            flags = flags.filter(resolved_on__isnull=True)
        elif data["state"] == RESOLVED:
            flags = flags.filter(resolved_on__isnull=False)
        return flags
