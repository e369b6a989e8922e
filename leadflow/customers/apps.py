from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "leadflow.customers"
    label = "customers"
