"""Web forms for deals: list filters, new deal, stage change. They parse; the services validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from leadflow.attachments.models import AttachmentKind
from leadflow.catalog.models import ProductLine
from leadflow.customers.models import Customer
from leadflow.deals.models import Deal, Pipeline, Stage
from leadflow.org.models import User
from leadflow.org.visibility import users_visible_to
from leadflow.web.forms import ConfirmMixin, ListFilterForm, MultipleFileField


def _stage_choices(pipelines: list[Pipeline]) -> list:
    """Stages grouped by pipeline (an optgroup each), or flat when there is only one pipeline."""
    groups = [(p.name, [(s.pk, s.name) for s in p.stages.all()]) for p in pipelines]
    if len(groups) == 1:
        return groups[0][1]
    return groups


class DealFilterForm(ListFilterForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Deal or customer name"), "autocomplete": "off"}
        ),
    )
    pipeline = forms.TypedChoiceField(label=_("Pipeline"), required=False, coerce=int, empty_value=None)
    stage = forms.TypedChoiceField(label=_("Stage"), required=False, coerce=int, empty_value=None)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, user: User, pipelines: list[Pipeline], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pipeline"].choices = [("", _("All pipelines")), *[(p.pk, p.name) for p in pipelines]]
        self.fields["stage"].choices = [("", _("All stages")), *_stage_choices(pipelines)]
        self.set_owner_choices(user)

    def search_args(self) -> dict[str, Any]:
        data = self.valid_data()
        return {
            "q": (data.get("q") or "").strip(),
            "pipeline_id": data.get("pipeline"),
            "stage_id": data.get("stage"),
            "owner_id": data.get("owner"),
        }


class DealForm(ConfirmMixin, forms.Form):
    """A new deal for one customer."""

    name = forms.CharField(label=_("Deal name"), max_length=100)
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), min_value=0, max_digits=14, decimal_places=2, initial=0, localize=False
    )
    stage = forms.TypedChoiceField(label=_("Stage"), coerce=int)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    product_line = forms.ModelChoiceField(
        label=_("Product line"), queryset=ProductLine.objects.all(), required=False
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self, *args: Any, user: User, customer: Customer, default_pipeline: Pipeline, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        pipelines = list(Pipeline.objects.prefetch_related("stages"))
        # The customer's industry template first, so its first stage is the default.
        pipelines.sort(key=lambda p: (p.pk != default_pipeline.pk, p.name))
        self.fields["stage"].choices = _stage_choices(pipelines)
        first = default_pipeline.stages.order_by("position").first()
        self.fields["stage"].initial = first.pk if first else None
        owners = Q(pk__in=users_visible_to(user).values("pk")) | Q(pk=customer.owner_id)
        self.fields["owner"].queryset = User.objects.filter(owners).order_by("username")
        self.fields["owner"].initial = customer.owner_id
        if not ProductLine.objects.exists():
            del self.fields["product_line"]

    def clean_stage(self) -> Stage:
        try:
            return Stage.objects.select_related("pipeline").get(pk=self.cleaned_data["stage"])
        except Stage.DoesNotExist:
            raise forms.ValidationError(_("Choose a stage.")) from None


class StageChangeForm(ConfirmMixin, forms.Form):
    stage = forms.TypedChoiceField(label=_("Move to stage"), coerce=int)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Why it moves, what was agreed")}),
    )
    files = MultipleFileField(
        label=_("Evidence"),
        help_text=_("A contract scan, an email screenshot … required when skipping stages."),
    )
    evidence_kind = forms.ChoiceField(
        label=_("The files are"),
        required=False,
        choices=[("", _("— choose when you attach files —")), *AttachmentKind.choices],
    )

    def __init__(self, *args: Any, deal: Deal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stages = {s.pk: s for s in deal.pipeline.stages.all()}
        self.fields["stage"].choices = [(s.pk, s.name) for s in self.stages.values() if s.pk != deal.stage_id]
        # The next stage is the usual move.
        following = [s for s in self.stages.values() if s.position > deal.stage.position]
        if following:
            self.fields["stage"].initial = following[0].pk

    def clean_stage(self) -> Stage:
        return self.stages[self.cleaned_data["stage"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("files") and not data.get("evidence_kind"):
            self.add_error("evidence_kind", _("Say what the attached files are."))
        return data
