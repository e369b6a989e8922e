from django.contrib import admin

from leadflow.catalog.models import Product, ProductCategory, ProductLine


@admin.register(ProductLine)
class ProductLineAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "line"]
    list_filter = ["line"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "line", "category", "list_price", "active"]
    list_filter = ["line", "active"]
    search_fields = ["sku", "name"]
