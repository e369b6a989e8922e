from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "leadflow.commitments"
    label = "commitments"
