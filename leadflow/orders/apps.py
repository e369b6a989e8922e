from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "leadflow.orders"
    label = "orders"
