"""The upload form: what the workbook holds, and the file."""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import ImportKind
from .workbooks import XLSX


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The workbook holds"),
        choices=ImportKind.choices,
        initial=ImportKind.MEMBERS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}"}),
        help_text=_(
            "Fill in the template of the same kind; the largest file accepted is %(limit)s."
        )
        % {"limit": filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is %(size)s; the largest file accepted is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                code="too_large",
            )
        return upload
