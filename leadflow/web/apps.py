from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "leadflow.web"
    label = "web"
