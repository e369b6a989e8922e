from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "leadflow.org"
    label = "org"
