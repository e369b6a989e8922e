from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "leadflow.ingest"
    label = "ingest"
