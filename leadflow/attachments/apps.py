from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "leadflow.attachments"
    label = "attachments"
