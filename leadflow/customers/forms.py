"""Web forms for customers, contacts and quick activities. They parse; the services validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from leadflow.activities.models import ActivityKind
from leadflow.customers.models import CustomerSource, CustomerStatus, Industry, PaymentTerms
from leadflow.org.models import User
from leadflow.org.visibility import users_visible_to
from leadflow.web.forms import ConfirmMixin, DateTimeLocalInput, ListFilterForm, MultipleFileField


class CustomerFilterForm(ListFilterForm):
    """The search box and filters above the customer list (GET)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, phone or credit code"), "autocomplete": "off"}
        ),
    )
    city = forms.ChoiceField(label=_("City"), required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *CustomerStatus.choices]
    )

    def __init__(self, *args: Any, user: User, cities: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("All cities")), *[(c, c) for c in cities]]
        self.set_owner_choices(user)

    def search_args(self) -> dict[str, Any]:
        """Keyword arguments for ``customer_search``; invalid filters are ignored, not errors."""
        data = self.valid_data()
        return {
            "q": data.get("q", ""),
            "city": data.get("city", ""),
            "owner_id": data.get("owner"),
            "status": data.get("status", ""),
        }


class CustomerForm(ConfirmMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        required=False,
        max_length=30,
        help_text=_("18 characters, as on the business licence."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    legal_representative = forms.CharField(label=_("Legal representative"), required=False, max_length=50)
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices, initial=Industry.OTHER)
    phone = forms.CharField(
        label=_("Main phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=200,
        help_text=_("Province, city and district are read from the address."),
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    status = forms.ChoiceField(label=_("Status"), choices=CustomerStatus.choices, initial=CustomerStatus.LEAD)
    source = forms.ChoiceField(
        label=_("Source"), choices=CustomerSource.choices, initial=CustomerSource.OTHER
    )
    payment_terms = forms.ChoiceField(
        label=_("Payment-term habit"), choices=PaymentTerms.choices, required=False
    )
    first_contact_at = forms.DateTimeField(
        label=_("First contact"), required=False, widget=DateTimeLocalInput()
    )
    first_visit_at = forms.DateTimeField(label=_("First visit"), required=False, widget=DateTimeLocalInput())
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    FIELDS = (
        "name",
        "credit_code",
        "legal_representative",
        "industry",
        "phone",
        "address",
        "status",
        "source",
        "payment_terms",
        "first_contact_at",
        "first_visit_at",
        "notes",
    )

    def __init__(self, *args: Any, user: User, current_owner_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The current owner stays selectable even when no longer active.
        owners = Q(pk__in=users_visible_to(user).values("pk")) | Q(pk=current_owner_id or user.pk)
        self.fields["owner"].queryset = User.objects.filter(owners).order_by("username")
        self.fields["owner"].initial = user.pk

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.FIELDS}
        data["credit_code"] = data["credit_code"] or None
        data["owner_id"] = self.cleaned_data["owner"].pk
        return data


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    title = forms.CharField(label=_("Title"), required=False, max_length=50)
    mobile = forms.CharField(
        label=_("Mobile"), required=False, max_length=20, widget=forms.TextInput(attrs={"type": "tel"})
    )
    phone = forms.CharField(
        label=_("Landline"), required=False, max_length=30, widget=forms.TextInput(attrs={"type": "tel"})
    )
    wechat = forms.CharField(label=_("WeChat ID"), required=False, max_length=50)
    email = forms.EmailField(label=_("Email"), required=False)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=200)


QUICK_KINDS = [
    (ActivityKind.VISIT, ActivityKind.VISIT.label),
    (ActivityKind.CALL, ActivityKind.CALL.label),
    (ActivityKind.NOTE, ActivityKind.NOTE.label),
    (ActivityKind.CHAT, ActivityKind.CHAT.label),
]


class ActivityForm(ConfirmMixin, forms.Form):
    """The quick "add activity" form on the customer page."""

    kind = forms.ChoiceField(label=_("Kind"), choices=QUICK_KINDS, initial=ActivityKind.VISIT)
    text = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("Who you met, what they need, what comes next")}
        ),
    )
    occurred_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Leave empty for now."),
    )
    files = MultipleFileField(label=_("Photos or files"))
