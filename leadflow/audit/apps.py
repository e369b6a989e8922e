from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "leadflow.audit"
    label = "audit"
