from django.apps import AppConfig


class GatekeeperConfig(AppConfig):
    name = "leadflow.gatekeeper"
    label = "gatekeeper"

    def ready(self) -> None:
        from leadflow.gatekeeper import signals  # noqa: F401 - registers the cache invalidation
