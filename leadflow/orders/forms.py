"""Filters for the payments page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leadflow.orders.models import Payment


class PaymentFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Customer name"), "autocomplete": "off"}
        ),
    )
    review = forms.ChoiceField(
        label=_("Review status"),
        required=False,
        choices=[("", _("All review statuses")), *Payment.Review.choices],
    )
    method = forms.ChoiceField(
        label=_("Method"), required=False, choices=[("", _("All methods")), *Payment.Method.choices]
    )

    def filters(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # a bad filter is dropped, not an error
            data = self.cleaned_data
        return {k: data.get(k) or "" for k in ("q", "review", "method")}
