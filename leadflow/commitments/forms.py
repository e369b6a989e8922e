"""Web forms for commitments and tickets. They parse; the services validate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leadflow.catalog.models import ProductLine
from leadflow.commitments.models import DeliverableType, Ticket
from leadflow.org.models import User
from leadflow.org.visibility import users_visible_to
from leadflow.web.forms import DateTimeLocalInput, ListFilterForm, MultipleFileField


def _default_due() -> dt.datetime:
    """Two work days from now at 18:00 is a typical "I'll send it by…"."""
    local = timezone.localtime() + dt.timedelta(days=2)
    return local.replace(hour=18, minute=0, second=0, microsecond=0)


class CommitmentForm(forms.Form):
    deliverable_type = forms.ModelChoiceField(label=_("Deliverable"), queryset=DeliverableType.objects.none(), empty_label=None)
    title = forms.CharField(
        label=_("What was promised"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Send the quote for 20 monitors")}),
    )
    due_at = forms.DateTimeField(label=_("Due"), widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Deal owner"))
    files = MultipleFileField(label=_("Files"), help_text=_("PDF, Word, Excel, PowerPoint or images."))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deliverable_type"].queryset = DeliverableType.objects.filter(active=True)
        self.fields["owner"].queryset = users_visible_to(user).order_by("username")
        if not self.is_bound:
            self.initial.setdefault("due_at", _default_due().strftime("%Y-%m-%dT%H:%M"))


class DeliverForm(forms.Form):
    files = MultipleFileField(label=_("Delivered file"))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class RescheduleForm(forms.Form):
    due_at = forms.DateTimeField(label=_("New due time"), widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


class CommitmentFilterForm(ListFilterForm):
    STATUS = [
        ("", _("All")),
        ("open", _("Open")),
        ("overdue", _("Overdue")),
        ("delivered", _("Delivered")),
        ("cancelled", _("Cancelled")),
    ]
    status = forms.ChoiceField(label=_("Status"), choices=STATUS, required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    product_line = forms.TypedChoiceField(label=_("Product line"), required=False, coerce=int, empty_value=None)
    due_from = forms.DateField(
        label=_("Due from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    due_to = forms.DateField(
        label=_("Due to"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_owner_choices(user)
        self.fields["product_line"].choices = [("", _("All product lines")), *ProductLine.objects.values_list("pk", "name")]

    def filters(self) -> dict[str, Any]:
        return {k: v for k, v in self.valid_data().items() if v not in (None, "")}


class ReportForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def period(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        start, end = today - dt.timedelta(days=27), today
        if self.is_bound and self.is_valid():
            start, end = self.cleaned_data["date_from"], self.cleaned_data["date_to"]
            if start > end:
                start, end = end, start
        return start, end


class TicketCommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class TicketStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Ticket.Status.choices)

