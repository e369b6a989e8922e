from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "leadflow.deals"
    label = "deals"
