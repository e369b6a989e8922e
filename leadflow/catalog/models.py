from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductLine(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductCategory(models.Model):
    line = models.ForeignKey(ProductLine, verbose_name=_("product line"), on_delete=models.PROTECT, related_name="categories")
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["line__name", "name"]
        constraints = [models.UniqueConstraint(fields=["line", "name"], name="category_unique_in_line")]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    line = models.ForeignKey(ProductLine, verbose_name=_("product line"), on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(
        ProductCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    unit = models.CharField(_("unit"), max_length=10, default="件")
    list_price = models.DecimalField(_("list price"), max_digits=12, decimal_places=2, default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"
