"""Form pieces every web page shares: service errors onto form fields, file inputs, date inputs.

Forms here only parse input; the services validate and decide. When a service raises one of
:mod:`leadflow.core.errors`, :func:`apply_errors` puts each message under the field it names.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from leadflow.core.errors import LeadflowError, RuleViolation

# Service field names that a form shows under another name.
FIELD_ALIASES = {"owner_id": "owner", "product_line_id": "product_line", "non_field": None, "file": "files"}


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more uploaded files (Django's documented pattern for ``<input multiple>``)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ConfirmMixin(forms.Form):
    """A hidden "save anyway" box, shown when the data gatekeeper asks for confirmation."""

    confirm = forms.BooleanField(
        label=gettext_lazy("I have checked this; save anyway"), required=False, widget=forms.HiddenInput
    )

    def ask_confirmation(self) -> None:
        self.fields["confirm"].widget = forms.CheckboxInput()
        self.order_fields([name for name in self.fields if name != "confirm"] + ["confirm"])
        self.needs_confirmation = True


def apply_errors(form: forms.Form, exc: LeadflowError) -> None:
    """Show a service error on ``form``: each field error under its field, the rest on top.

    A gatekeeper refusal whose findings all ask for confirmation turns on the form's confirm box.
    """
    placed = False
    for error in exc.errors:
        name = FIELD_ALIASES.get(error.field, error.field)
        if (
            name is not None
            and name in form.fields
            and not isinstance(form.fields[name].widget, forms.HiddenInput)
        ):
            form.add_error(name, error.message)
            placed = True
        else:
            form.add_error(None, error.message)
            placed = True
    if not placed or isinstance(exc, RuleViolation):
        form.add_error(None, exc.detail)
    if isinstance(exc, RuleViolation) and isinstance(form, ConfirmMixin):
        if exc.violations and all(v.severity == "confirm" for v in exc.violations):
            form.ask_confirmation()


class ListFilterForm(forms.Form):
    """The filters above a list: a bad value drops that filter, it is never an error."""

    def set_owner_choices(self, user, field: str = "owner") -> None:
        from leadflow.org.visibility import users_visible_to

        owners = users_visible_to(user).order_by("username")
        self.fields[field].choices = [("", gettext_lazy("All owners")), *[(u.pk, str(u)) for u in owners]]
        # A rep sees only themself: no owner filter to show.
        self.show_owner = len(self.fields[field].choices) > 2

    def valid_data(self) -> dict:
        """The cleaned values of the filters that are valid (all empty when unbound)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data
