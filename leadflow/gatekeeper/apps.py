from django.apps import AppConfig


class GatekeeperConfig(AppConfig):
    name = "leadflow.gatekeeper"
    label = "gatekeeper"
