from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "leadflow.notify"
    label = "notify"
