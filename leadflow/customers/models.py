from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from leadflow.core.models import TimeStamped
from leadflow.core.writes import Source
from leadflow.customers.validators import validate_credit_code, validate_mobile, validate_phone


class Industry(models.TextChoices):
    MEDICAL = "medical", _("Medical devices")
    SAAS = "saas", _("Software / SaaS")
    HARDWARE = "hardware", _("Hardware & industrial supplies")
    FMCG = "fmcg", _("FMCG")
    RETAIL = "retail", _("Retail")
    OTHER = "other", _("Other")


class CustomerStatus(models.TextChoices):
    LEAD = "lead", _("Lead")
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    LOST = "lost", _("Lost")


class CustomerSource(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    EXHIBITION = "exhibition", _("Trade show")
    COLD_CALL = "cold_call", _("Cold call")
    WEBSITE = "website", _("Website")
    DINGTALK = "dingtalk", _("DingTalk")
    WECOM = "wecom", _("WeCom")
    IMPORT = "import", _("Import")
    OTHER = "other", _("Other")


class PaymentTerms(models.TextChoices):
    CASH = "cash", _("Cash on order")
    COD = "cod", _("Cash on delivery")
    NET30 = "net30", _("Monthly, 30 days")
    NET60 = "net60", _("Monthly, 60 days")
    NET90 = "net90", _("Monthly, 90 days")
    UNKNOWN = "", _("Not known yet")


class Customer(TimeStamped):
    name = models.CharField(_("name"), max_length=100, db_index=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("统一社会信用代码: 18 characters, as on the business licence."),
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, default=Industry.OTHER)
    phone = models.CharField(_("main phone"), max_length=30, blank=True, validators=[validate_phone], db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True, db_index=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    adcode = models.CharField(_("area code"), max_length=12, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="customers"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CustomerStatus.choices, default=CustomerStatus.LEAD, db_index=True
    )
    source = models.CharField(_("source"), max_length=20, choices=CustomerSource.choices, default=CustomerSource.OTHER)
    payment_terms = models.CharField(
        _("payment-term habit"), max_length=10, choices=PaymentTerms.choices, default="", blank=True
    )
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    first_visit_at = models.DateTimeField(_("first visit"), null=True, blank=True)
    # Maintained by the activity service: the timeline's newest entry.
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True, db_index=True)
    notes = models.TextField(_("notes"), blank=True)
    created_via = models.CharField(max_length=20, choices=Source.choices, default=Source.WEB)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-last_activity_at"], name="customer_owner_recent"),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(TimeStamped):
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True, validators=[validate_mobile], db_index=True)
    phone = models.CharField(_("landline"), max_length=30, blank=True, validators=[validate_phone])
    wechat = models.CharField(_("WeChat ID"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name
