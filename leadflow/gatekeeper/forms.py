"""Web forms of the data gatekeeper: review decisions, the violation-log filters, the rule editor,
rule import and the freshness threshold. They parse; the services validate."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import yaml
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from leadflow.core.writes import Source
from leadflow.gatekeeper.kinds import KINDS
from leadflow.gatekeeper.models import Entity, Rule, Severity, ViolationRecord
from leadflow.gatekeeper.selectors import week_start
from leadflow.org.models import User

# Where a write came from, in words a user reads (Source's own labels are codes).
SOURCE_LABELS = {
    Source.WEB: _("Web form"),
    Source.MOBILE: _("Mobile app"),
    Source.API: _("API"),
    Source.IMPORT: _("Import"),
    Source.ERP: _("ERP"),
    Source.DINGTALK: _("DingTalk"),
    Source.WECOM: _("WeCom"),
    Source.OCR: _("OCR"),
    Source.ADMIN: _("Admin site"),
    Source.SYSTEM: _("System"),
}


def source_label(code: str) -> str:
    return str(SOURCE_LABELS.get(code, code))


# Each rule kind in words, with the fields and parameters it takes.
KIND_HELP = {
    "date_order": (
        _("Date order"),
        _(
            "Fields: two dates; the first must be earlier than the second (either may be relation.field, "
            "e.g. customer.first_visit_at). Parameters: allow_equal: true lets them be equal."
        ),
    ),
    "not_weekend": (
        _("Not on a weekend or holiday"),
        _(
            "Fields: one or more dates. Parameters: holidays: true also refuses public holidays. "
            "Make-up work days count as work days."
        ),
    ),
    "stage_jump": (
        _("Stage jump needs evidence"),
        _(
            "No fields. Parameters: max_jump (default 2): moving a deal forward more stages at once needs a file "
            "of one of evidence_kinds (e.g. [contract_scan, email_screenshot])."
        ),
    ),
    "outlier": (
        _("Outlier against the customer's history"),
        _(
            "Field: the amount. Parameters: factor (default 3) × the customer's average over the trailing months "
            "(default 3); fallback when there is no history: allow, flag, or an amount above which to flag."
        ),
    ),
    "required": (_("Required"), _("Fields: those that must be filled. No parameters.")),
    "range": (_("Numeric range"), _("Fields: numbers. Parameters: min, max, or both.")),
    "format": (
        _("Format (regular expression)"),
        _("Fields: text. Parameters: pattern: a regular expression the whole value must match."),
    ),
    "unique": (_("Unique"), _("Fields: values no other record of this type may have. No parameters.")),
}


def kind_label(code: str) -> str:
    entry = KIND_HELP.get(code)
    return str(entry[0]) if entry else code


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


class ViolationFilterForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    owner = forms.ChoiceField(label=_("Rep"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("All outcomes")), *ViolationRecord.Outcome.choices],
    )
    week = forms.DateField(
        label=_("Week of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Any day of the week."),
    )

    def __init__(self, *args: Any, owners: list[User], show_no_owner: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [
            ("", _("All rules")),
            *(
                (key, name)
                for key, name in Rule.objects.order_by("position", "id").values_list("key", "name")
            ),
        ]
        self.fields["source"].choices = [
            ("", _("All sources")),
            *((s, source_label(s)) for s in Source.values),
        ]
        owner_choices: list[tuple[str, Any]] = [("", _("All reps")), *((str(u.pk), str(u)) for u in owners)]
        if show_no_owner:
            owner_choices.append(("none", _("No owner")))
        self.fields["owner"].choices = owner_choices

    def filters(self) -> dict[str, Any]:
        """The valid filters; a bad one is dropped rather than an error (it is a list page)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        out = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if isinstance(out.get("week"), dt.date):
            out["week"] = week_start(out["week"])
        return out


class RuleForm(forms.Form):
    key = forms.SlugField(
        label=_("Key"), max_length=60, help_text=_("Letters, digits and hyphens; the name in YAML files.")
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    entity = forms.ChoiceField(label=_("Record"), choices=Entity.choices)
    actions = forms.CharField(
        label=_("On"),
        required=False,
        max_length=200,
        help_text=_("Comma-separated: create, update, stage_change …; empty means every write."),
    )
    fields = forms.CharField(
        label=_("Fields"),
        required=False,
        max_length=300,
        help_text=_("Comma-separated field names, e.g. first_contact_at, first_visit_at."),
    )
    kind = forms.ChoiceField(label=_("Kind"))
    params = forms.CharField(
        label=_("Parameters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono", "spellcheck": "false"}),
        help_text=_("YAML or JSON, e.g. {factor: 3, months: 3}. See the kinds below."),
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    message_zh = forms.CharField(label=_("Message (Chinese)"), max_length=300)
    message_en = forms.CharField(label=_("Message (English)"), max_length=300, required=False)
    active = forms.BooleanField(label=pgettext_lazy("rule", "Active"), required=False, initial=True)
    position = forms.IntegerField(
        label=pgettext_lazy("rule", "Order"), min_value=0, max_value=100000, initial=100
    )

    def __init__(self, *args: Any, rule: Rule | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.fields["kind"].choices = [(code, kind_label(code)) for code in KINDS]

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        others = Rule.objects.filter(key=key)
        if self.rule is not None:
            others = others.exclude(pk=self.rule.pk)
        if others.exists():
            raise forms.ValidationError(_("Another rule has this key."))
        return key

    @staticmethod
    def initial_for(rule: Rule) -> dict[str, Any]:
        params = json.dumps(rule.params, ensure_ascii=False) if rule.params else ""
        return {
            "key": rule.key,
            "name": rule.name,
            "entity": rule.entity,
            "actions": ", ".join(rule.actions or []),
            "fields": ", ".join(rule.fields or []),
            "kind": rule.kind,
            "params": params,
            "severity": rule.severity,
            "message_zh": rule.message_zh,
            "message_en": rule.message_en,
            "active": rule.active,
            "position": rule.position,
        }

    def clean_params(self) -> dict:
        text = self.cleaned_data.get("params") or ""
        if not text.strip():
            return {}
        try:
            value = yaml.safe_load(text)  # JSON is YAML too
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            if mark is not None:
                raise forms.ValidationError(
                    _("Not valid YAML or JSON (line %(line)d).") % {"line": mark.line + 1}
                ) from None
            raise forms.ValidationError(_("Not valid YAML or JSON.")) from None
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Parameters must be a mapping, e.g. {max_jump: 2}."))
        return value

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["actions"] = _split(data.get("actions") or "")
        data["fields"] = _split(data.get("fields") or "")
        return data


class RuleImportForm(forms.Form):
    MAX_BYTES = 512 * 1024

    file = forms.FileField(label=_("Rules file (YAML)"))
    replace = forms.BooleanField(
        label=_("Replace: switch off the rules that are not in the file"), required=False
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 512 KB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None

    # The columns the rule service stores as given: checked here against the model (lengths,
    # key format, order ≥ 0), so that a long name is a message, not a database error.
    COLUMNS = ("key", "name", "message_zh", "message_en", "active", "position")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            parsed = yaml.safe_load(data.get("file") or "")
        except yaml.YAMLError:
            return data  # the import service explains it
        items = parsed.get("rules") if isinstance(parsed, dict) else None
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            present = [name for name in self.COLUMNS if name in item]
            rule = Rule(**{name: item[name] for name in present})
            excluded = [f.name for f in Rule._meta.fields if f.name not in present]
            try:
                rule.full_clean(exclude=excluded, validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        self.add_error(
                            None,
                            _("Rule %(n)d, %(field)s: %(message)s")
                            % {"n": i + 1, "field": field, "message": message},
                        )
        return data


class FreshnessSettingsForm(forms.Form):
    threshold_hours = forms.IntegerField(
        label=_("Stale after (working hours)"),
        min_value=1,
        max_value=200,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
