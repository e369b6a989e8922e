from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "leadflow.catalog"
    label = "catalog"
