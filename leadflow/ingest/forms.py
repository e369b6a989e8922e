"""The upload form of an import. It parses; the attachments and import services validate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leadflow.ingest.models import ImportJob


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (.xlsx) or CSV; the first row holds the column headers, as in the templates."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    confirm = forms.BooleanField(
        label=_("Confirm the rows the gatekeeper asks about (e.g. a first contact on a weekend)"),
        required=False,
    )
